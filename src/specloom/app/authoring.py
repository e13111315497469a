"""Spec authoring use cases: new, next, refine and approve, with the model session's life cycle.

`specloom new/next/refine/approve` and the MCP tools `new_spec`, `next_phase`, `refine_phase`
and `approve_phase` call these and only render the result. Each model-backed step opens one
model session (through the adapter's opener, which tests replace), closes it on every exit
path, and turns model faults into one message (`UseCaseError`): a session that cannot be set
up is bad input, a model that fails mid-step is a refusal, and nothing is written either way.
A new spec is checked (name, idea, workflow) before any session opens, and created only once
the session is open, so a bad model leaves no half-made spec behind.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from specloom.app.errors import UseCaseError
from specloom.app.tasks import load_named_spec, resolve_spec
from specloom.models.errors import ModelCallError, ModelConfigError
from specloom.models.phase_stream import ModelFailure
from specloom.models.session import ModelSession
from specloom.quality.settings import load_settings
from specloom.spec.workspace import SPEC_DOCUMENTS, Workspace
from specloom.workflows import flow
from specloom.workflows.approval import approval_state
from specloom.workflows.authoring import Authoring, PhaseOutcome, PhaseProgress
from specloom.workflows.authoring import refine_phase as revise
from specloom.workflows.gates import Gate
from specloom.workflows.phases import Phase, Workflow

T = TypeVar("T")
WORKFLOWS: tuple[Workflow, ...] = ("requirements-first", "design-first", "quick", "bugfix")
PHASES: tuple[Phase, ...] = ("requirements", "bugfix", "design", "tasks")
OpenSession = Callable[[], ModelSession]


@dataclass(frozen=True, slots=True)
class StepOptions:
    """How a model-backed step runs: repair rounds, a reviewer at a terminal (None: stop at
    the first document awaiting review), a progress callback per phase."""

    max_repairs: int = 2
    gate: Gate | None = None
    progress: PhaseProgress | None = None


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What the step's model session used: its model, run folder and usage line."""

    model: str
    run_id: str
    usage: str
    note: str | None

    @classmethod
    def of(cls, session: ModelSession) -> SessionInfo:
        return cls(session.name, session.run_id, session.usage_line(), session.note())

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "run_id": self.run_id, "usage": self.usage,
                "model_note": self.note}


@dataclass(frozen=True, slots=True)
class Advanced:
    """What `new` or `next` wrote and where the flow stopped."""

    report: flow.FlowReport
    session: SessionInfo

    def report_json(self, workspace: Workspace) -> dict[str, Any]:
        return flow.report_to_dict(workspace, self.report)


@dataclass(frozen=True, slots=True)
class Refined:
    spec: str
    outcome: PhaseOutcome
    diff: str                  # "" when nothing was written
    session: SessionInfo

    def to_json(self, workspace: Workspace) -> dict[str, Any]:
        return {"spec": self.spec, "outcome": flow.outcome_to_dict(workspace, self.outcome),
                "diff": self.diff}


@dataclass(frozen=True, slots=True)
class Approved:
    spec: str
    approved: dict[Phase, str]     # phase -> sha256 of the approved document
    approvals: dict[Phase, str]    # every phase's review state afterwards

    def to_json(self) -> dict[str, Any]:
        return {"spec": self.spec, "approved": self.approved, "approvals": self.approvals}


# -- the model session's life cycle and its one error translation ----------------------------

@contextmanager
def model_session(open_session: OpenSession, model: object = None) -> Iterator[ModelSession]:
    """The session for one step, closed (its run's meta.json written) on every exit path; a
    model that cannot be set up (unknown provider, missing key, bad replay) is a UseCaseError
    with the model layer's message."""
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise UseCaseError("model must be a model string such as anthropic:<model>, or "
                           "omitted for the configured model")
    try:
        session = open_session()
    except (ModelConfigError, ModelCallError) as exc:
        raise UseCaseError(str(exc)) from None
    try:
        yield session
    finally:
        session.close()


def model_step(call: Callable[[], T], name: str) -> T:
    """Run a model-backed step; a model fault becomes the one message every adapter shows."""
    try:
        return call()
    except ModelFailure as exc:
        raise UseCaseError(f"the model failed: {exc}. Nothing was written; run 'specloom next "
                           f"{name}' to try again.", refusal=True) from None


def _authoring(workspace: Workspace, name: str, session: ModelSession,
               options: StepOptions) -> Authoring:
    return flow.build_authoring(workspace, name, session.model,
                                settings=load_settings(workspace.root),
                                max_repairs=options.max_repairs,
                                use_grammar=bool(session.is_local), progress=options.progress)


def _checked(options: StepOptions | None) -> StepOptions:
    chosen = options or StepOptions()
    if chosen.max_repairs < 0:
        raise UseCaseError("max_repairs must be 0 or more")
    return chosen


# -- the steps --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NewSpec:
    """A new spec that passed every check: its name, the idea as stored, its workflow."""

    name: str
    idea: str
    workflow: Workflow


def check_new_spec(workspace: Workspace, name: object, idea: object,
                   workflow: object = "requirements-first") -> NewSpec:
    """Everything a new spec is refused for, checked before a model session opens: the
    workflow, the name (kebab-case, not taken) and the idea (not empty, not too long)."""
    chosen = next((known for known in WORKFLOWS if workflow == known), None)
    if chosen is None:
        raise UseCaseError(f"workflow must be one of: {', '.join(WORKFLOWS)}")
    if not isinstance(name, str) or not isinstance(idea, str):
        raise UseCaseError("name and idea must be strings")
    flow.check_new_spec(workspace, name)
    return NewSpec(name, flow.validate_idea(idea), chosen)


def new_spec(workspace: Workspace, name: object, idea: object, workflow: object,
             open_session: OpenSession, *, model: str | None = None,
             options: StepOptions | None = None) -> Advanced:
    """Create the spec and write its first document (all three for quick), then go on as far
    as the gate allows (without one: stop for review). Nothing is created when the model
    cannot be set up."""
    new = check_new_spec(workspace, name, idea, workflow)
    chosen = _checked(options)
    return _advance(workspace, new.name, open_session, model, chosen,
                    start=lambda: flow.start_spec(workspace, new.name, new.idea, new.workflow))


def next_phase(workspace: Workspace, spec: str, open_session: OpenSession, *,
               model: str | None = None, options: StepOptions | None = None) -> Advanced:
    """Write the spec's next missing document, or report the one awaiting review."""
    name = resolve_spec(workspace, spec)
    return _advance(workspace, name, open_session, model, _checked(options))


def _advance(workspace: Workspace, name: str, open_session: OpenSession, model: str | None,
             options: StepOptions, start: Callable[[], object] | None = None) -> Advanced:
    with model_session(open_session, model) as session:
        if start is not None:
            start()
        authoring = _authoring(workspace, name, session, options)
        report = model_step(lambda: flow.advance(authoring, options.gate), name)
        return Advanced(report, SessionInfo.of(session))


def refine_phase(workspace: Workspace, spec: str, feedback: object, phase: object,
                 open_session: OpenSession, *, model: str | None = None,
                 options: StepOptions | None = None) -> Refined:
    """Revise the current (or named) phase's document from the feedback."""
    name = resolve_spec(workspace, spec)
    chosen = phase_argument(phase)
    if not isinstance(feedback, str) or not feedback.strip():
        raise UseCaseError("the feedback is empty; say what to change in the document")
    step = _checked(options)
    target = flow.refine_target(load_named_spec(workspace, name), chosen)
    with model_session(open_session, model) as session:
        authoring = _authoring(workspace, name, session, step)
        outcome = model_step(lambda: revise(authoring, target, feedback), name)
        info = SessionInfo.of(session)
    return Refined(name, outcome, flow.outcome_diff(outcome) if outcome.written else "", info)


def approve_phase(workspace: Workspace, spec: str, phase: object = None, *,
                  force: bool = False) -> Approved:
    """Approve the current (or named) document by its content hash; refused while check
    finds errors in it, unless forced (a person's decision, offered by the CLI only)."""
    name = resolve_spec(workspace, spec)
    try:
        stored = flow.approve(workspace, name, phase_argument(phase), force=force)
    except FileNotFoundError as exc:
        raise UseCaseError(str(exc)) from None
    return Approved(name, stored, dict(approval_state(load_named_spec(workspace, name))))


def phase_argument(phase: object) -> Phase | None:
    if phase is None:
        return None
    for known in PHASES:
        if phase == known:
            return known
    raise UseCaseError(f"phase must be one of: {', '.join(PHASES)}")


def abandon_new_spec(workspace: Workspace, name: str) -> list[str] | None:
    """After an interrupted `new`: remove the spec folder when no document was written yet
    (so `new` can start again) and return []; else keep it and return the documents written.
    None when there is no folder."""
    folder = workspace.spec_dir(name)
    if not folder.is_dir():
        return None
    written = [doc for doc in SPEC_DOCUMENTS if (folder / doc).is_file()]
    if not written:
        shutil.rmtree(folder, ignore_errors=True)
    return written
