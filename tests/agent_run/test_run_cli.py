"""`specloom run` through its parser, with the scripted model standing in for a provider."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai.models import Model
from run_kit import GOOD_ADD, Script, implement, make_project, paths

from specloom.cli import run_cmds
from specloom.core.errors import SpecloomError


class FakeSession:
    """Session-like object around a scripted model (the one allowed fake)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.name = "scripted"
        self.run_id = "cli-run"
        self.replaying = False
        self.is_local = False
        self.closed = False
        self.opened_with: dict[str, Any] = {}

    def usage_line(self) -> str:
        return "model scripted: usage line"

    def note(self) -> str | None:
        return None

    def close(self) -> None:
        self.closed = True


def run_cli(root: Path, argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    run_cmds.register(sub)
    args = parser.parse_args(argv)
    args.root = str(root)
    code: int = args.handler(args)
    return code


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeSession:
    monkeypatch.setenv("HOME", str(paths(tmp_path)[1]))  # no user-wide steering
    model = Script(implement(GOOD_ADD, "added add"))
    fake = FakeSession(model.model)

    def open_session(_workspace: object, **kwargs: Any) -> FakeSession:
        fake.opened_with = kwargs
        return fake

    monkeypatch.setattr(run_cmds, "open_model_session", open_session)
    return fake


@pytest.mark.req("task-runner", "4.5")
def test_run_json_reports_the_verified_task(tmp_path: Path, session: FakeSession,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root, _home = paths(tmp_path)
    make_project(root)
    code = run_cli(root, ["run", "calc", "--json", "--model", "scripted-model"])
    captured = capsys.readouterr()
    report = json.loads(captured.out)

    assert code == 0
    assert report["kind"] == "run" and report["ok"] is True and report["run_id"] == "cli-run"
    assert [(t["task"], t["state"], t["status"]) for t in report["tasks"]] == [
        ("1", "verified", "done")]
    assert report["usage"]["requests"] == 3
    assert session.closed and session.opened_with["model"] == "scripted-model"
    assert "specloom: task 1: tool write_file calc.py" in captured.err
    assert "model scripted: usage line" in captured.err
    assert (root / ".kiro/specloom/runs/cli-run/tasks/1.json").is_file()


@pytest.mark.req("task-runner", "4.6")
def test_run_text_output_and_exit_code_when_not_verified(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root, home = paths(tmp_path)
    monkeypatch.setenv("HOME", str(home))
    make_project(root)
    fake = FakeSession(Script(implement("def add(a, b):\n    return 0\n")).model)
    monkeypatch.setattr(run_cmds, "open_model_session", lambda *_a, **_k: fake)
    code = run_cli(root, ["run", "calc", "1"])
    out = capsys.readouterr().out
    assert code == 1
    assert "[-] 1 Implement add in calc.py: unverified" in out
    assert "task 1 of calc is not done: 1.1 failing (tests/test_calc.py::test_add: " in out


def test_unknown_spec_is_a_usage_error(tmp_path: Path, session: FakeSession) -> None:
    root, _home = paths(tmp_path)
    make_project(root)
    with pytest.raises(SpecloomError, match="no spec 'nope'"):
        run_cli(root, ["run", "nope"])
    assert session.closed
