"""Run records: what happened to each task of a `specloom run`, kept for resume and summaries.

A task's record lives at `.kiro/specloom/runs/<run-id>/tasks/<task-id>.json` and holds the
message history (serialised with pydantic-ai's `ModelMessagesTypeAdapter`), the state, the
reason, the agent's claim, usage and the verification outcome. It is rewritten atomically after
every agent turn, so a killed process leaves the last complete turn on disk. The run's own
summary goes to `run.json` beside the model session's `meta.json`. Both are written through
`specloom.models.record.dumps_redacted`: every secret the process knows (environment, `.env`
and configured secret files, pattern matches) is replaced by `[redacted]` in the messages (tool
arguments, model text, file contents), the claim, the reason and the verification output.

This module only reads and writes records; it never changes task status (that is
`specloom.spec.task_status`) and never decides anything.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter

from specloom.models.record import dumps_redacted, record_redactor
from specloom.spec.files import write_atomic

RUNS_DIR = Path(".kiro") / "specloom" / "runs"
RUNNING, VERIFIED, UNVERIFIED, NOT_DONE = "running", "verified", "unverified", "not-done"
INTERRUPTED, FAILED, BLOCKED = "interrupted", "failed", "blocked"
CHECKPOINT_FAILED = "checkpoint-failed"
RESUMABLE = frozenset({RUNNING, INTERRUPTED})


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class TaskRecord:
    spec: str
    task: str
    title: str
    run_id: str
    state: str = RUNNING
    reason: str | None = None
    claim: dict[str, Any] | None = None
    turns: int = 0
    usage: dict[str, int] = field(default_factory=dict)
    verification: dict[str, Any] | None = None
    messages: list[ModelMessage] = field(default_factory=list)
    started: str = field(default_factory=now)
    updated: str = field(default_factory=now)
    resumed_from: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["messages"] = ModelMessagesTypeAdapter.dump_python(self.messages, mode="json")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaskRecord:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known["messages"] = ModelMessagesTypeAdapter.validate_python(data.get("messages") or [])
        return cls(**known)


def run_dir(root: Path, run_id: str) -> Path:
    return root / RUNS_DIR / run_id


def record_path(root: Path, run_id: str, task_id: str) -> Path:
    return run_dir(root, run_id) / "tasks" / f"{task_id}.json"


def save_record(root: Path, record: TaskRecord) -> None:
    record.updated = now()
    folder = run_dir(root, record.run_id)
    data = dumps_redacted(record.to_json(), record_redactor(folder), indent=1)
    write_atomic(record_path(root, record.run_id, record.task), data.encode("utf-8"))


def load_record(path: Path) -> TaskRecord | None:
    """The record in `path`, or None when it is missing or unreadable (never raises)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return TaskRecord.from_json(data) if isinstance(data, dict) else None
    except (OSError, ValueError, TypeError):
        return None


def records_for(root: Path, spec: str) -> list[TaskRecord]:
    """Every readable task record of `spec` across runs, oldest update first."""
    found = []
    for path in (root / RUNS_DIR).glob("*/tasks/*.json"):
        record = load_record(path)
        if record is not None and record.spec == spec:
            found.append(record)
    return sorted(found, key=lambda r: (r.updated, r.run_id))


def latest_record(root: Path, spec: str, task_id: str) -> TaskRecord | None:
    matching = [r for r in records_for(root, spec) if r.task == task_id]
    return matching[-1] if matching else None


def done_summaries(root: Path, spec: str) -> list[tuple[str, str, str]]:
    """(task id, title, summary) of tasks verified in earlier runs, latest record per task."""
    latest: dict[str, TaskRecord] = {}
    for record in records_for(root, spec):
        latest[record.task] = record
    return [(r.task, r.title, str((r.claim or {}).get("summary") or "done"))
            for r in latest.values() if r.state == VERIFIED]


def save_run_summary(root: Path, run_id: str, summary: dict[str, Any]) -> None:
    folder = run_dir(root, run_id)
    data = dumps_redacted(summary, record_redactor(folder), indent=1)
    write_atomic(folder / "run.json", data.encode("utf-8"))
