"""What walking one command line gathers: the programs it would run, and why it cannot be judged."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class CannotJudge(Exception):
    """The command's effect cannot be known from its text; the message says why."""


class WritesOutside(Exception):
    """A redirection writes outside the workspace; the message is the whole refusal."""


@dataclass(slots=True)
class Leaf:
    """One program that would run: its argv and the wrapper argvs around it (outermost first)."""

    argv: list[str]
    wrappers: list[list[str]] = field(default_factory=list)
    explicit: bool = False  # needs an allow pattern of its own (inline interpreter code)
    why_explicit: str = ""


@dataclass(slots=True)
class Scan:
    root: Path
    leaves: list[Leaf] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)  # relative redirection targets
    # relative script paths given to shells and interpreters (True: any file find lists under it)
    scripts: list[tuple[str, bool]] = field(default_factory=list)
    changes_dir: bool = False
    runs_elsewhere: bool = False  # find -execdir runs commands in the directories it finds
