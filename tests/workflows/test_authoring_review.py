"""Approvals, stale detection, the interactive gate (scripted input), refine and naming."""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_helpers import DESIGN, REQUIREMENTS, TASKS, ScriptedModel, authoring, new_workspace

from specloom.spec.workspace import Workspace
from specloom.workflows.approval import approval_state
from specloom.workflows.authoring import refine_phase
from specloom.workflows.flow import advance, approve, outcome_diff, reload, start_spec
from specloom.workflows.gates import Gate
from specloom.workflows.naming import SpecNameError, suggest_kebab_case, validate_spec_name


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return new_workspace(tmp_path)


def scripted_gate(answers: list[str], said: list[str],
                  edit: object = None) -> Gate:
    queue = list(answers)

    def ask(question: str) -> str:
        said.append(question)
        if not queue:
            raise EOFError
        return queue.pop(0)

    def no_edit(path: Path) -> None:
        raise AssertionError("editor not expected")

    return Gate(ask=ask, say=said.append, edit=edit or no_edit)  # type: ignore[arg-type]


def approved_spec(workspace: Workspace) -> Path:
    flow = authoring(workspace, ScriptedModel([REQUIREMENTS, DESIGN, TASKS]))
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")
    report = advance(flow, scripted_gate(["a", "a", "a"], []))
    assert report.done and report.approved == ["requirements", "design", "tasks"]
    return workspace.spec_dir("book-loans")


@pytest.mark.req("authoring", "7.3")
def test_editing_an_approved_document_marks_later_phases_stale(workspace: Workspace) -> None:
    folder = approved_spec(workspace)
    flow = authoring(workspace, ScriptedModel([]))
    requirements = folder / "requirements.md"
    requirements.write_text(REQUIREMENTS.replace("14 days", "21 days"))
    assert approval_state(reload(flow)) == {
        "requirements": "edited", "design": "stale", "tasks": "stale"}
    report = advance(flow, None)
    assert report.waiting == "requirements" and "changed since it was approved" in \
        report.waiting_reason
    approve(workspace, "book-loans")
    assert approval_state(reload(flow)) == {
        "requirements": "approved", "design": "stale", "tasks": "stale"}
    report = advance(flow, None)
    assert report.waiting == "design" and "stale" in report.waiting_reason
    approve(workspace, "book-loans")
    approve(workspace, "book-loans")
    assert set(approval_state(reload(flow)).values()) == {"approved"}


@pytest.mark.req("authoring", "6.1", "6.2", "6.3", "8.1")
def test_interactive_gate_feedback_edit_and_approve(workspace: Workspace) -> None:
    revised = REQUIREMENTS.replace("14 days", "28 days")
    scripted = ScriptedModel([REQUIREMENTS, revised, DESIGN])
    flow = authoring(workspace, scripted)
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")

    def edit(path: Path) -> None:
        path.write_text(path.read_text().replace("28 days", "30 days"))

    said: list[str] = []
    gate = scripted_gate(["f", "loans last four weeks", "e", "a", "s"], said, edit)
    report = advance(flow, gate)
    assert report.approved == ["requirements"]
    assert report.waiting == "design"
    assert "-1. WHEN a member borrows an available book, THE Loan_Service SHALL record a loan " \
           "due in 14 days." in report.diffs[0]
    assert "loans last four weeks" in scripted.prompt_text(1)
    assert "30 days" in (workspace.spec_dir("book-loans") / "requirements.md").read_text()
    assert "30 days" in scripted.prompt_text(2)  # the design saw the hand edit
    assert any("----- requirements.md -----" in line for line in said)
    assert any("no findings" in line for line in said)


@pytest.mark.req("authoring", "6.5")
def test_gate_without_answers_stops_for_async_review(workspace: Workspace) -> None:
    flow = authoring(workspace, ScriptedModel([REQUIREMENTS]))
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")
    report = advance(flow, scripted_gate([], []))
    assert report.waiting == "requirements" and not report.approved


@pytest.mark.req("authoring", "4.3", "8.3")
def test_refine_keeps_the_rejected_attempt_beside_the_file(workspace: Workspace) -> None:
    folder = approved_spec(workspace)
    flow = authoring(workspace, ScriptedModel(["nonsense"] * 3))
    outcome = refine_phase(flow, "design", "shorter please")
    assert not outcome.written
    assert (folder / "design.md").read_text() == DESIGN
    assert (folder / "design.md.rejected").read_text() == "nonsense\n"


@pytest.mark.req("authoring", "7.3")
def test_refine_diff(workspace: Workspace) -> None:
    approved_spec(workspace)
    flow = authoring(workspace, ScriptedModel([DESIGN.replace("A loan ledger.", "A ledger.")]))
    outcome = refine_phase(flow, "design", "shorter overview")
    assert "-A loan ledger.\n+A ledger.\n" in outcome_diff(outcome)
    assert approval_state(reload(flow))["design"] == "edited"


@pytest.mark.req("authoring", "1.2")
@pytest.mark.parametrize(("name", "suggestion"), [
    ("Book Loans", "book-loans"), ("bookLoans", "book-loans"), ("book_loans", "book-loans"),
    ("Café--Menu!", "cafe-menu"),
])
def test_names_must_be_kebab_case(name: str, suggestion: str) -> None:
    assert suggest_kebab_case(name) == suggestion
    with pytest.raises(SpecNameError, match=repr(suggestion)):
        validate_spec_name(name)
    assert validate_spec_name(suggestion) == suggestion
