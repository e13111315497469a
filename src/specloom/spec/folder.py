"""The raw files of one spec folder, read once: `spec.loader` parses them and the result cache
of `check` hashes them, so both see the same bytes. Light on purpose: no parser is imported."""

from __future__ import annotations

import os
from pathlib import Path

from specloom.spec.source import read_bounded

# Every file `load_spec` reads in a spec folder, in the order it reads them.
SPEC_FILES = (".config.kiro", "spec.json", "bugfix.md", "requirements.md", "design.md",
              "tasks.md")


class UnsearchableFolder(OSError):
    """The spec folder cannot be searched (found while looking for one of its files)."""


# What reading one of them gave: its bytes, None when absent, or the error met.
FileRead = bytes | OSError | None


def read_spec_files(folder: str | Path) -> dict[str, FileRead]:
    """The raw bytes of each file of SPEC_FILES in `folder`, for `load_spec` (and for the
    result cache, which hashes exactly what the parsers will read). Paths are strings here:
    a warm `check` calls this for every spec, and pathlib would be most of its cost."""
    found: dict[str, FileRead] = {}
    base = os.path.join(folder, "")
    for file_name in SPEC_FILES:
        file = base + file_name
        try:
            os.lstat(file)  # only absence means absent: a folder or FIFO here is a finding
        except FileNotFoundError:
            found[file_name] = None
            continue
        except OSError as exc:  # the folder itself cannot be searched
            found[file_name] = UnsearchableFolder(exc.errno, exc.strerror)
            continue
        try:
            found[file_name] = read_bounded(file)
        except OSError as exc:
            found[file_name] = exc
    return found
