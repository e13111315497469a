"""`specloom watch`: an edit by someone else fires the file hook (real watcher, real command)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from specloom.agent.hooks import HookDispatcher, HookEvent, HookOutcome, load_hooks
from specloom.agent.watch import HookWatcher
from specloom.spec.workspace import Workspace

WAIT = 10.0


def wait_for(predicate: object, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def workspace_with_hooks(root: Path) -> Workspace:
    folder = root / ".kiro" / "hooks"
    folder.mkdir(parents=True)
    record = 'echo "$SPECLOOM_HOOK_EVENT $SPECLOOM_FILE" >> "$LOG"'
    hooks = [{"name": n, "when": {"type": n, "patterns": ["src/**/*.py"]},
              "then": {"type": "runCommand", "command": record}}
             for n in ("fileEdited", "fileCreated", "fileDeleted")]
    for hook in hooks:
        (folder / f"{hook['name']}.kiro.hook").write_text(json.dumps(hook))
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("x = 1\n")
    (root / ".gitignore").write_text("src/ignored/\n")
    return Workspace(root)


@pytest.mark.req("task-runner", "9.6")
def test_watch_sees_external_edits(tmp_path: Path, monkeypatch: object) -> None:
    log = tmp_path / "hook.log"  # inside the workspace: hooks run in the sandbox
    monkeypatch.setenv("LOG", str(log))  # type: ignore[attr-defined]
    workspace = workspace_with_hooks(tmp_path)
    hooks, _ = load_hooks(workspace)
    seen: list[tuple[HookEvent, HookOutcome]] = []
    lock = threading.Lock()

    def record(event: HookEvent, outcome: HookOutcome) -> None:
        with lock:
            seen.append((event, outcome))

    def lines() -> list[str]:
        return log.read_text().splitlines() if log.exists() else []

    with HookWatcher(workspace, HookDispatcher(workspace, hooks), on_outcome=record,
                     settle=0.1):
        time.sleep(0.2)  # let the observer settle in before the first change
        (tmp_path / "src" / "app.py").write_text("x = 2\n")
        assert wait_for(lambda: "fileEdited src/app.py" in lines())
        (tmp_path / "src" / "new.py").write_text("y = 1\n")
        assert wait_for(lambda: "fileCreated src/new.py" in lines())
        (tmp_path / "src" / "ignored").mkdir()
        (tmp_path / "src" / "ignored" / "skip.py").write_text("z")
        (tmp_path / "src" / "new.py").unlink()
        assert wait_for(lambda: "fileDeleted src/new.py" in lines())
        (tmp_path / "README.md").write_text("not matched\n")
        assert wait_for(lambda: any(e.file_path == "README.md" for e, _ in seen))
    assert not any("skip.py" in line for line in lines())
    assert lines().count("fileCreated src/new.py") == 1
    assert not any(line == "fileEdited src/new.py" for line in lines())
