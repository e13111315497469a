"""The MCP tools as plain functions: validate the input, call the use case, return JSON data.

Each function is a thin wrapper over the use case in `specloom.app` that the matching CLI
command calls too, and raises `ToolInputError` with the CLI's message for anything the caller
got wrong. The server module turns these into MCP tools; tests and the benchmark may call them
directly. Never interactive and never forced: the model-driven tools are the asynchronous-review
path of `specloom new/next/refine` (as with --no-input), and a bypass of the task gate or of
approve's check is a person's decision, made at the command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from specloom.app import authoring, tasks
from specloom.app.errors import user_error
from specloom.app.steering import steering_for as steering_for
from specloom.core.errors import SpecloomError
from specloom.spec.workspace import SPEC_DOCUMENTS, Workspace

if TYPE_CHECKING:
    from specloom.models.session import ModelSession

FAIL_ON = ("error", "warning", "info")


class ToolInputError(SpecloomError):
    """The call cannot be answered; the message is the one the CLI would print."""


def translate_errors(exc: Exception) -> ToolInputError | None:
    """The library's expected failures as a ToolInputError; None for anything else (a bug)."""
    if isinstance(exc, ToolInputError):
        return exc
    found = user_error(exc)
    return ToolInputError(str(found)) if found is not None else None


def resolve_spec(workspace: Workspace, name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ToolInputError("a spec name is required; call list_specs to see them")
    return tasks.resolve_spec(workspace, name)


def list_specs(workspace: Workspace) -> dict[str, Any]:
    """What `specloom list --json` prints."""
    from specloom.app.overview import list_specs as listing

    return listing(workspace)


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
    """The configured `test-command`; a bad one is the CLI's SettingsError, not ignored."""
    from specloom.trace.task_gate import configured_test_command

    return configured_test_command(workspace.root)


def steering_for_path(workspace: Workspace, path: str, prompt: str = "") -> dict[str, Any]:
    from specloom.app.steering import steering_for_path as for_path

    return for_path(workspace, path, prompt)


def next_task(workspace: Workspace, spec: str, task_id: str | None = None) -> dict[str, Any]:
    """The next open task (or `task_id`) with everything an agent needs to do it."""
    return tasks.task_brief(workspace, resolve_spec(workspace, spec), task_id)


def set_task_status(workspace: Workspace, spec: str, task_id: str, status: str,
                    timeout: float = 600.0) -> dict[str, Any]:
    """`specloom task SPEC ID --status STATUS --json`; "done" passes the task gate, which
    refuses with the CLI's message. No force over MCP."""
    return tasks.set_task_status(workspace, resolve_spec(workspace, spec), task_id, status,
                                 timeout=timeout).to_json()


# -- authoring with a model: new_spec, next_phase, refine_phase, approve_phase ----------------

WORKFLOWS = authoring.WORKFLOWS
PHASES = authoring.PHASES


def open_model_session(workspace: Workspace, *, model: str | None,
                       command: str) -> ModelSession:
    """The model layer's session, opened as the CLI opens it (tests replace this function)."""
    from specloom.models.session import open_model_session as open_session

    return open_session(workspace, model=model, command=command)


def _opener(workspace: Workspace, model: str | None,
            command: str) -> authoring.OpenSession:
    return lambda: open_model_session(workspace, model=model, command=command)


def new_spec(workspace: Workspace, name: str, idea: str,
             workflow: str = "requirements-first", model: str | None = None) -> dict[str, Any]:
    """`specloom new NAME IDEA --no-input --json`: create the spec, write its first document
    (all three for quick), and stop for review. Nothing is created when the model cannot be
    set up."""
    done = authoring.new_spec(workspace, name, idea, workflow, _opener(workspace, model, "new"),
                              model=model)
    return {"workflow": workflow, **done.report_json(workspace), **done.session.to_json()}


def next_phase(workspace: Workspace, spec: str, model: str | None = None) -> dict[str, Any]:
    """`specloom next SPEC --no-input --json`: write the next missing document, or report the
    one awaiting review."""
    done = authoring.next_phase(workspace, resolve_spec(workspace, spec),
                                _opener(workspace, model, "next"), model=model)
    return {**done.report_json(workspace), **done.session.to_json()}


def refine_phase(workspace: Workspace, spec: str, feedback: str, phase: str | None = None,
                 model: str | None = None) -> dict[str, Any]:
    """`specloom refine SPEC FEEDBACK --json`: revise the current (or named) phase's document
    from the feedback; the outcome, its findings and the diff."""
    done = authoring.refine_phase(workspace, resolve_spec(workspace, spec), feedback, phase,
                                  _opener(workspace, model, "refine"), model=model)
    return {**done.to_json(workspace), **done.session.to_json()}


def approve_phase(workspace: Workspace, spec: str, phase: str | None = None) -> dict[str, Any]:
    """`specloom approve SPEC --json` (never forced: documents with check errors are
    refused)."""
    return authoring.approve_phase(workspace, resolve_spec(workspace, spec), phase).to_json()
