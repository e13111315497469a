"""Which Python files an extraction reads: git's view (respecting .gitignore) or a plain walk.

Lists and reads files only; it must not parse or import them. Binary and oversized files are
reported as skipped rather than read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from specloom.core.repository import git_listed_files
from specloom.spec.source import FileRefused, read_bounded

PYTHON_SUFFIXES = (".py",)
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "dist", "build",
                          ".git", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache"})
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A readable Python file: its absolute path and its text."""

    path: Path
    text: str


def python_files(source: Path) -> list[Path]:
    """Python files at or under `source` (a file or a folder), sorted, minus git-ignored ones."""
    if source.is_file():
        return [source]
    listed = _git_listing(source)
    if not listed:  # not in git, or the folder itself is ignored (a venv named on purpose)
        listed = _walk(source)
    return sorted(path for path in listed if path.suffix in PYTHON_SUFFIXES)


def read_source(path: Path) -> SourceFile | str:
    """The file's text, or the reason it cannot be analysed."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return f"larger than {MAX_FILE_BYTES // 1_000_000} MB"
        data = read_bounded(path, MAX_FILE_BYTES)  # a regular file only, never a FIFO
    except FileRefused as exc:
        return exc.reason
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    if b"\0" in data[:8192]:
        return "binary file"
    try:
        return SourceFile(path, data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text (byte {exc.start})"


def _git_listing(folder: Path) -> list[Path] | None:
    names = git_listed_files(folder)
    if names is None:
        return None
    return [folder / name for name in names if (folder / name).is_file()]

def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")
                         and not (Path(current, d) / "pyvenv.cfg").exists())
        found.extend(Path(current, name) for name in files)
    return found


def module_name(path: Path) -> str:
    """The dotted module name: the file's package chain (folders with `__init__.py`)."""
    parts = [] if path.stem == "__init__" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        if folder.parent == folder:
            break
        folder = folder.parent
    return ".".join(parts) or path.parent.name


def is_test_file(path: Path) -> bool:
    name = path.name
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
