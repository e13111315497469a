"""specloom as an MCP client: read Kiro's mcp.json files, connect to the servers, list and call
their tools (for `specloom mcp list` and, later, the task runner)."""
