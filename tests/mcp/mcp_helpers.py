"""Helpers for the MCP tests: the specloom command line, a bookshelf copy, a tiny server."""

from __future__ import annotations

import shutil
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

REPO = Path(__file__).resolve().parents[2]
BOOKSHELF = REPO / "examples" / "bookshelf"
TINY_SERVER = Path(__file__).with_name("tiny_server.py")

LAUNCH = ["-m", "specloom.cli.main"]


def specloom_argv(root: Path, *args: str) -> list[str]:
    """The full argv (python first) that runs `specloom --root ROOT ARGS...`."""
    return [sys.executable, *LAUNCH, "--root", str(root), *args]


def copy_bookshelf(target: Path) -> Path:
    dest = target / "bookshelf"
    shutil.copytree(BOOKSHELF, dest, ignore=shutil.ignore_patterns(
        "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info"))
    return dest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tiny_server_entry(*extra: str, **fields: object) -> dict[str, object]:
    """An mcp.json entry that starts the tiny test server."""
    return {"command": sys.executable, "args": [str(TINY_SERVER), *extra], **fields}


@asynccontextmanager
async def stdio_session(root: Path) -> AsyncIterator[ClientSession]:
    """A real MCP client session with `specloom mcp` running as a stdio subprocess in `root`."""
    argv = specloom_argv(root, "mcp")
    params = StdioServerParameters(command=argv[0], args=argv[1:], cwd=root)
    with open(root.parent / "server-stderr.txt", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), \
                ClientSession(read, write, read_timeout_seconds=120) as client:
            await client.initialize()
            yield client


def text_of(result: Any) -> str:
    return "".join(block.text for block in result.content)
