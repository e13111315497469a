"""Use cases shared by the adapters (CLI, MCP server, dashboard): they parse, call, render."""
