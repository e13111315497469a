"""The deterministic task status update: read tasks.md fresh, change boxes, write atomically."""

from __future__ import annotations

import os
from dataclasses import dataclass

from specloom.core.errors import SpecloomError
from specloom.spec.files import replace_if_unchanged
from specloom.spec.source import read_source
from specloom.spec.tasks import TaskNotFound, TaskStatus, parse_tasks, with_status
from specloom.spec.workspace import Workspace


class TaskStatusError(SpecloomError):
    """The update cannot be made; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class StatusChange:
    spec: str
    path: str
    task: str
    before: TaskStatus
    after: TaskStatus
    parent: str | None
    parent_before: TaskStatus | None
    parent_after: TaskStatus | None
    changed: bool


def set_task_status(workspace: Workspace, spec: str, task_id: str,
                    status: TaskStatus) -> StatusChange:
    file = workspace.spec_dir(spec) / "tasks.md"
    shown = workspace.relative(file)
    if not os.path.lexists(file):  # a folder or FIFO named tasks.md is refused just below
        raise TaskStatusError(f"{shown} does not exist; the spec has no implementation plan yet")
    read = read_source(file, shown)
    if read.source is None:
        assert read.problem is not None
        raise TaskStatusError(f"{shown}:{read.problem.line}: {read.problem.message}")
    doc = parse_tasks(read.source)
    task = doc.task(task_id.rstrip("."))
    if task is None:
        raise TaskStatusError(str(TaskNotFound(
            f"no task {task_id!r} in {shown}; tasks: "
            + ", ".join(t.id for t in doc.tasks[:20]))))
    new_text = with_status(doc, task.id, status)
    updated = parse_tasks(type(read.source).from_text(shown, new_text, read.source.encoding))
    after = updated.task(task.id)
    parent_before = doc.task(task.parent) if task.parent else None
    parent_after = updated.task(task.parent) if task.parent else None
    changed = new_text != read.source.text
    if changed:
        replace_if_unchanged(file, read.source.to_bytes(), new_text.encode(read.source.encoding))
    return StatusChange(
        spec=spec, path=shown, task=task.id, before=task.status,
        after=after.status if after else status, parent=task.parent,
        parent_before=parent_before.status if parent_before else None,
        parent_after=parent_after.status if parent_after else None, changed=changed,
    )
