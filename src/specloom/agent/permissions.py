"""What the agent may do without asking: command allow/deny lists and supervised approval.

Configuration comes from `[tool.specloom.commands]` in pyproject.toml and `[commands]` in
`.kiro/settings/specloom.toml`, merged as every setting is (core.config): a list set in
specloom.toml replaces the same list of pyproject.toml. Patterns are shell-style globs matched
against each simple command the line would run, as parsed by `specloom.agent.shell_policy`
(wrappers and `bash -c` unwrapped, the program's path dropped); deny wins over allow, and a
line is allowed only when every simple command in it is. What cannot be judged from the text is
refused (or, in supervised mode, put to a person). The sandbox settings (`sandbox`,
`sandbox-network` of `[tool.specloom]`) are read at the same moment. `Permissions` is read once
when a run starts and is immutable: the agent editing pyproject.toml mid-run changes nothing
until the next run. This module decides and asks; it never runs commands or writes files.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from specloom.agent.os_sandbox import SandboxConfig, SandboxSettingsError
from specloom.agent.shell_policy import ShellPolicy
from specloom.core.errors import SpecloomError
from specloom.spec.workspace import Workspace

Mode = Literal["autopilot", "supervised"]
MODES: tuple[Mode, ...] = ("autopilot", "supervised")


class PermissionsError(SpecloomError):
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
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)
    workspace_root: Path = Path(".")

    @classmethod
    def from_config(cls, workspace: Workspace, mode: str = "autopilot", *,
                    trust_all_tools: bool = False, interactive: bool | None = None) -> Permissions:
        if mode not in MODES:
            raise PermissionsError(f"unknown mode {mode!r}; use autopilot or supervised")
        allow, deny = load_command_lists(workspace.root)
        try:
            sandbox = SandboxConfig.from_workspace(workspace.root)
        except SandboxSettingsError as exc:
            raise PermissionsError(str(exc)) from None
        tty = sys.stdin.isatty() if interactive is None else interactive
        return cls("supervised" if mode == "supervised" else "autopilot", allow, deny,
                   trust_all_tools, tty, sandbox, workspace.root)

    def check_command(self, command: str) -> Decision:
        """Judge every simple command of the line: deny first, then the allow list (an empty
        allow list allows everything but inline interpreter code); what cannot be judged is
        refused, or put to a person in supervised mode."""
        verdict = ShellPolicy(self.allow, self.deny, self.workspace_root).judge(command)
        if verdict.kind == "allowed":
            return Decision(True)
        if verdict.kind != "denied" and self.mode == "supervised" and not self.trust_all_tools:
            return Decision(True, f"needs approval: {verdict.reason}")
        return Decision(False, verdict.reason)

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
    """(allow, deny) of the workspace configuration (core.config: pyproject.toml's
    `[tool.specloom.commands]`, then `[commands]` of .kiro/settings/specloom.toml key by key)."""
    from specloom.core.config import load_config
    from specloom.core.config_files import SettingsError

    try:
        commands = load_config(root).commands
    except SettingsError as exc:
        raise PermissionsError(str(exc)) from None
    return commands.allow, commands.deny
