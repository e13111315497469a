"""M-family rules: problems with MCP server configuration and servers that do not start."""

from __future__ import annotations

from specloom.core.rule import Rule, Severity

RULES: tuple[Rule, ...] = (
    Rule("M001", "invalid-mcp-config", "mcp", Severity.ERROR,
         "An mcp.json file is not valid JSON or has no 'mcpServers' object.",
         "specloom reads .kiro/settings/mcp.json and ~/.kiro/settings/mcp.json; a file it "
         "cannot parse contributes no servers.",
         '{"mcpServers": {"docs": {"command": "uvx",}}}',
         '{"mcpServers": {"docs": {"command": "uvx"}}}',
         "fix the JSON at the line shown"),
    Rule("M002", "invalid-mcp-server", "mcp", Severity.ERROR,
         "A server entry has neither 'command' nor 'url', or a field of the wrong type.",
         "Each server needs a 'command' (stdio, with optional 'args' and 'env') or a 'url' "
         "(HTTP, with optional 'headers').",
         '"docs": {"args": ["server"]}', '"docs": {"command": "uvx", "args": ["server"]}',
         "give the server a command or a url"),
    Rule("M003", "missing-mcp-variable", "mcp", Severity.ERROR,
         "A ${VAR} in a server entry names an environment variable that is not set.",
         "Variables are expanded from the environment when specloom starts the server; an "
         "unset one would pass an empty secret, so the server is not started.",
         '"env": {"TOKEN": "${DOCS_TOKEN}"} with DOCS_TOKEN unset',
         "export DOCS_TOKEN=... before running specloom",
         "set the variable, or remove the reference"),
    Rule("M004", "insecure-mcp-url", "mcp", Severity.ERROR,
         "A remote server URL is neither https nor http on localhost.",
         "Tokens and tool calls would travel in clear text; plain http is allowed only for "
         "localhost, 127.0.0.1 and ::1.",
         '"url": "http://example.com/mcp"', '"url": "https://example.com/mcp"',
         "use https"),
    Rule("M005", "mcp-server-failed", "mcp", Severity.WARNING,
         "A configured MCP server failed to start, to answer, or died.",
         "specloom reports the server and goes on with the others.",
         '"command": "no-such-binary"', '"command": "uvx", "args": ["some-mcp-server"]',
         "run the server's command by hand to see its error"),
)
