"""The JSON outputs of `check --format json` (docs/check.md) and `rules --json`.

Schema version 1: new keys may be added; existing keys keep their meaning.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import RootModel

from specloom.core.json_model import (
    DiagnosticJson,
    JsonModel,
    SeverityLabel,
    ToolInfo,
)
from specloom.core.rule import Rule


class CheckSummary(JsonModel):
    specs: int
    files: int
    errors: int
    warnings: int
    info: int
    fail_on: SeverityLabel
    failed: bool


class CheckJson(JsonModel):
    """`specloom check --format json`, and the MCP tool `check`."""

    schema_version: Literal[1]
    tool: ToolInfo
    root: str
    summary: CheckSummary
    specs: list[str]
    diagnostics: list[DiagnosticJson]


class RuleJson(JsonModel):
    """One rule, as `specloom rules CODE --json` prints it (`rules --json`: a list of them)."""

    code: str
    name: str
    family: str
    severity: SeverityLabel
    tier: Literal["default", "opt-in"]
    precision: float | None
    judged: int
    summary: str
    explanation: str
    bad: str
    good: str
    hint: str


class RulesJson(RootModel[list[RuleJson]]):
    """`specloom rules --json`: every rule, in the order `rules` lists them."""


def rule_json(rule: Rule) -> dict[str, Any]:
    return RuleJson(
        code=rule.code, name=rule.name, family=rule.family,
        severity=rule.severity.label,  # type: ignore[arg-type]  # a Severity label
        tier=rule.tier,  # type: ignore[arg-type]  # "default" or "opt-in" (quality.tiers)
        precision=rule.precision, judged=rule.judged, summary=rule.summary,
        explanation=rule.explanation, bad=rule.bad, good=rule.good, hint=rule.hint,
    ).model_dump()


