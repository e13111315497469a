"""The one JSON path: the base of every JSON output model and the one `Diagnostic` -> JSON.

Every `--json` / `--format json` output and every MCP tool result is described by a pydantic
model (`JsonModel`, `extra="forbid"`), and its JSON Schema is published in `docs/schemas/`
(`scripts/json_schemas.py`). A diagnostic becomes JSON only through `diagnostic_json`, so the
check, trace, verify, drift, authoring, steering and hook outputs show the same keys.

This module knows no spec, rule family or registry: callers pass the rules by code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from specloom import __version__
from specloom.core.diagnostic import Diagnostic
from specloom.core.rule import Rule

SCHEMA_VERSION = 1
SeverityLabel = Literal["error", "warning", "info"]


class JsonModel(BaseModel):
    """A JSON output: unknown keys are refused, so the model is the whole contract."""

    model_config = ConfigDict(extra="forbid")


M = TypeVar("M", bound=JsonModel)


class ToolInfo(JsonModel):
    name: Literal["specloom"]
    version: str


class DiagnosticJson(JsonModel):
    """A finding. `path` is relative to the workspace root with forward slashes; lines and
    columns are 1-based and `end_column` is exclusive; `rule` is the rule's name (null for a
    code no registered rule has)."""

    code: str
    rule: str | None
    severity: SeverityLabel
    spec: str | None
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    hint: str


def tool_info() -> dict[str, str]:
    return {"name": "specloom", "version": __version__}


def diagnostic_json(d: Diagnostic, rules: Mapping[str, Rule]) -> dict[str, Any]:
    """The JSON of one diagnostic, as every output shows it (`rules`: the registry by code)."""
    rule = rules.get(d.code)
    return d.to_json(rule.name if rule is not None else None)


def validated(model: type[M], data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` checked against its output model, as plain JSON data in the model's key order;
    a key the model does not know is a bug in specloom (pydantic's ValidationError)."""
    return model.model_validate(data).model_dump(mode="json")
