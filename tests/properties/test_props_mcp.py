"""Property-based tests for the mcp-and-integrations spec's correctness properties."""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from specloom.cli.main import main as specloom_main
from specloom.integrations.agents import (
    AGENT_NAMES,
    MCP_CONFIGS,
    SERVER_NAME,
    install_agent_files,
)
from specloom.mcp_client.config import load_mcp_config, url_allowed
from specloom.mcp_server import tools
from specloom.spec.workspace import Workspace

BOOKSHELF = Path(__file__).resolve().parents[2] / "examples" / "bookshelf"
BOOKSHELF_SPECS = ("book-loans", "fee-rounding-fix", "overdue-reminders")


@functools.cache
def _bookshelf_copy() -> Path:
    """One copy of the example workspace outside the repository (not in its git tree)."""
    scratch = tempfile.mkdtemp(prefix="specloom-props-mcp-")
    atexit.register(shutil.rmtree, scratch, True)
    target = Path(scratch) / "bookshelf"
    shutil.copytree(BOOKSHELF, target, ignore=shutil.ignore_patterns(
        "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info"))
    return target


def _cli_json(root: Path, *args: str) -> Any:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        specloom_main(["--root", str(root), *args])
    return json.loads(out.getvalue())


# Feature: mcp-and-integrations, Property 1: A tool returns the CLI's JSON
@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(BOOKSHELF_SPECS), unique=True), st.sampled_from(["check", "trace"]))
def test_tool_returns_cli_json(specs: list[str], command: str) -> None:
    root = _bookshelf_copy()
    workspace = Workspace(root)
    tool = tools.check if command == "check" else tools.trace
    over_mcp = json.loads(json.dumps(tool(workspace, specs)))
    assert over_mcp == _cli_json(root, command, "--format", "json", *specs)


VARIABLES = ("HOME_DIR", "TOKEN", "PORT", "API_HOST", "X")
LITERAL = "abcdefghijklmnopqrstuvwxyz0123456789-_./:= "
pieces = st.lists(st.one_of(st.text(LITERAL, min_size=1, max_size=6),
                            st.sampled_from(VARIABLES).map(lambda v: ("var", v))), max_size=4)


def _render(parts: list[Any], environ: dict[str, str] | None) -> str:
    """The raw text (environ None) or its expected expansion."""
    out = []
    for part in parts:
        if isinstance(part, tuple):
            out.append("${" + part[1] + "}" if environ is None else environ.get(part[1], ""))
        else:
            out.append(part)
    return "".join(out)


def _used(parts_list: list[list[Any]]) -> set[str]:
    return {p[1] for parts in parts_list for p in parts if isinstance(p, tuple)}


# Feature: mcp-and-integrations, Property 2: Variable expansion is complete
@settings(max_examples=100, deadline=None)
@example(environ={"API_HOST": "["}, command=[], args=[], env={}, headers={}, url_path=[],
         use_url=True)
@given(st.dictionaries(st.sampled_from(VARIABLES), st.text(max_size=10)),
       pieces, st.lists(pieces, max_size=3), st.dictionaries(st.sampled_from(["A", "B"]), pieces),
       st.dictionaries(st.sampled_from(["Authorization", "X-Key"]), pieces), pieces,
       st.booleans())
def test_variable_expansion_is_complete(environ: dict[str, str], command: list[Any],
                                        args: list[list[Any]], env: dict[str, list[Any]],
                                        headers: dict[str, list[Any]], url_path: list[Any],
                                        use_url: bool) -> None:
    url = [("var", "API_HOST"), *url_path] if use_url else None
    entry: dict[str, Any] = {
        "command": "srv" + _render(command, None),
        "args": [_render(a, None) for a in args],
        "env": {k: _render(v, None) for k, v in env.items()},
        "headers": {k: _render(v, None) for k, v in headers.items()},
    }
    if url is not None:
        entry["url"] = "https://" + _render(url, None)
    with tempfile.TemporaryDirectory() as tmp:
        root, home = Path(tmp) / "ws", Path(tmp) / "home"
        (root / ".kiro" / "settings").mkdir(parents=True)
        home.mkdir()
        (root / ".kiro/settings/mcp.json").write_text(
            json.dumps({"mcpServers": {"srv": entry}}), encoding="utf-8")
        config = load_mcp_config(Workspace(root), home=home, environ=environ)
    (server,) = config.servers
    assert server.command == "srv" + _render(command, environ)
    assert server.args == tuple(_render(a, environ) for a in args)
    assert server.env == {k: _render(v, environ) for k, v in env.items()}
    assert server.headers == {k: _render(v, environ) for k, v in headers.items()}
    if url is not None:
        assert server.url == "https://" + _render(url, environ)
    used = _used([command, *args, *env.values(), *headers.values(), *([url] if url else [])])
    m003 = [f for f in config.findings if f.code == "M003" and f.server == "srv"]
    for variable in used:
        mentioning = [f for f in m003 if f"{variable} " in f.message]
        assert len(mentioning) == (0 if variable in environ else 1), variable
    assert len(m003) == len(used - set(environ))


hosts = st.one_of(
    st.sampled_from(["localhost", "LocalHost", "127.0.0.1", "[::1]", "::1", "127.0.0.2",
                     "127.255.255.254", "[0:0:0:0:0:0:0:1]", "0.0.0.0", "10.0.0.1",
                     "example.com", "localhost.example.com", "[::ffff:127.0.0.1]", ""]),
    st.from_regex(r"[a-z0-9]([a-z0-9.-]{0,15}[a-z0-9])?", fullmatch=True))
urls = st.builds(
    lambda scheme, userinfo, host, port, path: f"{scheme}{userinfo}{host}{port}{path}",
    st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "ws://", "", "http:"]),
    st.sampled_from(["", "user@", "user:pw@"]), hosts,
    st.sampled_from(["", ":8080", ":443"]), st.sampled_from(["", "/", "/mcp", "/a?b=c#d"]))


# Feature: mcp-and-integrations, Property 3: The URL rule
@pytest.mark.xfail(strict=True, reason=(
    "counterexample: url_allowed('http://127.0.0.2') is True (also http://[0:0:0:0:0:0:0:1]): "
    "it accepts every loopback address via ipaddress.is_loopback, while requirement 7.4 and "
    "the property allow http only for localhost, 127.0.0.1 and ::1"))
@settings(max_examples=100, deadline=None,
          phases=(Phase.explicit, Phase.reuse, Phase.generate))  # known failure: skip shrinking
@given(st.one_of(urls, st.text(max_size=40)))
@example("http://127.0.0.2/")
def test_url_rule(url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    expected = parts is not None and bool(host) and (
        parts.scheme == "https"
        or (parts.scheme == "http" and host in ("localhost", "127.0.0.1", "::1")))
    assert url_allowed(url) == expected


agent_sets = st.lists(st.sampled_from(AGENT_NAMES), unique=True)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


# Feature: mcp-and-integrations, Property 4: A second install changes nothing
@settings(max_examples=100, deadline=None)
@given(agent_sets, st.one_of(st.none(), st.text(max_size=60)))
def test_second_install_changes_nothing(agents: list[str], agents_md: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".kiro" / "specs").mkdir(parents=True)
        if agents_md is not None:
            (root / "AGENTS.md").write_bytes(agents_md.encode("utf-8"))
        install_agent_files(Workspace(root), agents)
        first = _snapshot(root)
        second = install_agent_files(Workspace(root), agents)
        assert {r.path: r.action for r in second} == {r.path: "unchanged" for r in second}
        assert _snapshot(root) == first


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=8)
servers = st.dictionaries(st.text(max_size=10).filter(lambda n: n != SERVER_NAME),
                          json_values, max_size=4)


# Feature: mcp-and-integrations, Property 5: Merging keeps other servers
@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(MCP_CONFIGS)), servers,
       st.dictionaries(st.sampled_from(["inputs", "version", "other"]), json_values, max_size=2),
       st.one_of(st.none(), json_values))
def test_merging_keeps_other_servers(agent: str, others: dict[str, Any], top: dict[str, Any],
                                     ours: Any) -> None:
    relative, table, _ = MCP_CONFIGS[agent]
    existing = dict(others)
    if ours is not None:
        existing[SERVER_NAME] = ours
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".kiro" / "specs").mkdir(parents=True)
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**top, table: existing}), encoding="utf-8")
        install_agent_files(Workspace(root), [agent])
        after = json.loads(path.read_text(encoding="utf-8"))
    kept = {name: entry for name, entry in after[table].items() if name != SERVER_NAME}
    assert kept == others
    assert {k: v for k, v in after.items() if k != table} == top
