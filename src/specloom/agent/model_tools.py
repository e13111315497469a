"""The agent's tools as pydantic_ai `Tool`s: signatures and docstrings are what the model sees.

Each wrapper calls the matching `AgentTools` method and returns `render`ed text, so file text and
command output reach the model as delimited data. No logic of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from specloom.agent.tools import AgentTools


def pydantic_ai_tools(tools: AgentTools) -> list[Any]:
    from pydantic_ai import Tool

    from specloom.agent.tools import render

    def read_file(path: str, start_line: int | None = None, end_line: int | None = None) -> str:
        """Read a text file in the workspace, optionally only lines start_line..end_line.

        Args:
            path: file path relative to the workspace root.
            start_line: first line to return (1-based); omit to start at the beginning.
            end_line: last line to return (inclusive); omit to read to the end.
        """
        return render("read_file", tools.read_file(path, start_line, end_line))

    def list_dir(path: str = ".") -> str:
        """List a folder in the workspace; folders end with '/'.

        Args:
            path: folder path relative to the workspace root.
        """
        return render("list_dir", tools.list_dir(path))

    def search(pattern: str, path: str = ".", glob: str | None = None,
               max_results: int = 200) -> str:
        """Search file contents with a Python regular expression; ignores files in .gitignore.

        Args:
            pattern: regular expression matched against each line.
            path: folder or file to search, relative to the workspace root.
            glob: only files matching this glob, e.g. '**/*.py' or '*.md'.
            max_results: stop after this many matching lines.
        """
        return render("search", tools.search(pattern, path, glob, max_results))

    def write_file(path: str, content: str) -> str:
        """Create or overwrite a file with the complete new content.

        Args:
            path: file path relative to the workspace root.
            content: the whole content of the file.
        """
        return render("write_file", tools.write_file(path, content))

    def edit_file(path: str, old: str, new: str) -> str:
        """Replace one exact occurrence of `old` with `new` in a file.

        Fails if `old` is not found or occurs more than once; include enough surrounding lines
        to make it unique, copied exactly (whitespace included).

        Args:
            path: file path relative to the workspace root.
            old: the exact text to replace.
            new: the replacement text.
        """
        return render("edit_file", tools.edit_file(path, old, new))

    def run_command(command: str, timeout: float = 120) -> str:
        """Run a shell command at the workspace root; returns its output and exit code.

        Args:
            command: the shell command line.
            timeout: seconds before the command is killed.
        """
        return render("run_command", tools.run_command(command, timeout))

    functions = (read_file, list_dir, search, write_file, edit_file, run_command)
    return [Tool(function, takes_ctx=False, name=function.__name__) for function in functions]
