"""The agent's tools: read, list, search, write, edit, run a command (and external tools).

Each call is confined by the sandbox and the permissions, runs preToolUse hooks (which can
block it), asks for approval in supervised mode, and afterwards runs postToolUse and file hooks.
Files are opened through `specloom.agent.safe_open` at the moment of use (no symbolic link is
followed after the check, no file with several hard links is read or written), and files that
govern the agent (`[tool.specloom]` in pyproject.toml, steering) are written only with a
person's explicit approval of that one write, in every mode.
Output has secrets redacted; `render` wraps it as delimited data for the model. The tools never
change hooks, permissions or specloom's state, and never run a model.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from specloom.agent.checkpoints import Checkpoint, CheckpointStore
from specloom.agent.delimit import neutralise, wrap_file, wrap_tool_output
from specloom.agent.hooks.dispatch import HookDispatcher
from specloom.agent.hooks.model import HookEvent, HookOutcome
from specloom.agent.permissions import ApprovalRequest, Approver, Permissions, terminal_approver
from specloom.agent.process import run_shell, truncate
from specloom.agent.safe_open import StaleWrite, is_single_link, open_dir, read_bytes, write_bytes
from specloom.agent.sandbox import PYPROJECT, PathRefused, Sandbox, governing_reason
from specloom.agent.search import search_files, workspace_files
from specloom.core.redact import Redactor
from specloom.spec.workspace import Workspace

TOOL_TYPES = {"read_file": "read", "list_dir": "read", "search": "read",
              "write_file": "write", "edit_file": "write", "run_command": "shell"}
MAX_READ_CHARS = 100_000
MAX_LIST_ENTRIES = 1_000


@dataclass(frozen=True)
class ToolResult:
    ok: bool
    output: str
    error: str | None = None
    changed_paths: tuple[str, ...] = ()
    hook_context: tuple[str, ...] = ()
    agent_prompts: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()  # for `render`: path, lines, ...


FileEvents = list[tuple[str, str]]
Body = Callable[[], tuple[ToolResult, FileEvents]]


def failure(message: str) -> ToolResult:
    return ToolResult(False, "", message)


class AgentTools:
    """One per run. Methods return `ToolResult`s; they never raise for the model's mistakes."""

    def __init__(self, workspace: Workspace, *, permissions: Permissions,
                 hooks: HookDispatcher | None = None, approver: Approver | None = None,
                 checkpoints: CheckpointStore | None = None,
                 redactor: Callable[[str], str] | None = None,
                 max_output: int = 30_000) -> None:
        self.workspace = workspace
        self.sandbox = Sandbox.for_root(workspace.root)
        self.permissions = permissions
        self.hooks = hooks
        self.approver = approver
        self.checkpoints = checkpoints
        self.redact = redactor or Redactor.from_environment(root=workspace.root)
        self.max_output = max_output

    def begin_turn(self, label: str) -> Checkpoint | None:
        """Snapshot the working tree before a task or an agent turn (when checkpoints are on)."""
        return self.checkpoints.snapshot(label) if self.checkpoints else None

    # -- read-only tools -------------------------------------------------------------------

    def read_file(self, path: str, start_line: int | None = None,
                  end_line: int | None = None) -> ToolResult:
        def body() -> tuple[ToolResult, FileEvents]:
            rel = self.sandbox.relative(self.sandbox.resolve(path))
            try:
                data = read_bytes(self.sandbox.root, rel, path)
            except IsADirectoryError:
                return failure(f"{path} is a folder; use list_dir"), []
            if data is None:
                return failure(f"{path}: no such file"), []
            if b"\0" in data[:8192]:
                return failure(f"{path} is a binary file; it cannot be read as text"), []
            lines = data.decode("utf-8", "replace").splitlines(keepends=True)
            first = start_line or 1
            last = min(end_line or len(lines), len(lines))
            if first < 1 or (end_line is not None and end_line < first):
                return failure(f"invalid line range {start_line}-{end_line}; lines start at 1 "
                               "and end_line must not be before start_line"), []
            text = "".join(lines[first - 1:last])
            if len(text) > MAX_READ_CHARS:
                text = text[:MAX_READ_CHARS] + ("\n[file truncated; read further with "
                                                "start_line and end_line]\n")
            attrs = (("path", rel), ("lines", f"{first}-{last}"),
                     ("total_lines", str(len(lines))))
            return ToolResult(True, text, attrs=attrs), []

        return self._call("read_file", path, body)

    def list_dir(self, path: str = ".") -> ToolResult:
        def body() -> tuple[ToolResult, FileEvents]:
            rel = self.sandbox.relative(self.sandbox.resolve(path))
            try:
                fd = open_dir(self.sandbox.root, rel, path)
            except (FileNotFoundError, NotADirectoryError):
                return failure(f"{path}: not a folder"), []
            try:
                with os.scandir(fd) as found:
                    entries = sorted((not e.is_dir(), e.name) for e in found if e.name != ".git")
            finally:
                os.close(fd)
            shown = [name + ("" if not_dir else "/")
                     for not_dir, name in entries[:MAX_LIST_ENTRIES]]
            if len(entries) > MAX_LIST_ENTRIES:
                shown.append(f"[{len(entries) - MAX_LIST_ENTRIES} more entries not shown]")
            return ToolResult(True, "\n".join(shown) + "\n" if shown else "(empty folder)\n"), []

        return self._call("list_dir", path, body)

    def search(self, pattern: str, path: str = ".", glob: str | None = None,
               max_results: int = 200) -> ToolResult:
        def body() -> tuple[ToolResult, FileEvents]:
            try:
                regex = re.compile(pattern, re.MULTILINE)
            except re.error as exc:
                return failure(f"invalid regular expression {pattern!r}: {exc}"), []
            under = self.sandbox.relative(self.sandbox.resolve(path))
            under = "" if under == "." else under
            root = self.sandbox.root
            files = [f for f in workspace_files(self.workspace, under)
                     if is_single_link(root / f)]  # hard links may share data with outside
            hits = search_files(root, files, regex, glob, max(1, max_results))
            text = "\n".join(hits.lines) if hits.lines else "no matches"
            if hits.truncated:
                text += f"\n[stopped at {max_results} matches; narrow the pattern, path or glob]"
            return ToolResult(True, text + "\n"), []

        return self._call("search", path, body)

    # -- writing tools ---------------------------------------------------------------------

    def write_file(self, path: str, content: str) -> ToolResult:
        def body() -> tuple[ToolResult, FileEvents]:
            rel = self.sandbox.relative(self.sandbox.resolve(path, write=True))
            try:
                current = read_bytes(self.sandbox.root, rel, path)
            except IsADirectoryError:
                return failure(f"{path} is a folder"), []
            existed = current is not None
            old = current or b""
            new = content.encode("utf-8")
            refusal = self._approve_write(rel, f"write {rel}", _diff(rel, old, new, existed),
                                          current, new)
            if refusal:
                return failure(refusal), []
            # Re-opened from the root now: what the approver saw is what gets replaced.
            refused = self._write(rel, path, new, current)
            if refused:
                return failure(refused), []
            kind = "fileEdited" if existed else "fileCreated"
            verb = "updated" if existed else "created"
            return (ToolResult(True, f"{verb} {rel} ({len(new)} bytes)\n", changed_paths=(rel,)),
                    [(kind, rel)])

        return self._call("write_file", path, body)

    def edit_file(self, path: str, old: str, new: str) -> ToolResult:
        def body() -> tuple[ToolResult, FileEvents]:
            rel = self.sandbox.relative(self.sandbox.resolve(path, write=True))
            try:
                original = read_bytes(self.sandbox.root, rel, path)
            except IsADirectoryError:
                original = None
            if original is None:
                return failure(f"{path}: no such file; use write_file to create it"), []
            try:
                text = original.decode("utf-8")
            except UnicodeDecodeError:
                return failure(f"{path} is not UTF-8 text; it cannot be edited"), []
            replaced = _replace_once(text, old, new, path)
            if isinstance(replaced, ToolResult):
                return replaced, []
            data = replaced.encode("utf-8")
            refusal = self._approve_write(rel, f"edit {rel}", _diff(rel, original, data, True),
                                          original, data)
            if refusal:
                return failure(refusal), []
            refused = self._write(rel, path, data, original)
            if refused:
                return failure(refused), []
            return (ToolResult(True, f"edited {rel}\n", changed_paths=(rel,)),
                    [("fileEdited", rel)])

        return self._call("edit_file", path, body)

    def run_command(self, command: str, timeout: float = 120) -> ToolResult:
        def body() -> tuple[ToolResult, FileEvents]:
            refusal = self._approve("command", command)
            if refusal:
                return failure(refusal), []
            result = run_shell(command, self.workspace.root, timeout, self.permissions.sandbox)
            text = truncate(result.output.decode("utf-8", "replace"), self.max_output)
            status = (f"[timed out after {timeout:g} s; the command was killed]"
                      if result.code is None else f"[exit code {result.code}]")
            output = f"$ {command}\n{text}{'' if text.endswith(chr(10)) or not text else chr(10)}"
            error = None if result.code == 0 else status
            return ToolResult(result.code == 0, output + status + "\n", error), []

        decision = self.permissions.check_command(command)
        if not decision.allowed:
            return self._finish(failure(decision.reason))
        return self._call("run_command", None, body, subject=command)

    def run_external(self, name: str, arguments: dict[str, Any],
                     call: Callable[[dict[str, Any]], str], *, tool_type: str = "mcp",
                     needs_approval: bool = True) -> ToolResult:
        """Run a tool specloom does not implement (MCP): hooks, approval and redaction apply."""
        def body() -> tuple[ToolResult, FileEvents]:
            if needs_approval:
                refusal = self._approve("tool", f"{name}({arguments})")
                if refusal:
                    return failure(refusal), []
            try:
                return ToolResult(True, call(arguments)), []
            except Exception as exc:  # an external tool's failure is reported to the model
                return failure(f"{name} failed: {type(exc).__name__}: {exc}"), []

        return self._call(name, None, body, tool_type=tool_type)

    # -- plumbing --------------------------------------------------------------------------

    def _call(self, tool: str, path: str | None, body: Body, *, subject: str | None = None,
              tool_type: str | None = None) -> ToolResult:
        kind = tool_type or TOOL_TYPES[tool]
        file_path = self._display_path(path)
        pre = self._dispatch(HookEvent("preToolUse", file_path, tool, kind))
        if pre.blocked:
            message = "blocked by a preToolUse hook:\n" + "\n".join(pre.errors)
            return self._finish(failure(message), pre)
        try:
            result, events = body()
        except PathRefused as exc:
            return self._finish(failure(str(exc)), pre)
        except OSError as exc:
            return self._finish(failure(f"{path or subject or tool}: {exc.strerror or exc}"), pre)
        post = self._dispatch(HookEvent("postToolUse", file_path, tool, kind))
        pre.merge(post)
        for event_kind, rel in events:
            pre.merge(self._dispatch(HookEvent(event_kind, rel, tool, kind)))
        return self._finish(result, pre)

    def _finish(self, result: ToolResult, hooks: HookOutcome | None = None) -> ToolResult:
        notes = tuple(hooks.context + hooks.errors) if hooks else ()
        return replace(
            result, output=self.redact(result.output),
            error=self.redact(result.error) if result.error is not None else None,
            hook_context=tuple(self.redact(n) for n in notes),
            agent_prompts=tuple(hooks.agent_prompts) if hooks else (),
        )

    def _dispatch(self, event: HookEvent) -> HookOutcome:
        return self.hooks.dispatch(event) if self.hooks else HookOutcome()

    def _write(self, rel: str, shown: str, data: bytes, expected: bytes | None) -> str | None:
        """Write at the moment of use, only over the content that was approved."""
        try:
            write_bytes(self.sandbox.root, rel, data, shown, expected=expected,
                        check_expected=True)
        except IsADirectoryError:
            return f"{shown} is a folder"
        except StaleWrite as exc:
            return str(exc)
        return None

    def _approve_write(self, rel: str, summary: str, detail: str, old: bytes | None,
                       new: bytes) -> str | None:
        why = governing_reason(rel)
        if why and rel.casefold() == PYPROJECT and not _specloom_table_changes(old, new):
            why = None  # an ordinary pyproject edit (dependencies, ...) leaves the agent alone
        if why is None:
            return self._approve("write", summary, detail)
        return self._approve_explicitly(rel, summary, detail, why)

    def _approve_explicitly(self, rel: str, summary: str, detail: str, why: str) -> str | None:
        """Ask a person about this one write, in every mode; autopilot or trust do not cover it."""
        ask = self.approver or (terminal_approver if self.permissions.interactive else None)
        if ask is None:
            return (f"refused: {rel} governs the agent ({why}); changing it needs a person's "
                    "explicit approval of this one write, in every mode, and this run has no "
                    "one to ask (no approver and no terminal). Leave the file unchanged and say "
                    "in your report what should change in it and why.")
        if ask(ApprovalRequest("write", f"{summary} (governs the agent: {why})", detail)):
            return None
        return f"the user declined this write to {rel}, which governs the agent ({why})"

    def _approve(self, kind: str, summary: str, detail: str = "") -> str | None:
        request = ApprovalRequest(kind, summary, detail)  # type: ignore[arg-type]
        decision = self.permissions.approve(request, self.approver)
        return None if decision.allowed else decision.reason

    def _display_path(self, path: str | None) -> str | None:
        if path is None:
            return None
        try:
            return self.sandbox.relative(self.sandbox.resolve(path))
        except PathRefused:
            return path


def render(tool: str, result: ToolResult) -> str:
    """The text the model sees: errors, then the output as a delimited block, then hook notes."""
    parts = []
    if result.error:
        parts.append(f"Error: {neutralise(result.error)}")
    if result.output:
        attrs = dict(result.attrs)
        if tool == "read_file" and "path" in attrs:
            path = attrs.pop("path")
            parts.append(wrap_file(path, result.output, **attrs))
        else:
            parts.append(wrap_tool_output(result.output, tool, **attrs))
    parts += [wrap_tool_output(note, "hook") for note in result.hook_context]
    return "\n".join(parts) or "(no output)"


def _replace_once(text: str, old: str, new: str, path: str) -> str | ToolResult:
    if not old:
        return failure("old text is empty; give the exact text to replace")
    count = text.count(old)
    if count == 0 and "\r\n" in text and "\r\n" not in old:
        old, new = old.replace("\n", "\r\n"), new.replace("\n", "\r\n")
        count = text.count(old)
    if count == 0:
        return failure(f"old text not found in {path}; read the file again and copy the exact "
                       "text, whitespace included")
    if count > 1:
        return failure(f"old text appears {count} times in {path}; include more surrounding "
                       "lines so that it matches exactly once")
    return text.replace(old, new, 1)


def _specloom_table_changes(old: bytes | None, new: bytes) -> bool:
    """Whether `[tool.specloom]` differs between the two pyproject.toml contents (or can't be
    compared because one of them is not valid TOML)."""
    def table(data: bytes | None) -> object:
        if data is None:
            return None
        tool = tomllib.loads(data.decode("utf-8")).get("tool")
        return tool.get("specloom") if isinstance(tool, dict) else None

    try:
        return table(old) != table(new)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return True


def _diff(rel: str, old: bytes, new: bytes, existed: bool) -> str:
    before = old.decode("utf-8", "replace").splitlines(keepends=True)
    after = new.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, f"a/{rel}" if existed else "/dev/null", f"b/{rel}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
