"""The authoring flow across phases: start a spec, advance it, approve, refine.

Each step reloads the spec from disk, so asynchronous review (`approve` and `next` run
later, maybe by someone else) and hand edits between steps are normal. With a `Gate` the
flow asks a person at each phase; without one it stops at the first document awaiting
review. Model faults surface as `ModelFailure`; nothing here swallows them.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic_ai.models import Model

from specloom.context.steering import render_steering, select_steering
from specloom.core.diagnostic import Diagnostic
from specloom.core.errors import SpecloomError
from specloom.core.rule import Severity
from specloom.quality.settings import CheckSettings
from specloom.spec.files import write_atomic
from specloom.spec.loader import Spec, load_spec
from specloom.spec.source import read_source, read_text_bounded
from specloom.spec.workspace import Workspace
from specloom.workflows.approval import (
    approval_state,
    record_approval,
    spec_workflow,
    stored_idea,
)
from specloom.workflows.authoring import (
    Authoring,
    PhaseOutcome,
    PhaseProgress,
    generate_phase,
    refine_phase,
)
from specloom.workflows.documents import judge, unusable_reason
from specloom.workflows.gates import Gate
from specloom.workflows.naming import validate_spec_name
from specloom.workflows.phases import Phase, Workflow, phase_file, phase_order
from specloom.workflows.state import (
    CONFIG_FILE,
    NO_IDEA,
    ConfigFileError,
    new_config_text,
)

MAX_IDEA_CHARS = 20_000


class AuthoringError(ValueError, SpecloomError):
    """Bad input for authoring (name, idea, state); the message says what to do."""


@dataclass
class FlowReport:
    """What a run of the flow did, and where it stopped."""

    spec: str
    outcomes: list[PhaseOutcome] = field(default_factory=list)
    approved: list[Phase] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    waiting: Phase | None = None
    waiting_reason: str = ""
    rejected: Phase | None = None

    @property
    def done(self) -> bool:
        return self.waiting is None and self.rejected is None


def validate_idea(idea: str) -> str:
    text = idea.strip()
    if not text:
        raise AuthoringError("the idea is empty; describe the feature or bug in a sentence "
                             "or more")
    if len(text) > MAX_IDEA_CHARS:
        raise AuthoringError(f"the idea is {len(text):,} characters; the limit is "
                             f"{MAX_IDEA_CHARS:,}. Shorten it, or put background in a "
                             "steering file under .kiro/steering/")
    return text


def check_new_spec(workspace: Workspace, name: str) -> Path:
    """The folder a new spec `name` would get; AuthoringError for a bad or taken name."""
    try:
        validate_spec_name(name)
    except ValueError as exc:
        raise AuthoringError(str(exc)) from None
    folder = workspace.spec_dir(name)
    if folder.exists():
        raise AuthoringError(f"a spec named {name!r} already exists at "
                             f"{workspace.relative(folder)}; continue it with "
                             f"'specloom next {name}' or choose another name")
    return folder


def start_spec(workspace: Workspace, name: str, idea: str, workflow: Workflow) -> Path:
    """Create the spec folder and its `.config.kiro`; refuses an existing spec."""
    folder = check_new_spec(workspace, name)
    text = validate_idea(idea)
    write_atomic(folder / CONFIG_FILE, new_config_text(workflow, text).encode("utf-8"))
    return folder


def reload(authoring: Authoring) -> Spec:
    return load_spec(authoring.workspace, authoring.spec_name)


def advance(authoring: Authoring, gate: Gate | None) -> FlowReport:
    """Write and review phases until all are approved, one awaits review, or one fails."""
    report = FlowReport(authoring.spec_name)
    while True:
        spec = reload(authoring)
        states = approval_state(spec)
        phase = next((p for p, s in states.items() if s != "approved"), None)
        if phase is None:
            return report
        if not (spec.path / phase_file(phase)).is_file():
            if not _generate_missing(authoring, states, report):
                return report
            continue
        if gate is None:
            report.waiting, report.waiting_reason = phase, waiting_reason(spec, phase)
            return report
        if not _review(authoring, gate, phase, report):
            return report


def _generate_missing(authoring: Authoring, states: Mapping[Phase, str],
                      report: FlowReport) -> bool:
    """Write the next missing document (all missing ones for quick); False on a rejection."""
    missing = [p for p, s in states.items()
               if s != "approved" and not (authoring.spec_dir / phase_file(p)).is_file()]
    todo = missing if authoring.workflow == "quick" else missing[:1]
    for phase in todo:
        outcome = generate_phase(authoring, phase)
        report.outcomes.append(outcome)
        if not outcome.written:
            report.rejected = phase
            return False
    return True


def _review(authoring: Authoring, gate: Gate, phase: Phase, report: FlowReport) -> bool:
    """One gate round; True to keep going."""
    path = authoring.spec_dir / phase_file(phase)
    text = read_text_bounded(path)
    findings = judge(authoring.workspace, authoring.spec_name, phase, text,
                     authoring.settings).findings
    decision = gate.review(path, text, findings, waiting_reason(reload(authoring), phase))
    if decision.choice == "approve":
        try:
            record_approval(reload(authoring), (phase,))
        except ConfigFileError as exc:
            raise AuthoringError(str(exc)) from None
        report.approved.append(phase)
        return True
    if decision.choice == "feedback":
        outcome = refine_phase(authoring, phase, decision.feedback)
        report.outcomes.append(outcome)
        report.diffs.append(outcome_diff(outcome))
        gate.say(report.diffs[-1] or "(the revision changed nothing)")
        return True
    if decision.choice == "edited":
        return True
    report.waiting, report.waiting_reason = phase, waiting_reason(reload(authoring), phase)
    return False


def waiting_reason(spec: Spec, phase: Phase) -> str:
    state = approval_state(spec).get(phase, "pending")
    name = phase_file(phase)
    if state == "edited":
        return f"{name} changed since it was approved; review it and approve it again"
    if state == "stale":
        return (f"{name} is stale: an earlier document changed since it was approved; "
                f"refine it or approve it again")
    return f"{name} awaits review"


def approvable_phases(spec: Spec, phase: Phase | None) -> tuple[Phase, ...]:
    """The phase(s) `approve` acts on: the named one, all written ones for quick specs,
    otherwise the first one not approved."""
    states = approval_state(spec)
    if phase is not None:
        if phase not in states:
            raise AuthoringError(f"{spec.name} has no {phase} phase; its phases are "
                                 f"{', '.join(states)}")
        chosen: tuple[Phase, ...] = (phase,)
    else:
        open_phases = [p for p, s in states.items() if s != "approved"]
        if not open_phases:
            raise AuthoringError(f"every document of {spec.name} is already approved")
        written = [p for p in open_phases if (spec.path / phase_file(p)).is_file()]
        quick = spec_workflow(spec) == "quick"
        chosen = tuple(written) if quick and written else (open_phases[0],)
    for p in chosen:
        if not (spec.path / phase_file(p)).is_file():
            raise AuthoringError(f"{spec.display_path}/{phase_file(p)} is not written yet; "
                                 f"run 'specloom next {spec.name}' first")
    return chosen


def blocking_errors(workspace: Workspace, spec: Spec,
                    phases: Sequence[Phase]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for phase in phases:
        shown = f"{spec.display_path}/{phase_file(phase)}"
        read = read_source(spec.path / phase_file(phase), shown)
        if read.source is None:  # binary, not UTF-8, too large or unreadable: never approvable
            problem = read.problem
            assert problem is not None
            found.append(Diagnostic(problem.code, Severity.ERROR, shown, max(problem.line, 1), 1,
                                    max(problem.line, 1), 1, problem.message, problem.hint,
                                    spec.name))
            continue
        text = read.source.text
        candidate = judge(workspace, spec.name, phase, text, None)
        found.extend(d for d in candidate.findings if d.severity is Severity.ERROR)
    return found


def unusable_documents(spec: Spec, phases: Sequence[Phase]) -> list[str]:
    """'file: reason' for each document that is template, prompt text or empty responses."""
    found = []
    for phase in phases:
        read = read_source(spec.path / phase_file(phase), phase_file(phase))
        reason = unusable_reason(phase, read.source.text) if read.source is not None else None
        if reason is not None:
            found.append(f"{spec.display_path}/{phase_file(phase)}: {reason}")
    return found


def approve(workspace: Workspace, name: str, phase: Phase | None = None,
            force: bool = False) -> dict[Phase, str]:
    """Record approval of the document(s) now on disk; refuses error findings unless forced."""
    spec = load_spec(workspace, name)
    phases = approvable_phases(spec, phase)
    unusable = unusable_documents(spec, phases)
    if unusable:  # --force does not apply: there is nothing to approve
        raise AuthoringError("not approved: " + "\n".join(unusable) + "\nwrite the document "
                             f"(or 'specloom refine {name} \"feedback\"'); --force does not "
                             "approve template or prompt text")
    errors = blocking_errors(workspace, spec, phases)
    if errors and not force:
        listed = "\n".join(f"  {d.path}:{d.line}: {d.code} {d.message}" for d in errors)
        raise AuthoringError(f"not approved: check finds {len(errors)} error(s):\n{listed}\n"
                             "fix them (or 'specloom refine'), or approve anyway with --force")
    try:
        return record_approval(spec, phases)
    except ConfigFileError as exc:
        raise AuthoringError(str(exc)) from None


def refine_target(spec: Spec, phase: Phase | None) -> Phase:
    """The phase `refine` revises: the named one, else the current one with a document."""
    order = phase_order(spec_workflow(spec))
    if phase is not None:
        if phase not in order:
            raise AuthoringError(f"{spec.name} has no {phase} phase")
        chosen = phase
    else:
        states = approval_state(spec)
        written = [p for p in order if (spec.path / phase_file(p)).is_file()]
        if not written:
            raise AuthoringError(f"{spec.name} has no document yet; run 'specloom next "
                                 f"{spec.name}'")
        chosen = next((p for p in written if states[p] != "approved"), written[-1])
    if not (spec.path / phase_file(chosen)).is_file():
        raise AuthoringError(f"{spec.display_path}/{phase_file(chosen)} does not exist yet")
    return chosen


def outcome_diff(outcome: PhaseOutcome) -> str:
    before = (outcome.previous_text or "").splitlines(keepends=True)
    after = outcome.candidate.text.splitlines(keepends=True)
    name = outcome.path.name
    return "".join(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"))


def steering_text(workspace: Workspace, idea: str) -> str:
    """The steering the context layer selects for this idea."""
    return render_steering(select_steering(workspace, paths=(), prompt=idea))


def build_authoring(workspace: Workspace, name: str, model: Model, *,
                    settings: CheckSettings | None, max_repairs: int = 2,
                    use_grammar: bool = False,
                    progress: PhaseProgress | None = None) -> Authoring:
    """The `Authoring` for an existing spec: its workflow and idea from `.config.kiro`, the
    steering selected for that idea. What `new`, `next`, `refine` and the MCP tools use."""
    if max_repairs < 0:
        raise AuthoringError("max_repairs must be 0 or more")
    spec = load_spec(workspace, name)
    idea = stored_idea(spec.path) or NO_IDEA
    return Authoring(workspace=workspace, spec_name=name, workflow=spec_workflow(spec),
                     model=model, idea=idea, steering_text=steering_text(workspace, idea),
                     max_repairs=max_repairs, settings=(settings or CheckSettings()).for_drafts(),
                     use_grammar=use_grammar, progress=progress)


def outcome_to_dict(workspace: Workspace, outcome: PhaseOutcome) -> dict[str, Any]:
    """One phase's outcome as `specloom next --json` prints it (`json_model.PhaseOutcomeJson`)."""
    from specloom.core.json_model import validated
    from specloom.quality.registry import diagnostics_json
    from specloom.workflows.json_model import PhaseOutcomeJson

    return validated(PhaseOutcomeJson, {
        "phase": outcome.phase,
        "path": workspace.relative(outcome.path),
        "written": outcome.written,
        "rejected_path": workspace.relative(outcome.rejected_path)
        if outcome.rejected_path else None,
        "unusable": outcome.candidate.unusable,
        "rounds": outcome.rounds,
        "findings": diagnostics_json(outcome.findings),
    })


def report_to_dict(workspace: Workspace, report: FlowReport) -> dict[str, Any]:
    """A flow run as `specloom new/next --json` prints it, with each phase's review state
    (`json_model.FlowReportJson`)."""
    from specloom.core.json_model import validated
    from specloom.workflows.json_model import FlowReportJson

    return validated(FlowReportJson, {
        "spec": report.spec,
        "outcomes": [outcome_to_dict(workspace, o) for o in report.outcomes],
        "approved": report.approved,
        "waiting": report.waiting,
        "waiting_reason": report.waiting_reason,
        "rejected": report.rejected,
        "done": report.done,
        "approvals": approval_state(load_spec(workspace, report.spec)),
    })
