"""The one JSON path: the base of every JSON output model.

Every `--json` / `--format json` output and every MCP tool result is described by a pydantic
model (`JsonModel`, `extra="forbid"`), and its JSON Schema is published in `docs/schemas/`
(`scripts/json_schemas.py`). A diagnostic becomes JSON only through `Diagnostic.to_json`
(named by `quality.registry.diagnostics_json`), so the check, trace, verify, drift,
authoring, steering and hook outputs show the same keys. The hot read paths (check, trace,
verify, drift) build plain data in their model's shape without running the validator, whose
import alone costs more than a warm check; tests/test_json_outputs.py checks each of them
against its model and the published schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from specloom import __version__

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


def validated(model: type[M], data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` checked against its output model, as plain JSON data in the model's key order;
    a key the model does not know is a bug in specloom (pydantic's ValidationError)."""
    return model.model_validate(data).model_dump(mode="json")
