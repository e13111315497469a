"""`specloom mcp` (serve over stdio or HTTP), `specloom mcp list` and `specloom agents install`."""

from __future__ import annotations

import argparse
from typing import Any

from specloom.cli.common import add_json_flag, print_json, workspace_from
from specloom.cli.errors import EXIT_FINDINGS, EXIT_OK, CliError

AGENTS = ("claude", "cursor", "copilot", "gemini", "codex", "kiro")


def register(commands: Any) -> None:
    mcp = commands.add_parser(
        "mcp", help="serve specloom over MCP (stdio; --http for loopback HTTP), or list servers",
        description="Serve specloom's tools, spec resources and phase prompts over MCP. stdio by "
                    "default; --http serves streamable HTTP on 127.0.0.1 and requires a bearer "
                    "token (SPECLOOM_MCP_TOKEN, or a generated one printed to stderr).")
    mcp.add_argument("--http", action="store_true", help="serve streamable HTTP on 127.0.0.1")
    mcp.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765)")
    mcp.set_defaults(handler=run_serve)
    sub = mcp.add_subparsers(dest="mcp_command", metavar="SUBCOMMAND")
    listing = sub.add_parser("list", help="configured MCP servers, their state and tools",
                             description="Read .kiro/settings/mcp.json and "
                                         "~/.kiro/settings/mcp.json, connect to each server and "
                                         "list its tools. Exit 1 when a server fails.")
    listing.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                         help="per-server connection timeout (default 10)")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)

    agents = commands.add_parser("agents", help="files for coding agents' slash commands")
    agents_sub = agents.add_subparsers(dest="agents_command", metavar="SUBCOMMAND", required=True)
    install = agents_sub.add_parser(
        "install", help="write /spec-* commands and MCP config for agents",
        description="Write the files each agent reads for custom commands and MCP servers. "
                    "Files you changed since specloom wrote them are left alone and shown "
                    "as a diff.")
    install.add_argument("agents", nargs="+", choices=AGENTS, metavar="AGENT",
                         help=f"one or more of: {', '.join(AGENTS)}")
    add_json_flag(install)
    install.set_defaults(handler=run_agents_install)


def run_serve(args: argparse.Namespace) -> int:
    from specloom.mcp_server.run import serve_http, serve_stdio

    workspace = workspace_from(args)
    if args.http:
        if not 0 < args.port < 65536:
            raise CliError("--port must be between 1 and 65535")
        serve_http(workspace, args.port)
    else:
        serve_stdio(workspace)
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    import anyio

    from specloom.mcp_client.session import list_servers

    if args.timeout <= 0:
        raise CliError("--timeout must be a positive number of seconds")
    workspace = workspace_from(args)
    statuses, findings = anyio.run(lambda: list_servers(workspace, timeout=args.timeout))
    failed = bool(findings) or any(s.state in ("failed", "misconfigured") for s in statuses)
    if args.json:
        print_json({"servers": [_status_dict(s) for s in statuses],
                    "findings": [str(f) for f in findings]})
        return EXIT_FINDINGS if failed else EXIT_OK
    for finding in findings:
        print(finding)
    if not statuses:
        print("No MCP servers configured (.kiro/settings/mcp.json, ~/.kiro/settings/mcp.json).")
    for status in statuses:
        print(f"{status.name}  {status.transport}  {status.state}  ({status.source})")
        if status.message:
            print(f"    {status.message}")
        for tool in status.tools:
            auto = "  [auto-approve]" if "*" in status.auto_approve or \
                tool in status.auto_approve else ""
            print(f"    - {tool}{auto}")
        if status.disabled_tools:
            print(f"    disabled tools: {', '.join(status.disabled_tools)}")
    return EXIT_FINDINGS if failed else EXIT_OK


def _status_dict(status: Any) -> dict[str, Any]:
    return {"name": status.name, "transport": status.transport, "source": status.source,
            "state": status.state, "tools": list(status.tools),
            "disabled_tools": list(status.disabled_tools),
            "auto_approve": list(status.auto_approve), "message": status.message}


def run_agents_install(args: argparse.Namespace) -> int:
    from specloom.integrations.agents import install_agent_files

    results = install_agent_files(workspace_from(args), list(dict.fromkeys(args.agents)))
    if args.json:
        print_json([{"path": r.path, "action": r.action, "diff": r.diff} for r in results])
    else:
        for result in results:
            print(f"{result.action:<9} {result.path}")
            if result.diff:
                print(result.diff.rstrip())
    kept = any(r.action == "kept" for r in results)
    return EXIT_FINDINGS if kept else EXIT_OK
