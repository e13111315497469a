"""The interactive review gate: show a document, then approve, give feedback, edit or stop.

Input, output and the editor are injected, so tests feed answers through plain functions
instead of a terminal. The gate decides nothing about files: it returns the reviewer's
decision and the caller acts on it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from specloom.core.diagnostic import Diagnostic

Choice = Literal["approve", "feedback", "edited", "stop"]
QUESTION = "[a]pprove, [f]eedback, [e]dit in $EDITOR, [s]top and review later: "
ANSWERS: dict[str, Choice] = {
    "a": "approve", "approve": "approve", "y": "approve", "yes": "approve",
    "f": "feedback", "feedback": "feedback",
    "e": "edited", "edit": "edited",
    "s": "stop", "stop": "stop", "q": "stop", "quit": "stop",
}


@dataclass(frozen=True, slots=True)
class Decision:
    choice: Choice
    feedback: str = ""


def open_in_editor(path: Path) -> None:
    """Open `path` in $VISUAL or $EDITOR (vi when neither is set) and wait for it."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    subprocess.run([*shlex.split(command), str(path)], check=False)


@dataclass(frozen=True, slots=True)
class Gate:
    """A reviewer at a terminal, or a script standing in for one in tests."""

    ask: Callable[[str], str]
    say: Callable[[str], None]
    edit: Callable[[Path], None] = open_in_editor

    def review(self, path: Path, text: str, findings: Sequence[Diagnostic],
               note: str = "") -> Decision:
        self.say(f"----- {path.name} -----\n{text.rstrip()}\n----- end of {path.name} -----")
        if note:
            self.say(note)
        self.say(describe_findings(findings))
        while True:
            answer = self._ask(QUESTION)
            choice = ANSWERS.get(answer.strip().lower()) if answer is not None else "stop"
            if choice is None:
                self.say(f"unrecognised answer {answer!r}")
                continue
            if choice == "feedback":
                feedback = self._ask("feedback (one line): ")
                if not feedback or not feedback.strip():
                    continue
                return Decision("feedback", feedback.strip())
            if choice == "edited":
                self.edit(path)
            return Decision(choice)

    def _ask(self, question: str) -> str | None:
        try:
            return self.ask(question)
        except EOFError:
            return None


def describe_findings(findings: Sequence[Diagnostic]) -> str:
    """Every remaining finding, one per line: nothing is hidden from the reviewer."""
    if not findings:
        return "specloom check: no findings."
    lines = [f"specloom check: {len(findings)} finding(s) remain:"]
    lines.extend(f"  {d.line}:{d.column} {d.code} {d.severity.label} {d.message}"
                 for d in findings)
    return "\n".join(lines)
