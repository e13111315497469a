"""Diagnostics are data: renderers turn them into text, JSON or SARIF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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

    def to_json(self, rule_name: str | None) -> dict[str, Any]:
        """The JSON of this diagnostic, as every output shows it, with its rule's name; the
        keys and their order are those of `core.json_model.DiagnosticJson`, checked by tests
        against the published schema (no validator runs here: it costs check's start-up)."""
        return {"code": self.code, "rule": rule_name, "severity": self.severity.label,
                "spec": self.spec, "path": self.path, "line": self.line,
                "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "message": self.message, "hint": self.hint}
