"""Parser for requirements.md (feature specs) and bugfix.md (bugfix specs).

Both become a `RequirementsDoc`: numbered requirements holding numbered acceptance
criteria, cited everywhere as `N.M`. In a bugfix spec the three sections (current,
expected, unchanged behaviour) are requirements 1, 2 and 3 and their items `1.1`, `2.1`...
are the criteria. The parser never raises; what it cannot read becomes a `Problem`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specloom.spec.markdown import (
    BOLD,
    BULLET_ITEM,
    NUMBERED_ITEM,
    front_matter_end,
    iter_lines,
    normal_id,
)
from specloom.spec.requirements_model import (
    Criterion,
    DefinedId,
    GlossaryTerm,
    Requirement,
    RequirementsDoc,
    TextSegment,
)
from specloom.spec.sections import Section, close_sections
from specloom.spec.source import Problem, SourceText

# The document model lives in `requirements_model`; callers import it from here.
__all__ = [
    "ACCEPTANCE",
    "BUGFIX_SECTIONS",
    "DOTTED_ITEM",
    "GLOSSARY",
    "ID_DEFINITION",
    "ID_HEADING",
    "ID_IN_TEXT",
    "ID_PATTERN",
    "REQUIREMENT_HEADING",
    "USER_STORY",
    "Criterion",
    "DefinedId",
    "GlossaryTerm",
    "Requirement",
    "RequirementsDoc",
    "Section",
    "TextSegment",
    "parse_requirements",
]

# `### Requirement 1: Title`, and Kiro's Japanese and Chinese forms `### 要件 1`, `### 需求 1`.
REQUIREMENT_HEADING = re.compile(
    r"^[ \t]*(?:\*\*)?(?:Requirement|要件|需求)[ \t]*(\d{1,9})(?:\.(?!\d))?(?:\*\*)?[ \t]*"
    r"[:：.\-–—]?[ \t]*(.*)$",
    re.IGNORECASE,
)
# `### FR-2: Title`: a requirement named by an ID instead of a number.
ID_PATTERN = r"[A-Z][A-Z0-9]{0,15}(?:-[A-Z][A-Z0-9]{0,15}){0,3}-\d{1,6}"
ID_HEADING = re.compile(
    rf"^[ \t]*(?:\*\*)?({ID_PATTERN})(?:\*\*)?(?:[ \t]*[:：.\-–—][ \t]*|[ \t]+|$)(.*)$"
)
ID_IN_TEXT = re.compile(rf"(?<![A-Za-z0-9\-])(?>{ID_PATTERN})(?![A-Za-z0-9])")
# `1. **FR-1**: Title`, `- **NFR-2** Title`, `FR-001: ...`: a line that defines an ID.
ID_DEFINITION = re.compile(
    rf"^[ \t]*(?:(?:\d{{1,9}}[.)]|[-*+])[ \t]+)?(?:\*\*|__)?({ID_PATTERN})(?:\*\*|__)?[ \t]*[:：]"
)
BUGFIX_SECTIONS = (
    ("1", re.compile(r"current\s+behaviou?r", re.IGNORECASE)),
    ("2", re.compile(r"expected\s+behaviou?r", re.IGNORECASE)),
    ("3", re.compile(r"unchanged\s+behaviou?r", re.IGNORECASE)),
)
DOTTED_ITEM = re.compile(
    r"^([ \t]*)(?:[-*+][ \t]+)?(?:\*\*)?(\d{1,9})\.(\d{1,9})\.?(?:\*\*)?[ \t]+(.*)$"
)
USER_STORY = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?[*_]{0,3}"
    r"(?:User[ \t]+Story|Objective|用户故事|用戶故事|ユーザーストーリー)"
    r"[*_]{0,3}[ \t]*[:：]?[*_]{0,3}[ \t]*(.*)$",
    re.IGNORECASE,
)
ACCEPTANCE = re.compile(
    r"acceptance\s+criteria|受け?入れ?基準|受入基準|验收标准|驗收標準|验收准则|驗收準則",
    re.IGNORECASE,
)
GLOSSARY = re.compile(r"^[ \t]*(?:glossary|用語集|用語|术语表|術語表|术语|術語|词汇表|詞彙表)",
                      re.IGNORECASE)


def _blank_comments(text: str) -> str:
    """Replace inline HTML comments (suppressions) by spaces, keeping character offsets."""
    if "<!--" not in text:
        return text
    parts: list[str] = []
    position = 0
    while True:
        start = text.find("<!--", position)
        end = text.find("-->", start + 4) if start >= 0 else -1
        if start < 0 or end < 0:
            parts.append(text[position:])
            break
        parts.append(text[position:start])
        parts.append(" " * (end + 3 - start))
        position = end + 3
    return "".join(parts).rstrip()



@dataclass(slots=True)
class _OpenRequirement:
    number: str
    title: str
    line: int
    user_story: str | None = None
    after_bullet: bool = False
    in_criteria: bool = False
    # (written number, line, segments, numbered); a bullet item has written number 0
    items: list[tuple[int, int, list[TextSegment], bool]] | None = None



def parse_requirements(source: SourceText, kind: str = "requirements") -> RequirementsDoc:
    """Parse requirements.md (kind="requirements") or bugfix.md (kind="bugfix")."""
    problems: list[Problem] = []
    start, fm_problem = front_matter_end(source.lines)
    if fm_problem:
        problems.append(fm_problem)
    if not source.text.strip():
        problems.append(Problem("S002", 1, "the document is empty",
                                "write the requirements, or delete the file"))
    reader = _Reader(kind)
    for line in iter_lines(source.lines, start):
        if line.in_fence:
            continue
        if line.heading is not None:
            reader.heading(line.heading, line.number)
        else:
            reader.text(line.text, line.number)
    reader.close()
    close_sections(reader.sections, len(source.lines))
    requirements = tuple(_build_requirement(r, problems, kind) for r in reader.finished)
    if not requirements and not reader.ids and source.text.strip():
        # A document that defines ID-style requirements (`1. **FR-1**: ...`) has requirements,
        # in another structure; citations of its IDs resolve.
        what = "no '### Requirement N' sections" if kind == "requirements" else (
            "none of the sections 'Current Behavior', 'Expected Behavior', 'Unchanged Behavior'")
        problems.append(Problem("S004", 1, f"found {what}",
                                "structure the document as described in the Kiro format"))
    return RequirementsDoc(source, kind, reader.title, tuple(reader.sections),
                           tuple(reader.glossary), requirements, tuple(problems),
                           tuple(reader.ids))


@dataclass(slots=True)
class _Reader:
    """What `parse_requirements` has read so far, line by line (code blocks left out)."""

    kind: str
    title: str | None = None
    sections: list[Section] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    finished: list[_OpenRequirement] = field(default_factory=list)
    current: _OpenRequirement | None = None
    in_glossary: bool = False
    ids: list[DefinedId] = field(default_factory=list)
    known_ids: set[str] = field(default_factory=set)

    def define(self, ident: str, target: str, number: int) -> None:
        key = normal_id(ident)
        if key not in self.known_ids:
            self.known_ids.add(key)
            self.ids.append(DefinedId(key, target, number))

    def close(self) -> None:
        if self.current is not None:
            self.finished.append(self.current)
        self.current = None

    def heading(self, head: tuple[int, str], number: int) -> None:
        level, heading_title = head
        self.sections.append(Section(heading_title, level, number, number))
        if level == 1 and self.title is None:
            self.title = heading_title
        self.in_glossary = level <= 3 and GLOSSARY.match(heading_title) is not None
        opened = self._open_requirement(level, heading_title, number)
        if opened is not None:
            self.close()
            self.current = opened
        elif self.current is not None and ACCEPTANCE.search(heading_title):
            self.current.in_criteria = True
        elif self.current is not None and level <= 3:
            self.close()

    def _open_requirement(self, level: int, heading_title: str,
                          number: int) -> _OpenRequirement | None:
        """The requirement a heading starts (`Requirement N`, an ID, a bugfix section)."""
        if self.kind == "bugfix":
            section = _bugfix_section(heading_title)
            if section is None:
                return None
            return _OpenRequirement(section, heading_title, number, items=[], in_criteria=True)
        if self.kind != "requirements":
            return None
        match = REQUIREMENT_HEADING.match(heading_title)
        if match:
            requirement = str(int(match.group(1)))
            title = _clean_title(match.group(2))
            for ident in ID_IN_TEXT.findall(title):
                self.define(ident, requirement, number)
            return _OpenRequirement(requirement, title, number, items=[])
        id_match = ID_HEADING.match(heading_title) if level >= 2 else None
        if id_match:
            ident = normal_id(id_match.group(1))
            self.define(ident, ident, number)
            return _OpenRequirement(ident, _clean_title(id_match.group(2)), number, items=[])
        return None

    def text(self, text: str, number: int) -> None:
        if self.in_glossary:
            term = _glossary_term(text, number)
            if term:
                self.glossary.append(term)
            return
        current = self.current
        if self.kind == "requirements" and (current is None or not current.in_criteria):
            definition = ID_DEFINITION.match(text)
            if definition:
                self.define(definition.group(1),
                            current.number if current is not None
                            else normal_id(definition.group(1)),
                            number)
        if current is not None:
            _consume_requirement_line(current, text, number, self.kind)

def _clean_title(title: str) -> str:
    return title.strip().strip("*").strip()


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
    item = _criterion_item(text, kind)
    if item is not None:
        written, column, body, numbered = item
        if numbered or not any(n for _, _, _, n in req.items):
            segment = TextSegment(number, column, _blank_comments(body))
            req.items.append((written, number, [segment], numbered))
            req.after_bullet = False
        else:
            req.after_bullet = True  # a bullet list after numbered criteria is no criterion
        return
    stripped = text.strip()
    if stripped and req.items and text[:1] in (" ", "\t") and not req.after_bullet:
        # an indented line continues the previous criterion (wrapped text)
        column = len(text) - len(text.lstrip()) + 1
        req.items[-1][2].append(TextSegment(number, column, _blank_comments(stripped)))


def _criterion_item(text: str, kind: str) -> tuple[int, int, str, bool] | None:
    """(written number, 1-based column of the text, text, numbered) for a criterion item.

    Numbers may be written `1.`, `1)`, `1.1` or `1.1.` (dotted: `N.M` gives criterion M of
    the requirement it stands under). A column-0 bullet is a criterion numbered 0 (bullets-only
    lists are numbered by position); indented items are continuation text.
    """
    first = text.lstrip(" \t")[:1]
    if not first or not (first.isdigit() or first in "-*+"):
        return None  # every item pattern opens with a digit, a bullet or bold
    numbered = NUMBERED_ITEM.match(text)
    dotted = DOTTED_ITEM.match(text)
    if dotted and (kind == "bugfix" or len(dotted.group(1).expandtabs(4)) < 4):
        return int(dotted.group(3)), dotted.start(4) + 1, dotted.group(4).rstrip(), True
    if numbered:
        return int(numbered.group(2)), numbered.start(3) + 1, numbered.group(3).rstrip(), True
    bullet = BULLET_ITEM.match(text)
    if bullet and not bullet.group(1):
        return 0, bullet.start(2) + 1, bullet.group(2).rstrip(), False
    return None


def _build_requirement(req: _OpenRequirement, problems: list[Problem], kind: str) -> Requirement:
    items = req.items or []
    if any(numbered for _, _, _, numbered in items):
        items = [item for item in items if item[3]]
    written = [w for w, _, _, _ in items]
    lazy = len(written) > 1 and all(w == written[0] for w in written) and written[0] in (0, 1)
    criteria = []
    for position, (number, line, segments, _) in enumerate(items, start=1):
        effective = position if lazy or number == 0 else number
        text = " ".join(s.text for s in segments)
        criteria.append(Criterion(f"{req.number}.{effective}", req.number, effective, number,
                                  text, line, tuple(segments)))
    if not items:
        what = "acceptance criteria" if kind == "requirements" else "numbered items"
        problems.append(Problem("S005", req.line, f"requirement {req.number} has no {what}",
                                "add a numbered list under '#### Acceptance Criteria'"))
    return Requirement(req.number, req.title, req.line, req.user_story, tuple(criteria))
