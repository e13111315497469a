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
from specloom.spec.source import Problem, SourceText

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
class DefinedId:
    """An ID-style name (`FR-2`, `REQ-3`) the document defines, normalised by `normal_id`.

    `target` is the requirement number it names (`### Requirement 2 (FR-2)` gives "2"), or
    the ID itself when it names a block that is no numbered requirement (`1. **FR-2**: ...`).
    """

    id: str
    target: str
    line: int


@dataclass(frozen=True, slots=True)
class RequirementsDoc:
    source: SourceText
    kind: str  # "requirements" or "bugfix"
    title: str | None
    sections: tuple[Section, ...]
    glossary: tuple[GlossaryTerm, ...]
    requirements: tuple[Requirement, ...]
    problems: tuple[Problem, ...]
    ids: tuple[DefinedId, ...] = ()
    # Built on first use, so that resolving every citation of a large plan stays linear.
    _index: dict[str, Criterion | Requirement | DefinedId] = field(
        default_factory=dict, compare=False, repr=False)

    def _lookup(self, key: str) -> Criterion | Requirement | DefinedId | None:
        index = self._index
        if not index:
            for defined in reversed(self.ids):  # the first definition wins
                index[f"id:{defined.id}"] = defined
            for requirement in reversed(self.requirements):
                index[f"req:{requirement.number}"] = requirement
                for criterion in reversed(requirement.criteria):
                    index[f"crit:{criterion.id}"] = criterion
            index[""] = self.ids[0] if self.ids else DefinedId("", "", 0)  # marks it built
        return index.get(key)

    def resolve(self, ref_id: str) -> str | None:
        """The criterion or requirement a citation id names, or None when it names nothing.

        Numbers resolve to themselves when they exist. An ID-style id (`FR-2`, `US-1.2`)
        resolves through the IDs this document defines: to the requirement (or its criterion)
        that carries the ID, or to the ID itself when it names an unnumbered block.
        """
        if self._lookup(f"crit:{ref_id}") is not None or \
                self._lookup(f"req:{ref_id}") is not None:
            return ref_id
        base, dot, criterion = ref_id.partition(".")
        defined = self._lookup(f"id:{base}")
        if not isinstance(defined, DefinedId):
            return None
        if not dot:
            return defined.target
        if defined.target == defined.id:
            return ref_id
        wanted = f"{defined.target}.{criterion}"
        return wanted if self.criterion(wanted) is not None else None

    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for r in self.requirements for c in r.criteria)

    def criterion(self, criterion_id: str) -> Criterion | None:
        found = self._lookup(f"crit:{criterion_id}")
        return found if isinstance(found, Criterion) else None


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
    title: str | None = None
    sections: list[Section] = []
    glossary: list[GlossaryTerm] = []
    finished: list[_OpenRequirement] = []
    current: _OpenRequirement | None = None
    in_glossary = False
    ids: list[DefinedId] = []
    known_ids: set[str] = set()

    def define(ident: str, target: str, number: int) -> None:
        key = normal_id(ident)
        if key not in known_ids:
            known_ids.add(key)
            ids.append(DefinedId(key, target, number))

    def close() -> None:
        nonlocal current
        if current is not None:
            finished.append(current)
        current = None

    for line in iter_lines(source.lines, start):
        if line.in_fence:
            continue
        text = line.text
        head = line.heading
        if head is not None:
            level, heading_title = head
            sections.append(Section(heading_title, level, line.number, line.number))
            if level == 1 and title is None:
                title = heading_title
            in_glossary = level <= 3 and GLOSSARY.match(heading_title) is not None
            match = REQUIREMENT_HEADING.match(heading_title) if kind == "requirements" else None
            id_match = ID_HEADING.match(heading_title) \
                if kind == "requirements" and level >= 2 and not match else None
            bugfix_number = _bugfix_section(heading_title) if kind == "bugfix" else None
            if match:
                close()
                number = str(int(match.group(1)))
                req_title = _clean_title(match.group(2))
                current = _OpenRequirement(number, req_title, line.number, items=[])
                for ident in ID_IN_TEXT.findall(req_title):
                    define(ident, number, line.number)
            elif id_match:
                close()
                ident = normal_id(id_match.group(1))
                current = _OpenRequirement(ident, _clean_title(id_match.group(2)), line.number,
                                           items=[])
                define(ident, ident, line.number)
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
        if kind == "requirements" and (current is None or not current.in_criteria):
            definition = ID_DEFINITION.match(text)
            if definition:
                define(definition.group(1),
                       current.number if current is not None else normal_id(definition.group(1)),
                       line.number)
        if current is None:
            continue
        _consume_requirement_line(current, text, line.number, kind)

    close()
    _close_sections(sections, len(source.lines))
    requirements = tuple(_build_requirement(r, problems, kind) for r in finished)
    if not requirements and not ids and source.text.strip():
        # A document that defines ID-style requirements (`1. **FR-1**: ...`) has requirements,
        # in another structure; citations of its IDs resolve.
        what = "no '### Requirement N' sections" if kind == "requirements" else (
            "none of the sections 'Current Behavior', 'Expected Behavior', 'Unchanged Behavior'")
        problems.append(Problem("S004", 1, f"found {what}",
                                "structure the document as described in the Kiro format"))
    return RequirementsDoc(source, kind, title, tuple(sections), tuple(glossary), requirements,
                           tuple(problems), tuple(ids))


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
