"""Kiro's MCP server configuration: `.kiro/settings/mcp.json` over `~/.kiro/settings/mcp.json`.

The two files are merged by server name (the workspace entry wins), `${VAR}` is expanded from
the environment, and each entry becomes a `ServerConfig`. Problems are `Finding`s with an
M-code; an entry with a problem is kept (so it can be listed) but marked unusable.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from specloom.core import jsontext
from specloom.spec.workspace import Workspace

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    source: str
    message: str
    server: str | None = None

    def __str__(self) -> str:
        where = f"{self.source}: server {self.server!r}" if self.server else self.source
        return f"{where}: {self.code} {self.message}"


@dataclass(frozen=True, slots=True)
class ServerConfig:
    name: str
    source: str
    command: str | None = None
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    disabled: bool = False
    auto_approve: tuple[str, ...] = ()
    disabled_tools: tuple[str, ...] = ()
    problems: tuple[Finding, ...] = ()

    @property
    def transport(self) -> str:
        return "http" if self.url else "stdio"

    @property
    def usable(self) -> bool:
        return not self.disabled and not self.problems

    def approves(self, tool: str) -> bool:
        return "*" in self.auto_approve or tool in self.auto_approve

    def allows(self, tool: str) -> bool:
        return tool not in self.disabled_tools


@dataclass(frozen=True, slots=True)
class McpConfig:
    servers: tuple[ServerConfig, ...]
    findings: tuple[Finding, ...]   # file-level problems and every server's problems


def config_paths(workspace: Workspace, home: Path | None = None) -> tuple[Path, Path]:
    """(user file, workspace file): the order in which they are merged."""
    home = Path.home() if home is None else home
    return (home / ".kiro" / "settings" / "mcp.json",
            workspace.kiro / "settings" / "mcp.json")


def load_mcp_config(workspace: Workspace, home: Path | None = None,
                    environ: Mapping[str, str] | None = None) -> McpConfig:
    environ = os.environ if environ is None else environ
    user, local = config_paths(workspace, home)
    entries: dict[str, tuple[str, Any]] = {}
    findings: list[Finding] = []
    for path, shown in ((user, "~/.kiro/settings/mcp.json"),
                        (local, workspace.relative(local))):
        if path is local and local.resolve() == user.resolve():
            continue  # the workspace is the home folder: one file, read once
        for name, raw in _read_servers(path, shown, findings).items():
            entries[name] = (shown, raw)
    servers = [_server(name, shown, raw, environ) for name, (shown, raw) in entries.items()]
    findings.extend(f for s in servers for f in s.problems)
    return McpConfig(tuple(servers), tuple(findings))


def _read_servers(path: Path, shown: str, findings: list[Finding]) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = jsontext.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        findings.append(Finding("M001", f"{shown}:{exc.lineno}", f"not valid JSON: {exc.msg}"))
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        findings.append(Finding("M001", shown, f"cannot be read: {exc}"))
        return {}
    servers = data.get("mcpServers") if isinstance(data, dict) else None
    if not isinstance(servers, dict):
        findings.append(Finding("M001", shown, "has no 'mcpServers' object"))
        return {}
    return servers


def _server(name: str, source: str, raw: Any, environ: Mapping[str, str]) -> ServerConfig:
    problems: list[Finding] = []

    def problem(code: str, message: str) -> None:
        problems.append(Finding(code, source, message, name))

    if not isinstance(raw, dict):
        problem("M002", "the entry must be a JSON object")
        return ServerConfig(name, source, problems=tuple(problems))
    missing: set[str] = set()

    def expand(value: Any) -> str:
        text = str(value)
        for var in VARIABLE.findall(text):
            if var not in environ:
                missing.add(var)
        return VARIABLE.sub(lambda m: environ.get(m.group(1), ""), text)

    command = raw.get("command")
    url = raw.get("url")
    if not isinstance(command, str | None) or not isinstance(url, str | None):
        problem("M002", "'command' and 'url' must be strings")
        command = url = None
    if not command and not url:
        problem("M002", "needs a 'command' (stdio) or a 'url' (HTTP)")
    config = ServerConfig(
        name=name, source=source,
        command=expand(command) if command else None,
        args=tuple(expand(a) for a in _strings(raw, "args", problem)),
        env={str(k): expand(v) for k, v in _mapping(raw, "env", problem).items()},
        url=expand(url) if url else None,
        headers={str(k): expand(v) for k, v in _mapping(raw, "headers", problem).items()},
        disabled=raw.get("disabled") is True,
        auto_approve=tuple(_strings(raw, "autoApprove", problem)),
        disabled_tools=tuple(_strings(raw, "disabledTools", problem)),
    )
    for var in sorted(missing):
        problem("M003", f"environment variable {var} is not set (used as ${{{var}}})")
    if config.url and not url_allowed(config.url):
        problem("M004", f"url {config.url!r} refused: use https, or http only on localhost, "
                        "127.0.0.1 or ::1")
    return _with_problems(config, problems)


def _with_problems(config: ServerConfig, problems: list[Finding]) -> ServerConfig:
    from dataclasses import replace

    return replace(config, problems=tuple(problems))


def _strings(raw: dict[str, Any], key: str, problem: Any) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        problem("M002", f"'{key}' must be a list of strings")
        return []
    return [str(v) for v in value]


def _mapping(raw: dict[str, Any], key: str, problem: Any) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        problem("M002", f"'{key}' must be an object")
        return {}
    return value


def url_allowed(url: str) -> bool:
    """https anywhere; http only on a loopback name or address. A malformed url is refused."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a malformed port)
    except ValueError:
        return False
    if parts.scheme == "https":
        return bool(parts.hostname)
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False
