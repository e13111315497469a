"""The JSON outputs of the use cases every adapter shares: `list`/`show --json` and the MCP
tools `list_specs`, `next_task`, `steering_for_path` and the authoring tools (the flow report
of `new`/`next` plus the model session's usage).

Keys present only for some specs (`show`'s requirements, properties, tasks, spec.json) are
optional fields: absent from the output when the spec has no such document.
"""

from __future__ import annotations

from typing import Any, Literal

from specloom.core.json_model import JsonModel
from specloom.trace.json_model import ForcedJson
from specloom.workflows.json_model import (
    ApproveJson,
    FlowReportJson,
    PhaseName,
    PhaseOutcomeJson,
    ReviewStateName,
)

TaskStatusName = Literal["todo", "in-progress", "done"]
WorkflowName = Literal["requirements-first", "design-first", "quick", "bugfix"]


# -- list and show ------------------------------------------------------------------------

class CcSddJson(JsonModel):
    """cc-sdd's own phase and approvals, read from the spec's `spec.json`."""

    phase: str | None
    approvals: dict[str, bool]


class SpecRowJson(JsonModel):
    """One spec as `list` shows it: `phase` is requirements, design, tasks, implementing or
    done; `approvals` maps each phase to approved, stale, pending or edited."""

    name: str
    archived: bool
    type: Literal["feature", "bugfix"]
    workflow: str | None
    phase: str
    tasks_done: int
    tasks_total: int
    path: str
    approvals: dict[PhaseName, ReviewStateName]
    cc_sdd: CcSddJson | None


class ListedSpecJson(SpecRowJson):
    forced: list[ForcedJson]


class ListJson(JsonModel):
    """`specloom list --json`, and the MCP tool `list_specs`."""

    root: str
    specs: list[ListedSpecJson]


class RequirementSummaryJson(JsonModel):
    number: str
    title: str
    criteria: int


class PropertySummaryJson(JsonModel):
    number: int
    title: str
    validates: list[str]


class NextTaskSummaryJson(JsonModel):
    id: str
    title: str
    status: TaskStatusName


class TaskSummaryJson(JsonModel):
    id: str
    title: str
    status: TaskStatusName
    optional: bool
    requirements: list[str]


class ShowJson(SpecRowJson):
    """`specloom show SPEC --json`: requirements, criteria, ears_patterns and glossary only
    with requirements.md (or bugfix.md), properties only with design.md, next_task and tasks
    only with tasks.md, spec_json (every key as written) only with cc-sdd's spec.json."""

    spec_id: str | None
    documents: list[str]
    requirements: list[RequirementSummaryJson] | None = None
    criteria: int | None = None
    ears_patterns: dict[str, int] | None = None
    glossary: list[str] | None = None
    properties: list[PropertySummaryJson] | None = None
    next_task: NextTaskSummaryJson | None = None
    tasks: list[TaskSummaryJson] | None = None
    spec_json: dict[str, Any] | None = None


# -- MCP: next_task and steering_for_path -------------------------------------------------

class BriefTaskJson(JsonModel):
    id: str
    title: str
    status: TaskStatusName
    details: list[str]
    optional: bool
    parent: str | None


class CitedCriterionJson(JsonModel):
    """A criterion the task cites; `text` is null when requirements.md has no such id."""

    id: str
    text: str | None


class NextTaskJson(JsonModel):
    """The MCP tool `next_task`: the task with what an agent needs to do it, or `task: null`
    and a `message` when every required task is done."""

    spec: str
    task: BriefTaskJson | None
    message: str | None = None
    criteria: list[CitedCriterionJson] | None = None
    files: list[str] | None = None
    requirements: str | None = None
    design: str | None = None
    steering: str | None = None
    steering_note: str | None = None


class SteeringForPathJson(JsonModel):
    """The MCP tool `steering_for_path`: the rendered steering and which files it includes."""

    path: str
    steering: str
    note: str


# -- MCP: authoring with the model session's usage ----------------------------------------

class SessionJson(JsonModel):
    model: str
    run_id: str
    usage: str
    model_note: str | None


class NextPhaseResultJson(FlowReportJson, SessionJson):
    """The MCP tool `next_phase`: `specloom next --json` plus the model session's usage."""


class NewSpecResultJson(NextPhaseResultJson):
    """The MCP tool `new_spec`: the workflow, `specloom new --json` and the session's usage."""

    workflow: WorkflowName


class RefineResultJson(SessionJson):
    """The MCP tool `refine_phase`: `specloom refine --json` plus the session's usage."""

    spec: str
    outcome: PhaseOutcomeJson
    diff: str


class ApprovePhaseResultJson(ApproveJson):
    """The MCP tool `approve_phase` (the same as `specloom approve --json`)."""
