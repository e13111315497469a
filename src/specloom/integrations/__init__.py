"""Files that let coding agents (Claude Code, Cursor, Copilot, Gemini CLI, Codex, Kiro) drive
specloom: slash commands, instructions and MCP server entries."""
