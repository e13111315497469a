"""The generated-document gate: template echoes, prompt text and empty SHALLs are never written
and never approvable, whatever their shape (Hypothesis), while real documents pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_helpers import REQUIREMENTS, ScriptedModel, authoring, new_workspace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specloom.workflows import flow, prompts
from specloom.workflows.authoring import generate_phase
from specloom.workflows.draft_gate import refusals
from specloom.workflows.phases import Phase

SLOTS = ("<trigger>", "<System_Name>", "<response>", "<role>", "<capability>", "<benefit>")
HEAD = "# Requirements Document\n\n## Introduction\n{intro}\n\n## Requirements\n"
REQ = ("\n### Requirement {n}: {title}\n**User Story:** As a {role}, I want {want}, so that "
       "{benefit}.\n\n#### Acceptance Criteria\n")
words = st.sampled_from(["book", "loan", "member", "record", "queue", "the", "a", "returns"])
phrases = st.lists(words, min_size=2, max_size=6).map(" ".join)


def _document(criteria: list[list[str]], intro: str = "Members borrow books.") -> str:
    text = HEAD.format(intro=intro)
    for number, lines in enumerate(criteria, start=1):
        text += REQ.format(n=number, title="Borrow", role="member", want="to borrow a book",
                           benefit="I can read it")
        text += "".join(f"{i}. {line}\n" for i, line in enumerate(lines, start=1))
    return text


@st.composite
def template_echoes(draw: st.DrawFn) -> str:
    """Documents in which at least one criterion is the prompt's template, slots and all."""
    def criterion(echo: bool) -> str:
        if echo:
            slot = draw(st.sampled_from(SLOTS))
            return draw(st.sampled_from([
                f"WHEN {slot}, THE Loan_Service SHALL record the loan.",
                f"WHEN a member borrows, THE {slot} SHALL record the loan.",
                f"THE System_Name SHALL {draw(phrases)}.",
                "WHEN <trigger>, THE <System_Name> SHALL <response>.",
                f"WHEN a member borrows, THE Loan_Service SHALL {draw(phrases)} {slot}.",
            ]))
        return f"WHEN a member borrows a book, THE Loan_Service SHALL {draw(phrases)}."
    shape = draw(st.lists(st.lists(st.booleans(), min_size=1, max_size=4), min_size=1,
                          max_size=3))
    if not any(flag for lines in shape for flag in lines):
        shape[0][0] = True
    return _document([[criterion(flag) for flag in lines] for lines in shape])


@st.composite
def prompt_texts(draw: st.DrawFn) -> str:
    """A run of the instructions' own lines (at least eight) under the document's title."""
    lines = [line for line in prompts.SYSTEM_INSTRUCTIONS.splitlines() if line.strip()]
    start = draw(st.integers(0, len(lines) - 8))
    end = draw(st.integers(start + 8, len(lines)))
    return "# Requirements Document\n\n" + "\n".join(lines[start:end]) + "\n"


@st.composite
def empty_shalls(draw: st.DrawFn) -> str:
    """A well-formed document except that one criterion has nothing (or one word) after SHALL."""
    tail = draw(st.sampled_from(["", ".", " .", " ...", " respond.", " -", " it"]))
    empty = draw(st.sampled_from([f"THE Loan_Service SHALL{tail}",
                                  f"WHEN a member borrows a book, THE Loan_Service SHALL{tail}",
                                  f"IF the book is lent, THEN THE Loan_Service SHALL{tail}"]))
    good = "WHEN a member borrows a book, THE Loan_Service SHALL record the loan."
    lines = [good] * draw(st.integers(0, 2))
    lines.insert(draw(st.integers(0, len(lines))), empty)
    return _document([lines])


IDEA = "Members borrow books and return them; a loan lasts 14 days."


def _refused_everywhere(tmp_path: Path, text: str, phase: Phase = "requirements") -> None:
    """Not written by the phase writer, and not approvable even with --force."""
    assert refusals(phase, text, IDEA)
    root = tmp_path / "w"
    workspace = new_workspace(root)
    flow.start_spec(workspace, "book-loans", IDEA, "requirements-first")
    outcome = generate_phase(authoring(workspace, ScriptedModel([text] * 3), idea=IDEA), phase)
    assert not outcome.written and not (workspace.spec_dir("book-loans") / "requirements.md"
                                        ).exists()
    (workspace.spec_dir("book-loans") / "requirements.md").write_text(text, encoding="utf-8")
    for force in (False, True):
        with pytest.raises(flow.AuthoringError, match="not approved"):
            flow.approve(workspace, "book-loans", "requirements", force=force)
    import shutil
    shutil.rmtree(root)


GATE_SETTINGS = settings(max_examples=25, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.req("first-run", "2.1", "2.5")
@GATE_SETTINGS
@given(template_echoes())
def test_template_echoes_are_never_written_or_approvable(tmp_path: Path, text: str) -> None:
    _refused_everywhere(tmp_path, text)


@pytest.mark.req("first-run", "2.2", "2.5")
@GATE_SETTINGS
@given(prompt_texts())
def test_prompt_text_is_never_written_or_approvable(tmp_path: Path, text: str) -> None:
    _refused_everywhere(tmp_path, text)


@pytest.mark.req("first-run", "2.3", "2.5")
@GATE_SETTINGS
@given(empty_shalls())
def test_empty_shalls_are_never_written_or_approvable(tmp_path: Path, text: str) -> None:
    _refused_everywhere(tmp_path, text)


@pytest.mark.req("first-run", "2.4")
def test_a_document_about_something_else_is_refused_and_a_real_one_passes() -> None:
    assert refusals("requirements", REQUIREMENTS, IDEA) == []
    other = REQUIREMENTS.replace("book", "invoice").replace("Book", "Invoice").replace(
        "borrow", "issue").replace("return", "pay").replace("loan", "payment").replace(
        "Loan", "Payment").replace("Members", "Clerks").replace("member", "clerk").replace(
        "shelf", "ledger").replace("14 days", "one month").replace(
        "Borrow", "Issue").replace("Return", "Pay")
    (refusal,) = refusals("requirements", other, IDEA)
    assert "none of the idea's words" in refusal.reason
    code = REQUIREMENTS.replace("Members borrow books from the shelf.",
                                "Calls `parse<T>(raw)` and renders <br> in <details>.")
    assert refusals("requirements", code, IDEA) == []
