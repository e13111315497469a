"""Rule metadata and the text-level finding that rule functions return.

A rule function never prints and never touches files: it returns `TextFinding`s with
character offsets into the text it was given. The check engine maps offsets to file lines
and columns, applies configuration and suppressions, and turns them into `Diagnostic`s.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """Ordered so that `severity >= fail_on` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r}; use one of: {choices}") from None


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: a stable code, a kebab-case name and what a person needs to fix a finding."""

    code: str
    name: str
    family: str
    severity: Severity
    summary: str
    explanation: str
    bad: str
    good: str
    hint: str
    #: "default" (run unless `select` says otherwise) or "opt-in" (run only when selected).
    tier: str = "default"
    #: Precision measured on the labelled real-world sample, and how many findings were judged;
    #: None where the rule fired on none of the sampled specs.
    precision: float | None = None
    judged: int = 0


@dataclass(frozen=True, slots=True)
class TextFinding:
    """A finding inside one piece of text; `start`/`end` are offsets into that text."""

    code: str
    start: int
    end: int
    message: str
    hint: str = ""
