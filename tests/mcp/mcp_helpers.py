"""Helpers for the MCP tests: the specloom command line, a bookshelf copy, a tiny server."""

from __future__ import annotations

import shutil
import socket
import sys
from pathlib import Path

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
