"""Atomic file writes: a crash or Ctrl-C never leaves a half-written user file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class StaleFileError(RuntimeError):
    """The file changed on disk since it was read; writing would lose someone's edit."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else _default_mode()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


def _default_mode() -> int:
    """0666 less the umask: what a new file would get, instead of mkstemp's 0600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def replace_if_unchanged(path: Path, expected: bytes, data: bytes) -> None:
    """Atomically write `data` only if the file still holds `expected` (re-read from disk)."""
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = b""
    if current != expected:
        raise StaleFileError(
            f"{path} changed on disk while specloom was working; nothing was written. "
            "Run the command again to apply it to the new content."
        )
    write_atomic(path, data)
