"""Workspace discovery: the folder holding `.kiro/`, and the specs directly under it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from specloom.core.errors import SpecloomError

SPEC_DOCUMENTS = ("requirements.md", "bugfix.md", "design.md", "tasks.md")


class WorkspaceError(SpecloomError):
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
        """Active specs: folders directly under `.kiro/specs/`, sorted by name.

        A folder whose name starts with `_` or `.` (such as `_archived/`) is not a spec: it
        holds archived specs, see `archived_spec_names`. An unreadable folder lists nothing.
        """
        return [entry.name for entry in _folders(self.specs_dir) if not is_hidden(entry.name)]

    def archived_spec_names(self) -> list[str]:
        """Archived specs: folders one level inside a `_` or `.` folder of `.kiro/specs/`,
        named `<holder>/<spec>` (e.g. `_archived/old-feature`), sorted by name."""
        names = []
        for holder in _folders(self.specs_dir):
            if is_hidden(holder.name):
                names += [f"{holder.name}/{entry.name}" for entry in _folders(holder)
                          if not is_hidden(entry.name)]
        return sorted(names)

    def all_spec_names(self) -> list[str]:
        """Active specs, then archived ones."""
        return self.spec_names() + self.archived_spec_names()

    def resolve_name(self, text: str) -> str | None:
        """The spec a user means by `text`, or None.

        Accepts a spec name (`cart`, `_archived/old`), a path to its folder (`.kiro/specs/cart/`)
        or, for an archived spec, its bare folder name when no active spec has that name.
        """
        cleaned = text.replace("\\", "/").strip().rstrip("/")
        marker = "specs/"
        if marker in cleaned and cleaned not in self.all_spec_names():
            cleaned = cleaned.rsplit(marker, 1)[-1]
        active = self.spec_names()
        if cleaned in active:
            return cleaned
        archived = self.archived_spec_names()
        if cleaned in archived:
            return cleaned
        last = cleaned.rsplit("/", 1)[-1]
        if last in active:
            return last
        matches = [name for name in archived if name.rsplit("/", 1)[-1] == last]
        return matches[0] if len(matches) == 1 else None

    def spec_dir(self, name: str) -> Path:
        """The folder of spec `name`; `_archived/x` names a folder inside `_archived/`."""
        return self.specs_dir / name


def is_hidden(folder_name: str) -> bool:
    """Folders starting with `_` or `.` under `.kiro/specs/` hold archived specs (or nothing)."""
    return folder_name.startswith(("_", "."))


def is_archived(spec_name: str) -> bool:
    """Whether a spec name (as `Workspace` returns it) names an archived spec."""
    return "/" in spec_name


def _folders(folder: Path) -> list[Path]:
    """Sub-folders of `folder` sorted by name; none when it is missing or unreadable."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for entry in entries:
        try:
            if entry.is_dir():
                found.append(entry)
        except OSError:
            continue
    return sorted(found, key=lambda entry: entry.name)


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
        f"no .kiro/ folder in {here} or any folder above it; run 'specloom init' at the "
        "repository root to create one (or 'specloom new' / 'specloom extract', which create "
        "it), or pass --root PATH to a project that has one"
    )


def workspace_home(here: Path) -> tuple[Path, bool]:
    """Where the workspace of `here` lives for a command that may create it: the nearest folder
    at or above `here` with `.kiro/`, not above the repository root (True), else the repository
    root (False): the nearest folder above holding `.git` (a folder, or a file in a worktree or
    submodule), or `here` itself outside any repository."""
    top = next((folder for folder in (here, *here.parents) if (folder / ".git").exists()), here)
    for folder in (here, *here.parents):
        if (folder / ".kiro").is_dir():
            return folder, True
        if folder == top:
            break
    return top, False
