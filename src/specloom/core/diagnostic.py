"""Diagnostics are data: renderers turn them into text, JSON or SARIF."""

from __future__ import annotations

from dataclasses import dataclass

from specloom.core.rule import Severity


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding located in a file. Lines and columns are 1-based; `end_column` is exclusive."""

    code: str
    severity: Severity
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    hint: str = ""
    spec: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
