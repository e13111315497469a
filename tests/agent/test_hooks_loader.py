"""Loading both hook formats; invalid files reported with file and line, the rest still load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specloom.agent.hooks import load_hooks
from specloom.agent.hooks.model import HookEvent, glob_matches
from specloom.agent.hooks.rules import RULES
from specloom.spec.workspace import Workspace


def write(root: Path, name: str, text: str) -> None:
    folder = root / ".kiro" / "hooks"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


OLDER = {"name": "Lint on save", "version": "1", "enabled": True,
         "when": {"type": "fileEdited", "patterns": ["src/**/*.py"]},
         "then": {"type": "runCommand", "command": "ruff check .", "timeout": 30}}
V1 = {"version": "v1", "hooks": [
    {"name": "lint", "trigger": "PostFileSave", "matcher": "\\.py$",
     "action": {"type": "command", "command": "ruff check ."}, "timeout": 30, "enabled": True},
    {"name": "tests-reminder", "trigger": "PreToolUse", "matcher": "write",
     "action": {"type": "agent", "prompt": "Update the tests."}}]}


@pytest.mark.req("task-runner", "8.1")
def test_both_formats_load(tmp_path: Path) -> None:
    write(tmp_path, "lint.kiro.hook", json.dumps(OLDER, indent=2))
    write(tmp_path, "v1.json", json.dumps(V1, indent=2))
    hooks, problems = load_hooks(Workspace(tmp_path))
    assert problems == []
    older, lint, reminder = hooks
    assert (older.event, older.action, older.timeout) == ("fileEdited", "command", 30.0)
    assert older.matches(HookEvent("fileEdited", file_path="src/a/b.py"))
    assert not older.matches(HookEvent("fileEdited", file_path="docs/b.py"))
    assert (lint.event, lint.matcher, lint.timeout) == ("fileEdited", "\\.py$", 30.0)
    assert lint.matches(HookEvent("fileEdited", file_path="x/y.py"))
    assert reminder.event == "preToolUse" and reminder.prompt == "Update the tests."
    assert reminder.matches(HookEvent("preToolUse", tool_name="write_file", tool_type="write"))
    assert not reminder.matches(HookEvent("preToolUse", tool_name="read_file", tool_type="read"))
    text = json.dumps(V1, indent=2).splitlines()
    assert text[reminder.line - 1].strip() == '"name": "tests-reminder",'


@pytest.mark.req("task-runner", "8.2")
def test_invalid_files_reported_with_line_and_rest_loads(tmp_path: Path) -> None:
    write(tmp_path, "a-good.kiro.hook", json.dumps(OLDER))
    write(tmp_path, "b-broken.kiro.hook", '{\n  "name": "x",\n  "when": {"type": "fileEdited"},\n}\n')
    write(tmp_path, "c-bad.json", json.dumps({"version": "v1", "hooks": [
        {"name": "nope", "trigger": "onSave", "action": {"type": "command", "command": "x"}},
        {"name": "regex", "trigger": "PreToolUse", "matcher": "(",
         "action": {"type": "command", "command": "x"}},
        {"name": "no-command", "trigger": "agentStop", "action": {"type": "command"}},
        {"name": "ok", "trigger": "agentStop", "action": {"type": "command", "command": "true"}},
    ]}, indent=2))
    hooks, problems = load_hooks(Workspace(tmp_path))
    assert [h.name for h in hooks] == ["Lint on save", "ok"]
    found = {(p.code, p.path, p.line) for p in problems}
    assert ("H001", ".kiro/hooks/b-broken.kiro.hook", 4) in found
    codes = sorted(p.code for p in problems if p.path.endswith("c-bad.json"))
    assert codes == ["H002", "H003", "H004"]
    assert all(p.line > 1 for p in problems if p.path.endswith("c-bad.json"))


def test_duplicate_names_and_disabled(tmp_path: Path) -> None:
    write(tmp_path, "a.kiro.hook", json.dumps(OLDER))
    write(tmp_path, "b.kiro.hook", json.dumps({**OLDER, "enabled": False}))
    hooks, problems = load_hooks(Workspace(tmp_path))
    assert [p.code for p in problems] == ["H005"]
    assert not hooks[1].matches(HookEvent("fileEdited", file_path="src/x.py"))


@pytest.mark.req("task-runner", "8.2")
def test_tool_types(tmp_path: Path) -> None:
    hook = {"name": "t", "when": {"type": "postToolUse", "toolTypes": ["shell"]},
            "then": {"type": "askAgent", "prompt": "p"}}
    write(tmp_path, "t.kiro.hook", json.dumps(hook))
    write(tmp_path, "u.kiro.hook", json.dumps({**hook, "name": "u",
                                               "when": {"type": "postToolUse", "toolTypes": ["bogus"]}}))
    hooks, problems = load_hooks(Workspace(tmp_path))
    assert [p.code for p in problems] == ["H004"]
    assert hooks[0].matches(HookEvent("postToolUse", tool_name="run_command", tool_type="shell"))
    assert not hooks[0].matches(HookEvent("postToolUse", tool_name="read_file", tool_type="read"))


def test_glob_matching() -> None:
    assert glob_matches("src/**/*.py", "src/a.py") and glob_matches("src/**/*.py", "src/a/b/c.py")
    assert glob_matches("*.md", "docs/x.md") and not glob_matches("src/*.py", "src/a/b.py")
    assert glob_matches("**/*.{ts,tsx}", "web/app.tsx")


def test_rules_metadata() -> None:
    assert [r.code for r in RULES] == [f"H00{i}" for i in range(1, 7)]
    assert all(r.family == "hooks" for r in RULES)


@pytest.mark.req("spec-check", "10.11")
def test_trigger_given_as_an_object(tmp_path: Path) -> None:
    write(tmp_path, "index.json", json.dumps({
        "name": "Update index", "trigger": {"type": "manual", "label": "Update index"},
        "prompt": "Refresh the index.", "context": ["docs/"]}, indent=2))
    write(tmp_path, "files.json", json.dumps({"version": "v1", "hooks": [
        {"name": "on-save", "trigger": {"type": "fileEdited", "patterns": ["src/**/*.py"]},
         "action": {"type": "command", "command": "ruff check ."}},
        {"name": "on-shell", "trigger": {"type": "postToolUse", "toolTypes": ["shell"]},
         "command": "echo done"}]}, indent=2))
    write(tmp_path, "button.kiro.hook", json.dumps({
        "name": "Coverage", "when": {"type": "manual", "button_text": "Check"},
        "then": {"type": "askAgent", "prompt": "Check coverage."}}))

    hooks, problems = load_hooks(Workspace(tmp_path))

    assert problems == []
    by_name = {h.name: h for h in hooks}
    index = by_name["Update index"]
    assert (index.event, index.action, index.prompt) == ("userTriggered", "agent",
                                                         "Refresh the index.")
    assert by_name["Coverage"].event == "userTriggered"
    on_save = by_name["on-save"]
    assert on_save.matches(HookEvent("fileEdited", file_path="src/a/b.py"))
    assert not on_save.matches(HookEvent("fileEdited", file_path="docs/b.py"))
    on_shell = by_name["on-shell"]
    assert (on_shell.action, on_shell.command) == ("command", "echo done")
    assert on_shell.matches(HookEvent("postToolUse", tool_name="run", tool_type="shell"))
    assert not on_shell.matches(HookEvent("postToolUse", tool_name="read", tool_type="read"))


@pytest.mark.req("spec-check", "10.11")
@pytest.mark.parametrize(("hook", "quoted"), [
    ({"name": "a", "trigger": {"type": "onSave"}, "prompt": "p"}, '"onSave"'),
    ({"name": "b", "trigger": {"label": "x"}, "prompt": "p"}, '{"label": "x"}'),
    ({"name": "c", "trigger": 7, "prompt": "p"}, "7"),
    ({"name": "d", "trigger": "agentStop", "action": "run it"}, '"action": "run it"'),
    ({"name": "e", "trigger": "agentStop", "prompt": "p", "timeout": "soon"}, '"soon"'),
    ({"name": "f", "trigger": "agentStop", "prompt": "p", "enabled": "yes"}, '"yes"'),
    ({"name": "g", "trigger": {"type": "postToolUse", "toolTypes": ["net"]}, "prompt": "p"},
     '"net"'),
    ({"name": "h", "when": {"type": "fileEdited", "patterns": "*.py, *.md"}, "then": "x"},
     '"then": "x"'),
    ({"name": "i", "when": {"type": "fileEdited"}, "then": {"type": "runCommand", "command": ""}},
     '"command": ""'),
    ({"name": 5, "trigger": "agentStop", "prompt": "p"}, '"name": 5'),
])
def test_error_messages_quote_the_value_as_written(tmp_path: Path, hook: dict[str, object],
                                                   quoted: str) -> None:
    write(tmp_path, "bad.json", json.dumps(hook))

    hooks, (problem,) = load_hooks(Workspace(tmp_path))

    assert hooks == []
    assert quoted in problem.message
