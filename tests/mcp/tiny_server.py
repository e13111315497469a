"""A tiny stdio MCP server for the client tests: `echo` and `add`, and an env-reading tool.

`--crash-after-init` makes it exit on the first tool call (a server that dies mid-session).
"""

from __future__ import annotations

import os
import sys

from mcp.server.mcpserver import MCPServer

server: MCPServer[object] = MCPServer("tiny", log_level="WARNING")


@server.tool(structured_output=False)
def echo(text: str) -> str:
    """Say it back."""
    if "--crash-after-init" in sys.argv:
        os._exit(3)
    return text


@server.tool(structured_output=False)
def add(a: int, b: int) -> str:
    """Add two numbers."""
    return str(a + b)


@server.tool(structured_output=False)
def secret() -> str:
    """The TINY_SECRET environment variable the client passed."""
    return os.environ.get("TINY_SECRET", "")


if __name__ == "__main__":
    server.run()
