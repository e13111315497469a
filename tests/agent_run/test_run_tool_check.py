"""`specloom run` with a model that cannot call tools: refused before anything is written, in
words that say what to configure; pydantic-ai's own refusals reach the user in words too."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai.exceptions import UserError
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models import Model
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.profiles import ModelProfile
from run_kit import Script, call, make_project, paths

from specloom.agent.runner import ModelWithoutTools, RunOptions, TaskRunner
from specloom.cli import main as cli_main
from specloom.cli import run_cmds
from specloom.spec.workspace import Workspace

TASKS_FILE = ".kiro/specs/calc/tasks.md"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (the user's .git included) with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def assert_what_to_configure(message: str) -> None:
    assert "cannot call tools" in message
    assert "nothing was changed" in message
    for named in ("--model", "anthropic:<model>", "openai:<model>", "ollama:<model>",
                  "docs/models.md"):
        assert named in message, named
    assert "UserError" not in message and "Traceback" not in message


@pytest.mark.req("task-runner", "4.8")
def test_run_with_the_embedded_model_is_refused_before_anything_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SPECLOOM_MODEL", raising=False)
    before = tree(root)

    # the real model session and the real LocalModel (built without loading its weights)
    code = cli_main.main(["--root", str(root), "run", "calc", "--model", "local"])
    err = capsys.readouterr().err

    assert code == 2
    assert err.startswith("specloom: error: the embedded model (Gemma 3 270M) cannot call "
                          "tools, which `specloom run` needs to edit files and run commands")
    assert_what_to_configure(err)
    assert "openai-compatible:<model>@<url>" in err
    assert tree(root) == before  # tasks.md byte for byte, and no run record or checkpoint
    assert not (root / ".kiro/specloom").exists()


@pytest.mark.req("task-runner", "4.8")
def test_runner_refuses_a_model_whose_profile_has_no_tools(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    before = tree(root)

    def never(_messages: list[ModelMessage], _info: AgentInfo) -> Any:
        raise AssertionError("a model without tools was called")

    model = FunctionModel(never, model_name="no-tools", profile=ModelProfile(supports_tools=False))
    runner = TaskRunner(Workspace(root), model, RunOptions(spec="calc", home=home))
    with pytest.raises(ModelWithoutTools) as refused:
        runner.run()

    assert str(refused.value).startswith("the model 'no-tools' cannot call tools")
    assert_what_to_configure(str(refused.value))
    assert tree(root) == before
    assert not (root / ".kiro/specloom").exists()


class FakeSession:
    """Session-like object around a scripted model, as in test_run_cli.py."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.name = "scripted"
        self.run_id = "tool-check"
        self.replaying = False
        self.is_local = False

    def usage_line(self) -> str:
        return "model scripted: usage line"

    def note(self) -> str | None:
        return None

    def close(self) -> None:
        pass


@pytest.mark.req("task-runner", "4.9")
def test_a_pydantic_ai_user_error_is_reported_in_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    monkeypatch.setenv("HOME", str(home))
    before = (root / TASKS_FILE).read_bytes()

    def refuse(_messages: list[ModelMessage], _info: AgentInfo) -> Any:
        raise UserError("Tool output is not supported by this model.")

    model = Script([call("list_dir", path="."), refuse])
    monkeypatch.setattr(run_cmds, "open_model_session",
                        lambda _workspace, **_kwargs: FakeSession(model.model))
    parser = argparse.ArgumentParser()
    run_cmds.register(parser.add_subparsers())
    args = parser.parse_args(["run", "calc", "--json"])
    args.root = str(root)
    code = args.handler(args)
    captured = capsys.readouterr()

    assert code == 1
    assert '"state": "failed"' in captured.out
    assert ("the configured model cannot do what the task needs (Tool output is not supported "
            "by this model); configure a model that can call tools with --model "
            "(see docs/models.md)") in captured.out
    assert "UserError" not in captured.out + captured.err
    assert (root / TASKS_FILE).read_bytes() == before  # the failed task's box went back
