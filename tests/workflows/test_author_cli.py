"""`new`, `next`, `approve`, `refine` through their argparse handlers, with a scripted model
standing in for a remote provider (the session is replaced, nothing else)."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from authoring_helpers import DESIGN, GARBAGE, REQUIREMENTS, TASKS, ScriptedModel, new_workspace
from pydantic_ai.exceptions import ModelHTTPError

from specloom.cli import author_cmds, spec_cmds
from specloom.cli.errors import CliError
from specloom.models.errors import ModelConfigError
from specloom.workflows.gates import Gate


@dataclass
class FakeSession:
    scripted: ScriptedModel
    is_local: bool = False
    closed: bool = False
    name: str = "scripted"
    run_id: str = "run-scripted"

    @property
    def model(self) -> object:
        return self.scripted.model

    def usage_line(self) -> str:
        return "usage: scripted"

    def note(self) -> str | None:
        return None

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return new_workspace(tmp_path, {".kiro/steering/tech.md": "Use Python 3.11.\n"}).root


def use_model(monkeypatch: pytest.MonkeyPatch, answers: list[str | BaseException]
              ) -> FakeSession:
    session = FakeSession(ScriptedModel(answers))
    monkeypatch.setattr(author_cmds, "open_model_session", lambda *a, **k: session)
    return session


def cli(root: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    author_cmds.register(sub)
    spec_cmds.register(sub)
    args = parser.parse_args(list(argv))
    args.root = str(root)
    code: int = args.handler(args)
    return code


@pytest.mark.req("authoring", "3.1", "6.4")
def test_new_approve_next_async(root: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    session = use_model(monkeypatch, [REQUIREMENTS, DESIGN, TASKS])
    assert cli(root, "new", "book-loans", "Let members borrow books.", "--no-input") == 0
    out, err = capsys.readouterr()
    assert "wrote .kiro/specs/book-loans/requirements.md" in out
    assert "requirements.md awaits review" in out and "specloom approve book-loans" in out
    assert "writing requirements" in err and "usage: scripted" in err
    assert session.closed
    assert "Use Python 3.11." in session.scripted.prompt_text(0)

    assert cli(root, "approve", "book-loans", "--json") == 0
    assert set(json.loads(capsys.readouterr().out)["approved"]) == {"requirements"}
    assert cli(root, "next", "book-loans", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["waiting"] == "design" and data["outcomes"][0]["written"]
    assert data["approvals"] == {"requirements": "approved", "design": "pending",
                                 "tasks": "pending"}


@pytest.mark.req("authoring", "7.3", "7.6")
def test_list_and_show_display_stale(root: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    use_model(monkeypatch, [REQUIREMENTS, DESIGN])
    cli(root, "new", "book-loans", "idea", "--no-input")
    cli(root, "approve", "book-loans")
    cli(root, "next", "book-loans", "--no-input")
    cli(root, "approve", "book-loans")
    requirements = root / ".kiro/specs/book-loans/requirements.md"
    requirements.write_text(REQUIREMENTS + "\n")
    capsys.readouterr()
    cli(root, "list")
    out = capsys.readouterr().out
    assert "REVIEW" in out and "EDITED: requirements" in out
    cli(root, "approve", "book-loans")
    cli(root, "list")
    assert "STALE: design" in capsys.readouterr().out
    cli(root, "show", "book-loans")
    out = capsys.readouterr().out
    assert "    design        stale" in out and "    requirements  approved" in out


@pytest.mark.req("authoring", "8.1", "8.2")
def test_refine_prints_the_diff(root: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    use_model(monkeypatch, [REQUIREMENTS, REQUIREMENTS.replace("14 days", "21 days")])
    cli(root, "new", "book-loans", "idea", "--no-input")
    capsys.readouterr()
    assert cli(root, "refine", "book-loans", "three weeks, not two") == 0
    out = capsys.readouterr().out
    assert "-1. WHEN a member borrows" in out and "+1. WHEN a member borrows" in out
    assert "21 days" in (root / ".kiro/specs/book-loans/requirements.md").read_text()


def test_interactive_gate_through_the_cli(root: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    use_model(monkeypatch, [REQUIREMENTS, DESIGN, TASKS])
    answers = ["a", "a", "a"]
    gate = Gate(ask=lambda q: answers.pop(0), say=print)
    monkeypatch.setattr(author_cmds, "terminal_gate", lambda args: gate)
    assert cli(root, "new", "book-loans", "idea", "--quick") == 0
    assert "every document is approved" in capsys.readouterr().out


@pytest.mark.req("authoring", "1.2", "1.3", "1.4")
@pytest.mark.parametrize(("argv", "message"), [
    (("new", "Book Loans", "idea"), "try 'book-loans'"),
    (("new", "book-loans", "  "), "idea is empty"),
    (("new", "book-loans", "x" * 20_001), "limit is 20,000"),
])
def test_bad_input_is_a_clear_error(root: Path, monkeypatch: pytest.MonkeyPatch,
                                    argv: tuple[str, ...], message: str) -> None:
    use_model(monkeypatch, [])
    with pytest.raises(CliError, match=message):
        cli(root, *argv)
    assert not (root / ".kiro/specs/book-loans").exists()


@pytest.mark.req("authoring", "1.5", "5.4", "5.6")
def test_existing_spec_and_model_faults(root: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    use_model(monkeypatch, [ModelHTTPError(429, "scripted")])
    with pytest.raises(CliError, match=r"rate limiting.*specloom next book-loans"):
        cli(root, "new", "book-loans", "idea", "--no-input")
    with pytest.raises(CliError, match="already exists"):
        cli(root, "new", "book-loans", "idea", "--no-input")

    def refuse(*args: object, **kwargs: object) -> object:
        raise ModelConfigError("no model configured; pass --model")

    monkeypatch.setattr(author_cmds, "open_model_session", refuse)
    with pytest.raises(CliError, match="no model configured"):
        cli(root, "next", "book-loans")


@pytest.mark.req("authoring", "4.3", "4.4")
def test_rejected_output_exits_one(root: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    use_model(monkeypatch, [GARBAGE])
    assert cli(root, "new", "book-loans", "idea", "--no-input", "--max-repairs", "0") == 1
    out = capsys.readouterr().out
    assert "requirements.md.rejected" in out and "not a usable requirements.md" in out
