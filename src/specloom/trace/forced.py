"""The forced-completion ledger: tasks marked done although their criteria did not verify.

`specloom task SPEC ID --status done --force REASON` bypasses the task gate (task_gate.py);
the bypass is recorded here, in `.kiro/specloom/trace/forced.json` (atomic writes), with the
reason, who forced it, when, the commit, and which criteria were not verified at the time:
`{"version": 1, "specs": {"<spec>": {"<task>": {"reason", "user", "at", "commit",
"criteria": [{"id", "status", "detail"}], "message", "run_id"}}}}`.

An entry stays until the task is next marked done through the gate (then it is done
honestly and the entry is dropped) or forced again (the entry is replaced). `specloom list`
shows the entries of tasks that are still `[x]` (`forced_rows`). This module never changes
tasks.md. `list` imports it, so what only a write or an error needs is imported there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from specloom.spec.loader import Spec
    from specloom.spec.workspace import Workspace

LEDGER_PATH = Path(".kiro") / "specloom" / "trace" / "forced.json"


@dataclass(frozen=True, slots=True)
class ForcedEntry:
    spec: str
    task: str
    reason: str
    user: str
    at: str                                # ISO 8601, UTC, seconds
    commit: str | None
    criteria: tuple[dict[str, str], ...]   # {"id", "status", "detail"} of each blocking one
    message: str                           # the gate's refusal, as the user saw it
    run_id: str | None = None              # the latest `specloom run` of the task, if any

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "user": self.user, "at": self.at, "commit": self.commit,
                "criteria": [dict(c) for c in self.criteria], "message": self.message,
                "run_id": self.run_id}

    def row(self) -> dict[str, Any]:
        """The entry as `specloom list --json` shows it."""
        return {"task": self.task, **self.to_json()}


class ForcedLedger:
    def __init__(self, path: Path, entries: dict[str, dict[str, ForcedEntry]]) -> None:
        self.path = path
        self.entries = entries

    @classmethod
    def load(cls, root: Path) -> ForcedLedger:
        path = root / LEDGER_PATH
        if not path.is_file():
            return cls(path, {})
        from specloom.core import jsontext

        try:
            data = jsontext.loads(path.read_text(encoding="utf-8"))
            entries = {spec: {task: _entry(spec, task, raw) for task, raw in tasks.items()}
                       for spec, tasks in data.get("specs", {}).items()}
        except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
            from specloom.trace.fingerprints import StoreError

            raise StoreError(f"{LEDGER_PATH.as_posix()}: unreadable forced-completion ledger "
                             f"({exc}); fix its JSON, or move it aside to start a new one "
                             "(it is the record of who forced which task done)") from None
        return cls(path, entries)

    def get(self, spec: str, task: str) -> ForcedEntry | None:
        return self.entries.get(spec, {}).get(task)

    def for_spec(self, spec: str) -> list[ForcedEntry]:
        return list(self.entries.get(spec, {}).values())

    def record(self, entry: ForcedEntry) -> None:
        self.entries.setdefault(entry.spec, {})[entry.task] = entry
        self._save()

    def clear(self, spec: str, task: str) -> bool:
        """Drop the entry of a task now done through the gate; True when there was one."""
        tasks = self.entries.get(spec, {})
        if task not in tasks:
            return False
        del tasks[task]
        if not tasks:
            del self.entries[spec]
        self._save()
        return True

    def _save(self) -> None:
        import json

        from specloom.spec.files import write_atomic

        data = {"version": 1, "specs": {
            spec: {task: entry.to_json() for task, entry in sorted(tasks.items())}
            for spec, tasks in sorted(self.entries.items())}}
        write_atomic(self.path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))


def _entry(spec: str, task: str, raw: dict[str, Any]) -> ForcedEntry:
    criteria = tuple({"id": str(c["id"]), "status": str(c.get("status", "")),
                      "detail": str(c.get("detail", ""))} for c in raw.get("criteria", ()))
    run_id = raw.get("run_id")
    commit = raw.get("commit")
    return ForcedEntry(spec, task, str(raw["reason"]), str(raw.get("user", "")),
                       str(raw.get("at", "")), str(commit) if commit else None, criteria,
                       str(raw.get("message", "")), str(run_id) if run_id else None)


def forcing_user(root: Path) -> str:
    """Who is forcing: `git config user.name`, else $USER (or $USERNAME, $LOGNAME)."""
    from specloom.core.gitrun import GitRunError, run_git

    try:
        result = run_git(root, "config", "user.name", timeout=30)
        name = result.stdout.decode("utf-8", "replace").strip() if result.returncode == 0 \
            else ""
    except GitRunError:
        name = ""
    if name:
        return name
    for variable in ("USER", "USERNAME", "LOGNAME"):
        if os.environ.get(variable):
            return os.environ[variable]
    return "unknown"


def forced_rows(workspace: Workspace, spec: Spec) -> list[dict[str, object]]:
    """The ledger entries of the spec's tasks that are still `[x]`, for `list`."""
    from specloom.spec.tasks import TaskStatus

    entries = ForcedLedger.load(workspace.root).for_spec(spec.name)
    if not entries or spec.tasks is None:
        return []
    done = {t.id for t in spec.tasks.tasks if t.status is TaskStatus.DONE}
    return [entry.row() for entry in entries if entry.task in done]
