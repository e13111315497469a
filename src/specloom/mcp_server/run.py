"""Serve the MCP server: stdio (the default) or streamable HTTP on 127.0.0.1 with a token."""

from __future__ import annotations

import sys
from typing import Any

import anyio

from specloom.mcp_server.auth import BearerGuard, server_token
from specloom.mcp_server.server import build_server
from specloom.spec.workspace import Workspace

HOST = "127.0.0.1"
PATH = "/mcp"


def serve_stdio(workspace: Workspace) -> None:
    anyio.run(build_server(workspace).run_stdio_async)


def serve_http(workspace: Workspace, port: int) -> None:
    import uvicorn

    token, generated = server_token()
    app: Any = BearerGuard(build_server(workspace).streamable_http_app(
        streamable_http_path=PATH, host=HOST), token)
    print(f"specloom: MCP server on http://{HOST}:{port}{PATH}", file=sys.stderr, flush=True)
    if generated:
        print(f"specloom: bearer token: {token}", file=sys.stderr, flush=True)
    else:
        print("specloom: bearer token from SPECLOOM_MCP_TOKEN", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning", lifespan="on")
    uvicorn.Server(config).run()
