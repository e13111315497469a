"""Hooks running real commands on each event, through the dispatcher and through AgentTools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from specloom.agent.hooks import EVENTS, HookDispatcher, HookEvent, load_hooks
from specloom.agent.permissions import Permissions
from specloom.agent.tools import AgentTools
from specloom.spec.workspace import Workspace

RECORD = 'echo "$SPECLOOM_HOOK_EVENT|${SPECLOOM_FILE:-}|${SPECLOOM_TOOL:-}|${USER_PROMPT:-}" >> log.txt'


def hook_file(root: Path, hooks: list[Any]) -> Workspace:
    folder = root / ".kiro" / "hooks"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "all.json").write_text(json.dumps({"version": "v1", "hooks": hooks}))
    return Workspace(root)


def log(root: Path) -> list[str]:
    path = root / "log.txt"
    return path.read_text().splitlines() if path.exists() else []


def dispatcher(workspace: Workspace) -> HookDispatcher:
    hooks, problems = load_hooks(workspace)
    assert problems == []
    return HookDispatcher(workspace, hooks)


@pytest.mark.req("task-runner", "8.3")
@pytest.mark.parametrize("event", EVENTS)
def test_each_event_runs_a_real_command(tmp_path: Path, event: str) -> None:
    workspace = hook_file(tmp_path, [{"name": "rec", "trigger": event,
                                      "action": {"type": "command", "command": RECORD}}])
    fields = {"file_path": "src/a.py", "tool_name": "write_file", "tool_type": "write",
              "prompt": "do it"}
    outcome = dispatcher(workspace).dispatch(HookEvent(event, **fields))
    assert outcome.ran == ["rec"] and not outcome.errors
    assert log(tmp_path) == [f"{event}|src/a.py|write_file|do it"]


@pytest.mark.req("task-runner", "8.4")
def test_stdout_goes_to_context_and_failure_reports_stderr(tmp_path: Path) -> None:
    workspace = hook_file(tmp_path, [
        {"name": "ok", "trigger": "agentStop", "action": {"type": "command", "command": "echo fine"}},
        {"name": "bad", "trigger": "agentStop",
         "action": {"type": "command", "command": "echo out; echo broken >&2; exit 4"}},
        {"name": "ask", "trigger": "agentStop", "action": {"type": "agent", "prompt": "Summarise."}},
    ])
    outcome = dispatcher(workspace).dispatch(HookEvent("agentStop"))
    assert outcome.context == ["hook 'ok' output:\nfine"]
    assert outcome.errors == ["hook 'bad' failed (exit 4):\nbroken"]
    assert outcome.agent_prompts == ["Summarise."] and not outcome.blocked


@pytest.mark.req("task-runner", "8.5")
def test_hook_timeout(tmp_path: Path) -> None:
    workspace = hook_file(tmp_path, [{"name": "slow", "trigger": "preToolUse", "timeout": 0.3,
                                      "action": {"type": "command", "command": "sleep 10"}}])
    outcome = dispatcher(workspace).dispatch(HookEvent("preToolUse", tool_name="x", tool_type="read"))
    assert outcome.blocked and "timed out after 0.3 s" in outcome.errors[0]


@pytest.mark.req("task-runner", "8.5")
def test_failing_pre_tool_use_blocks_the_tool(tmp_path: Path) -> None:
    workspace = hook_file(tmp_path, [
        {"name": "guard", "trigger": "PreToolUse", "matcher": "write",
         "action": {"type": "command", "command": "echo 'no writes today' >&2; exit 1"}}])
    tools = AgentTools(workspace, permissions=Permissions(), hooks=dispatcher(workspace),
                       approver=None, checkpoints=None)
    result = tools.write_file("x.txt", "x")
    assert not result.ok and "no writes today" in (result.error or "")
    assert not (tmp_path / "x.txt").exists()
    assert tools.read_file(".kiro/hooks/all.json").ok


@pytest.mark.req("task-runner", "8.3")
def test_agent_writes_fire_tool_and_file_hooks(tmp_path: Path) -> None:
    hooks = [{"name": f"h-{event}", "trigger": event, "action": {"type": "command", "command": RECORD}}
             for event in ("preToolUse", "postToolUse", "fileCreated", "fileEdited")]
    older = {"name": "py-only", "when": {"type": "fileEdited", "patterns": ["**/*.py"]},
             "then": {"type": "runCommand", "command": "echo py-edited $SPECLOOM_FILE"}}
    workspace = hook_file(tmp_path, hooks)
    (tmp_path / ".kiro/hooks/py.kiro.hook").write_text(json.dumps(older))
    tools = AgentTools(workspace, permissions=Permissions(), hooks=dispatcher(workspace),
                       approver=None, checkpoints=None)
    assert tools.write_file("a.txt", "1\n").ok
    edited = tools.edit_file("a.txt", "1", "2")
    py = tools.write_file("m.py", "x = 1\n")
    tools.write_file("m.py", "x = 2\n")
    lines = log(tmp_path)
    assert lines[:3] == ["preToolUse|a.txt|write_file|", "postToolUse|a.txt|write_file|",
                         "fileCreated|a.txt|write_file|"]
    assert "fileEdited|a.txt|edit_file|" in lines and edited.ok
    assert not any("py-edited" in c for c in py.hook_context)
    assert any("py-edited m.py" in c for c in tools.write_file("m.py", "x = 3\n").hook_context)


@pytest.mark.req("task-runner", "8.4")
def test_post_tool_use_for_shell(tmp_path: Path) -> None:
    workspace = hook_file(tmp_path, [{"name": "after-shell", "trigger": "postToolUse",
                                      "matcher": "shell|run_command",
                                      "action": {"type": "command", "command": "echo after"}}])
    tools = AgentTools(workspace, permissions=Permissions(), hooks=dispatcher(workspace),
                       approver=None, checkpoints=None)
    assert tools.run_command("true").hook_context == ("hook 'after-shell' output:\nafter",)
    assert tools.read_file(".kiro/hooks/all.json").hook_context == ()
