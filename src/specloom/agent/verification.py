"""The verification gate of a task run: the project's test command and the linked tests.

`verify_task` runs the test command (when there is one) and `specloom verify` on the spec, and
says whether the criteria the task cites are verified. `run_test_command` runs a shell command
in its own process group and kills the whole group on timeout. Nothing here changes task status.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from specloom.agent.context_builder import cited_criteria
from specloom.spec.loader import load_spec
from specloom.spec.workspace import Workspace

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
    criteria: dict[str, str]          # cited criterion -> verify status
    unlinked: tuple[str, ...]         # cited criteria with no linked test (reported, not blocking)

    def to_json(self) -> dict[str, object]:
        return {"passed": self.passed, "reason": self.reason, "criteria": self.criteria,
                "unlinked": list(self.unlinked),
                "command": self.command.to_json() if self.command else None}


def verify_task(workspace: Workspace, spec_name: str, task_id: str, command: str | None,
                timeout: float, progress: Callable[[str], None] | None = None) -> TaskVerdict:
    """The gate: the test command (if any) and the linked tests of the cited criteria."""
    from specloom.trace.verify import VERIFIED, verify

    spec = load_spec(workspace, spec_name)
    task = spec.tasks.task(task_id) if spec.tasks else None
    cited = [cid for cid, _ in cited_criteria(spec, task)] if task else []
    result = run_test_command(workspace.root, command, timeout) if command else None
    statuses: dict[str, str] = {}
    linked: set[str] = set()
    if cited:
        report = verify(workspace, [spec_name], timeout=timeout, progress=progress)
        for verdict in (c for s in report.specs for c in s.criteria if c.id in cited):
            statuses[verdict.id] = verdict.status
            if verdict.tests:
                linked.add(verdict.id)
    unlinked = tuple(c for c in cited if c not in linked)
    failing = [f"{c} is {statuses.get(c)}" for c in cited if c in linked
               and statuses.get(c) != VERIFIED]
    reasons = ([result.describe()] if result is not None and not result.ok else [])
    if failing:
        reasons.append("linked tests do not verify the cited criteria: " + ", ".join(failing))
    if result is None and not linked:
        reasons.append("nothing can verify this task: no test command (set [tool.specloom] "
                       "run-test-command or pass --test-command) and no tests linked to its "
                       "criteria")
    return TaskVerdict(not reasons, "; ".join(reasons) or None, result, statuses, unlinked)


def run_test_command(root: Path, command: str, timeout: float) -> CommandResult:
    """Run `command` through the shell in `root`; the whole process group stops on timeout."""
    try:
        process = subprocess.Popen(command, shell=True, cwd=root, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        return CommandResult(command, None, f"cannot start: {exc}")
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        return CommandResult(command, None, out.decode("utf-8", "replace"))
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    return CommandResult(command, process.returncode, out.decode("utf-8", "replace"))


def configured_run_test_command(root: Path) -> str | None:
    """`[tool.specloom] run-test-command` from pyproject.toml, if set (SettingsError if bad)."""
    from specloom.quality.settings import SettingsError, pyproject_table

    table, pyproject = pyproject_table(root)
    value = table.get("run-test-command")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{pyproject}: [tool.specloom] run-test-command must be a "
                            "non-empty string, e.g. \"python -m pytest -q\"")
    return value
