"""Write (and re-write) the files each coding agent reads, without clobbering the user's edits.

`install_agent_files` renders the `/spec-*` commands in each agent's format and merges a
`specloom` entry into the agent's MCP configuration. Every piece specloom writes is recorded
in `.kiro/specloom/agent-files.json` (path -> sha256 of what was written): a piece whose
current content still matches the record is updated; one the user changed is kept and
reported with a diff. JSON configs are merged: only the `specloom` server entry is ours.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specloom.core import jsontext
from specloom.core.errors import SpecloomError
from specloom.integrations.commands import COMMANDS, Command
from specloom.spec.files import write_atomic
from specloom.spec.workspace import Workspace

MANIFEST = ".kiro/specloom/agent-files.json"
SERVER_NAME = "specloom"
SERVER_ENTRY: dict[str, Any] = {"command": "specloom", "args": ["mcp"]}
AGENTS_BEGIN = "<!-- specloom:begin (written by 'specloom agents install') -->"
AGENTS_END = "<!-- specloom:end -->"


@dataclass(frozen=True, slots=True)
class WriteResult:
    path: str        # relative to the workspace root; "file#key" for a merged JSON entry
    action: str      # created | updated | unchanged | kept
    diff: str = ""   # for kept: what specloom would have written, as a unified diff


class AgentError(ValueError, SpecloomError):
    """An unknown agent name."""


def _markdown(command: Command, args: str, front: dict[str, str]) -> str:
    head = "".join(f"{k}: {json.dumps(v)}\n" for k, v in front.items())
    return f"---\n{head}---\n\n{command.body.format(args=args)}\n"


def claude_files() -> dict[str, str]:
    return {f".claude/commands/{c.name}.md": _markdown(
        c, "$ARGUMENTS", {"description": c.description, "argument-hint": c.hint})
        for c in COMMANDS}


def cursor_files() -> dict[str, str]:
    return {f".cursor/commands/{c.name}.md": f"# /{c.name}\n\n"
            f"{c.body.format(args='(the text after the command)')}\n" for c in COMMANDS}


def copilot_files() -> dict[str, str]:
    return {f".github/prompts/{c.name}.prompt.md": _markdown(
        c, "${input:args}", {"mode": "agent", "description": c.description})
        for c in COMMANDS}


def gemini_files() -> dict[str, str]:
    return {f".gemini/commands/{c.name}.toml":
            f"description = {json.dumps(c.description)}\n"
            f"prompt = '''\n{c.body.format(args='{{args}}')}\n'''\n" for c in COMMANDS}


def kiro_files() -> dict[str, str]:
    lines = ["---", "inclusion: manual", "---", "", "# specloom",
             "", "Use the `specloom` MCP server (or the `specloom` CLI) for specs in "
             "`.kiro/specs/`; specloom, not the agent, owns task status.", ""]
    for c in COMMANDS:
        lines.extend([f"## {c.name}: {c.description}", "",
                      c.body.format(args="<the request>"), ""])
    return {".kiro/steering/specloom.md": "\n".join(lines)}


def codex_section() -> str:
    lines = [AGENTS_BEGIN, "## specloom", "",
             "Specs live in `.kiro/specs/`. When asked for one of these, do as it says "
             "(use the `specloom` CLI; Codex reads MCP servers only from ~/.codex/config.toml).",
             ""]
    for c in COMMANDS:
        lines.extend([f"### {c.name}", "", c.body.format(args="<the request>"), ""])
    lines.append(AGENTS_END)
    return "\n".join(lines) + "\n"


FILES: dict[str, Callable[[], dict[str, str]]] = {
    "claude": claude_files, "cursor": cursor_files, "copilot": copilot_files,
    "gemini": gemini_files, "kiro": kiro_files, "codex": dict,
}
MCP_CONFIGS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "claude": (".mcp.json", "mcpServers", SERVER_ENTRY),
    "cursor": (".cursor/mcp.json", "mcpServers", SERVER_ENTRY),
    "copilot": (".vscode/mcp.json", "servers", {"type": "stdio", **SERVER_ENTRY}),
    "gemini": (".gemini/settings.json", "mcpServers", SERVER_ENTRY),
    "kiro": (".kiro/settings/mcp.json", "mcpServers", SERVER_ENTRY),
}
AGENT_NAMES = tuple(FILES)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Installer:
    def __init__(self, workspace: Workspace) -> None:
        self.root = workspace.root
        self.manifest_path = self.root / MANIFEST
        self.manifest = self._load_manifest()
        self.results: list[WriteResult] = []

    def _load_manifest(self) -> dict[str, str]:
        try:
            data = jsontext.loads(self.manifest_path.read_text(encoding="utf-8"))
            files = data.get("files", {}) if isinstance(data, dict) else {}
            return {str(k): str(v) for k, v in files.items()}
        except (OSError, ValueError):
            return {}

    def save(self) -> None:
        text = json.dumps({"version": 1, "files": dict(sorted(self.manifest.items()))},
                          indent=2) + "\n"
        write_atomic(self.manifest_path, text.encode("utf-8"))

    def decide(self, key: str, current: str | None, new: str) -> str:
        """created | updated | unchanged | kept, and records the hash when specloom writes."""
        if current is not None and current == new:
            action = "unchanged"
        elif current is None:
            action = "created"
        elif self.manifest.get(key) == digest(current):
            action = "updated"
        else:
            return "kept"
        self.manifest[key] = digest(new)
        return action

    def file(self, relative: str, new: str) -> None:
        path = self.root / relative
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        action = self.decide(relative, current, new)
        if action in ("created", "updated"):
            write_atomic(path, new.encode("utf-8"))
        self.results.append(WriteResult(relative, action, _diff(relative, current, new, action)))

    def json_entry(self, relative: str, table: str, entry: dict[str, Any]) -> None:
        path = self.root / relative
        key = f"{relative}#{table}.{SERVER_NAME}"
        try:
            data = jsontext.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except ValueError as exc:
            self.results.append(WriteResult(key, "kept", f"not valid JSON, left alone: {exc}"))
            return
        if not isinstance(data, dict) or not isinstance(data.setdefault(table, {}), dict):
            self.results.append(WriteResult(key, "kept", f"no '{table}' object, left alone"))
            return
        old = data[table].get(SERVER_NAME)
        current = None if old is None else _dump(old)
        action = self.decide(key, current, _dump(entry))
        if action in ("created", "updated"):
            data[table][SERVER_NAME] = entry
            write_atomic(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
        self.results.append(WriteResult(key, action, _diff(key, current, _dump(entry), action)))

    def section(self, relative: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        start, end = text.find(AGENTS_BEGIN), text.find(AGENTS_END)
        current = text[start:end + len(AGENTS_END) + 1] if 0 <= start < end else None
        key = f"{relative}#specloom"
        action = self.decide(key, current, new)
        if action in ("created", "updated"):
            if current is None:
                joined = text + ("\n" if text and not text.endswith("\n") else "") + \
                    ("\n" if text else "") + new
            else:
                joined = text.replace(current, new, 1)
            write_atomic(path, joined.encode("utf-8"))
        self.results.append(WriteResult(key, action, _diff(key, current, new, action)))


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True) + "\n"


def _diff(name: str, current: str | None, new: str, action: str) -> str:
    if action != "kept" or current is None:
        return ""
    return "".join(difflib.unified_diff(
        current.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{name} (yours)", tofile=f"{name} (specloom's)"))


def installed_paths(root: Path) -> frozenset[str]:
    """The files specloom wrote (or merged its entry into) for agents, from the manifest:
    workspace-relative paths, without the `#entry` part."""
    try:
        data = jsontext.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    files = data.get("files", {}) if isinstance(data, dict) else {}
    if not isinstance(files, dict):
        return frozenset()
    return frozenset(str(key).split("#", 1)[0] for key in files)


def install_agent_files(workspace: Workspace, agents: list[str]) -> list[WriteResult]:
    """Write each agent's command files and MCP entry; never overwrite a user's change."""
    unknown = [a for a in agents if a not in FILES]
    if unknown:
        raise AgentError(f"unknown agent {', '.join(unknown)}; use: {', '.join(AGENT_NAMES)}")
    installer = _Installer(workspace)
    for agent in agents:
        for relative, text in FILES[agent]().items():
            installer.file(relative, text)
        if agent == "codex":
            installer.section("AGENTS.md", codex_section())
        if agent in MCP_CONFIGS:
            installer.json_entry(*MCP_CONFIGS[agent])
    installer.save()
    return installer.results
