"""YAML front matter: the one reader of the `---` block that may open a Kiro markdown file.

A file has front matter when its first line is `---`; the block ends at the next line that is
`---` or `...`. Trailing whitespace is allowed on these lines, leading whitespace is not (as in
gray-matter and Jekyll). The requirements, design and tasks parsers skip the block
(`spec.markdown.front_matter_end`); the steering loader reads it as YAML (`context.steering`).
Nothing here parses YAML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

OPENING = "---"
CLOSINGS = ("---", "...")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Front matter opened on the first line; `closing` is the index of the line that ends it,
    None when no line does."""

    closing: int | None

    @property
    def body_start(self) -> int:
        """Index of the first line after the front matter (0 when never closed)."""
        return self.closing + 1 if self.closing is not None else 0


def front_matter(lines: Sequence[str]) -> FrontMatter | None:
    """The front matter that opens `lines` (with or without line endings), or None."""
    if not lines or lines[0].rstrip() != OPENING:
        return None
    closing = next((index for index in range(1, len(lines))
                    if lines[index].rstrip() in CLOSINGS), None)
    return FrontMatter(closing)
