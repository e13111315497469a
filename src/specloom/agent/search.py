"""Regex search over the workspace's files, honouring .gitignore.

The file list comes from the shadow git repository (`git ls-files --others --exclude-standard`
with an empty index), so it works in folders that are not git repositories; without git it falls
back to a plain walk that skips `.git/` and `.kiro/specloom/`. Read-only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from specloom.agent.hooks.model import glob_matches
from specloom.agent.shadowgit import STATE_DIR, ShadowGit, ShadowGitError
from specloom.spec.workspace import Workspace

MAX_FILE_BYTES = 2_000_000
MAX_LINE_CHARS = 240


@dataclass(frozen=True, slots=True)
class SearchHits:
    lines: list[str]
    truncated: bool
    files_searched: int


def workspace_files(workspace: Workspace, under: str = "") -> list[str]:
    """Relative paths of non-ignored files at or below `under` ('' for everything)."""
    try:
        files = ShadowGit(workspace).list_files()
    except (ShadowGitError, OSError):
        files = _walk(workspace.root)
    if not under:
        return files
    return [f for f in files if f == under or f.startswith(under + "/")]


def search_files(root: Path, files: list[str], regex: re.Pattern[str], glob: str | None,
                 max_results: int) -> SearchHits:
    hits: list[str] = []
    searched = 0
    prefilter = not any(anchor in regex.pattern for anchor in ("\\A", "\\Z", "\\z"))
    for relative in files:
        if glob and not glob_matches(glob, relative):
            continue
        text = _text(root / relative)
        if text is None:
            continue
        searched += 1
        if prefilter and not regex.search(text):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if regex.search(line):
                if len(hits) >= max_results:
                    return SearchHits(hits, True, searched)
                shown = line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + "…"
                hits.append(f"{relative}:{number}: {shown}")
    return SearchHits(hits, False, searched)


def _text(path: Path) -> str | None:
    """The file's text, or None for symlinks (never followed), binaries and large files."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        size = os.fstat(fd).st_size
        data = b"" if size > MAX_FILE_BYTES else os.read(fd, size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if not data or b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", "replace")


def _walk(root: Path) -> list[str]:
    found = []
    for folder, dirs, names in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        dirs[:] = [d for d in dirs if d != ".git" and prefix + d != STATE_DIR]
        found += [prefix + n for n in names]
    return sorted(found)
