"""Workspace discovery: the folder holding `.kiro/`, and the specs directly under it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SPEC_DOCUMENTS = ("requirements.md", "bugfix.md", "design.md", "tasks.md")


class WorkspaceError(Exception):
    """No workspace where one was expected; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path

    @property
    def kiro(self) -> Path:
        return self.root / ".kiro"

    @property
    def specs_dir(self) -> Path:
        return self.kiro / "specs"

    def relative(self, path: Path) -> str:
        """A display path relative to the workspace root, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def spec_names(self) -> list[str]:
        """Spec folders directly under `.kiro/specs/` (specs are flat), sorted by name."""
        if not self.specs_dir.is_dir():
            return []
        return sorted(
            entry.name
            for entry in self.specs_dir.iterdir()
            if entry.is_dir() and not entry.name.startswith(".")
        )

    def spec_dir(self, name: str) -> Path:
        return self.specs_dir / name


def find_workspace(start: Path | None = None, root: Path | None = None) -> Workspace:
    """The nearest folder at or above `start` with a `.kiro/` folder, or `root` if given."""
    if root is not None:
        resolved = root.expanduser().resolve()
        if not resolved.is_dir():
            raise WorkspaceError(f"--root {root}: no such folder")
        if not (resolved / ".kiro").is_dir():
            raise WorkspaceError(
                f"--root {root}: no .kiro/ folder there; point --root at the folder that "
                "contains .kiro/ (or run 'specloom init' there)"
            )
        return Workspace(resolved)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".kiro").is_dir():
            return Workspace(folder)
    raise WorkspaceError(
        f"no .kiro/ folder in {here} or any folder above it; run specloom inside a project "
        "that has Kiro specs, or pass --root PATH"
    )
