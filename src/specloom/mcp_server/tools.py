"""The MCP tools as plain functions: validate the input, call the library, return JSON data.

Each function is a thin wrapper over what the matching CLI command calls, and raises
`ToolInputError` with the CLI's message for anything the caller got wrong. The server module
turns these into MCP tools; tests and the benchmark may call them directly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from specloom.spec.workspace import SPEC_DOCUMENTS, Workspace

STATUSES = ("todo", "in-progress", "done")
FAIL_ON = ("error", "warning", "info")
PATH_IN_TEXT = re.compile(r"`([^`\s]+\.[A-Za-z0-9]+)`")


class ToolInputError(Exception):
    """The call cannot be answered; the message is the one the CLI would print."""


def _library_errors() -> tuple[type[Exception], ...]:
    from specloom.quality.check import UnknownSpecError
    from specloom.quality.settings import SettingsError
    from specloom.spec.files import StaleFileError
    from specloom.spec.task_status import TaskStatusError
    from specloom.trace.fingerprints import StoreError

    return (UnknownSpecError, SettingsError, StaleFileError, TaskStatusError, StoreError)


def translate_errors(exc: Exception) -> ToolInputError | None:
    """The library's expected failures as a ToolInputError; None for anything else (a bug)."""
    if isinstance(exc, ToolInputError):
        return exc
    if isinstance(exc, _library_errors()):
        return ToolInputError(str(exc))
    return None


def resolve_spec(workspace: Workspace, name: str) -> str:
    from specloom.quality.check import resolve_spec_names

    if not isinstance(name, str) or not name.strip():
        raise ToolInputError("a spec name is required; call list_specs to see them")
    (resolved,) = resolve_spec_names(workspace, [name])
    return resolved


def list_specs(workspace: Workspace) -> dict[str, Any]:
    """What `specloom list --json` prints."""
    from specloom.quality.overview import spec_row
    from specloom.spec.loader import load_spec

    rows = [spec_row(load_spec(workspace, name)) for name in workspace.spec_names()]
    return {"root": str(workspace.root), "specs": rows}


def read_document(workspace: Workspace, spec: str, document: str) -> str:
    """The text of one spec document, read fresh from disk."""
    name = resolve_spec(workspace, spec)
    if document not in SPEC_DOCUMENTS:
        raise ToolInputError(f"unknown document {document!r}; use one of: "
                             + ", ".join(SPEC_DOCUMENTS))
    file = workspace.spec_dir(name) / document
    if not file.is_file():
        raise ToolInputError(f"{workspace.relative(file)} does not exist")
    return file.read_text(encoding="utf-8-sig", errors="replace")


def check(workspace: Workspace, specs: Sequence[str] = (), fail_on: str | None = None,
          select: Sequence[str] = (), ignore: Sequence[str] = ()) -> dict[str, Any]:
    """What `specloom check --format json` prints."""
    from specloom.quality.check import check_workspace
    from specloom.quality.render.json_report import report_to_dict
    from specloom.quality.settings import load_settings

    if fail_on is not None and fail_on not in FAIL_ON:
        raise ToolInputError(f"fail_on must be one of: {', '.join(FAIL_ON)}")
    settings = load_settings(workspace.root).with_overrides(
        _codes(select), _codes(ignore), fail_on)
    return report_to_dict(check_workspace(workspace, list(specs), settings))


def _codes(values: Sequence[str]) -> list[str] | None:
    codes = [c.strip().upper() for value in values for c in value.split(",") if c.strip()]
    return codes or None


def trace(workspace: Workspace, specs: Sequence[str] = ()) -> dict[str, Any]:
    """What `specloom trace --format json` prints."""
    from specloom.trace.matrix import build_trace
    from specloom.trace.render_trace import trace_to_dict

    return trace_to_dict(build_trace(workspace, list(specs)))


def verify(workspace: Workspace, specs: Sequence[str] = (),
           timeout: float = 600.0) -> dict[str, Any]:
    """What `specloom verify --format json` prints (runs the linked tests)."""
    from specloom.trace.render_verify import verify_to_dict
    from specloom.trace.verify import verify as run_verify

    if timeout <= 0:
        raise ToolInputError("timeout must be a positive number of seconds")
    return verify_to_dict(run_verify(workspace, list(specs), timeout=timeout,
                                     test_command=_test_command(workspace)))


def _test_command(workspace: Workspace) -> str | None:
    from specloom.quality.settings import pyproject_table

    table, _ = pyproject_table(workspace.root)
    value = table.get("test-command")
    return value if isinstance(value, str) else None


def steering_for(workspace: Workspace, paths: Sequence[str],
                 prompt: str = "") -> tuple[str | None, str]:
    """The rendered steering for these files, or None and why it is not available."""
    try:
        from specloom.context.steering import render_steering, select_steering
    except ImportError:
        return None, "steering selection is not available in this specloom build"
    selection = select_steering(workspace, paths=list(paths), prompt=prompt)
    reasons = "; ".join(f"{i.file.display_path} ({i.reason})" for i in selection.included)
    return render_steering(selection), f"included: {reasons or 'nothing'}"


def steering_for_path(workspace: Workspace, path: str, prompt: str = "") -> dict[str, Any]:
    if not isinstance(path, str) or not path.strip():
        raise ToolInputError("a path is required, relative to the workspace root")
    text, note = steering_for(workspace, [path], prompt)
    return {"path": path, "steering": text, "note": note}


def next_task(workspace: Workspace, spec: str, task_id: str | None = None) -> dict[str, Any]:
    """The next open task (or `task_id`) with everything an agent needs to do it."""
    from specloom.spec.loader import load_spec

    loaded = load_spec(workspace, resolve_spec(workspace, spec))
    if loaded.tasks is None:
        raise ToolInputError(f"{loaded.display_path}/tasks.md does not exist; the spec has "
                             "no implementation plan yet")
    task = _pick_task(loaded.tasks, task_id, loaded.display_path)
    if task is None:
        return {"spec": loaded.name, "task": None, "message": "every required task is done"}
    criteria = {c.id: c.text for c in (loaded.requirements.criteria()
                                       if loaded.requirements else ())}
    cited = [ref.id for ref in task.cited_criteria]
    parent = loaded.tasks.task(task.parent) if task.parent else None
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


def _pick_task(tasks: Any, task_id: str | None, shown: str) -> Any:
    from specloom.spec.tasks import TaskStatus

    if task_id:
        task = tasks.task(task_id.rstrip("."))
        if task is None:
            raise ToolInputError(f"no task {task_id!r} in {shown}/tasks.md; tasks: "
                                 + ", ".join(t.id for t in tasks.tasks[:20]))
        return task
    open_tasks = [t for t in tasks.tasks if not t.optional and not tasks.children(t.id)
                  and t.status is not TaskStatus.DONE]
    return open_tasks[0] if open_tasks else None


def set_task_status(workspace: Workspace, spec: str, task_id: str, status: str,
                    timeout: float = 600.0) -> dict[str, Any]:
    """`specloom task SPEC ID --status STATUS`; "done" only when the cited criteria verify."""
    from specloom.spec.task_status import set_task_status as write_status
    from specloom.spec.tasks import TaskStatus

    if status not in STATUSES:
        raise ToolInputError(f"status must be one of: {', '.join(STATUSES)}")
    name = resolve_spec(workspace, spec)
    if status == "done":
        _require_verified(workspace, name, task_id, timeout)
    change = write_status(workspace, name, task_id, TaskStatus(status))
    return {
        "spec": change.spec, "path": change.path, "task": change.task,
        "before": str(change.before), "after": str(change.after), "parent": change.parent,
        "parent_before": str(change.parent_before) if change.parent_before else None,
        "parent_after": str(change.parent_after) if change.parent_after else None,
        "changed": change.changed,
    }


def _require_verified(workspace: Workspace, spec: str, task_id: str, timeout: float) -> None:
    from specloom.spec.loader import load_spec
    from specloom.trace.verify import verify as run_verify

    loaded = load_spec(workspace, spec)
    task = _pick_task(loaded.tasks, task_id, loaded.display_path) if loaded.tasks else None
    if task is None:
        raise ToolInputError(f"{loaded.display_path}/tasks.md does not exist")
    cited = {ref.id for ref in task.cited_criteria}
    for child in loaded.tasks.children(task.id) if loaded.tasks else ():
        cited.update(ref.id for ref in child.cited_criteria)
    if not cited:
        raise ToolInputError(f"task {task.id} cites no criteria, so no test can show it is "
                             "done; cite them with _Requirements: X.Y_ or set it in the CLI")
    report = run_verify(workspace, [spec], timeout=timeout,
                        test_command=_test_command(workspace), record=False)
    verdicts = {c.id: c.status for s in report.specs for c in s.criteria}
    bad = [f"{i} {verdicts.get(i, 'unknown')}" for i in sorted(cited)
           if verdicts.get(i) != "verified"]
    if bad:
        raise ToolInputError(f"task {task.id} is not marked done: its criteria do not all "
                             f"verify ({'; '.join(bad)}); run 'specloom verify {spec}' "
                             "for the details")
