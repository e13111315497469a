"""The files of a repository as git sees them: tracked plus untracked files not ignored.

Shared by every scanner (trace links, extraction, the agent's repository map, `init`), so
`.gitignore` is honoured the same way everywhere. Outside a git repository it returns None
and each caller walks the folder with its own skip rules. git runs through `run_git`, so the
repository's config cannot make the listing run a program (fsmonitor, hooks, ...).
"""

from __future__ import annotations

from pathlib import Path

from specloom.core.gitrun import GitRunError, run_git


def git_listed_files(folder: Path, timeout: float = 60) -> list[str] | None:
    """Paths relative to `folder` (forward slashes), or None when git cannot list them."""
    try:
        done = run_git(folder, "ls-files", "-co", "--exclude-standard", "-z", "--", ".",
                       timeout=timeout)
    except GitRunError:
        return None
    if done.returncode != 0:
        return None
    return [name for name in done.stdout.decode("utf-8", "surrogateescape").split("\0") if name]
