"""Wrap file text and tool output as clearly delimited data for the model.

Text from files and commands may contain instructions; the model must see it as data. The
wrappers put it in `<file path="...">` or `<tool-output>` blocks and neutralise anything in the
content that looks like a closing (or opening) tag of those blocks, so content cannot end its
block early. This module only formats strings.
"""

from __future__ import annotations

import re

_TAG_LOOKALIKE = re.compile(r"<(/?)\s*(file|tool-output)(?=[\s>/])", re.IGNORECASE)


def neutralise(content: str) -> str:
    """Make `<file`, `</file`, `<tool-output` and `</tool-output` inert (`<\u200b/file` style)."""
    return _TAG_LOOKALIKE.sub(lambda m: f"<\u200b{m.group(1)}{m.group(2)}", content)


def _attribute(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;")
            .replace("<", "&lt;").replace(">", "&gt;"))


def _attributes(attrs: dict[str, str]) -> str:
    return "".join(f' {key}="{_attribute(value)}"' for key, value in attrs.items() if value)


def wrap_file(path: str, content: str, **attrs: str) -> str:
    """`<file path="...">content</file>` with the content neutralised."""
    body = neutralise(content)
    newline = "" if body.endswith("\n") or not body else "\n"
    return f"<file{_attributes({'path': path, **attrs})}>\n{body}{newline}</file>"


def wrap_tool_output(content: str, tool: str = "", **attrs: str) -> str:
    """`<tool-output tool="...">content</tool-output>` with the content neutralised."""
    body = neutralise(content)
    newline = "" if body.endswith("\n") or not body else "\n"
    return f"<tool-output{_attributes({'tool': tool, **attrs})}>\n{body}{newline}</tool-output>"
