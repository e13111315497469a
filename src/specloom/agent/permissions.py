"""What the agent may do without asking: command allow/deny lists and supervised approval.

Configuration comes from `[tool.specloom.commands]` in pyproject.toml and `[commands]` in
`.kiro/settings/specloom.toml` (lists are merged). Patterns are shell-style globs matched against
the whole command line; deny wins over allow. This module decides and asks; it never runs
commands or writes files, and nothing the model does can change it.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

from specloom.spec.workspace import Workspace

Mode = Literal["autopilot", "supervised"]
MODES: tuple[Mode, ...] = ("autopilot", "supervised")


class PermissionsError(Exception):
    """Invalid permissions configuration; the message names the file and what to fix."""


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """What a person is asked to approve: a write (with its diff) or a command."""

    kind: Literal["write", "command", "tool"]
    summary: str
    detail: str = ""


Approver = Callable[[ApprovalRequest], bool]


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Permissions:
    mode: Mode = "autopilot"
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    trust_all_tools: bool = False
    interactive: bool = False

    @classmethod
    def from_config(cls, workspace: Workspace, mode: str = "autopilot", *,
                    trust_all_tools: bool = False, interactive: bool | None = None) -> Permissions:
        if mode not in MODES:
            raise PermissionsError(f"unknown mode {mode!r}; use autopilot or supervised")
        allow, deny = load_command_lists(workspace.root)
        tty = sys.stdin.isatty() if interactive is None else interactive
        return cls("supervised" if mode == "supervised" else "autopilot", allow, deny,
                   trust_all_tools, tty)

    def check_command(self, command: str) -> Decision:
        """Deny list first, then the allow list (an empty allow list allows everything)."""
        line = " ".join(command.split())
        for pattern in self.deny:
            if fnmatchcase(line, pattern):
                return Decision(False, f"command refused: it matches the deny pattern {pattern!r} "
                                       "in the project's [commands] settings")
        if self.allow and not any(fnmatchcase(line, p) for p in self.allow):
            if self.mode == "supervised" and not self.trust_all_tools:
                return Decision(True, "not in the allow list; needs approval")
            return Decision(False, "command refused: it matches no allow pattern in the project's "
                                   f"[commands] settings (allowed: {', '.join(self.allow)})")
        return Decision(True)

    def approve(self, request: ApprovalRequest, approver: Approver | None) -> Decision:
        """In supervised mode ask `approver` (or the terminal); with neither, fail closed."""
        if self.mode == "autopilot" or self.trust_all_tools:
            return Decision(True)
        ask = approver or (terminal_approver if self.interactive else None)
        if ask is None:
            return Decision(False, "refused: supervised mode needs a person to approve each "
                                   f"{request.kind}, and there is no terminal; run with a "
                                   "terminal, use autopilot, or pass trust_all_tools")
        if ask(request):
            return Decision(True)
        return Decision(False, f"the user declined this {request.kind}: {request.summary}")


def terminal_approver(request: ApprovalRequest) -> bool:
    """Show the request on stderr and read y/N from stdin."""
    print(f"\n== approve {request.kind}: {request.summary}", file=sys.stderr)
    if request.detail:
        print(request.detail, file=sys.stderr)
    try:
        answer = input("Allow? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def load_command_lists(root: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(allow, deny) merged from pyproject.toml and .kiro/settings/specloom.toml."""
    from specloom.quality.settings import SettingsError, pyproject_table

    tables: list[tuple[Any, str]] = []
    try:
        table, pyproject = pyproject_table(root)
    except SettingsError as exc:
        raise PermissionsError(str(exc)) from None
    if pyproject is not None:
        tables.append((table.get("commands", {}), f"{pyproject} [tool.specloom.commands]"))
    kiro = root / ".kiro" / "settings" / "specloom.toml"
    if kiro.is_file():
        try:
            data = tomllib.loads(kiro.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
            raise PermissionsError(f"{kiro}: cannot read: {exc}") from None
        tables.append((data.get("commands", {}), f"{kiro} [commands]"))
    allow: list[str] = []
    deny: list[str] = []
    for value, where in tables:
        allow += _patterns(value, "allow", where)
        deny += _patterns(value, "deny", where)
    return tuple(allow), tuple(deny)


def _patterns(table: Any, key: str, where: str) -> list[str]:
    if not isinstance(table, dict):
        raise PermissionsError(f"{where}: must be a table with allow = [...] and deny = [...]")
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PermissionsError(f'{where}: {key!r} must be a list of glob patterns, '
                               f'for example {key} = ["pytest*", "ruff *"]')
    return [" ".join(v.split()) for v in value]
