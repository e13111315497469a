"""Sections of a Markdown document: a heading and the lines it spans.

Shared by the requirements and design parsers, which collect a `Section` per heading and close
them all once the document is read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the lines it spans (end_line inclusive)."""

    title: str
    level: int
    line: int
    end_line: int


def close_sections(sections: list[Section], last_line: int) -> None:
    """Set each section's end line: just before the next heading of the same or a higher level."""
    open_indexes: list[int] = []
    for index, section in enumerate(sections):
        while open_indexes and sections[open_indexes[-1]].level >= section.level:
            closed = open_indexes.pop()
            done = sections[closed]
            sections[closed] = Section(done.title, done.level, done.line, section.line - 1)
        open_indexes.append(index)
    for index in open_indexes:
        done = sections[index]
        sections[index] = Section(done.title, done.level, done.line, last_line)
