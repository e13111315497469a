"""The files of a repository as git sees them: tracked plus untracked files not ignored.

Shared by every scanner (trace links, extraction, the agent's repository map, `init`), so
`.gitignore` is honoured the same way everywhere. Outside a git repository it returns None
and each caller walks the folder with its own skip rules.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def git_listed_files(folder: Path, timeout: float = 60) -> list[str] | None:
    """Paths relative to `folder` (forward slashes), or None when git cannot list them."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z", "--", "."], cwd=folder,
            capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return [name for name in done.stdout.decode("utf-8", "surrogateescape").split("\0") if name]
