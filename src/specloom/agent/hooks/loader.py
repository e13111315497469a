"""Read `.kiro/hooks/*.kiro.hook` (older JSON) and `.kiro/hooks/*.json` ("v1") into `Hook`s.

An invalid file or entry becomes a diagnostic with the file and line, quoting the value as
the file writes it (JSON); every other hook still loads. This module only reads files; it never
runs anything.

A trigger may be a string (`"trigger": "PostFileSave"`, `"when": {"type": "fileEdited"}`) or an
object whose `type` key names the event (`"trigger": {"type": "manual", "label": "..."}`), with
optional `patterns` / `toolTypes` beside it. A v1 hook without an `action` object may give its
`prompt` (or `command`) at the top level.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from specloom.agent.hooks.model import DEFAULT_TIMEOUT, EVENTS, TOOL_TYPES, Hook
from specloom.core import jsontext
from specloom.core.diagnostic import Diagnostic
from specloom.core.errors import SpecloomError
from specloom.core.rule import Severity
from specloom.spec.workspace import Workspace

_EVENT_NAMES = {e.lower(): e for e in EVENTS} | {
    "postfilesave": "fileEdited", "filesave": "fileEdited", "filesaved": "fileEdited",
    "postfileedit": "fileEdited", "postfilecreate": "fileCreated",
    "postfiledelete": "fileDeleted", "manual": "userTriggered", "usertrigger": "userTriggered",
    "stop": "agentStop", "userpromptsubmit": "promptSubmit",
}
_COMMAND_ACTIONS = ("runcommand", "command", "shell")
_AGENT_ACTIONS = ("askagent", "agent", "prompt")


class HookFileProblem(SpecloomError):
    line: int

    def __init__(self, code: str, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.code, self.line = code, line


def hook_files(workspace: Workspace) -> list[Path]:
    folder = workspace.kiro / "hooks"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and (p.name.endswith(".kiro.hook") or p.suffix == ".json"))


def load_hooks(workspace: Workspace) -> tuple[list[Hook], list[Diagnostic]]:
    """All hooks of the workspace in file order, and the problems found on the way."""
    hooks: list[Hook] = []
    problems: list[Diagnostic] = []
    for path in hook_files(workspace):
        shown = workspace.relative(path)
        found, file_problems = _load_file(path, shown)
        hooks += found
        problems += file_problems
    problems += _duplicates(hooks)
    return hooks, problems


def _load_file(path: Path, shown: str) -> tuple[list[Hook], list[Diagnostic]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [_diagnostic("H006", shown, 1, f"cannot read hook file: {exc}")]
    try:
        data = jsontext.loads(text)
    except json.JSONDecodeError as exc:
        return [], [_diagnostic("H001", shown, exc.lineno, f"invalid JSON: {exc.msg}", exc.colno)]
    entries = _entries(data, path.name)
    hooks, problems = [], []
    for index, entry in entries:
        try:
            hooks.append(_hook(entry, shown, text, index, path.name))
        except HookFileProblem as exc:
            problems.append(_diagnostic(exc.code, shown, exc.line, str(exc)))
    return hooks, problems


def _entries(data: Any, file_name: str) -> list[tuple[int, Any]]:
    if isinstance(data, dict) and isinstance(data.get("hooks"), list):
        return list(enumerate(data["hooks"]))
    return [(-1, data)]


def _hook(entry: Any, shown: str, text: str, index: int, file_name: str) -> Hook:
    if not isinstance(entry, dict):
        raise HookFileProblem("H002", f"a hook must be a JSON object, the file has "
                                      f"{_written(entry)}", _nth_brace_line(text, index))
    default_name = file_name.removesuffix(".kiro.hook").removesuffix(".json")
    name = entry.get("name", default_name if index < 0 else "")
    line = _line_of(text, name, index)
    if not isinstance(name, str) or not name.strip():
        raise HookFileProblem("H002", "hook has no 'name'" if "name" not in entry else
                              f"hook 'name' must be a text, the file has \"name\": "
                              f"{_written(name)}", line)
    if "when" in entry or "then" in entry:
        return _older(entry, name, shown, line)
    return _v1(entry, name, shown, line)


def _older(entry: dict[str, Any], name: str, shown: str, line: int) -> Hook:
    when, then = entry.get("when"), entry.get("then")
    if not isinstance(when, dict) or not isinstance(then, dict):
        raise HookFileProblem("H002", f"hook {name!r}: 'when' and 'then' must be objects; the "
                                      f"file has \"when\": {_written(when)}, \"then\": "
                                      f"{_written(then)}", line)
    event = _event(when.get("type"), name, line, "when.type")
    tool_types = _tool_types(when.get("toolTypes", []), "when.toolTypes", name, line)
    return Hook(
        name=name, event=event, source=shown, line=line,
        patterns=_strings(when.get("patterns", []), "when.patterns", name, line),
        tool_types=tool_types, enabled=_enabled(entry, name, line),
        description=str(entry.get("description", "")), **_action(then, name, line),
    )


def _tool_types(value: Any, field_name: str, name: str, line: int) -> tuple[str, ...]:
    """The tool types a hook matches, each one of TOOL_TYPES; an unknown one is quoted."""
    tool_types = _strings(value, field_name, name, line)
    for tool_type in tool_types:
        if tool_type not in TOOL_TYPES:
            raise HookFileProblem("H004", f"hook {name!r}: unknown tool type "
                                          f"{_written(tool_type)}; use one of "
                                          f"{', '.join(TOOL_TYPES)}", line)
    return tool_types


def _v1(entry: dict[str, Any], name: str, shown: str, line: int) -> Hook:
    trigger = entry.get("trigger")
    event = _event(trigger, name, line, "trigger")
    details = trigger if isinstance(trigger, dict) else {}
    action = entry.get("action")
    if action is None and ("prompt" in entry or "command" in entry):
        # the action's fields written beside the trigger, without an "action" object
        action = {"type": "agent" if "prompt" in entry else "command",
                  **{k: entry[k] for k in ("prompt", "command") if k in entry}}
    if not isinstance(action, dict):
        raise HookFileProblem("H002", f"hook {name!r}: 'action' must be an object, the file has "
                                      f"\"action\": {_written(action)}", line)
    matcher = entry.get("matcher")
    if matcher is not None:
        if not isinstance(matcher, str):
            raise HookFileProblem("H004", f"hook {name!r}: 'matcher' must be a string, the file "
                                          f"has \"matcher\": {_written(matcher)}", line)
        try:
            re.compile(matcher)
        except re.error as exc:
            raise HookFileProblem("H004", f"hook {name!r}: matcher {_written(matcher)} is not a "
                                          f"valid regular expression: {exc}", line) from None
    merged = dict(action)
    if "timeout" in entry and "timeout" not in merged:
        merged["timeout"] = entry["timeout"]
    tool_types = _tool_types(details.get("toolTypes", []), "trigger.toolTypes", name, line)
    return Hook(name=name, event=event, source=shown, line=line, matcher=matcher,
                patterns=_strings(details.get("patterns", []), "trigger.patterns", name, line),
                tool_types=tool_types, enabled=_enabled(entry, name, line),
                description=str(entry.get("description", "")), **_action(merged, name, line))


def _action(then: dict[str, Any], name: str, line: int) -> dict[str, Any]:
    kind = str(then.get("type", "")).lower()
    timeout = then.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise HookFileProblem("H002", f"hook {name!r}: 'timeout' must be a positive number of "
                                      f"seconds, the file has \"timeout\": {_written(timeout)}",
                              line)
    if kind in _COMMAND_ACTIONS:
        command = then.get("command")
        if not isinstance(command, str) or not command.strip():
            raise HookFileProblem("H002", f"hook {name!r}: runCommand needs a 'command', the "
                                          f"file has \"command\": {_written(command)}", line)
        return {"action": "command", "command": command, "timeout": float(timeout)}
    if kind in _AGENT_ACTIONS:
        prompt = then.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise HookFileProblem("H002", f"hook {name!r}: askAgent needs a 'prompt', the file "
                                          f"has \"prompt\": {_written(prompt)}", line)
        return {"action": "agent", "prompt": prompt, "timeout": float(timeout)}
    raise HookFileProblem("H002", f"hook {name!r}: unknown action type "
                                  f"{_written(then.get('type'))}; use runCommand or askAgent",
                          line)


def _event(value: Any, name: str, line: int, key: str) -> str:
    """The event of a trigger written as a string or as an object with a `type` key."""
    written = value
    if isinstance(value, dict):
        value, key = value.get("type"), f"{key}.type"
    if value is None and written is None:
        raise HookFileProblem("H002", f"hook {name!r} has no trigger ('when.type' or 'trigger')",
                              line)
    if not isinstance(value, str) or not value.strip():
        raise HookFileProblem("H002", f"hook {name!r}: {key} must name an event, the file has "
                                      f"{_written(written)}", line)
    event = _EVENT_NAMES.get(value.strip().lower())
    if event is None:
        raise HookFileProblem("H003", f"hook {name!r}: unknown event {_written(value)} in "
                                      f"{key}; use one of {', '.join(EVENTS)}", line)
    return event


def _written(value: Any, limit: int = 80) -> str:
    """A value as the file writes it (JSON), shortened when long."""
    if value is None:
        return "nothing"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _strings(value: Any, field_name: str, name: str, line: int) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HookFileProblem("H002", f"hook {name!r}: '{field_name}' must be a list of strings, "
                                      f"the file has {_written(value)}", line)
    return tuple(value)


def _enabled(entry: dict[str, Any], name: str, line: int) -> bool:
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise HookFileProblem("H002", f"hook {name!r}: 'enabled' must be true or false, the "
                                      f"file has \"enabled\": {_written(enabled)}", line)
    return enabled


def _line_of(text: str, name: Any, index: int) -> int:
    if isinstance(name, str) and name:
        match = re.search(r'"name"\s*:\s*' + re.escape(json.dumps(name)), text)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return _nth_brace_line(text, index)


def _nth_brace_line(text: str, index: int) -> int:
    """Best effort: the line of the index-th object inside the "hooks" array."""
    if index < 0:
        return 1
    start = text.find('"hooks"')
    offsets = [m.start() for m in re.finditer(r"\{", text[start + 1:])] if start >= 0 else []
    if index < len(offsets):
        return text.count("\n", 0, start + 1 + offsets[index]) + 1
    return 1


def _duplicates(hooks: list[Hook]) -> list[Diagnostic]:
    seen: dict[str, Hook] = {}
    problems = []
    for hook in hooks:
        if hook.name in seen:
            first = seen[hook.name]
            problems.append(_diagnostic("H005", hook.source, hook.line,
                                        f"hook name {hook.name!r} is also used in "
                                        f"{first.source}:{first.line}", severity=Severity.WARNING))
        else:
            seen[hook.name] = hook
    return problems


def _diagnostic(code: str, path: str, line: int, message: str, column: int = 1,
                severity: Severity = Severity.ERROR) -> Diagnostic:
    from specloom.agent.hooks.rules import RULES

    hint = next((r.hint for r in RULES if r.code == code), "")
    return Diagnostic(code, severity, path, line, column, line, column + 1, message, hint)
