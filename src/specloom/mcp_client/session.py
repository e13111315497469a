"""Connect to configured MCP servers: list their tools, and hand tools to the task runner.

`open_mcp_tools` starts every usable server, lists its tools (minus `disabledTools`) and yields
them as `McpTool`s with an async `call`; a server that fails to start is reported in
`ToolList.problems` and the rest go on. `list_servers` is the one-shot view `specloom mcp
list` prints. Every connection is closed (and every stdio server stopped) on exit.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio

from specloom.core.errors import SpecloomError
from specloom.mcp_client.config import Finding, ServerConfig, load_mcp_config
from specloom.spec.workspace import Workspace

DEFAULT_TIMEOUT = 10.0


class McpToolError(SpecloomError):
    """A tool call failed: the server answered with an error, died, or timed out."""


@dataclass(frozen=True, slots=True)
class McpTool:
    server: str
    name: str
    description: str
    input_schema: dict[str, Any]
    auto_approve: bool
    session: Any = field(repr=False, compare=False)
    timeout: float = DEFAULT_TIMEOUT

    @property
    def qualified_name(self) -> str:
        return f"{self.server}.{self.name}"

    async def call(self, arguments: Mapping[str, Any] | None = None) -> Any:
        """Call the tool; returns the SDK's CallToolResult. Raises McpToolError."""
        try:
            return await self.session.call_tool(self.name, dict(arguments or {}),
                                                read_timeout_seconds=self.timeout)
        except Exception as exc:
            raise McpToolError(f"MCP server {self.server!r}, tool {self.name!r}: "
                               f"{_describe(exc)}") from exc


class ToolList(list[McpTool]):
    """The tools of every server that started; `problems` says which did not, and why."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[Finding] = []


@dataclass(frozen=True, slots=True)
class ServerStatus:
    name: str
    transport: str
    source: str
    state: str                     # ok | disabled | misconfigured | failed
    tools: tuple[str, ...] = ()
    disabled_tools: tuple[str, ...] = ()
    auto_approve: tuple[str, ...] = ()
    message: str = ""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(_describe(e) for e in exc.exceptions)
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    if isinstance(exc, McpToolError):
        return str(exc)
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, OSError | RuntimeError) else f"{type(exc).__name__}: {text}"


@contextlib.asynccontextmanager
async def connect(server: ServerConfig, timeout: float = DEFAULT_TIMEOUT,
                  cwd: Path | None = None) -> AsyncIterator[Any]:
    """An initialized ClientSession for one server; stops it on exit."""
    from mcp.client.session import ClientSession

    async with contextlib.AsyncExitStack() as stack:
        read, write = await stack.enter_async_context(_transport(server, timeout, cwd))
        session = await stack.enter_async_context(
            ClientSession(read, write, read_timeout_seconds=timeout))
        with anyio.fail_after(timeout):
            await session.initialize()
        yield session


def _transport(server: ServerConfig, timeout: float,
               cwd: Path | None) -> contextlib.AbstractAsyncContextManager[Any]:
    if server.url:
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        client = create_mcp_http_client(headers=server.headers)
        return _owned_http(streamable_http_client(server.url, http_client=client), client)
    from mcp.client.stdio import StdioServerParameters, stdio_client

    assert server.command is not None
    params = StdioServerParameters(command=server.command, args=list(server.args),
                                   env=server.env or None, cwd=cwd)
    return stdio_client(params, errlog=_errlog())


@contextlib.asynccontextmanager
async def _owned_http(transport: Any, client: Any) -> AsyncIterator[Any]:
    async with client, transport as streams:
        yield streams


def _errlog() -> Any:
    import sys

    return sys.stderr


async def _tools_of(session: Any, server: ServerConfig) -> list[Any]:
    result = await session.list_tools()
    return [t for t in result.tools if server.allows(t.name)]


@contextlib.asynccontextmanager
async def open_mcp_tools(workspace: Workspace, home: Path | None = None,
                         timeout: float = DEFAULT_TIMEOUT,
                         environ: Mapping[str, str] | None = None) -> AsyncIterator[ToolList]:
    """Every tool of every usable configured server, as `McpTool`s; closes all on exit."""
    config = load_mcp_config(workspace, home, environ)
    tools = ToolList()
    tools.problems.extend(config.findings)
    async with contextlib.AsyncExitStack() as stack:
        for server in config.servers:
            if not server.usable:
                continue
            try:
                session = await stack.enter_async_context(
                    _guarded(server, timeout, workspace.root))
                listed = await _tools_of(session, server)
            except Exception as exc:
                tools.problems.append(_failed(server, exc))
                continue
            tools.extend(McpTool(server.name, t.name, t.description or "",
                                 dict(t.input_schema), server.approves(t.name), session, timeout)
                         for t in listed)
        yield tools


@contextlib.asynccontextmanager
async def _guarded(server: ServerConfig, timeout: float, cwd: Path) -> AsyncIterator[Any]:
    """`connect`, but a failure while starting is raised as one plain exception."""
    try:
        async with connect(server, timeout, cwd) as session:
            yield session
    except BaseExceptionGroup as group:
        raise McpToolError(_describe(group)) from None


def _failed(server: ServerConfig, exc: BaseException) -> Finding:
    hint = " (check its url and headers)" if server.url else ""
    return Finding("M005", server.source,
                   f"failed to start or answer: {_describe(exc)}{hint}", server.name)


async def list_servers(workspace: Workspace, home: Path | None = None,
                       timeout: float = DEFAULT_TIMEOUT,
                       environ: Mapping[str, str] | None = None
                       ) -> tuple[list[ServerStatus], list[Finding]]:
    """Each configured server with its state and tools; and the file-level findings."""
    config = load_mcp_config(workspace, home, environ)
    statuses = [await _status(server, timeout, workspace.root) for server in config.servers]
    file_findings = [f for f in config.findings if f.server is None]
    return statuses, file_findings


async def _status(server: ServerConfig, timeout: float, cwd: Path) -> ServerStatus:
    base = dict(name=server.name, transport=server.transport, source=server.source,
                disabled_tools=server.disabled_tools, auto_approve=server.auto_approve)
    if server.disabled:
        return ServerStatus(state="disabled", **base)  # type: ignore[arg-type]
    if server.problems:
        message = "; ".join(f"{p.code} {p.message}" for p in server.problems)
        return ServerStatus(state="misconfigured", message=message, **base)  # type: ignore[arg-type]
    try:
        async with _guarded(server, timeout, cwd) as session:
            names = tuple(t.name for t in await _tools_of(session, server))
    except Exception as exc:
        return ServerStatus(state="failed", message=_failed(server, exc).message,
                            **base)  # type: ignore[arg-type]
    return ServerStatus(state="ok", tools=names, **base)  # type: ignore[arg-type]
