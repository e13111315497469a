"""The authoring flow driven by scripted models: phases, repairs, rejections and faults."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from authoring_helpers import (
    BUGFIX,
    BUGFIX_DESIGN,
    BUGFIX_TASKS,
    DESIGN,
    GARBAGE,
    REQUIREMENTS,
    TASKS,
    TASKS_CITING_MISSING,
    ScriptedModel,
    authoring,
    new_workspace,
)
from pydantic_ai.exceptions import ModelHTTPError

from specloom.models.phase_stream import ModelFailure
from specloom.spec.workspace import Workspace
from specloom.workflows.approval import approval_state
from specloom.workflows.authoring import generate_phase
from specloom.workflows.flow import (
    AuthoringError,
    advance,
    approve,
    reload,
    start_spec,
    validate_idea,
)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return new_workspace(tmp_path)


def config(workspace: Workspace, name: str = "book-loans") -> dict[str, object]:
    text = (workspace.spec_dir(name) / ".config.kiro").read_text()
    data: dict[str, object] = json.loads(text)
    return data


@pytest.mark.req("authoring", "1.1", "2.1", "6.4", "7.1", "7.2")
def test_requirements_first_async_review_through_all_phases(workspace: Workspace) -> None:
    scripted = ScriptedModel([REQUIREMENTS, DESIGN, TASKS])
    flow = authoring(workspace, scripted)
    start_spec(workspace, "book-loans", "Let members borrow and return books.",
               "requirements-first")
    data = config(workspace)
    assert uuid.UUID(str(data["specId"])).version == 4
    assert data["workflowType"] == "requirements-first" and data["specType"] == "feature"

    report = advance(flow, gate=None)
    assert report.waiting == "requirements" and [o.phase for o in report.outcomes] == [
        "requirements"]
    folder = workspace.spec_dir("book-loans")
    assert (folder / "requirements.md").read_text() == REQUIREMENTS
    assert not (folder / "design.md").exists()

    # another tool adds keys; approvals keep them
    raw = config(workspace)
    raw["customKey"] = 7
    raw["specloom"] = {**raw["specloom"], "note": "kept"}  # type: ignore[dict-item]
    (folder / ".config.kiro").write_text(json.dumps(raw))
    approve(workspace, "book-loans")
    assert advance(flow, None).waiting == "design"
    approve(workspace, "book-loans")
    assert advance(flow, None).waiting == "tasks"
    approve(workspace, "book-loans")
    final = advance(flow, None)
    assert final.done and not final.outcomes
    data = config(workspace)
    assert data["customKey"] == 7
    block = data["specloom"]
    assert isinstance(block, dict) and block["note"] == "kept"
    assert set(block["approvals"]) == {"requirements", "design", "tasks"}
    assert len(block["approvals"]["design"]["sha256"]) == 64
    assert approval_state(reload(flow)) == {
        "requirements": "approved", "design": "approved", "tasks": "approved"}


@pytest.mark.req("authoring", "3.1", "3.2", "3.3")
def test_prompt_rereads_hand_edits_and_keeps_a_stable_prefix(workspace: Workspace) -> None:
    scripted = ScriptedModel([REQUIREMENTS, DESIGN])
    flow = authoring(workspace, scripted)
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")
    advance(flow, None)
    requirements = workspace.spec_dir("book-loans") / "requirements.md"
    requirements.write_text(REQUIREMENTS.replace("14 days", "21 days"))
    approve(workspace, "book-loans")
    advance(flow, None)
    first, second = scripted.prompt_text(0), scripted.prompt_text(1)
    assert "STEERING: use Python 3.11" in first and "Let members borrow" in first
    assert "21 days" in second and "14 days" not in second
    shared = first[:first.index("Spec name:")]
    assert second.startswith(shared)


@pytest.mark.req("authoring", "4.1", "4.5")
def test_repair_round_sends_errors_back(workspace: Workspace) -> None:
    scripted = ScriptedModel([REQUIREMENTS, DESIGN, TASKS_CITING_MISSING, TASKS])
    flow = authoring(workspace, scripted)
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")
    for _ in range(2):
        advance(flow, None)
        approve(workspace, "book-loans")
    report = advance(flow, None)
    (outcome,) = report.outcomes
    assert outcome.rounds == 2 and outcome.written and not outcome.candidate.errors
    repair = scripted.prompt_text(3)
    assert "C001" in repair and "9.9" in repair


@pytest.mark.req("authoring", "4.2", "7.4")
def test_remaining_errors_are_kept_and_reported(workspace: Workspace) -> None:
    scripted = ScriptedModel([REQUIREMENTS, DESIGN, TASKS_CITING_MISSING, TASKS_CITING_MISSING])
    flow = authoring(workspace, scripted, max_repairs=1)
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")
    for _ in range(2):
        advance(flow, None)
        approve(workspace, "book-loans")
    (outcome,) = advance(flow, None).outcomes
    assert outcome.written and outcome.rounds == 2
    assert [d.code for d in outcome.candidate.errors] == ["C001"]
    with pytest.raises(AuthoringError, match="C001"):
        approve(workspace, "book-loans")
    approve(workspace, "book-loans", force=True)


@pytest.mark.req("authoring", "4.3")
def test_unparseable_output_is_kept_beside_the_file(workspace: Workspace) -> None:
    scripted = ScriptedModel([GARBAGE, GARBAGE, GARBAGE])
    flow = authoring(workspace, scripted)
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")
    report = advance(flow, None)
    folder = workspace.spec_dir("book-loans")
    assert report.rejected == "requirements" and not report.done
    assert not (folder / "requirements.md").exists()
    assert (folder / "requirements.md.rejected").read_text().startswith("Sure!")
    assert "not a usable requirements.md" in scripted.prompt_text(2)


@pytest.mark.req("authoring", "5.1", "5.2")
def test_model_output_cannot_choose_the_path(workspace: Workspace) -> None:
    answer = "File: ../../../evil.md\n\n" + REQUIREMENTS
    flow = authoring(workspace, ScriptedModel([answer]))
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")
    advance(flow, None)
    assert (workspace.spec_dir("book-loans") / "requirements.md").read_text() == REQUIREMENTS
    assert not list(workspace.root.rglob("evil.md"))
    with pytest.raises(ValueError, match="outside"):
        generate_phase(authoring(workspace, ScriptedModel([REQUIREMENTS]), name="../x"),
                       "requirements")


@pytest.mark.req("authoring", "5.3")
@pytest.mark.parametrize(("error", "message"), [
    (ModelHTTPError(429, "scripted"), "rate limiting"),
    (ModelHTTPError(503, "scripted"), "server error"),
    (TimeoutError(), "did not answer in time"),
])
def test_model_faults_become_clear_messages(workspace: Workspace, error: BaseException,
                                            message: str) -> None:
    flow = authoring(workspace, ScriptedModel([error]))
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")
    with pytest.raises(ModelFailure, match=message):
        advance(flow, None)
    assert sorted(p.name for p in workspace.spec_dir("book-loans").iterdir()) == [".config.kiro"]


@pytest.mark.req("authoring", "5.5")
def test_ctrl_c_while_streaming_leaves_no_file(workspace: Workspace) -> None:
    flow = authoring(workspace, ScriptedModel([REQUIREMENTS, KeyboardInterrupt()]))
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")
    advance(flow, None)
    approve(workspace, "book-loans")
    with pytest.raises(KeyboardInterrupt):
        advance(flow, None)
    names = sorted(p.name for p in workspace.spec_dir("book-loans").iterdir())
    assert names == [".config.kiro", "requirements.md"]


@pytest.mark.req("authoring", "1.1", "2.3", "7.5")
def test_quick_writes_all_three_in_one_pass(workspace: Workspace) -> None:
    flow = authoring(workspace, ScriptedModel([REQUIREMENTS, DESIGN, TASKS]), workflow="quick")
    start_spec(workspace, "book-loans", flow.idea, "quick")
    report = advance(flow, None)
    assert [o.phase for o in report.outcomes] == ["requirements", "design", "tasks"]
    assert config(workspace)["workflowType"] == "fast-task"
    assert set(approve(workspace, "book-loans")) == {"requirements", "design", "tasks"}
    assert advance(flow, None).done


@pytest.mark.req("authoring", "1.1", "2.2", "2.5", "3.1")
def test_design_first_writes_design_before_requirements(workspace: Workspace) -> None:
    scripted = ScriptedModel([DESIGN, REQUIREMENTS])
    flow = authoring(workspace, scripted, workflow="design-first")
    start_spec(workspace, "book-loans", flow.idea, "design-first")
    assert advance(flow, None).waiting == "design"
    assert "no requirements.md yet" in scripted.prompt_text(0)
    approve(workspace, "book-loans")
    assert advance(flow, None).waiting == "requirements"
    assert "Approved document: design.md" in scripted.prompt_text(1)
    assert config(workspace)["workflowType"] == "design-first"


@pytest.mark.req("authoring", "1.1", "2.4")
def test_bugfix_writes_bugfix_md(workspace: Workspace) -> None:
    flow = authoring(workspace, ScriptedModel([BUGFIX, BUGFIX_DESIGN, BUGFIX_TASKS]),
                     workflow="bugfix", name="fee-rounding", idea="Half cents round down.")
    start_spec(workspace, "fee-rounding", "Half cents round down.", "bugfix")
    assert config(workspace, "fee-rounding")["specType"] == "bugfix"
    for phase in ("bugfix", "design", "tasks"):
        report = advance(flow, None)
        assert report.waiting == phase, report
        assert not [d for o in report.outcomes for d in o.candidate.errors]
        approve(workspace, "fee-rounding")
    assert (workspace.spec_dir("fee-rounding") / "bugfix.md").read_text() == BUGFIX
    assert not (workspace.spec_dir("fee-rounding") / "requirements.md").exists()


@pytest.mark.req("authoring", "1.2", "1.3", "1.4", "1.5")
def test_bad_names_ideas_and_existing_specs(workspace: Workspace) -> None:
    with pytest.raises(AuthoringError, match="'book-loans'"):
        start_spec(workspace, "Book Loans", "idea", "requirements-first")
    with pytest.raises(AuthoringError, match="empty"):
        validate_idea("   ")
    with pytest.raises(AuthoringError, match="20,000"):
        validate_idea("x" * 20_001)
    start_spec(workspace, "book-loans", "idea", "requirements-first")
    with pytest.raises(AuthoringError, match="already exists"):
        start_spec(workspace, "book-loans", "idea", "requirements-first")


@pytest.mark.req("authoring", "1.6")
def test_new_files_get_the_usual_mode(workspace: Workspace) -> None:
    import os

    flow = authoring(workspace, ScriptedModel([REQUIREMENTS]))
    start_spec(workspace, "book-loans", flow.idea, "requirements-first")
    advance(flow, None)
    mask = os.umask(0)
    os.umask(mask)
    for name in (".config.kiro", "requirements.md"):
        mode = (workspace.spec_dir("book-loans") / name).stat().st_mode & 0o777
        assert mode == 0o666 & ~mask
