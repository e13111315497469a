"""MCP servers' tools for the task runner's agent, as pydantic_ai `Tool`s.

Each tool a configured server lists becomes a tool named `mcp__<server>__<tool>` with the
server's description and JSON schema. A call goes through `AgentTools.run_external` (tool type
"mcp"), so preToolUse/postToolUse hooks, supervised approval (unless the server's `autoApprove`
names the tool) and redaction apply, and the result reaches the model `render`ed as delimited
data. A server whose connection is lost is reported on the progress line and its tools are
withdrawn from the model for the rest of the run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import anyio.from_thread
import anyio.to_thread

from specloom.agent.process import truncate
from specloom.agent.tools import AgentTools, failure, render
from specloom.mcp_client.session import McpTool, McpToolError

if TYPE_CHECKING:
    from pydantic_ai import RunContext
    from pydantic_ai.tools import Tool, ToolDefinition

PREFIX = "mcp__"
MAX_NAME = 64                     # the strictest provider limit on tool names
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def tool_name(server: str, tool: str, taken: set[str]) -> str:
    """`mcp__<server>__<tool>`, limited to letters, digits, `_` and `-`, unique in `taken`."""
    base = f"{PREFIX}{_UNSAFE.sub('_', server)}__{_UNSAFE.sub('_', tool)}"[:MAX_NAME]
    name, n = base, 2
    while name in taken:
        suffix = f"_{n}"
        name, n = base[:MAX_NAME - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


@dataclass
class McpBridge:
    """Wraps `McpTool`s for one agent run; remembers the servers that died."""

    tools: AgentTools
    progress: Callable[[str], None] = lambda _: None
    dead: set[str] = field(default_factory=set)

    def pydantic_ai_tools(self, listed: Sequence[McpTool],
                          taken: Sequence[str] = ()) -> list[Tool[Any]]:
        names = set(taken)
        return [self._tool(tool, tool_name(tool.server, tool.name, names)) for tool in listed]

    def _tool(self, tool: McpTool, name: str) -> Tool[Any]:
        from pydantic_ai.tools import Tool

        async def function(**arguments: Any) -> str:
            return await self.call(tool, name, arguments)

        async def prepare(_ctx: RunContext[Any], tool_def: ToolDefinition
                          ) -> ToolDefinition | None:
            return None if tool.server in self.dead else tool_def

        schema = tool.input_schema or {"type": "object", "properties": {}}
        description = tool.description or f"Tool {tool.name!r} of MCP server {tool.server!r}."
        made: Tool[Any] = Tool.from_schema(function, name=name, description=description,
                                           json_schema=schema)
        made.prepare = prepare
        return made

    async def call(self, tool: McpTool, name: str, arguments: dict[str, Any]) -> str:
        """Run the call through `run_external` (hooks run in a worker thread) and render it."""
        if tool.server in self.dead:
            return render(name, failure(f"MCP server {tool.server!r} stopped earlier in this "
                                        "run; its tools are no longer available"))

        def blocking_call(args: dict[str, Any]) -> str:
            text: str = anyio.from_thread.run(self._call, tool, args)
            return text

        def run() -> str:
            result = self.tools.run_external(name, arguments, blocking_call, tool_type="mcp",
                                             needs_approval=not tool.auto_approve)
            return render(name, result)

        text: str = await anyio.to_thread.run_sync(run)
        return text

    async def _call(self, tool: McpTool, arguments: dict[str, Any]) -> str:
        try:
            result = await tool.call(arguments)
        except McpToolError as exc:
            if _connection_lost(exc) and tool.server not in self.dead:
                self.dead.add(tool.server)
                self.progress(f"MCP server {tool.server!r} stopped during a call to "
                              f"{tool.name!r} ({exc.__cause__}); going on without its tools")
            raise
        text = result_text(result)
        if getattr(result, "is_error", False):
            raise McpToolError(text or "the tool reported an error")
        return truncate(text, self.tools.max_output)


def result_text(result: Any) -> str:
    """The text of a CallToolResult: text parts as they are, other content described."""
    parts: list[str] = []
    for item in getattr(result, "content", None) or []:
        kind = getattr(item, "type", "")
        if kind == "text":
            parts.append(str(getattr(item, "text", "")))
        elif kind == "resource":
            resource = getattr(item, "resource", None)
            text = getattr(resource, "text", None)
            uri = getattr(resource, "uri", "")
            parts.append(str(text) if text is not None else f"[binary resource {uri}]")
        elif kind == "resource_link":
            parts.append(f"[resource link {getattr(item, 'uri', '')}]")
        else:
            mime = getattr(item, "mime_type", None)
            parts.append(f"[{kind or 'unknown'} content" + (f" {mime}]" if mime else "]"))
    structured = getattr(result, "structured_content", None)
    if not parts and structured is not None:
        parts.append(json.dumps(structured, indent=2, default=str))
    return "\n".join(parts)


def _connection_lost(exc: BaseException) -> bool:
    """The server died or closed the connection (not: it answered with an error)."""
    from mcp_types import CONNECTION_CLOSED

    cause = exc.__cause__
    if getattr(cause, "code", None) == CONNECTION_CLOSED:
        return True
    return isinstance(cause, anyio.ClosedResourceError | anyio.BrokenResourceError
                      | anyio.EndOfStream)
