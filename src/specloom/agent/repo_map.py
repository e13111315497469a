"""A bounded map of the repository for the agent: files and their top-level symbols.

One line per file (`src/cart/store.py: class Store, def add`), in path order, capped by lines
and characters; the last line says what was cut. Files come from `git ls-files -co
--exclude-standard` in a git repository, otherwise from a walk that skips hidden folders and
build output. Symbols are read with per-language line patterns (no imports, no `ast`), and are
cached per file by modification time and size, so a map rebuilt every turn stays cheap.

This module only reads; it never writes and never runs anything but `git ls-files`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from specloom.core.repository import git_listed_files

MAX_LINES = 400
MAX_CHARS = 16_000
MAX_FILE_BYTES = 512_000
MAX_SYMBOLS = 12
SKIP_DIRS = frozenset({".git", ".kiro", ".venv", "venv", "node_modules", "__pycache__", "build",
                       "dist", "target", ".mypy_cache", ".pytest_cache", ".ruff_cache"})
_PATTERNS: dict[str, re.Pattern[str]] = {
    ".py": re.compile(r"^(?:async[ \t]+)?(def|class)[ \t]+(\w+)", re.MULTILINE),
    ".js": re.compile(r"^export[ \t]+(?:default[ \t]+)?(?:async[ \t]+)?"
                      r"(function|class|const|let)[ \t]*\*?[ \t]*(\w+)", re.MULTILINE),
    ".go": re.compile(r"^(func|type)[ \t]+(?:\([^)]*\)[ \t]*)?(\w+)", re.MULTILINE),
    ".rs": re.compile(r"^pub[ \t]+(fn|struct|enum|trait)[ \t]+(\w+)", re.MULTILINE),
}
_PATTERNS.update({ext: _PATTERNS[".js"] for ext in (".ts", ".tsx", ".jsx", ".mjs")})


@dataclass(frozen=True, slots=True)
class RepoMap:
    text: str
    files: int          # files in the repository
    shown: int          # files shown in the map
    cut: str | None     # what was left out and why, or None


@dataclass
class RepoMapper:
    """Builds repository maps for one root; keeps a symbol cache between builds."""

    root: Path
    max_lines: int = MAX_LINES
    max_chars: int = MAX_CHARS
    _cache: dict[str, tuple[int, int, str]] = field(default_factory=dict, repr=False)

    def build(self) -> RepoMap:
        paths = list_files(self.root)
        lines: list[str] = []
        size = 0
        for path in paths:
            line = self._line(path)
            if len(lines) >= self.max_lines or size + len(line) + 1 > self.max_chars:
                break
            lines.append(line)
            size += len(line) + 1
        if len(lines) == len(paths):
            return RepoMap("\n".join(lines), len(paths), len(lines), None)
        while lines and (len(lines) + 1 > self.max_lines
                         or size + len(self._cut_note(paths, lines)) + 5 > self.max_chars):
            size -= len(lines.pop()) + 1  # make room for the note within the caps
        cut = self._cut_note(paths, lines)
        return RepoMap("\n".join([*lines, f"... {cut}"]), len(paths), len(lines), cut)

    def _cut_note(self, paths: list[str], lines: list[str]) -> str:
        return (f"{len(paths) - len(lines)} more files not shown (repository map capped at "
                f"{self.max_lines} lines / {self.max_chars} characters)")

    def _line(self, path: str) -> str:
        symbols = self._symbols(path)
        return f"{path}: {symbols}" if symbols else path

    def _symbols(self, path: str) -> str:
        pattern = _PATTERNS.get(os.path.splitext(path)[1])
        if pattern is None:
            return ""
        file = self.root / path
        try:
            stat = file.stat()
        except OSError:
            return ""
        cached = self._cache.get(path)
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        symbols = _read_symbols(file, pattern) if stat.st_size <= MAX_FILE_BYTES else ""
        self._cache[path] = (stat.st_mtime_ns, stat.st_size, symbols)
        return symbols


def _read_symbols(file: Path, pattern: re.Pattern[str]) -> str:
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    found = [f"{kind} {name}" for kind, name in pattern.findall(text)]
    extra = f", +{len(found) - MAX_SYMBOLS} more" if len(found) > MAX_SYMBOLS else ""
    return ", ".join(found[:MAX_SYMBOLS]) + extra


def list_files(root: Path) -> list[str]:
    """Repository files relative to `root` (forward slashes, sorted), outside `.kiro/`."""
    listed = _git_files(root)
    if listed is None:
        listed = _walk(root)
    return sorted(p for p in set(listed) if not p.startswith(".kiro/") and (root / p).is_file())


def _git_files(root: Path) -> list[str] | None:
    if not (root / ".git").exists():
        return None
    return git_listed_files(root, timeout=30)

def _walk(root: Path) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        base = Path(folder).relative_to(root)
        found.extend((base / name).as_posix() for name in files if not name.startswith("."))
    return found
