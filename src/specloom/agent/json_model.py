"""The JSON outputs of `run --json`, `checkpoint list|restore|create --json` and
`hook list|run --json`."""

from __future__ import annotations

from typing import Any, Literal

from specloom.core.json_model import DiagnosticJson, JsonModel


class UsageJson(JsonModel):
    """Model usage summed over a run's tasks; `cost_usd` is a decimal string, or null when a
    price is unknown."""

    requests: int
    input_tokens: int
    output_tokens: int
    cost_usd: str | None


class TaskRunJson(JsonModel):
    """One task the agent worked on: `state` is the run record's (verified, unverified,
    not-done, ...), `status` the task's status in tasks.md afterwards."""

    task: str
    title: str
    state: str
    status: str
    reason: str | None
    summary: str | None
    turns: int
    usage: dict[str, Any]
    unlinked: list[str]
    resumed_from: str | None


class AgentRunJson(JsonModel):
    """`specloom run SPEC [TASK] --json`."""

    schema_version: Literal[1]
    kind: Literal["run"]
    run_id: str
    spec: str
    ok: bool
    stopped: str | None
    usage: UsageJson
    tasks: list[TaskRunJson]


class CheckpointJson(JsonModel):
    """A snapshot of the working tree (`checkpoint create --json` prints one)."""

    id: str
    label: str
    created: str
    files: int


class CheckpointListJson(JsonModel):
    """`specloom checkpoint list --json`."""

    checkpoints: list[CheckpointJson]


class CheckpointRestoreJson(JsonModel):
    """`specloom checkpoint restore ID --yes --json`: the safety checkpoint taken first undoes
    the restore."""

    restored: str
    safety: CheckpointJson
    changed: list[str]


class HookJson(JsonModel):
    name: str
    event: str
    trigger: str
    action: str
    enabled: bool
    source: str
    line: int
    command: str | None
    prompt: str | None


class HookListJson(JsonModel):
    """`specloom hook list --json` (exit 1 when a hook file has an error)."""

    hooks: list[HookJson]
    problems: list[DiagnosticJson]


class HookRunJson(JsonModel):
    """`specloom hook run NAME --json`."""

    hook: str
    context: list[str]
    errors: list[str]
    agent_prompts: list[str]
