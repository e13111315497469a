"""Which files to scan for links: git's view of the project (respecting .gitignore) or a walk."""

from __future__ import annotations

import os
from pathlib import Path

from specloom.core.repository import git_listed_files

SOURCE_SUFFIXES = frozenset({
    ".py", ".pyi", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".go", ".rs", ".java", ".kt",
    ".kts", ".scala", ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".cs", ".fs", ".rb", ".php",
    ".swift", ".m", ".mm", ".lua", ".sh", ".bash", ".zsh", ".ps1", ".r", ".jl", ".ex", ".exs",
    ".erl", ".hs", ".ml", ".dart", ".vue", ".svelte", ".sql", ".groovy", ".clj", ".zig", ".nim",
})
SKIPPED_DIRS = frozenset({"node_modules", "venv", "__pycache__", "site-packages", "dist", "build",
                          "target"})
MAX_FILE_BYTES = 2_000_000


def source_files(root: Path) -> list[str]:
    """Source files under `root` (relative, forward slashes), sorted.

    Skipped: `.kiro/` itself and folders below the root that have their own `.kiro/` (in a
    monorepo each package is its own workspace).
    """
    listed = _git_files(root)
    if listed is None:
        listed = _walk_files(root)
    nested = _nested_workspaces(listed)
    return sorted(p for p in listed
                  if os.path.splitext(p)[1].lower() in SOURCE_SUFFIXES
                  and not p.startswith(".kiro/") and not p.startswith(nested))


def _nested_workspaces(listed: list[str]) -> tuple[str, ...]:
    """Folders below the root with their own `.kiro/` (each is its own workspace)."""
    return tuple(sorted({p.split("/.kiro/", 1)[0] + "/" for p in listed if "/.kiro/" in p}))


def _git_files(root: Path) -> list[str] | None:
    return git_listed_files(root)

def _walk_files(root: Path) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS
                   and not (Path(folder, d) / "pyvenv.cfg").exists()
                   and not (Path(folder, d) / ".kiro").is_dir()]
        relative = Path(folder).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        found.extend(prefix + name for name in files)
    return found
