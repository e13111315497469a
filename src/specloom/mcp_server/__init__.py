"""specloom's MCP server: the library functions the CLI calls, exposed as MCP tools,
resources and prompts over stdio or loopback streamable HTTP with a bearer token."""
