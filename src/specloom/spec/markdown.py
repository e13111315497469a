"""Small line-level markdown helpers shared by the spec parsers.

Parsers work line by line (they must keep every byte); these helpers only recognise the few
block shapes specs use: ATX headings, fenced code blocks, list items and front matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from specloom.spec.source import Problem

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
NUMBERED_ITEM = re.compile(r"^([ \t]*)(\d+)[.)][ \t]+(.*)$")
BULLET_ITEM = re.compile(r"^([ \t]*)[-*+][ \t]+(.*)$")
REF = re.compile(r"\d+(?:\.\d+)?")
BOLD = re.compile(r"\*\*([^*]+)\*\*")


@dataclass(frozen=True, slots=True)
class Line:
    """One line without its ending, with its 1-based number and whether it is inside a fence."""

    number: int
    text: str
    in_fence: bool


@dataclass(frozen=True, slots=True)
class Ref:
    """A citation such as `1.2` (criterion) or `3` (whole requirement or task) in a file."""

    id: str
    line: int
    column: int


def iter_lines(lines: Sequence[str], start: int = 0) -> Iterator[Line]:
    """Yield lines with fence tracking; fence delimiters themselves count as fenced."""
    fence: str | None = None
    for index in range(start, len(lines)):
        text = lines[index].rstrip("\r\n")
        match = FENCE.match(text)
        if fence is None and match:
            fence = match.group(1)[0] * 3
            yield Line(index + 1, text, True)
            continue
        if fence is not None:
            if match and match.group(1).startswith(fence):
                fence = None
            yield Line(index + 1, text, True)
            continue
        yield Line(index + 1, text, False)


def heading(text: str) -> tuple[int, str] | None:
    """(level, title) for an ATX heading line."""
    if not text.startswith("#"):
        return None
    match = HEADING.match(text)
    if match is None:
        return None
    return len(match.group(1)), match.group(2)


def front_matter_end(lines: Sequence[str]) -> tuple[int, Problem | None]:
    """Index of the first line after YAML front matter (0 when there is none)."""
    if not lines or lines[0].rstrip("\r\n") != "---":
        return 0, None
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") in ("---", "..."):
            return index + 1, None
    problem = Problem(
        "S003", 1, "front matter opened with '---' is never closed",
        "add a closing '---' line after the front matter, or remove the opening one",
    )
    return 0, problem


def parse_refs(text: str, line: int, column_offset: int) -> tuple[Ref, ...]:
    """Citations in `text`; `column_offset` is the 0-based column where `text` starts."""
    return tuple(
        Ref(m.group(0), line, column_offset + m.start() + 1) for m in REF.finditer(text)
    )


def strip_emphasis(text: str) -> str:
    """Remove surrounding markdown emphasis markers (`_x_`, `*x*`, `**x**`)."""
    stripped = text.strip()
    for marker in ("**", "__", "*", "_"):
        if len(stripped) > 2 * len(marker) and stripped.startswith(marker) \
                and stripped.endswith(marker):
            return stripped[len(marker):-len(marker)].strip()
    return stripped
