"""The task gate: the one rule that decides whether a task may be marked done.

Every way of marking a task done goes through here: `specloom task SPEC ID --status done`,
the MCP tool `set_task_status`, and `specloom run` (agent/verification.py). The rule:

- the criteria are those cited by the task (`_Requirements:_`, `Validates:`, a cited
  `Property N` through the requirements it validates, `_Requirements: All_` for every
  criterion; a requirement number stands for each of its criteria), by its required sub-tasks
  at every level (an optional `[ ]*` sub-task and everything under it is left out), and by each
  ancestor that this change completes (its box follows its required sub-tasks, so ticking the
  last one ticks the parent);
- each must have a linked test, and its tests must pass now: `specloom verify` runs the spec's
  linked tests without recording anything, and only the status `verified` passes (failing,
  error, untested when every linked test was skipped, and stale all block);
- a criterion without a linked test blocks, and the message says how to link one; a citation
  that names no criterion blocks too;
- a task that cites no criteria passes, with the note "cites no criteria; nothing to verify"
  (Kiro's set-up tasks often cite none; refusing them would make `--force` routine and the
  forced-completion ledger meaningless). The task runner still refuses such a task when it has
  no test command either ("nothing can verify").

A refusal is one message, built only here, that every adapter shows as is
(`GateRefused`). `change_task_status` is the status write the CLI and the MCP server share:
the gate for "done", `--force` with the ledger (forced.py), then the checkbox write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from specloom.core.errors import SpecloomError
from specloom.spec.loader import Spec, load_spec
from specloom.spec.task_status import StatusChange, TaskStatusError, set_task_status
from specloom.spec.tasks import Task, TasksDoc, TaskStatus
from specloom.spec.workspace import Workspace
from specloom.trace.forced import ForcedEntry, ForcedLedger, forcing_user

if TYPE_CHECKING:
    from specloom.trace.verify import TestOutcome

VERIFIED = "verified"
UNLINKED = "unlinked"     # no linked test at all
UNKNOWN = "unknown"       # the citation names no criterion
NO_CRITERIA_NOTE = "cites no criteria; nothing to verify"
DETAIL_LIMIT = 160


@dataclass(frozen=True, slots=True)
class CriterionCheck:
    """One cited criterion and what the gate found: `status` is verify's status, or
    `unlinked` or `unknown`; `detail` says why it blocks ("" when verified)."""

    id: str
    status: str
    detail: str = ""

    @property
    def blocks(self) -> bool:
        return self.status != VERIFIED

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "status": self.status, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class GateVerdict:
    spec: str
    task: str
    tasks: tuple[str, ...]                 # the tasks whose citations count
    criteria: tuple[CriterionCheck, ...]   # in citation order

    @property
    def passed(self) -> bool:
        return not any(c.blocks for c in self.criteria)

    @property
    def blocking(self) -> tuple[CriterionCheck, ...]:
        return tuple(c for c in self.criteria if c.blocks)

    @property
    def unlinked(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria if c.status == UNLINKED)

    @property
    def note(self) -> str | None:
        return f"task {self.task} {NO_CRITERIA_NOTE}" if not self.criteria else None

    @property
    def message(self) -> str | None:
        """The refusal every adapter shows, or None when the task may be marked done."""
        if self.passed:
            return None
        return refusal_message(self.spec, self.task, self.criteria)

    def to_json(self) -> dict[str, object]:
        return {"passed": self.passed, "tasks": list(self.tasks),
                "criteria": [c.to_json() for c in self.criteria], "note": self.note,
                "message": self.message}


class GateRefused(SpecloomError):
    """The gate refused to mark a task done; `str()` is the one refusal message."""

    exit_code = 1  # a refusal of a well-formed request, as findings are, not bad input

    def __init__(self, verdict: GateVerdict) -> None:
        super().__init__(verdict.message)
        self.verdict = verdict


def refusal_message(spec: str, task: str, criteria: tuple[CriterionCheck, ...]) -> str:
    """`task 2.1 of cart is not done: 1.2 failing (...); 1.3 has no linked test (...); run
    'specloom verify cart' for details`."""
    parts = [f"{c.id} {c.status} ({c.detail})" for c in criteria
             if c.blocks and c.status not in (UNLINKED, UNKNOWN)]
    parts += [c.detail for c in criteria if c.status == UNKNOWN]
    unlinked = [c.id for c in criteria if c.status == UNLINKED]
    if unlinked:
        first = unlinked[0]
        how = (f"@pytest.mark.req(\"{spec}\", \"{first}\") on a test, or a "
               f"`# specloom: {spec} {first}` comment in one")
        parts.append(f"{first} has no linked test (link one with {how})" if len(unlinked) == 1
                     else f"{', '.join(unlinked)} have no linked test (link each with {how})")
    return (f"task {task} of {spec} is not done: {'; '.join(parts)}; "
            f"run 'specloom verify {spec}' for details")


def check_task_done(workspace: Workspace, spec: str, task_id: str, *, timeout: float,
                    test_command: str | None = None,
                    progress: Callable[[str], None] | None = None) -> GateVerdict:
    """Judge whether `task_id` of `spec` may be marked done now (runs the linked tests).

    `test_command` is the command for non-Python linked tests (default: `[tool.specloom]
    test-command`). Raises TaskStatusError when the spec has no tasks.md or no such task.
    """
    loaded = load_spec(workspace, spec)
    doc = _tasks_doc(workspace, loaded)
    task = named_task(doc, task_id, loaded.display_path)
    counted = _counted_tasks(doc, task)
    cited = _cited(loaded, counted)
    if not cited:
        return GateVerdict(loaded.name, task.id, tuple(t.id for t in counted), ())
    from specloom.trace.verify import verify

    command = test_command if test_command is not None else configured_test_command(
        workspace.root)
    report = verify(workspace, [loaded.name], timeout=timeout, test_command=command,
                    record=False, progress=progress)
    verdicts = {c.id: c for s in report.specs for c in s.criteria}
    checks = []
    for ref, criterion_id in cited:
        verdict = verdicts.get(criterion_id) if criterion_id is not None else None
        if verdict is None:
            checks.append(CriterionCheck(ref, UNKNOWN, _unknown(loaded, task, ref)))
        elif not verdict.tests:
            checks.append(CriterionCheck(verdict.id, UNLINKED, "no linked test"))
        elif verdict.status == VERIFIED:
            checks.append(CriterionCheck(verdict.id, VERIFIED))
        else:
            checks.append(CriterionCheck(verdict.id, verdict.status,
                                         _detail(loaded.name, verdict.status, verdict.tests)))
    return GateVerdict(loaded.name, task.id, tuple(t.id for t in counted), tuple(checks))


def configured_test_command(root: Path) -> str | None:
    """The configured `test-command` (for non-Python linked tests), if set.

    The one reader of this key for the CLI, the MCP server and the task gate: a bad value is
    the same SettingsError (naming the file and the key) everywhere."""
    from specloom.core.config import load_config

    return load_config(root).test_command


# -- which criteria count ---------------------------------------------------------------------

def _tasks_doc(workspace: Workspace, spec: Spec) -> TasksDoc:
    if spec.tasks is None:
        shown = workspace.relative(workspace.spec_dir(spec.name) / "tasks.md")
        raise TaskStatusError(f"{shown} does not exist or cannot be read; the spec has no "
                              "implementation plan yet (run 'specloom check' for the reason)")
    return spec.tasks


def named_task(doc: TasksDoc, task_id: str, shown: str) -> Task:
    """The task `task_id` (a trailing dot allowed) of the tasks.md in spec folder `shown`."""
    task = doc.task(task_id.rstrip("."))
    if task is None:
        raise TaskStatusError(f"no task {task_id!r} in {shown}/tasks.md; tasks: "
                              + ", ".join(t.id for t in doc.tasks[:20]))
    return task


def _counted_tasks(doc: TasksDoc, task: Task) -> list[Task]:
    """The task, its required sub-tasks at every level, and the ancestors it completes."""
    counted = [task, *_required_below(doc, task, {task.id})]
    marks = {t.id: t.status for t in doc.tasks}
    marks[task.id] = TaskStatus.DONE
    seen = {task.id}
    parent = doc.task(task.parent) if task.parent else None
    while parent is not None and parent.id not in seen:  # as spec.tasks.with_status does
        seen.add(parent.id)
        required = [c for c in doc.children(parent.id) if not c.optional]
        if not required or any(marks[c.id] is not TaskStatus.DONE for c in required):
            break
        if marks[parent.id] is not TaskStatus.DONE:
            counted.append(parent)
        marks[parent.id] = TaskStatus.DONE
        parent = doc.task(parent.parent) if parent.parent else None
    return counted


def _required_below(doc: TasksDoc, task: Task, seen: set[str]) -> Iterator[Task]:
    for child in doc.children(task.id):
        if child.optional or child.id in seen:
            continue
        seen.add(child.id)
        yield child
        yield from _required_below(doc, child, seen)


def _cited(spec: Spec, tasks: list[Task]) -> list[tuple[str, str | None]]:
    """(citation, criterion id or None when it names none), each criterion once, in order."""
    requirements = spec.requirements
    by_requirement = {r.number: [c.id for c in r.criteria]
                      for r in (requirements.requirements if requirements else ())}
    validates = {str(p.number): [r.id for r in p.validates]
                 for p in (spec.design.properties if spec.design else ())}
    found: dict[str, tuple[str, str | None]] = {}
    for task in tasks:
        refs = spec.cited_ids(task)
        for prop in task.properties:
            refs.extend(validates.get(prop.id, ()))
        if task.cites_all:
            refs.extend(c.id for c in (requirements.criteria() if requirements else ()))
        for ref in refs:
            if requirements is not None and requirements.criterion(ref) is not None:
                found.setdefault(ref, (ref, ref))
            elif ref in by_requirement:
                for criterion_id in by_requirement[ref]:
                    found.setdefault(criterion_id, (criterion_id, criterion_id))
            else:
                found.setdefault(f"?{ref}", (ref, None))
    return list(found.values())


def _unknown(spec: Spec, task: Task, ref: str) -> str:
    where = spec.requirements.source.path if spec.requirements else \
        f"{spec.display_path}/requirements.md"
    return (f"{ref} is cited but names no criterion in {where} (fix the citation in "
            f"task {task.id} or its sub-tasks)")


def _detail(spec: str, status: str, outcomes: tuple[TestOutcome, ...]) -> str:
    if status == "stale":
        return ("its text changed since its tests last passed; review them against the new "
                f"text, then run 'specloom verify {spec} --accept'")
    rank = {"failed": 0, "error": 1, "not-run": 2}
    worst = min(outcomes, key=lambda t: rank.get(t.outcome, 3))
    message = (worst.message.strip().splitlines() or [""])[0].strip()
    if worst.outcome == "skipped" and message.startswith("Skipped: "):
        message = message[len("Skipped: "):]
    if worst.outcome == "failed":
        text = f"{worst.key}: {message}" if message else f"{worst.key} failed"
    else:
        text = f"{worst.key} {worst.outcome}" + (f": {message}" if message else "")
    if len(outcomes) > 1:
        text += f" (and {len(outcomes) - 1} more linked test{'s' if len(outcomes) > 2 else ''})"
    return text if len(text) <= DETAIL_LIMIT else text[:DETAIL_LIMIT - 3].rstrip() + "..."


# -- the status write the CLI and the MCP server share ----------------------------------------

@dataclass(frozen=True, slots=True)
class GatedChange:
    change: StatusChange
    verdict: GateVerdict | None      # None when the gate did not run (not "done", or already)
    forced: ForcedEntry | None       # the ledger entry written by --force

    def to_json(self) -> dict[str, object]:
        change = self.change
        return {
            "spec": change.spec, "path": change.path, "task": change.task,
            "before": str(change.before), "after": str(change.after), "parent": change.parent,
            "parent_before": str(change.parent_before) if change.parent_before else None,
            "parent_after": str(change.parent_after) if change.parent_after else None,
            "changed": change.changed,
            "gate": self.verdict.to_json() if self.verdict is not None else None,
            "forced": self.forced.row() if self.forced is not None else None,
        }


def change_task_status(workspace: Workspace, spec: str, task_id: str, status: TaskStatus, *,
                       timeout: float = 600.0, test_command: str | None = None,
                       progress: Callable[[str], None] | None = None,
                       force: str | None = None, run_id: str | None = None) -> GatedChange:
    """Set a task's status; "done" passes the gate first (GateRefused when it refuses).

    `force` (a reason) marks it done anyway and records the bypass in the ledger with the
    criteria that did not verify; a task done through the gate loses any earlier entry. A task
    whose own box is already `[x]` is left alone without running the tests.
    """
    if force is not None and status is not TaskStatus.DONE:
        raise TaskStatusError("--force applies only to --status done")
    if force is not None and not force.strip():
        raise TaskStatusError("--force needs a reason, e.g. --force \"flaky upstream test, "
                              "tracked in #123\"; it is recorded with your name and the time")
    verdict = forced = None
    if status is TaskStatus.DONE and not _already_done(workspace, spec, task_id):
        verdict = check_task_done(workspace, spec, task_id, timeout=timeout,
                                  test_command=test_command, progress=progress)
        ledger = ForcedLedger.load(workspace.root)
        if not verdict.passed:
            if force is None:
                raise GateRefused(verdict)
            forced = _forced_entry(workspace, verdict, force.strip(), run_id)
            ledger.record(forced)  # before the tick: a failed write leaves no unrecorded [x]
        change = set_task_status(workspace, spec, task_id, status)
        if verdict.passed:
            ledger.clear(verdict.spec, verdict.task)
        return GatedChange(change, verdict, forced)
    return GatedChange(set_task_status(workspace, spec, task_id, status), None, None)


def _already_done(workspace: Workspace, spec: str, task_id: str) -> bool:
    tasks = load_spec(workspace, spec).tasks
    task = tasks.task(task_id.rstrip(".")) if tasks is not None else None
    return task is not None and task.status is TaskStatus.DONE


def _forced_entry(workspace: Workspace, verdict: GateVerdict, reason: str,
                  run_id: str | None) -> ForcedEntry:
    from specloom.trace.gitinfo import head_commit

    message = verdict.message or ""
    return ForcedEntry(
        verdict.spec, verdict.task, reason, forcing_user(workspace.root),
        datetime.now(UTC).isoformat(timespec="seconds"), head_commit(workspace.root),
        tuple(c.to_json() for c in verdict.blocking), message, run_id)

