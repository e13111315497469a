"""The JSON output of `specloom mcp list --json`: each configured MCP server, its state and
tools, and the file-level findings."""

from __future__ import annotations

from typing import Literal

from specloom.core.json_model import JsonModel


class ServerStatusJson(JsonModel):
    name: str
    transport: str
    source: str
    state: Literal["ok", "disabled", "misconfigured", "failed"]
    tools: list[str]
    disabled_tools: list[str]
    auto_approve: list[str]
    message: str


class McpListJson(JsonModel):
    """`specloom mcp list --json` (exit 1 when a server failed or is misconfigured)."""

    servers: list[ServerStatusJson]
    findings: list[str]
