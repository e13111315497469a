"""Every JSON output by name, with its model: the source of the published JSON Schemas.

`docs/schemas/<command>.schema.json` for each command's `--json` (or `--format json`) output
and `docs/schemas/mcp/<tool>.schema.json` for each MCP tool's result are generated from these
models by `scripts/json_schemas.py`; `tests/test_json_outputs.py` fails when a published file
is out of date, or when a command's output does not validate against its schema. The models
forbid unknown keys, so a new key in an output needs a field here first.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from specloom.agent.json_model import (
    AgentRunJson,
    CheckpointJson,
    CheckpointListJson,
    CheckpointRestoreJson,
    HookListJson,
    HookRunJson,
)
from specloom.app.json_models import (
    ApprovePhaseResultJson,
    ListJson,
    NewSpecResultJson,
    NextPhaseResultJson,
    NextTaskJson,
    RefineResultJson,
    ShowJson,
    SteeringForPathJson,
)
from specloom.context.json_model import SteeringShowJson
from specloom.extract.json_model import ExtractJson, LinkReportJson
from specloom.integrations.json_model import AgentsInstallJson
from specloom.mcp_client.json_model import McpListJson
from specloom.project.json_model import InitJson
from specloom.quality.json_model import CheckJson, RuleJson, RulesJson
from specloom.trace.json_model import DriftJson, TaskStatusJson, TraceJson, VerifyJson
from specloom.workflows.json_model import ApproveJson, FlowReportJson, RefineJson

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: the command's words (`steering show` -> "steering-show") -> the model of its JSON output
COMMANDS: dict[str, type[BaseModel]] = {
    "check": CheckJson,
    "rules": RulesJson,
    "rules-code": RuleJson,
    "list": ListJson,
    "show": ShowJson,
    "task": TaskStatusJson,
    "trace": TraceJson,
    "verify": VerifyJson,
    "drift": DriftJson,
    "new": FlowReportJson,
    "next": FlowReportJson,
    "approve": ApproveJson,
    "refine": RefineJson,
    "steering-show": SteeringShowJson,
    "init": InitJson,
    "extract": ExtractJson,
    "link": LinkReportJson,
    "run": AgentRunJson,
    "mcp-list": McpListJson,
    "agents-install": AgentsInstallJson,
    "checkpoint-list": CheckpointListJson,
    "checkpoint-create": CheckpointJson,
    "checkpoint-restore": CheckpointRestoreJson,
    "hook-list": HookListJson,
    "hook-run": HookRunJson,
}

#: MCP tool name -> the model of its result (read_spec_document returns the document's text)
MCP_TOOLS: dict[str, type[BaseModel]] = {
    "list_specs": ListJson,
    "check": CheckJson,
    "trace": TraceJson,
    "verify": VerifyJson,
    "next_task": NextTaskJson,
    "set_task_status": TaskStatusJson,
    "steering_for_path": SteeringForPathJson,
    "new_spec": NewSpecResultJson,
    "next_phase": NextPhaseResultJson,
    "refine_phase": RefineResultJson,
    "approve_phase": ApprovePhaseResultJson,
}


def json_schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    """The JSON Schema of an output (what is serialized, not what is accepted)."""
    schema = model.model_json_schema(mode="serialization")
    return {"$schema": JSON_SCHEMA_DIALECT, "title": title,
            **{key: value for key, value in schema.items() if key != "title"}}


def schema_files() -> dict[str, str]:
    """Path under docs/schemas/ -> the text of its schema file."""
    files = {f"{name}.schema.json": json_schema(model, f"specloom {name.replace('-', ' ')}")
             for name, model in COMMANDS.items()}
    files.update({f"mcp/{name}.schema.json": json_schema(model, f"specloom MCP tool {name}")
                  for name, model in MCP_TOOLS.items()})
    return {path: json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
            for path, schema in sorted(files.items())}
