"""The JSON outputs of authoring: `new`/`next --json` (a flow report), `refine --json` and
`approve --json`, and the same in the MCP tools `new_spec`, `next_phase`, `refine_phase` and
`approve_phase` (which add the model session's usage, `specloom.app.json_models`).
"""

from __future__ import annotations

from typing import Literal

from specloom.core.json_model import DiagnosticJson, JsonModel

PhaseName = Literal["requirements", "bugfix", "design", "tasks"]
ReviewStateName = Literal["approved", "stale", "pending", "edited"]


class PhaseOutcomeJson(JsonModel):
    """One phase's document: written, or rejected (kept at `rejected_path`), with the findings
    that remain after the repair rounds."""

    phase: PhaseName
    path: str
    written: bool
    rejected_path: str | None
    unusable: str | None
    rounds: int
    findings: list[DiagnosticJson]


class FlowReportJson(JsonModel):
    """`specloom new --json` and `specloom next --json`."""

    spec: str
    outcomes: list[PhaseOutcomeJson]
    approved: list[PhaseName]
    waiting: PhaseName | None
    waiting_reason: str
    rejected: PhaseName | None
    done: bool
    approvals: dict[PhaseName, ReviewStateName]


class RefineJson(JsonModel):
    """`specloom refine SPEC FEEDBACK --json`."""

    spec: str
    outcome: PhaseOutcomeJson
    diff: str


class ApproveJson(JsonModel):
    """`specloom approve SPEC --json`: the sha256 of each approved document, and every phase's
    review state afterwards."""

    spec: str
    approved: dict[PhaseName, str]
    approvals: dict[PhaseName, ReviewStateName]
