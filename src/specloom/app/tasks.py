"""Task use cases: the next open task of a spec, and a status change through the task gate.

"The next open task" is `TasksDoc.next_open` (spec/tasks.py), the one rule that `specloom
show`, the MCP tool `next_task` and `specloom run` share. "Done only when verified" is the task
gate (trace/task_gate.py); `set_task_status` is the one way the adapters reach it, so the CLI's
`specloom task` and the MCP tool `set_task_status` refuse with the same message. A `force`
reason (a person's decision, offered by the CLI only) goes to the forced-completion ledger.

`specloom show` imports this module for `load_named_spec`, so the task gate, the check
engine, steering and run records are imported by the use cases that need them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from specloom.app.errors import UseCaseError
from specloom.spec.loader import Spec, load_spec
from specloom.spec.tasks import Task, TasksDoc, TaskStatus
from specloom.spec.workspace import Workspace

if TYPE_CHECKING:
    from specloom.trace.task_gate import GatedChange

STATUSES = tuple(status.value for status in TaskStatus)
PATH_IN_TEXT = re.compile(r"`([^`\s]+\.[A-Za-z0-9]+)`")


def resolve_spec(workspace: Workspace, name: str) -> str:
    """The spec's folder name (UnknownSpecError, with near names, when there is none)."""
    resolved = workspace.resolve_name(name)  # what resolve_spec_names does first, without
    if resolved is not None:                 # importing the check engine
        return resolved
    from specloom.quality.check import resolve_spec_names

    (resolved,) = resolve_spec_names(workspace, [name])  # raises, with the near names
    return resolved


def load_named_spec(workspace: Workspace, name: str) -> Spec:
    return load_spec(workspace, resolve_spec(workspace, name))


def _plan(spec: Spec) -> TasksDoc:
    if spec.tasks is None:
        raise UseCaseError(f"{spec.display_path}/tasks.md does not exist; the spec has no "
                           "implementation plan yet")
    return spec.tasks


def next_open_task(workspace: Workspace, spec: str) -> Task | None:
    """The spec's next open leaf task (None when every required task is done)."""
    return _plan(load_named_spec(workspace, spec)).next_open()


def task_brief(workspace: Workspace, spec: str, task_id: str | None = None) -> dict[str, Any]:
    """The next open task (or `task_id`) with everything an agent needs to do it: its cited
    criteria, the files it names, requirements.md, design.md and the steering for those
    files."""
    from specloom.app.steering import steering_for
    from specloom.trace.task_gate import named_task

    loaded = load_named_spec(workspace, spec)
    tasks = _plan(loaded)
    task = named_task(tasks, task_id, loaded.display_path) if task_id else tasks.next_open()
    if task is None:
        return {"spec": loaded.name, "task": None, "message": "every required task is done"}
    criteria = {c.id: c.text for c in (loaded.requirements.criteria()
                                       if loaded.requirements else ())}
    cited = loaded.cited_ids(task)
    parent = tasks.task(task.parent) if task.parent else None
    texts = (task.title, *task.details, *(parent.details if parent else ()))
    files = sorted({m for text in texts for m in PATH_IN_TEXT.findall(text)})
    steering, note = steering_for(workspace, files, task.title)
    return {
        "spec": loaded.name,
        "task": {"id": task.id, "title": task.title, "status": str(task.status),
                 "details": list(task.details), "optional": task.optional,
                 "parent": task.parent},
        "criteria": [{"id": i, "text": criteria.get(i)} for i in cited],
        "files": files,
        "requirements": loaded.requirements.source.text if loaded.requirements else None,
        "design": loaded.design.source.text if loaded.design else None,
        "steering": steering,
        "steering_note": note,
    }


def set_task_status(workspace: Workspace, spec: str, task_id: str, status: str, *,
                    timeout: float = 600.0, force: str | None = None,
                    progress: Callable[[str], None] | None = None) -> GatedChange:
    """Set a task to todo, in-progress or done; "done" passes the task gate, which raises
    GateRefused with the one refusal message. `force` (a reason) marks it done anyway and
    records the bypass, linked to the task's latest `specloom run` record."""
    from specloom.agent.run_record import latest_record
    from specloom.trace.task_gate import change_task_status
    from specloom.workflows.approval import upgrade_tasks_approval

    if status not in STATUSES:
        raise UseCaseError(f"status must be one of: {', '.join(STATUSES)}")
    if not isinstance(task_id, str) or not task_id.strip():
        raise UseCaseError("a task id such as 2 or 2.1 is required")
    if timeout <= 0:
        raise UseCaseError("timeout must be a positive number of seconds")
    name = resolve_spec(workspace, spec)
    upgrade_tasks_approval(workspace.spec_dir(name))  # a tick must not make the plan "edited"
    run = latest_record(workspace.root, name, task_id.rstrip(".")) if force is not None else None
    return change_task_status(workspace, name, task_id, TaskStatus(status), timeout=timeout,
                              progress=progress, force=force,
                              run_id=run.run_id if run is not None else None)
