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
        return entry.get("value")

    def put(self, key: str, value: Any) -> None:
        """Store `value` under `key`; a failure (read-only disk, full disk) is ignored."""
        self.write(key, {"format": FORMAT, "key": key, "value": value})

    def write(self, name: str, document: dict[str, Any]) -> None:
        """Write `document` as the file `<name>.json`, atomically; failures are ignored."""
        data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        # Named by file and process: two processes never share a temporary file, and within
        # one process a file is written once at a time (O_EXCL refuses a second writer).
        temporary = os.path.join(self.folder, f".{name}.{os.getpid()}.tmp")
        try:
            self._prepare()
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o644)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temporary, self._entry(name))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            return

    def _prepare(self) -> None:
        if self._ready:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder.parent / ".gitignore"
        if not ignore.exists():
            with contextlib.suppress(OSError):
                ignore.write_text("# specloom's result cache: safe to delete\n*\n")
        self._ready = True



class PackedCache:
    """A content-addressed store whose entries are written in packs: one file per batch of
    results (`pack-<hash of its keys>.json`), since creating a file costs far more than
    writing one (about 0.7 ms of CPU each on this project's machine: 1,000 specs would pay
    0.7 s for their entries alone). All packs are read at the first lookup. Packs are written
    to a temporary file and renamed, as single entries are; a broken pack is a miss for its
    keys. `prune` folds the packs into one when they hold more stale entries than live ones,
    or are many, keeping every entry written in the last hour (other settings, other
    branches)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._store = ResultCache(folder)
        self._entries: dict[str, Any] | None = None
        self._packs: list[tuple[str, float, set[str]]] = []  # path, mtime, keys

    def has_entries(self) -> bool:
        try:
            with os.scandir(self.folder) as entries:
                return any(e.name.startswith("pack-") and e.name.endswith(".json")
                           for e in entries)
        except OSError:
            return False

    def _load(self) -> dict[str, Any]:
        if self._entries is not None:
            return self._entries
        self._entries = {}
        try:
            found = [e for e in os.scandir(self.folder)
                     if e.name.startswith("pack-") and e.name.endswith(".json")]
        except OSError:
            return self._entries
        for entry in found:
            try:
                with open(entry.path, "rb") as handle:
                    pack = json.loads(handle.read())
                mtime = entry.stat().st_mtime
            except (OSError, ValueError):
                continue
            if isinstance(pack, dict) and pack.get("format") == FORMAT \
                    and isinstance(pack.get("entries"), dict):
                self._entries.update(pack["entries"])
                self._packs.append((entry.path, mtime, set(pack["entries"])))
        return self._entries

    def get(self, key: str) -> Any | None:
        return self._load().get(key)

    def put_many(self, entries: dict[str, Any]) -> str | None:
        """Store `entries` as one pack, named by its keys; returns the pack's file name. A
        failure (read-only disk, full disk) is ignored."""
        if not entries:
            return None
        name = "pack-" + hashlib.blake2b("\0".join(sorted(entries)).encode(),
                                         digest_size=16).hexdigest()
        self._store.write(name, {"format": FORMAT, "entries": entries})
        return f"{name}.json"

    def prune(self, keep: set[str], unused_for: float = UNUSED_ENTRY_S) -> int:
        """Fold the packs into one when they hold more stale entries than live ones, or more
        than 16 packs; entries not in `keep` go unless their pack was written within
        `unused_for` seconds. Returns how many entries went."""
        entries = self._load()
        self._remove_stale_temporaries()
        stale = sum(1 for key in entries if key not in keep)
        if len(self._packs) <= 16 and stale <= len(keep):
            return 0
        recent = time.time() - unused_for
        kept = {key for path, mtime, keys in self._packs if mtime >= recent for key in keys}
        folded = {key: value for key, value in entries.items() if key in keep or key in kept}
        written = self.put_many(folded)
        for path, _, _ in self._packs:
            if os.path.basename(path) != written:
                with contextlib.suppress(OSError):
                    os.unlink(path)
        return len(entries) - len(folded)

    def _remove_stale_temporaries(self) -> None:
        """Temporary files a killed process left behind (ten minutes old or more)."""
        stale = time.time() - STALE_TEMPORARY_S
        with contextlib.suppress(OSError), os.scandir(self.folder) as found:
            for entry in found:
                if entry.name.endswith(".tmp") and entry.stat().st_mtime < stale:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


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
