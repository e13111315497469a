"""The verification gate of a task run: the task gate, then the project's test command.

`verify_task` asks the task gate (specloom.trace.task_gate, the one rule the CLI and the MCP
server use too) whether the task's criteria verify, then runs the test command when there is
one; a refusal is the gate's own message, with the command's failure appended. A task that
cites no criteria and has no test command cannot be verified ("nothing can verify").
`run_test_command` runs a shell command in its own process group and kills the whole group on
timeout. Nothing here changes task status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from specloom.core import process
from specloom.spec.workspace import Workspace

if TYPE_CHECKING:
    from specloom.trace.task_gate import GateVerdict

OUTPUT_TAIL = 4000


@dataclass(frozen=True, slots=True)
class CommandResult:
    command: str
    exit_code: int | None   # None: timed out or could not start
    output: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def describe(self) -> str:
        how = "timed out" if self.exit_code is None else f"exit {self.exit_code}"
        tail = self.output.strip().splitlines()[-15:]
        return f"test command `{self.command}` failed ({how}):\n" + "\n".join(tail)

    def to_json(self) -> dict[str, object]:
        return {"command": self.command, "exit_code": self.exit_code,
                "output": self.output[-OUTPUT_TAIL:]}


@dataclass(frozen=True, slots=True)
class TaskVerdict:
    passed: bool
    reason: str | None
    command: CommandResult | None
    criteria: dict[str, str]          # cited criterion -> gate status
    unlinked: tuple[str, ...]         # cited criteria with no linked test (these block)
    gate: GateVerdict | None = None

    def to_json(self) -> dict[str, object]:
        return {"passed": self.passed, "reason": self.reason, "criteria": self.criteria,
                "unlinked": list(self.unlinked),
                "gate": self.gate.to_json() if self.gate is not None else None,
                "command": self.command.to_json() if self.command else None}


def verify_task(workspace: Workspace, spec_name: str, task_id: str, command: str | None,
                timeout: float, progress: Callable[[str], None] | None = None) -> TaskVerdict:
    """The gate: the task gate's verdict on the cited criteria, then the test command."""
    from specloom.trace.task_gate import check_task_done

    gate = check_task_done(workspace, spec_name, task_id, timeout=timeout, progress=progress)
    result = run_test_command(workspace.root, command, timeout) if command else None
    reasons = [gate.message] if gate.message else []
    if result is not None and not result.ok:
        reasons.append(result.describe())
    if result is None and not gate.criteria:
        reasons.append("nothing can verify this task: it cites no criteria and there is no test "
                       "command (set [tool.specloom] run-test-command or pass --test-command)")
    statuses = {c.id: c.status for c in gate.criteria}
    return TaskVerdict(not reasons, "; ".join(reasons) or None, result, statuses,
                       gate.unlinked, gate)


def run_test_command(root: Path, command: str, timeout: float) -> CommandResult:
    """Run `command` through the shell in `root`; the whole process group stops on timeout."""
    try:
        done = process.run(command, cwd=root, timeout=timeout, shell=True)
    except OSError as exc:
        return CommandResult(command, None, f"cannot start: {exc}")
    return CommandResult(command, done.returncode, done.stdout.decode("utf-8", "replace"))


def configured_run_test_command(root: Path) -> str | None:
    """The configured `run-test-command`, if set (SettingsError naming the file if bad)."""
    from specloom.core.config import load_config

    return load_config(root).run_test_command
