"""The runner's writes to tasks.md: a task's box, and putting boxes back after a failure.

Every write goes through `specloom.spec.task_status.set_task_status`, the one status writer,
after re-recording an old-style approval of tasks.md (a tick is not an edit). A task that
failed (an exception, a failed model call) or was interrupted (Ctrl-C) gets its box, and a
parent's box that followed it, back to what they were before the task started; a box a person
changed during the run stays as they left it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from specloom.spec.task_status import set_task_status
from specloom.spec.tasks import Task, TasksDoc, TaskStatus
from specloom.spec.workspace import Workspace
from specloom.workflows.approval import upgrade_tasks_approval


@dataclass(frozen=True, slots=True)
class TaskBoxes:
    """The boxes of one spec's tasks.md; `tasks_doc` reads the plan fresh from disk."""

    workspace: Workspace
    spec: str
    tasks_doc: Callable[[], TasksDoc]
    progress: Callable[[str], None]

    def set(self, task_id: str, status: TaskStatus) -> None:
        upgrade_tasks_approval(self.workspace.spec_dir(self.spec))  # ticks are not edits
        set_task_status(self.workspace, self.spec, task_id, status)

    def lineage(self, task: Task) -> list[tuple[str, TaskStatus]]:
        """(id, status) of the task and of each ancestor, nearest first, as tasks.md has them
        now: the boxes a failed or interrupted task goes back to."""
        doc = self.tasks_doc()
        lineage: list[tuple[str, TaskStatus]] = []
        current = doc.task(task.id)
        while current is not None and current.id not in dict(lineage):
            lineage.append((current.id, current.status))
            current = doc.task(current.parent) if current.parent else None
        return lineage or [(task.id, task.status)]

    def restore(self, task: Task, before: Sequence[tuple[str, TaskStatus]]) -> str:
        """Put back the boxes this task's start changed and return the task's status
        afterwards. Only a box still `[-]` is put back, a parent's only while none of its
        required sub-tasks has started: anything else is a person's edit made during the run,
        and it stays. Never raises: this runs on the way out of a failure."""
        try:
            for task_id, status in before:
                doc = self.tasks_doc()
                current = doc.task(task_id)
                if current is None or current.status is not TaskStatus.IN_PROGRESS \
                        or status is TaskStatus.IN_PROGRESS:
                    continue
                if task_id != task.id and any(child.status is not TaskStatus.TODO
                                              for child in doc.children(task_id)
                                              if not child.optional):
                    continue
                self.set(task_id, status)
                self.progress(f"task {task_id}: back to [{status.mark}] in tasks.md")
            now = self.tasks_doc().task(task.id)
        except Exception as exc:  # must not hide the failure being handled; say so instead
            self.progress(f"task {task.id}: could not put its box back in tasks.md: {exc}")
            return "unknown"
        return now.status.value if now is not None else "unknown"
