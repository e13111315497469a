"""A content-addressed store of results: key (a hash of everything the result depends on) ->
JSON value, one file per entry under a cache folder such as `.kiro/specloom/cache/check/`.

Safe under concurrent runs: an entry is written to a temporary file and renamed into place, so
a reader sees a whole entry or none, and two writers of one key write the same value. The
entry repeats its key, so a file that is not exactly what was written is a miss. The cache
is never a source of truth: any failure to read or write it is a miss, never an error. The
folder holds a `.gitignore` of `*`, as pytest's cache does, so git never sees it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

from specloom import __version__

FORMAT = 1
STALE_TEMPORARY_S = 600
UNUSED_ENTRY_S = 3600.0
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class ResultCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._ready = False
        self.hits = 0
        self.writes = 0

    def _entry(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def has_entries(self) -> bool:
        try:
            with os.scandir(self.folder) as entries:
                return any(entry.name.endswith(".json") for entry in entries)
        except OSError:
            return False

    def get(self, key: str) -> Any | None:
        """The value stored under `key`, or None when absent or unreadable."""
        try:
            with open(self._entry(key), "rb") as handle:
                entry = json.loads(handle.read())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key \
                or entry.get("format") != FORMAT:
            return None
        self.hits += 1
        return entry.get("value")

    def put(self, key: str, value: Any) -> None:
        """Store `value` under `key`; a failure (read-only disk, full disk) is ignored."""
        data = json.dumps({"format": FORMAT, "key": key, "value": value},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        # Named by key and process: two processes never share a temporary file, and within
        # one process a key is written once at a time (O_EXCL refuses a second writer).
        temporary = os.path.join(self.folder, f".{key}.{os.getpid()}.tmp")
        try:
            self._prepare()
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o644)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temporary, self._entry(key))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            return
        self.writes += 1

    def prune(self, keep: set[str], unused_for: float = UNUSED_ENTRY_S) -> int:
        """Remove the entries whose keys are not in `keep` and that were written more than
        `unused_for` seconds ago (so that runs with other settings, or a run on another
        branch, keep theirs for a while), and temporary files a killed process left; returns
        how many entries went."""
        removed = 0
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return 0
        now = time.time()
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.name.endswith(".json") and entry.name[:-5] not in keep \
                        and entry.stat().st_mtime < now - unused_for:
                    os.unlink(entry.path)
                    removed += 1
                elif entry.name.endswith(".tmp") \
                        and entry.stat().st_mtime < now - STALE_TEMPORARY_S:
                    os.unlink(entry.path)
        return removed

    def _prepare(self) -> None:
        if self._ready:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder.parent / ".gitignore"
        if not ignore.exists():
            with contextlib.suppress(OSError):
                ignore.write_text("# specloom's result cache: safe to delete\n*\n")
        self._ready = True


@cache
def code_fingerprint() -> str:
    """Changes when specloom, or any package beside it, is installed, updated or edited."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for folder, _, names in sorted(os.walk(package)):
        for name in sorted(names):
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    for entry in sys.path:  # where plug-ins are installed (not the script's own folder)
        if not entry.endswith(("site-packages", "dist-packages")):
            continue
        try:
            digest.update(f"{entry}\0{os.stat(entry).st_mtime_ns}\n".encode())
        except OSError:
            continue
    return digest.hexdigest()
