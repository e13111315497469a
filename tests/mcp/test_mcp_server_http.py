"""`specloom mcp --http`: streamable HTTP on loopback with a bearer token; no token, 401."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp_helpers import copy_bookshelf, free_port, specloom_argv

from specloom.mcp_client.session import open_mcp_tools
from specloom.mcp_server.auth import TOKEN_ENV, server_token
from specloom.spec.workspace import Workspace

TOKEN = "test-token-123"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_bookshelf(tmp_path_factory.mktemp("http"))
    port = free_port()
    env = {**os.environ, TOKEN_ENV: TOKEN}
    log = (root.parent / "stderr.txt").open("w")
    process = subprocess.Popen(specloom_argv(root, "mcp", "--http", "--port", str(port)),
                               env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    assert "bearer token from SPECLOOM_MCP_TOKEN" in (root.parent / "stderr.txt").read_text()


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server did not start")


@pytest.mark.req("mcp-and-integrations", "4.2")
def test_request_without_token_is_refused(http_server: str) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    headers = {"accept": "application/json, text/event-stream"}
    with httpx2.Client() as client:
        missing = client.post(http_server, json=body, headers=headers)
        wrong = client.post(http_server, json=body,
                            headers={**headers, "authorization": "Bearer nope"})
    assert missing.status_code == 401
    assert wrong.status_code == 401
    assert "bearer token" in missing.json()["message"]


@pytest.mark.req("mcp-and-integrations", "4.1")
@pytest.mark.anyio
async def test_session_with_token(http_server: str) -> None:
    client = create_mcp_http_client(headers={"Authorization": f"Bearer {TOKEN}"})
    async with client, streamable_http_client(http_server, http_client=client) as (read, write), \
            ClientSession(read, write, read_timeout_seconds=60) as session:
        await session.initialize()
        result = await session.call_tool("list_specs", {})
        assert not result.is_error
        data = json.loads(result.content[0].text)  # type: ignore[union-attr]
        assert len(data["specs"]) == 3


@pytest.mark.req("mcp-and-integrations", "4.3", "4.4")
def test_token_from_environment_or_generated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "abc")
    assert server_token() == ("abc", False)
    monkeypatch.delenv(TOKEN_ENV)
    token, generated = server_token()
    assert generated and len(token) >= 32



@pytest.mark.req("mcp-and-integrations", "7.2", "8.1", "8.3", "8.4")
@pytest.mark.anyio
async def test_open_mcp_tools_over_http(http_server: str, tmp_path: Path) -> None:
    settings = tmp_path / ".kiro" / "settings"
    settings.mkdir(parents=True)
    (settings / "mcp.json").write_text(json.dumps({"mcpServers": {
        "specloom": {"url": http_server, "headers": {"Authorization": "Bearer ${THE_TOKEN}"},
                     "disabledTools": ["verify"], "autoApprove": ["list_specs"]},
        "no-token": {"url": http_server}}}))
    environ = {"THE_TOKEN": TOKEN}
    async with open_mcp_tools(Workspace(tmp_path), tmp_path / "home", timeout=20,
                              environ=environ) as tools:
        by_name = {t.qualified_name: t for t in tools}
        assert "specloom.verify" not in by_name
        assert by_name["specloom.list_specs"].auto_approve
        result = await by_name["specloom.list_specs"].call()
        assert len(json.loads(result.content[0].text)["specs"]) == 3
        assert [(p.server, p.code) for p in tools.problems] == [("no-token", "M005")]
        assert "check its url and headers" in tools.problems[0].message
