"""The offline drafter: the idea read deterministically, small slots, assembled documents that
the rules and the draft gate accept; the real embedded model fills slots, never templates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from authoring_helpers import ScriptedModel, authoring, new_workspace
from hypothesis import given
from hypothesis import strategies as st

from specloom.context.matching import content_words
from specloom.core.rule import Severity
from specloom.drafting.idea import read_idea
from specloom.drafting.requirements import draft_requirements
from specloom.drafting.slots import TEMPLATE_WORDS, SlotFiller, usable_phrase
from specloom.quality.check import check_workspace
from specloom.quality.settings import CheckSettings
from specloom.spec.workspace import Workspace
from specloom.workflows.authoring import generate_phase
from specloom.workflows.draft_gate import refusals
from specloom.workflows.flow import start_spec

IDEA = ("Members can place a hold on a book that is out on loan; when the book is returned, "
        "the first member in the queue gets it for three days. Send an email reminder to "
        "borrowers two days before a loan is due.")


@pytest.mark.req("first-run", "3.1")
def test_the_idea_is_read_into_actor_action_trigger_and_numbers() -> None:
    hold, queue, reminder = read_idea(IDEA)
    assert (hold.kind, hold.actor, hold.text) == (
        "capability", "member", "place a hold on a book that is out on loan")
    assert (queue.kind, queue.trigger, queue.trigger_kind) == (
        "statement", "the book is returned", "event")
    assert "three days" in queue.text
    assert reminder.kind == "instruction" and reminder.text.startswith("send an email")
    (story,) = read_idea("As a librarian, I want to see all overdue loans so that I can call "
                         "the members.")
    assert (story.actor, story.text, story.purpose) == (
        "librarian", "see all overdue loans", "I can call the members")
    (failure,) = read_idea("If a payment fails, the order stays open.")
    assert (failure.trigger_kind, failure.trigger) == ("unwanted", "a payment fails")


@pytest.mark.req("first-run", "3.1", "3.3")
def test_drafts_without_a_model_pass_the_rules_and_the_gate(tmp_path: Path) -> None:
    text = draft_requirements("loan-holds", IDEA, SlotFiller(None, IDEA))
    assert refusals("requirements", text, IDEA) == []
    body = text.split("## Requirements", 1)[1]
    wanted = set(content_words(IDEA))
    assert len(wanted & set(content_words(body))) / len(wanted) >= 0.6
    assert "WHEN the book is returned, THE Loan_Holds SHALL" in text
    folder = tmp_path / ".kiro" / "specs" / "loan-holds"
    folder.mkdir(parents=True)
    (folder / "requirements.md").write_text(text, encoding="utf-8")
    report = check_workspace(Workspace(tmp_path), ["loan-holds"], CheckSettings(select=("ALL",)))
    assert [d for d in report.diagnostics if d.severity is Severity.ERROR] == []
    assert [d for d in report.diagnostics if d.code == "A011"] == []


@pytest.mark.req("first-run", "3.2", "3.3")
@given(st.lists(st.sampled_from(sorted(TEMPLATE_WORDS)), min_size=1, max_size=2),
       st.lists(st.sampled_from(["hold", "book", "member", "queue", "returned", "the"]),
                min_size=2, max_size=6))
def test_a_slot_phrase_with_a_template_word_is_never_kept(template: list[str],
                                                          words: list[str]) -> None:
    phrase = " ".join([*words[:1], *template, *words[1:]])
    assert not usable_phrase(phrase, "want: to place a hold\nso that:", "place a hold")
    assert not usable_phrase(f"the <{words[0]}> is {words[-1]}", "q", words[0])


@pytest.mark.req("first-run", "3.4")
def test_design_and_tasks_derive_from_the_requirements_on_disk(tmp_path: Path) -> None:
    workspace = new_workspace(tmp_path)
    start_spec(workspace, "loan-holds", IDEA, "requirements-first")
    never = ScriptedModel([])  # design and tasks ask no model: an empty script would raise
    flow = authoring(workspace, never, name="loan-holds", idea=IDEA, use_grammar=True)
    folder = workspace.spec_dir("loan-holds")
    (folder / "requirements.md").write_text(
        draft_requirements("loan-holds", IDEA, SlotFiller(None, IDEA)), encoding="utf-8")
    edited = (folder / "requirements.md").read_text().replace(
        "### Requirement 1: Place a hold on a book", "### Requirement 1: Hold a lent book")
    (folder / "requirements.md").write_text(edited, encoding="utf-8")
    for phase in ("design", "tasks"):
        outcome = generate_phase(flow, phase)
        assert outcome.written and not outcome.candidate.errors, outcome.findings
    design = (folder / "design.md").read_text()
    assert "### Property 1: Hold a lent book" in design
    assert "**Validates: Requirements 1.1, 1.2, 1.3**" in design
    tasks = (folder / "tasks.md").read_text()
    assert "- [ ] 1. Hold a lent book" in tasks and "_Requirements: 2.1, 2.2_" in tasks
    assert never.prompts == []


@pytest.mark.req("first-run", "1.1", "3.2")
def test_new_with_the_embedded_model_in_a_fresh_repository(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp", reason="the embedded model needs specloom[local]")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "app").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "specloom.cli.main", "new", "loan-holds", IDEA, "--model",
         "local", "--no-input", "--json"], cwd=tmp_path / "app", capture_output=True,
        text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    assert f"created .kiro/ in {tmp_path}" in result.stderr
    text = (tmp_path / ".kiro/specs/loan-holds/requirements.md").read_text()
    assert refusals("requirements", text, IDEA) == []
    assert "<" not in text and "System_Name" not in text
    assert json.loads(result.stdout)["spec"] == "loan-holds"
    (run,) = (tmp_path / ".kiro" / "specloom" / "runs").iterdir()
    call = json.loads((run / "0001.json").read_text())
    assert call["settings"]["extra_body"]["grammar"].startswith("root ::= word")
