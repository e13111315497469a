"""The MCP tools as plain functions: validate the input, call the library, return JSON data.

Each function is a thin wrapper over what the matching CLI command calls, and raises
`ToolInputError` with the CLI's message for anything the caller got wrong. The server module
turns these into MCP tools; tests and the benchmark may call them directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from specloom.spec.workspace import SPEC_DOCUMENTS, Workspace

if TYPE_CHECKING:
    from specloom.models.session import ModelSession
    from specloom.workflows.authoring import PhaseOutcome

T = TypeVar("T")

STATUSES = ("todo", "in-progress", "done")
FAIL_ON = ("error", "warning", "info")
PATH_IN_TEXT = re.compile(r"`([^`\s]+\.[A-Za-z0-9]+)`")


class ToolInputError(Exception):
    """The call cannot be answered; the message is the one the CLI would print."""


def _library_errors() -> tuple[type[Exception], ...]:
    from specloom.core.config_files import SettingsError
    from specloom.quality.check import UnknownSpecError
    from specloom.spec.files import StaleFileError
    from specloom.spec.task_status import TaskStatusError
    from specloom.trace.fingerprints import StoreError
    from specloom.trace.task_gate import GateRefused
    from specloom.workflows.flow import AuthoringError

    return (UnknownSpecError, SettingsError, StaleFileError, TaskStatusError, StoreError,
            AuthoringError, GateRefused)


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
    from specloom.app.overview import spec_row
    from specloom.spec.loader import load_spec
    from specloom.trace.task_gate import forced_rows

    specs = [load_spec(workspace, name) for name in workspace.spec_names()]
    rows = [{**spec_row(spec), "forced": forced_rows(workspace, spec)} for spec in specs]
    return {"root": str(workspace.root), "specs": rows}


def read_document(workspace: Workspace, spec: str, document: str) -> str:
    """The text of one spec document, read fresh from disk."""
    name = resolve_spec(workspace, spec)
    if document not in SPEC_DOCUMENTS:
        raise ToolInputError(f"unknown document {document!r}; use one of: "
                             + ", ".join(SPEC_DOCUMENTS))
    file = workspace.spec_dir(name) / document
    if not file.exists() and not file.is_symlink():
        raise ToolInputError(f"{workspace.relative(file)} does not exist")
    from specloom.spec.source import read_text_bounded

    try:
        return read_text_bounded(file)
    except OSError as exc:
        raise ToolInputError(f"{workspace.relative(file)}: {exc}") from None


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
    from specloom.core.config_files import pyproject_table

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
    cited = loaded.cited_ids(task)
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
    """`specloom task SPEC ID --status STATUS --json`; "done" passes the task gate
    (specloom.trace.task_gate), which refuses with the CLI's message. No --force over MCP: a
    bypass is a person's decision, made at the command line."""
    from specloom.spec.tasks import TaskStatus
    from specloom.trace.task_gate import change_task_status
    from specloom.workflows.approval import upgrade_tasks_approval

    if status not in STATUSES:
        raise ToolInputError(f"status must be one of: {', '.join(STATUSES)}")
    if not isinstance(task_id, str) or not task_id.strip():
        raise ToolInputError("a task id such as 2 or 2.1 is required; call next_task to see one")
    if timeout <= 0:
        raise ToolInputError("timeout must be a positive number of seconds")
    name = resolve_spec(workspace, spec)
    upgrade_tasks_approval(workspace.spec_dir(name))  # a tick must not make the plan "edited"
    return change_task_status(workspace, name, task_id, TaskStatus(status),
                              timeout=timeout).to_json()


# -- authoring with a model: new_spec, next_phase, refine_phase, approve_phase ----------------
#
# Never interactive: these are the asynchronous-review path of `specloom new/next/refine`
# (as with --no-input), so a run stops at the first document awaiting review.

WORKFLOWS = ("requirements-first", "design-first", "quick", "bugfix")
PHASES = ("requirements", "bugfix", "design", "tasks")


def open_model_session(workspace: Workspace, *, model: str | None,
                       command: str) -> ModelSession:
    """The model layer's session, opened as the CLI opens it (tests replace this function)."""
    from specloom.models.session import open_model_session as open_session

    return open_session(workspace, model=model, command=command)


@contextmanager
def _model_session(workspace: Workspace, model: str | None,
                   command: str) -> Iterator[ModelSession]:
    """The session for one tool call, closed (meta.json written) on every exit path."""
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise ToolInputError("model must be a model string such as anthropic:<model>, or "
                             "omitted for the configured model")
    try:
        from specloom.models.errors import ModelCallError, ModelConfigError
    except ImportError:
        raise ToolInputError("the model layer (specloom.models) is not available in this "
                             "installation") from None
    try:
        session = open_model_session(workspace, model=model, command=command)
    except ImportError:
        raise ToolInputError("the model layer (specloom.models) is not available in this "
                             "installation") from None
    except (ModelConfigError, ModelCallError) as exc:
        raise ToolInputError(str(exc)) from None
    try:
        yield session
    finally:
        session.close()


def _model_call(call: Callable[[], T], name: str) -> T:
    """Run a model-backed step; a model fault becomes the CLI's message."""
    from specloom.models.phase_stream import ModelFailure

    try:
        return call()
    except ModelFailure as exc:
        raise ToolInputError(f"the model failed: {exc}. Nothing was written; run "
                             f"'specloom next {name}' to try again.") from None


def _session_info(session: ModelSession) -> dict[str, Any]:
    return {"model": session.name, "run_id": session.run_id, "usage": session.usage_line(),
            "model_note": session.note()}


def _authoring_for(workspace: Workspace, name: str, session: ModelSession) -> Any:
    from specloom.quality.settings import load_settings
    from specloom.workflows.flow import build_authoring

    return build_authoring(workspace, name, session.model,
                           settings=load_settings(workspace.root),
                           use_grammar=bool(getattr(session, "is_local", False)))


def _advance(workspace: Workspace, name: str, model: str | None, command: str,
             start: Callable[[], object] | None = None) -> dict[str, Any]:
    """`specloom next --json` for `name` (never asks), with the session's usage and note;
    `start` runs once the session is open (new_spec creates the spec there)."""
    from specloom.workflows.flow import advance, report_to_dict

    with _model_session(workspace, model, command) as session:
        if start is not None:
            start()
        authoring = _authoring_for(workspace, name, session)
        report = _model_call(lambda: advance(authoring, None), name)
        info = _session_info(session)
    return {**report_to_dict(workspace, report), **info}


def _check_new_spec(workspace: Workspace, name: str, idea: str, workflow: str) -> str:
    """Everything `start_spec` refuses, checked before a model session is opened."""
    from specloom.workflows.flow import AuthoringError, validate_idea
    from specloom.workflows.naming import validate_spec_name

    if workflow not in WORKFLOWS:
        raise ToolInputError(f"workflow must be one of: {', '.join(WORKFLOWS)}")
    if not isinstance(name, str) or not isinstance(idea, str):
        raise ToolInputError("name and idea must be strings")
    try:
        validate_spec_name(name)
    except ValueError as exc:
        raise ToolInputError(str(exc)) from None
    try:
        text = validate_idea(idea)
    except AuthoringError as exc:
        raise ToolInputError(str(exc)) from None
    folder = workspace.spec_dir(name)
    if folder.exists():
        raise ToolInputError(f"a spec named {name!r} already exists at "
                             f"{workspace.relative(folder)}; continue it with "
                             f"'specloom next {name}' or choose another name")
    return text


def new_spec(workspace: Workspace, name: str, idea: str,
             workflow: str = "requirements-first", model: str | None = None) -> dict[str, Any]:
    """`specloom new NAME IDEA --no-input --json`: create the spec, write its first document
    (all three for quick), and stop for review. Nothing is created when the model cannot be
    set up."""
    from specloom.workflows.flow import start_spec

    text = _check_new_spec(workspace, name, idea, workflow)
    result = _advance(workspace, name, model, "new",
                      start=lambda: start_spec(workspace, name, text,
                                               workflow))  # type: ignore[arg-type]
    return {"workflow": workflow, **result}


def next_phase(workspace: Workspace, spec: str, model: str | None = None) -> dict[str, Any]:
    """`specloom next SPEC --no-input --json`: write the next missing document, or report the
    one awaiting review."""
    return _advance(workspace, resolve_spec(workspace, spec), model, "next")


def _phase_argument(phase: str | None) -> Any:
    if phase is not None and phase not in PHASES:
        raise ToolInputError(f"phase must be one of: {', '.join(PHASES)}")
    return phase


def refine_phase(workspace: Workspace, spec: str, feedback: str, phase: str | None = None,
                 model: str | None = None) -> dict[str, Any]:
    """`specloom refine SPEC FEEDBACK --json`: revise the current (or named) phase's document
    from the feedback; the outcome, its findings and the diff."""
    from specloom.spec.loader import load_spec
    from specloom.workflows.authoring import refine_phase as revise
    from specloom.workflows.flow import outcome_diff, outcome_to_dict, refine_target

    name = resolve_spec(workspace, spec)
    chosen = _phase_argument(phase)
    if not isinstance(feedback, str) or not feedback.strip():
        raise ToolInputError("the feedback is empty; say what to change in the document")
    target = refine_target(load_spec(workspace, name), chosen)
    with _model_session(workspace, model, "refine") as session:
        authoring = _authoring_for(workspace, name, session)
        outcome: PhaseOutcome = _model_call(lambda: revise(authoring, target, feedback), name)
        info = _session_info(session)
    return {"spec": name, "outcome": outcome_to_dict(workspace, outcome),
            "diff": outcome_diff(outcome) if outcome.written else "", **info}


def approve_phase(workspace: Workspace, spec: str, phase: str | None = None) -> dict[str, Any]:
    """`specloom approve SPEC --json` (never forced: documents with check errors are
    refused)."""
    from specloom.spec.loader import load_spec
    from specloom.workflows.approval import approval_state
    from specloom.workflows.flow import approve

    name = resolve_spec(workspace, spec)
    try:
        stored = approve(workspace, name, _phase_argument(phase), force=False)
    except FileNotFoundError as exc:
        raise ToolInputError(str(exc)) from None
    return {"spec": name, "approved": stored,
            "approvals": approval_state(load_spec(workspace, name))}
