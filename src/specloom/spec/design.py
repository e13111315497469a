"""Parser for design.md: its sections and its numbered correctness properties.

A property is a `### Property N: Title` heading (or a bold `**Property N: Title**` line)
followed by its statement and a `**Validates: Requirements 1.1, 2.3**` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specloom.spec.markdown import Ref, front_matter_end, heading, iter_lines, parse_refs
from specloom.spec.requirements import Section, _close_sections
from specloom.spec.source import Problem, SourceText

EXPECTED_SECTIONS = (
    "Overview",
    "Architecture",
    "Components and Interfaces",
    "Data Models",
    "Correctness Properties",
    "Error Handling",
    "Testing Strategy",
)
PROPERTY = re.compile(r"^\s*(?:\*\*)?Property\s+(\d+)\s*(?:\*\*)?\s*[:.\-–—]?\s*(.*?)\s*(?:\*\*)?$",
                      re.IGNORECASE)
VALIDATES = re.compile(
    r"Validates\s*:?\s*(?:\*\*|__|_|\*)?\s*:?\s*(?:Requirements?|Criteria)?\s*:?", re.IGNORECASE
)
VALIDATES_PREFIX = re.compile(r"^[ \t>*_+\-]*$")
VALIDATES_LABEL_WORD = re.compile(r"Requirement|Criteria", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Property:
    number: int
    title: str
    line: int
    statement: str
    validates: tuple[Ref, ...]
    validates_line: int | None


@dataclass(frozen=True, slots=True)
class DesignDoc:
    source: SourceText
    title: str | None
    sections: tuple[Section, ...]
    properties: tuple[Property, ...]
    problems: tuple[Problem, ...]

    def section(self, name: str) -> Section | None:
        wanted = name.lower()
        for section in self.sections:
            if section.level == 2 and section.title.strip().lower() == wanted:
                return section
        return None

    def property(self, number: int) -> Property | None:
        for prop in self.properties:
            if prop.number == number:
                return prop
        return None


@dataclass(slots=True)
class _OpenProperty:
    number: int
    title: str
    line: int
    level: int
    body: list[str]
    validates: tuple[Ref, ...] = ()
    validates_line: int | None = None


def validates_refs(text: str, line: int) -> tuple[Ref, ...] | None:
    """Criterion refs of a `Validates: Requirements ...` line, or None if it is not one.

    The label must open the line (after list or emphasis markers) and carry a colon or the
    word Requirements/Criteria, so prose such as "the loader validates 1.2 inputs" is no
    citation.
    """
    match = VALIDATES.search(text)
    if match is None or not VALIDATES_PREFIX.match(text[:match.start()]):
        return None
    label = match.group(0)
    if ":" not in label and not VALIDATES_LABEL_WORD.search(label):
        return None
    rest = text[match.end():]
    return parse_refs(rest, line, match.end())


def parse_design(source: SourceText) -> DesignDoc:
    problems: list[Problem] = []
    start, fm_problem = front_matter_end(source.lines)
    if fm_problem:
        problems.append(fm_problem)
    if not source.text.strip():
        problems.append(Problem("S002", 1, "the document is empty",
                                "write the design, or delete the file"))
    title: str | None = None
    sections: list[Section] = []
    properties: list[_OpenProperty] = []
    current: _OpenProperty | None = None

    for line in iter_lines(source.lines, start):
        if line.in_fence:
            if current is not None:
                current.body.append(line.text)
            continue
        text = line.text
        head = heading(text)
        if head is not None:
            level, heading_title = head
            sections.append(Section(heading_title, level, line.number, line.number))
            if level == 1 and title is None:
                title = heading_title
            match = PROPERTY.match(heading_title)
            if match:
                current = _OpenProperty(int(match.group(1)), match.group(2), line.number, level,
                                        [])
                properties.append(current)
            elif current is not None and level <= current.level:
                current = None
            continue
        bold_property = PROPERTY.match(text) if text.lstrip().startswith("**Property") else None
        if bold_property:
            current = _OpenProperty(int(bold_property.group(1)), bold_property.group(2),
                                    line.number, 7, [])
            properties.append(current)
            continue
        if current is None:
            continue
        refs = validates_refs(text, line.number) if "alidates" in text else None
        if refs is not None and current.validates_line is None:
            current.validates = refs
            current.validates_line = line.number
        else:
            current.body.append(text)

    _close_sections(sections, len(source.lines))
    built = tuple(
        Property(p.number, p.title.strip().strip("*").strip(), p.line,
                 " ".join(b.strip() for b in p.body if b.strip()), p.validates, p.validates_line)
        for p in properties
    )
    return DesignDoc(source, title, tuple(sections), built, tuple(problems))
