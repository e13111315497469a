"""The MCP client: mcp.json merging, ${VAR} expansion, URL rules, `open_mcp_tools`, `mcp list`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mcp_helpers import specloom_argv, tiny_server_entry

from specloom.mcp_client.config import load_mcp_config, url_allowed
from specloom.mcp_client.session import McpToolError, open_mcp_tools
from specloom.spec.workspace import Workspace


def write_config(folder: Path, servers: dict[str, Any]) -> None:
    target = folder / ".kiro" / "settings" / "mcp.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"mcpServers": servers}))


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Workspace, Path]:
    root, home = tmp_path / "project", tmp_path / "home"
    (root / ".kiro" / "specs").mkdir(parents=True)
    home.mkdir()
    return Workspace(root), home


@pytest.mark.req("mcp-and-integrations", "7.1", "7.2", "7.3", "7.4", "7.6")
def test_merge_workspace_wins_and_variables_expand(dirs: tuple[Workspace, Path]) -> None:
    workspace, home = dirs
    write_config(home, {"shared": {"command": "user-cmd"}, "mine": {"command": "only-user"}})
    write_config(workspace.root, {
        "shared": {"command": "ws-cmd", "env": {"T": "${TOKEN}"}, "args": ["${MISSING}"]},
        "remote": {"url": "http://example.com/mcp"},
        "local": {"url": "http://[::1]:9/mcp", "headers": {"A": "Bearer ${TOKEN}"}},
        "broken": {"args": ["x"]}})
    config = load_mcp_config(workspace, home, environ={"TOKEN": "s3cret"})
    servers = {s.name: s for s in config.servers}
    assert servers["shared"].command == "ws-cmd" and servers["shared"].env == {"T": "s3cret"}
    assert servers["mine"].command == "only-user" and servers["mine"].usable
    assert servers["local"].headers == {"A": "Bearer s3cret"} and servers["local"].usable
    codes = {(f.server, f.code) for f in config.findings}
    assert codes == {("shared", "M003"), ("remote", "M004"), ("broken", "M002")}
    assert "MISSING is not set" in str(next(f for f in config.findings if f.code == "M003"))


@pytest.mark.req("mcp-and-integrations", "7.5")
def test_invalid_json_is_a_finding(dirs: tuple[Workspace, Path]) -> None:
    workspace, home = dirs
    target = workspace.kiro / "settings" / "mcp.json"
    target.parent.mkdir(parents=True)
    target.write_text('{"mcpServers": {\n "a": {"command": "x",}}}')
    (finding,) = load_mcp_config(workspace, home, environ={}).findings
    assert finding.code == "M001" and finding.source.endswith("mcp.json:2")


@pytest.mark.req("mcp-and-integrations", "7.4")
@pytest.mark.parametrize(("url", "allowed"), [
    ("https://example.com/mcp", True), ("http://localhost:8000/mcp", True),
    ("http://127.0.0.1/mcp", True), ("http://[::1]/mcp", True),
    ("http://example.com/mcp", False), ("ftp://localhost/x", False), ("https:///x", False)])
def test_url_rules(url: str, allowed: bool) -> None:
    assert url_allowed(url) is allowed


def tiny_setup(workspace: Workspace, home: Path) -> None:
    write_config(home, {"user-tiny": tiny_server_entry(disabledTools=["add"])})
    write_config(workspace.root, {
        "tiny": tiny_server_entry(env={"TINY_SECRET": "${TINY_VALUE}"},
                                  autoApprove=["echo"], disabledTools=["add"]),
        "off": tiny_server_entry(disabled=True),
        "missing": {"command": "/no/such/mcp-server-binary"},
        "dies": tiny_server_entry("--crash-after-init", autoApprove=["*"]),
        "unset": tiny_server_entry(env={"X": "${NOT_SET_ANYWHERE_42}"}),
    })


@pytest.mark.req("mcp-and-integrations", "7.3", "8.1", "8.2", "8.3", "8.4")
@pytest.mark.anyio
async def test_open_mcp_tools(dirs: tuple[Workspace, Path]) -> None:
    workspace, home = dirs
    tiny_setup(workspace, home)
    environ = {"TINY_VALUE": "from-env", "PATH": "/usr/bin"}
    async with open_mcp_tools(workspace, home, timeout=20, environ=environ) as tools:
        by_name = {t.qualified_name: t for t in tools}
        assert "tiny.add" not in by_name and "tiny.echo" in by_name
        assert by_name["tiny.echo"].auto_approve and not by_name["tiny.secret"].auto_approve
        assert by_name["dies.add"].auto_approve
        assert not any(name.startswith("off.") for name in by_name)
        echoed = await by_name["tiny.echo"].call({"text": "hi"})
        assert echoed.content[0].text == "hi"
        secret = await by_name["tiny.secret"].call()
        assert secret.content[0].text == "from-env"
        with pytest.raises(McpToolError, match="'dies', tool 'echo'"):
            await by_name["dies.echo"].call({"text": "x"})
        assert (await by_name["user-tiny.echo"].call({"text": "u"})).content[0].text == "u"
        problems = {(p.server, p.code) for p in tools.problems}
        assert problems == {("missing", "M005"), ("unset", "M003")}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.req("mcp-and-integrations", "8.5", "8.6")
def test_mcp_list_command(dirs: tuple[Workspace, Path]) -> None:
    workspace, home = dirs
    tiny_setup(workspace, home)
    env = {"HOME": str(home), "TINY_VALUE": "v", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(specloom_argv(workspace.root, "mcp", "list", "--json",
                                        "--timeout", "20"),
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    states = {s["name"]: s for s in json.loads(done.stdout)["servers"]}
    assert states["tiny"]["state"] == "ok" and states["tiny"]["tools"] == ["echo", "secret"]
    assert states["off"]["state"] == "disabled"
    assert states["missing"]["state"] == "failed"
    assert states["unset"]["state"] == "misconfigured"
    assert "NOT_SET_ANYWHERE_42" in states["unset"]["message"]
    text = subprocess.run(specloom_argv(workspace.root, "mcp", "list"), capture_output=True,
                          text=True, env=env, timeout=120, check=False).stdout
    assert "- echo  [auto-approve]" in text and "disabled tools: add" in text
