"""Path confinement for the agent's file tools.

Every path the model names is resolved (symlinks and `..` included) and must stay inside the
workspace and outside `.git/`; writes are also refused under the folders that hold hooks,
permissions and specloom's own state. Files that govern the agent itself (the `[tool.specloom]`
table of pyproject.toml, steering) are writable only with a person's explicit approval of that
one write; `governing_reason` names them. Names are compared case-insensitively, so the rules
hold on case-insensitive file systems too. This module only decides; it never reads or writes
files: `specloom.agent.safe_open` opens what it allowed, at the moment of use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROTECTED_WRITE_DIRS = (".kiro/hooks", ".kiro/settings", ".kiro/specloom")
# Read into the agent's instructions on every turn: a write there steers later runs.
STEERING_DIRS = (".kiro/steering",)
STEERING_FILES = ("AGENTS.md",)
# Its [tool.specloom] table holds the command allow/deny lists and the verify test command.
PYPROJECT = "pyproject.toml"


def _under(relative: str, folder: str) -> bool:
    rel, folder = relative.casefold(), folder.casefold()
    return rel == folder or rel.startswith(folder + "/")


def governing_reason(relative: str) -> str | None:
    """Why a write to `relative` (resolved, relative to the root) needs explicit approval."""
    if relative.casefold() == PYPROJECT:
        return ("its [tool.specloom] table holds the agent's command allow/deny lists and the "
                "test command that verifies tasks")
    if any(_under(relative, d) for d in STEERING_DIRS) or relative.casefold() in (
            f.casefold() for f in STEERING_FILES):
        return "it is steering, read into the agent's instructions on every turn"
    return None


class PathRefused(Exception):
    """A path the agent may not use; the message is written for the model to read."""


@dataclass(frozen=True, slots=True)
class Sandbox:
    root: Path

    @classmethod
    def for_root(cls, root: Path) -> Sandbox:
        return cls(root.resolve())

    def resolve(self, path: str, *, write: bool = False) -> Path:
        """The real absolute path for `path` (relative to the root), or `PathRefused`."""
        if not path or "\x00" in path:
            raise PathRefused("empty or invalid path; give a path relative to the workspace root")
        candidate = Path(path).expanduser()
        if not candidate.is_absolute():
            candidate = self.root / candidate
        real = candidate.resolve()
        relative = self._inside(real, path)
        if ".git" in relative.casefold().split("/"):
            raise PathRefused(f"{path}: .git/ is off limits to the agent's file tools")
        if write:
            self._check_writable(relative, path)
        return real

    def relative(self, real: Path) -> str:
        """`real` (already resolved) relative to the root, with forward slashes."""
        return self._inside(real, str(real)) or "."

    def _inside(self, real: Path, shown: str) -> str:
        try:
            rel = real.relative_to(self.root).as_posix()
        except ValueError:
            raise PathRefused(
                f"{shown}: outside the workspace ({self.root}); the agent's file tools only "
                "work on files inside it (symlinks and '..' are followed before checking)"
            ) from None
        return "" if rel == "." else rel

    def _check_writable(self, relative: str, shown: str) -> None:
        if relative == "":
            raise PathRefused(f"{shown}: the workspace root is a folder, not a file")
        for protected in PROTECTED_WRITE_DIRS:
            if _under(relative, protected):
                raise PathRefused(
                    f"{shown}: {protected}/ holds hooks, permissions or specloom's state and is "
                    "never changed by the agent; ask the user to edit it"
                )
