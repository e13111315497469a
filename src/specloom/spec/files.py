"""Atomic file writes: a crash or Ctrl-C never leaves a half-written user file.

The temporary file is named `.<name>.specloom-<random>.tmp` beside the target. A write that
is killed (SIGKILL, power loss) cannot remove its own temporary file, so every write first
removes the stale ones of that exact pattern in its folder: only files specloom names that
way, and only those untouched for `STALE_AFTER` seconds, so a write still under way in
another process keeps its file.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from specloom.core.errors import SpecloomError
from specloom.spec.source import FileRefused, read_bounded

TEMP_MARK = ".specloom-"
TEMP_SUFFIX = ".tmp"
# mkstemp's random part is letters, digits and '_' (8 of them in CPython)
TEMP_NAME = re.compile(r"\A\..+" + re.escape(TEMP_MARK) + r"[a-z0-9_]{6,16}"
                       + re.escape(TEMP_SUFFIX) + r"\Z")
STALE_AFTER = 60.0  # seconds: a write takes far less, even a 20 MB one with its fsync


class StaleFileError(RuntimeError, SpecloomError):
    """The file changed on disk since it was read; writing would lose someone's edit."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(path.parent)
    mode = path.stat().st_mode & 0o777 if path.exists() else _default_mode()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARK}", suffix=TEMP_SUFFIX,
                                    dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)  # an existing file keeps its mode; a new one gets the usual
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def remove_stale_temp_files(folder: Path, older_than: float = STALE_AFTER) -> list[str]:
    """Remove specloom's own temporary files left in `folder` by a killed write.

    Only regular files (not links) named `.<name>.specloom-<random>.tmp` whose last change
    is more than `older_than` seconds ago; errors are ignored. Returns the names removed.
    """
    removed: list[str] = []
    cutoff = time.time() - older_than
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not TEMP_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed


def _default_mode() -> int:
    """0666 less the umask: what a new file would get, instead of mkstemp's 0600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def replace_if_unchanged(path: Path, expected: bytes, data: bytes) -> None:
    """Atomically write `data` only if the file still holds `expected` (re-read from disk).

    The file is re-read with `read_bounded`, never more than `expected` plus one byte, and
    only while it is a regular file: a file grown larger or replaced by a folder or a FIFO
    has changed.
    """
    try:
        current: bytes | None = read_bounded(path, limit=len(expected))
    except FileNotFoundError:
        current = b""
    except FileRefused:
        current = None
    if current != expected:
        raise StaleFileError(
            f"{path} changed on disk while specloom was working; nothing was written. "
            "Run the command again to apply it to the new content."
        )
    write_atomic(path, data)
