"""`specloom watch`: fire file hooks for edits made by people or other tools.

A watchdog observer reports changes; they are settled for a short quiet period (editors write a
file in several steps), paths that .gitignore excludes or that live in `.git/` or
`.kiro/specloom/` are dropped, and fileCreated / fileEdited / fileDeleted events go to the hook
dispatcher on a worker thread. This module never changes files.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from specloom.agent.hooks.dispatch import HookDispatcher
from specloom.agent.hooks.model import HookEvent, HookOutcome
from specloom.agent.shadowgit import STATE_DIR, ShadowGit, ShadowGitError
from specloom.spec.workspace import Workspace

OnOutcome = Callable[[HookEvent, HookOutcome], None]
_SCRATCH = re.compile(r"(^\..*\.tmp$)|(~$)|(\.sw[a-p]$)|(^\.#)|(^4913$)")
_MERGE = {
    ("fileCreated", "fileEdited"): "fileCreated",
    ("fileDeleted", "fileCreated"): "fileEdited",
    ("fileCreated", "fileDeleted"): "",
}


class HookWatcher:
    """Start with `start()` (or `with`), stop with `stop()`; dispatches on its own thread."""

    def __init__(self, workspace: Workspace, dispatcher: HookDispatcher, *,
                 on_outcome: OnOutcome | None = None, settle: float = 0.2) -> None:
        self.workspace = workspace
        self.root = workspace.root.resolve()
        self.dispatcher = dispatcher
        self.on_outcome = on_outcome
        self.settle = settle
        self._pending: dict[str, tuple[str, float]] = {}
        self._lock = threading.Condition()
        self._stopping = False
        self._observer: Any = None
        self._worker: threading.Thread | None = None
        self._git = ShadowGit(workspace)

    def start(self) -> None:
        # create specloom's state folders before watching, not while (watchdog's inotify races)
        with contextlib.suppress(ShadowGitError, OSError):
            self._git.ensure()
        handler = _Handler(self)
        self._observer = Observer()
        self._observer.schedule(handler, str(self.root), recursive=True)
        self._observer.start()
        self._worker = threading.Thread(target=self._run, name="specloom-watch", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=30)

    def __enter__(self) -> HookWatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def record(self, kind: str, absolute: str) -> None:
        relative = self._relative(absolute)
        if relative is None:
            return
        with self._lock:
            previous = self._pending.get(relative)
            if previous is not None:
                kind = _MERGE.get((previous[0], kind), kind)
            self._pending[relative] = (kind, time.monotonic())
            self._lock.notify_all()

    def _relative(self, absolute: str) -> str | None:
        try:
            relative = Path(absolute).relative_to(self.root).as_posix()
        except ValueError:
            return None
        parts = relative.split("/")
        if ".git" in parts or relative.startswith(STATE_DIR + "/") or _SCRATCH.search(parts[-1]):
            return None
        return relative

    def _run(self) -> None:
        while True:
            with self._lock:
                ready = self._take_ready()
                if not ready and self._stopping and not self._pending:
                    return
                if not ready:
                    self._lock.wait(timeout=self.settle / 2)
                    continue
            self._dispatch(ready)

    def _take_ready(self) -> list[tuple[str, str]]:
        now = time.monotonic()
        ready = [(path, kind) for path, (kind, when) in self._pending.items()
                 if self._stopping or now - when >= self.settle]
        for path, _ in ready:
            del self._pending[path]
        return [(path, kind) for path, kind in ready if kind]

    def _dispatch(self, ready: list[tuple[str, str]]) -> None:
        try:
            ignored = self._git.ignored([path for path, _ in ready])
        except (ShadowGitError, OSError):
            ignored = set()
        for path, kind in sorted(ready):
            if path in ignored:
                continue
            event = HookEvent(kind, file_path=path)
            outcome = self.dispatcher.dispatch(event)
            if self.on_outcome is not None:
                self.on_outcome(event, outcome)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: HookWatcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        kinds = {"created": "fileCreated", "modified": "fileEdited", "deleted": "fileDeleted"}
        source = _text(event.src_path)
        if event.event_type in kinds:
            self.watcher.record(kinds[event.event_type], source)
        elif event.event_type == "moved":
            self.watcher.record("fileDeleted", source)
            self.watcher.record("fileEdited", _text(event.dest_path))


def _text(path: bytes | str) -> str:
    return path.decode("utf-8", "surrogateescape") if isinstance(path, bytes) else path
