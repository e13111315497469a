"""Parser for requirements.md (feature specs) and bugfix.md (bugfix specs).

Both become a `RequirementsDoc`: numbered requirements holding numbered acceptance
criteria, cited everywhere as `N.M`. In a bugfix spec the three sections (current,
expected, unchanged behaviour) are requirements 1, 2 and 3 and their items `1.1`, `2.1`...
are the criteria. The parser never raises; what it cannot read becomes a `Problem`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specloom.spec.markdown import (
    BOLD,
    BULLET_ITEM,
    NUMBERED_ITEM,
    front_matter_end,
    heading,
    iter_lines,
)
from specloom.spec.source import Problem, SourceText

REQUIREMENT_HEADING = re.compile(
    r"^\s*(?:\*\*)?Requirement\s+(\d+)(?:\.(?!\d))?\s*(?:\*\*)?\s*[:.\-–—]?\s*(.*?)\s*$",
    re.IGNORECASE,
)
BUGFIX_SECTIONS = (
    ("1", re.compile(r"current\s+behaviou?r", re.IGNORECASE)),
    ("2", re.compile(r"expected\s+behaviou?r", re.IGNORECASE)),
    ("3", re.compile(r"unchanged\s+behaviou?r", re.IGNORECASE)),
)
DOTTED_ITEM = re.compile(r"^([ \t]*)(?:[-*+][ \t]+)?(?:\*\*)?(\d+)\.(\d+)\.?(?:\*\*)?[ \t]+(.*)$")
USER_STORY = re.compile(r"^\s*(?:[-*+]\s+)?\*{0,2}_?User\s+Story:?_?\*{0,2}:?\s*(.*)$",
                        re.IGNORECASE)
ACCEPTANCE = re.compile(r"acceptance\s+criteria", re.IGNORECASE)
HTML_COMMENT = re.compile(r"<!--.*?-->")


def _blank_comments(text: str) -> str:
    """Replace inline HTML comments (suppressions) by spaces, keeping character offsets."""
    if "<!--" not in text:
        return text
    return HTML_COMMENT.sub(lambda m: " " * len(m.group(0)), text).rstrip()


@dataclass(frozen=True, slots=True)
class TextSegment:
    """A piece of a criterion's text as it stands in the file (1-based line and column)."""

    line: int
    column: int
    text: str


@dataclass(frozen=True, slots=True)
class Criterion:
    """Acceptance criterion `id` (= `requirement.number`); `text` joins wrapped lines."""

    id: str
    requirement: str
    number: int
    written_number: int
    text: str
    line: int
    segments: tuple[TextSegment, ...]

    def locate(self, offset: int) -> tuple[int, int]:
        """File (line, column) of a character offset into `text`."""
        position = 0
        for segment in self.segments:
            end = position + len(segment.text)
            if offset <= end:
                return segment.line, segment.column + max(0, offset - position)
            position = end + 1  # the joining space
        last = self.segments[-1]
        return last.line, last.column + len(last.text)


@dataclass(frozen=True, slots=True)
class Requirement:
    number: str
    title: str
    line: int
    user_story: str | None
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    term: str
    definition: str
    line: int


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the lines it spans (end_line inclusive)."""

    title: str
    level: int
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class RequirementsDoc:
    source: SourceText
    kind: str  # "requirements" or "bugfix"
    title: str | None
    sections: tuple[Section, ...]
    glossary: tuple[GlossaryTerm, ...]
    requirements: tuple[Requirement, ...]
    problems: tuple[Problem, ...]

    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for r in self.requirements for c in r.criteria)

    def criterion(self, criterion_id: str) -> Criterion | None:
        for requirement in self.requirements:
            for criterion in requirement.criteria:
                if criterion.id == criterion_id:
                    return criterion
        return None


@dataclass(slots=True)
class _OpenRequirement:
    number: str
    title: str
    line: int
    user_story: str | None = None
    in_criteria: bool = False
    items: list[tuple[int, int, list[TextSegment]]] | None = None  # (written no, line, segments)


def parse_requirements(source: SourceText, kind: str = "requirements") -> RequirementsDoc:
    """Parse requirements.md (kind="requirements") or bugfix.md (kind="bugfix")."""
    problems: list[Problem] = []
    start, fm_problem = front_matter_end(source.lines)
    if fm_problem:
        problems.append(fm_problem)
    if not source.text.strip():
        problems.append(Problem("S002", 1, "the document is empty",
                                "write the requirements, or delete the file"))
    title: str | None = None
    sections: list[Section] = []
    glossary: list[GlossaryTerm] = []
    finished: list[_OpenRequirement] = []
    current: _OpenRequirement | None = None
    in_glossary = False

    def close() -> None:
        nonlocal current
        if current is not None:
            finished.append(current)
        current = None

    for line in iter_lines(source.lines, start):
        if line.in_fence:
            continue
        text = line.text
        head = heading(text)
        if head is not None:
            level, heading_title = head
            sections.append(Section(heading_title, level, line.number, line.number))
            if level == 1 and title is None:
                title = heading_title
            in_glossary = level <= 3 and heading_title.strip().lower().startswith("glossary")
            match = REQUIREMENT_HEADING.match(heading_title) if kind == "requirements" else None
            bugfix_number = _bugfix_section(heading_title) if kind == "bugfix" else None
            if match:
                close()
                current = _OpenRequirement(match.group(1), match.group(2), line.number, items=[])
            elif bugfix_number is not None:
                close()
                current = _OpenRequirement(bugfix_number, heading_title, line.number, items=[],
                                           in_criteria=True)
            elif current is not None and ACCEPTANCE.search(heading_title):
                current.in_criteria = True
            elif current is not None and level <= 3:
                close()
            continue
        if in_glossary:
            term = _glossary_term(text, line.number)
            if term:
                glossary.append(term)
            continue
        if current is None:
            continue
        _consume_requirement_line(current, text, line.number, kind)

    close()
    _close_sections(sections, len(source.lines))
    requirements = tuple(_build_requirement(r, problems, kind) for r in finished)
    if not requirements and source.text.strip():
        what = "no '### Requirement N' sections" if kind == "requirements" else (
            "none of the sections 'Current Behavior', 'Expected Behavior', 'Unchanged Behavior'")
        problems.append(Problem("S004", 1, f"found {what}",
                                "structure the document as described in the Kiro format"))
    return RequirementsDoc(source, kind, title, tuple(sections), tuple(glossary), requirements,
                           tuple(problems))


def _bugfix_section(title: str) -> str | None:
    for number, pattern in BUGFIX_SECTIONS:
        if pattern.search(title):
            return number
    return None


def _glossary_term(text: str, number: int) -> GlossaryTerm | None:
    bullet = BULLET_ITEM.match(text)
    body = bullet.group(2) if bullet else text.strip()
    match = BOLD.match(body)
    if match is None:
        return None
    definition = body[match.end():].lstrip(" :-–—").strip()
    return GlossaryTerm(match.group(1).strip().rstrip(":"), definition, number)


def _consume_requirement_line(req: _OpenRequirement, text: str, number: int, kind: str) -> None:
    assert req.items is not None
    if req.user_story is None and not req.in_criteria:
        story = USER_STORY.match(text)
        if story:
            req.user_story = story.group(1).strip()
            return
    if not req.in_criteria:
        if ACCEPTANCE.search(text) and text.lstrip().startswith(("*", "_")):
            req.in_criteria = True
        return
    item = _criterion_item(text, req.number, kind)
    if item is not None:
        written, column, body = item
        segment = TextSegment(number, column, _blank_comments(body))
        req.items.append((written, number, [segment]))
        return
    stripped = text.strip()
    if stripped and req.items and text[:1] in (" ", "\t"):
        # an indented line continues the previous criterion (wrapped text)
        column = len(text) - len(text.lstrip()) + 1
        req.items[-1][2].append(TextSegment(number, column, _blank_comments(stripped)))


def _criterion_item(text: str, requirement: str, kind: str) -> tuple[int, int, str] | None:
    """(written number, 1-based column of the text, text) for a criterion list item."""
    if kind == "bugfix":
        dotted = DOTTED_ITEM.match(text)
        if dotted:
            return int(dotted.group(3)), dotted.start(4) + 1, dotted.group(4).rstrip()
    numbered = NUMBERED_ITEM.match(text)
    if numbered:
        return int(numbered.group(2)), numbered.start(3) + 1, numbered.group(3).rstrip()
    bullet = BULLET_ITEM.match(text)
    if bullet and not bullet.group(1):
        return 0, bullet.start(2) + 1, bullet.group(2).rstrip()
    return None


def _build_requirement(req: _OpenRequirement, problems: list[Problem], kind: str) -> Requirement:
    items = req.items or []
    written = [w for w, _, _ in items]
    lazy = len(written) > 1 and all(w == written[0] for w in written) and written[0] in (0, 1)
    criteria = []
    for position, (number, line, segments) in enumerate(items, start=1):
        effective = position if lazy or number == 0 else number
        text = " ".join(s.text for s in segments)
        criteria.append(Criterion(f"{req.number}.{effective}", req.number, effective, number,
                                  text, line, tuple(segments)))
    if not items:
        what = "acceptance criteria" if kind == "requirements" else "numbered items"
        problems.append(Problem("S005", req.line, f"requirement {req.number} has no {what}",
                                "add a numbered list under '#### Acceptance Criteria'"))
    return Requirement(req.number, req.title, req.line, req.user_story, tuple(criteria))


def _close_sections(sections: list[Section], last_line: int) -> None:
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
