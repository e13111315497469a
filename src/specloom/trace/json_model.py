"""The JSON outputs of `trace`, `verify` and `drift` (`--format json`, the MCP tools `trace` and
`verify`) and of `task --json` (the MCP tool `set_task_status`); documented in docs/trace.md.

Schema version 1: new keys may be added; existing keys keep their meaning.
"""

from __future__ import annotations

from typing import Literal

from specloom.core.json_model import DiagnosticJson, JsonModel, ToolInfo


class ReportHeader(JsonModel):
    schema_version: Literal[1]
    kind: str
    tool: ToolInfo


# -- trace --------------------------------------------------------------------------------

class LinkJson(JsonModel):
    """A link from a test or code symbol: `test` is the node id (or `path::symbol`) of a test,
    null for code."""

    path: str
    line: int
    symbol: str | None
    kind: Literal["test", "code"]
    via: str
    test: str | None


class AnchorJson(JsonModel):
    path: str
    line: int
    symbol: str
    via: str


class TraceSummary(JsonModel):
    covered: int
    uncovered: int
    stale: int


class CriterionTraceJson(JsonModel):
    id: str
    text: str
    line: int
    status: Literal["covered", "uncovered", "stale"]
    tasks: list[str]
    tests: list[LinkJson]
    code: list[LinkJson]
    anchors: list[AnchorJson]
    properties: list[int]


class PropertyTraceJson(JsonModel):
    number: int
    title: str
    line: int
    validates: list[str]
    tests: list[LinkJson]


class SpecTraceJson(JsonModel):
    name: str
    summary: TraceSummary
    criteria: list[CriterionTraceJson]
    properties: list[PropertyTraceJson]


class OrphanJson(LinkJson):
    code: str
    spec: str
    target: str
    reason: str


class ScanProblemJson(JsonModel):
    path: str
    line: int
    message: str


class TraceJson(ReportHeader):
    """`specloom trace --format json`, and the MCP tool `trace`."""

    kind: Literal["trace"]
    root: str
    files_scanned: int
    links: int
    specs: list[SpecTraceJson]
    orphans: list[OrphanJson]
    problems: list[ScanProblemJson]
    diagnostics: list[DiagnosticJson]


# -- verify -------------------------------------------------------------------------------

class InterpreterJson(JsonModel):
    path: str
    source: str
    environment: str | None


class CollectionErrorJson(JsonModel):
    nodeid: str
    message: str


class RunJson(JsonModel):
    """A test run verify started (`pytest`, `command`) or read (`junit-file`,
    `pytest-report`: the plugin's record); `started_at` and `changed_after_run` for those
    read: when the run started (a JUnit file: when written) and the linked test or anchored
    code files modified since."""

    kind: str
    command: list[str]
    interpreter: InterpreterJson | None
    junit: str | None
    report: str | None
    started_at: str | None
    changed_after_run: list[str]
    duration: float
    error: str | None
    collection_errors: list[CollectionErrorJson]


class LinkedTestJson(JsonModel):
    """A linked test's outcome: passed, failed, error, skipped or not-run."""

    test: str
    path: str
    line: int
    outcome: str
    message: str
    falsifying_example: str | None


VerifyStatus = Literal["verified", "failing", "error", "stale", "untested"]


class VerifySummary(JsonModel):
    verified: int
    failing: int
    error: int
    stale: int
    untested: int


class CriterionVerdictJson(JsonModel):
    id: str
    text: str
    line: int
    status: VerifyStatus
    tasks: list[str]
    tests: list[LinkedTestJson]


class PropertyVerdictJson(JsonModel):
    number: int
    title: str
    line: int
    status: VerifyStatus
    tests: list[LinkedTestJson]


class SpecVerdictJson(JsonModel):
    name: str
    summary: VerifySummary
    criteria: list[CriterionVerdictJson]
    properties: list[PropertyVerdictJson]


class VerifyJson(ReportHeader):
    """`specloom verify --format json`, and the MCP tool `verify`."""

    kind: Literal["verify"]
    commit: str | None
    recorded: int
    failed: bool
    fail_on: str
    runs: list[RunJson]
    specs: list[SpecVerdictJson]
    diagnostics: list[DiagnosticJson]


# -- drift --------------------------------------------------------------------------------

class CriterionRefJson(JsonModel):
    spec: str
    id: str


class CommitJson(JsonModel):
    sha: str
    subject: str
    files: list[str]


class AnchorChangeJson(JsonModel):
    path: str
    symbol: str
    line: int
    via: str
    status: Literal["changed", "missing", "unreadable"]
    message: str
    diff: list[str]
    note: str | None


class CriterionDriftJson(JsonModel):
    spec: str
    id: str
    since: Literal["verification", "extraction"]
    verified_commit: str | None
    text_changed: bool
    changed_files: list[str]
    commits: list[CommitJson]
    suspect_tasks: list[str]
    suspect_tests: list[str]
    note: str | None
    anchors: list[AnchorChangeJson]


class DriftJson(ReportHeader):
    """`specloom drift --format json`."""

    kind: Literal["drift"]
    git: bool
    note: str | None
    checked: int
    never_verified: list[CriterionRefJson]
    criteria: list[CriterionDriftJson]
    diagnostics: list[DiagnosticJson]


# -- task status through the gate -----------------------------------------------------------

class CriterionCheckJson(JsonModel):
    """A cited criterion at the task gate: verify's status, `unlinked` or `unknown`."""

    id: str
    status: str
    detail: str


class GateJson(JsonModel):
    passed: bool
    tasks: list[str]
    criteria: list[CriterionCheckJson]
    note: str | None
    message: str | None


class ForcedJson(JsonModel):
    """A task the gate refused and a person marked done anyway (`task --force`)."""

    task: str
    reason: str
    user: str
    at: str
    commit: str | None
    criteria: list[CriterionCheckJson]
    message: str
    run_id: str | None


class TaskStatusJson(JsonModel):
    """`specloom task SPEC ID --status STATUS --json`, and the MCP tool `set_task_status`."""

    spec: str
    path: str
    task: str
    before: str
    after: str
    parent: str | None
    parent_before: str | None
    parent_after: str | None
    changed: bool
    gate: GateJson | None
    forced: ForcedJson | None
