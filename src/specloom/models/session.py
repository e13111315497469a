"""A command's model session: the resolved model, wrapped for recording, and its usage line.

`open_model_session` is what commands call. It resolves the model (`config`), builds it
(`providers`), and wraps it in a `RecordingModel` writing to `.kiro/specloom/runs/<run-id>/`; with
`replay=RUN` it answers from that record instead and calls no model. `close()` writes meta.json
with the totals; `usage_line()` is printed at the end of every command that called a model.

This module must not print: callers decide where the usage line and the note go.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specloom.models.config import LOCAL, resolve_model
from specloom.models.errors import ReplayError

if TYPE_CHECKING:
    from pydantic_ai.models import Model

    from specloom.models.record import Recorder
    from specloom.spec.workspace import Workspace

RUNS_DIR = Path(".kiro") / "specloom" / "runs"


@dataclass
class ModelSession:
    name: str
    model: Model
    run_id: str
    run_dir: Path
    is_local: bool
    replaying: bool
    recorder: Recorder = field(repr=False)
    closed: bool = False

    def usage_line(self) -> str:
        from specloom.models.usage import usage_line

        return usage_line(self.name, self.recorder.totals, is_local=self.is_local,
                          replaying=self.replaying)

    def note(self) -> str | None:
        """The one-line 'tiny model' note for the embedded model, else None."""
        if not self.is_local:
            return None
        from specloom.models.local import TINY_NOTE

        return TINY_NOTE

    def close(self) -> None:
        """Write meta.json with the totals (not for a replay, whose record stays as it was)."""
        if self.closed:
            return
        self.closed = True
        if self.replaying:
            return
        self.recorder.write_meta({"finished": _now(), "calls": self.recorder.count,
                                  "usage": self.recorder.totals.as_dict()})

    def __enter__(self) -> ModelSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def supports_grammar(session_or_name: ModelSession | str) -> bool:
    """Whether the model takes `model_settings={"extra_body": {"grammar": gbnf}}`.

    True for the embedded model and for OpenAI-compatible servers (llama.cpp's server honours it;
    other servers may ignore it, so callers still validate what comes back).
    """
    name = session_or_name.name if isinstance(session_or_name, ModelSession) else session_or_name
    return name == LOCAL or name.startswith("openai-compatible:")


def new_run_id(command: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    slug = "".join(c if c.isalnum() or c == "-" else "-" for c in command) or "run"
    return f"{stamp}-{slug}-{secrets.token_hex(3)}"


def _now() -> str:
    return datetime.now(UTC).isoformat()


def open_model_session(workspace: Workspace, *, model: str | None = None,
                       replay: str | None = None, command: str) -> ModelSession:
    """The model session for `command` in `workspace` (ModelConfigError / ReplayError)."""
    if replay:
        return _replay_session(workspace, replay)
    from specloom.models.providers import build_model
    from specloom.models.record import Recorder, RecordingModel, profile_summary

    resolved = resolve_model(workspace.root, model)
    name = resolved.spec.name
    inner = build_model(resolved.spec)
    run_id = new_run_id(command)
    run_dir = workspace.root / RUNS_DIR / run_id
    is_local = resolved.spec.provider == LOCAL
    recorder = Recorder(run_dir, name, free=is_local)
    meta: dict[str, Any] = {
        "run_id": run_id, "command": command, "model": name, "model_source": resolved.source,
        "model_id": inner.model_id, "system": inner.system, "model_name": inner.model_name,
        "profile": profile_summary(inner), "started": _now(),
    }
    recorder.write_meta(meta)
    return ModelSession(name=name, model=RecordingModel(inner, recorder), run_id=run_id,
                        run_dir=run_dir, is_local=is_local, replaying=False,
                        recorder=recorder)


def find_run(workspace: Workspace, run: str) -> Path:
    """The run directory for a run id (or a path to one)."""
    candidates = [workspace.root / RUNS_DIR / run, Path(run)]
    for path in candidates:
        if (path / "meta.json").is_file():
            return path
    raise ReplayError(f"no recorded run {run!r}: expected {candidates[0]}/meta.json")


def _replay_session(workspace: Workspace, run: str) -> ModelSession:
    from specloom.models.record import Recorder, RecordingModel, ReplayModel, read_record_file

    run_dir = find_run(workspace, run)
    meta = read_record_file(run_dir / "meta.json")
    replayer = ReplayModel(run_dir, model_name=str(meta.get("model_name", "replay")),
                           system=str(meta.get("system", "replay")), profile=meta.get("profile"))
    name = str(meta.get("model", "replay"))
    recorder = Recorder(run_dir, name, free=True, write=False, meta=meta)
    return ModelSession(name=name, model=RecordingModel(replayer, recorder),
                        run_id=str(meta.get("run_id", run_dir.name)), run_dir=run_dir,
                        is_local=name == LOCAL, replaying=True, recorder=recorder)
