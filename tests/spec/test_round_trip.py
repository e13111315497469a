"""Round trips: parse then write gives the same bytes; render then parse gives the same structure.

"Write" for an unchanged parsed document is `doc.source.to_bytes()` (its text re-encoded with
its own encoding). Three sources of input: the repository's own spec files (globbed at test
time, skipped when there are none), hand-written tricky bytes, and Hypothesis.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from draft_strategies import (
    glossaries,
    markdownish_text,
    numbered_tasks,
    phrase,
    property_drafts,
    requirement_drafts,
    section_bodies,
    task_lists,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from specloom.spec.design import EXPECTED_SECTIONS, DesignDoc, parse_design
from specloom.spec.render import (
    PropertyDraft,
    RequirementDraft,
    TaskDraft,
    render_bugfix,
    render_design,
    render_requirements,
    render_tasks,
)
from specloom.spec.requirements import RequirementsDoc, parse_requirements
from specloom.spec.source import SourceText, decode
from specloom.spec.tasks import TasksDoc, TaskStatus, parse_tasks

REPO_ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", ".pytest_cache", ".hypothesis", ".git"}
Document = RequirementsDoc | DesignDoc | TasksDoc
PARSERS: dict[str, Callable[[SourceText], Document]] = {
    "requirements": lambda source: parse_requirements(source, "requirements"),
    "bugfix": lambda source: parse_requirements(source, "bugfix"),
    "design": parse_design,
    "tasks": parse_tasks,
}


def repository_markdown_files() -> list[Path]:
    found: set[Path] = set()
    for pattern in ("examples/**/*.md", ".kiro/specs/**/*.md"):
        found.update(p for p in REPO_ROOT.glob(pattern)
                     if p.is_file() and not SKIPPED_DIRS & set(p.parts))
    return sorted(found)


def parsers_for(file_name: str) -> list[str]:
    """The parser named by the file, or every parser for other markdown (steering, README)."""
    stem = file_name.removesuffix(".md")
    return [stem] if stem in PARSERS else list(PARSERS)


def written_bytes(doc: Document) -> bytes:
    return doc.source.text.encode(doc.source.encoding)


def parse_bytes(data: bytes, parser: str, path: str = "spec.md") -> Document:
    read = decode(path, data)
    assert read.problem is None, read.problem
    assert read.source is not None
    return PARSERS[parser](read.source)


REPOSITORY_FILES = repository_markdown_files()


@pytest.mark.req("spec-check", "2.4", "2.5")
@pytest.mark.parametrize(
    "file",
    REPOSITORY_FILES or [pytest.param(None, marks=pytest.mark.skip(reason="no spec files yet"))],
    ids=lambda p: p.relative_to(REPO_ROOT).as_posix() if isinstance(p, Path) else "none",
)
def test_repository_files_round_trip_byte_for_byte(file: Path) -> None:
    data = file.read_bytes()
    for parser in parsers_for(file.name):
        doc = parse_bytes(data, parser, file.name)

        assert written_bytes(doc) == data
        assert parse_bytes(written_bytes(doc), parser, file.name) == doc


@pytest.mark.parametrize(
    "file",
    [f for f in REPOSITORY_FILES if f.name in ("requirements.md", "bugfix.md", "design.md",
                                               "tasks.md")]
    or [pytest.param(None, marks=pytest.mark.skip(reason="no spec documents yet"))],
    ids=lambda p: p.relative_to(REPO_ROOT).as_posix() if isinstance(p, Path) else "none",
)
def test_repository_spec_documents_parse_without_problems(file: Path) -> None:
    doc = parse_bytes(file.read_bytes(), parsers_for(file.name)[0], file.name)

    assert doc.problems == ()


REQUIREMENTS_TEXT = """\
# Requirements Document

## Introduction
Café loyalty cards — 会员卡 — for regulars. 🎉

## Glossary
- **Card_Service**: the component that stores stamps.

## Requirements

### Requirement 1: Stamp a card
**User Story:** As a regular, I want a stamp per coffee, so that the tenth is free.

#### Acceptance Criteria
1. WHEN a regular buys a coffee, THE Card_Service SHALL add one stamp.
2. IF the card already has 10 stamps, THEN THE Card_Service SHALL
   offer a free coffee.
"""

DESIGN_TEXT = """\
# Design Document

## Overview
Stamps, in a dict.

## Correctness Properties

### Property 1: Stamps never exceed ten
*For any* sequence of purchases, a card holds at most 10 stamps.
**Validates: Requirements 1.1, 1.2**
"""

TASKS_TEXT = """\
# Implementation Plan

- [x] 1. Create the card store
  - _Requirements: 1.1_

- [ ] 2. Free coffee
  - [-] 2.1 Offer the reward (P)
    - _Requirements: 1.2_
  - [ ]* 2.2 Property test for the stamp limit
    - **Property 1: Stamps never exceed ten**
"""

BUGFIX_TEXT = """\
# Bugfix Requirements Document

### Current Behavior (Defect)
1.1 WHEN a card has 10 stamps THEN the system adds an eleventh

### Expected Behavior (Correct)
2.1 WHEN a card has 10 stamps THEN the system SHALL offer a free coffee

### Unchanged Behavior (Regression Prevention)
3.1 WHEN a card has fewer stamps THEN the system SHALL CONTINUE TO add one stamp
"""

BASE_TEXTS = {
    "requirements": REQUIREMENTS_TEXT,
    "bugfix": BUGFIX_TEXT,
    "design": DESIGN_TEXT,
    "tasks": TASKS_TEXT,
}

BOM = b"\xef\xbb\xbf"
TRICKY_VARIANTS: dict[str, Callable[[str], bytes]] = {
    "lf": lambda text: text.encode(),
    "crlf": lambda text: text.replace("\n", "\r\n").encode(),
    "bom": lambda text: BOM + text.encode(),
    "bom-crlf-no-final-newline":
        lambda text: BOM + text.rstrip("\n").replace("\n", "\r\n").encode(),
    "no-final-newline": lambda text: text.rstrip("\n").encode(),
    "trailing-whitespace": lambda text: text.replace("\n", " \t \n").encode(),
    "tabs": lambda text: text.replace("  ", "\t").encode(),
    "lone-cr": lambda text: text.replace("\n", "\r").encode(),
    "mixed-endings": lambda text: "".join(
        line + ("\r\n" if index % 2 else "\n")
        for index, line in enumerate(text.splitlines())).encode(),
    "blank-lines-doubled": lambda text: text.replace("\n\n", "\n\n\n").encode(),
    "unicode-separators": lambda text: text.replace("coffee", "co\u2028ffee\x0c").encode(),
    "combining-and-rtl": lambda text: text.replace("stamp", "stámp שלום").encode(),
}


@pytest.mark.req("spec-check", "2.4", "2.5")
@pytest.mark.parametrize("variant", list(TRICKY_VARIANTS))
@pytest.mark.parametrize("kind", list(BASE_TEXTS))
def test_tricky_inputs_round_trip_byte_for_byte(kind: str, variant: str) -> None:
    data = TRICKY_VARIANTS[variant](BASE_TEXTS[kind])
    doc = parse_bytes(data, kind)

    assert written_bytes(doc) == data
    assert doc.source.to_bytes() == data
    assert "".join(doc.source.lines) == doc.source.text


@pytest.mark.req("spec-check", "2.6")
@pytest.mark.parametrize("variant", ["crlf", "bom", "bom-crlf-no-final-newline",
                                     "no-final-newline", "trailing-whitespace", "lone-cr",
                                     "mixed-endings"])
@pytest.mark.parametrize("kind", list(BASE_TEXTS))
def test_line_endings_and_bom_do_not_change_the_structure(kind: str, variant: str) -> None:
    plain = parse_bytes(BASE_TEXTS[kind].encode(), kind)
    varied = parse_bytes(TRICKY_VARIANTS[variant](BASE_TEXTS[kind]), kind)

    assert structure(varied) == structure(plain)


@pytest.mark.req("spec-check", "2.4")
def test_bom_is_kept_on_write_but_not_seen_by_the_parser() -> None:
    doc = parse_bytes(BOM + REQUIREMENTS_TEXT.encode(), "requirements")

    assert isinstance(doc, RequirementsDoc)
    assert doc.title == "Requirements Document"
    assert doc.source.encoding == "utf-8-sig"
    assert written_bytes(doc).startswith(BOM)


@pytest.mark.req("spec-check", "2.1")
def test_line_numbers_count_only_real_line_breaks() -> None:
    data = TRICKY_VARIANTS["unicode-separators"](REQUIREMENTS_TEXT)
    doc = parse_bytes(data, "requirements")
    plain = parse_bytes(REQUIREMENTS_TEXT.encode(), "requirements")

    assert isinstance(doc, RequirementsDoc) and isinstance(plain, RequirementsDoc)
    assert len(doc.source.lines) == REQUIREMENTS_TEXT.count("\n")
    assert [c.line for c in doc.criteria()] == [c.line for c in plain.criteria()]


def structure(doc: Document) -> object:
    """What a document says, without its source text: ids, titles, texts, lines, citations."""
    if isinstance(doc, RequirementsDoc):
        return (doc.title, [(g.term, g.definition) for g in doc.glossary],
                [(r.number, r.title, r.user_story, r.line,
                  [(c.id, c.text.rstrip(), c.line) for c in r.criteria])
                 for r in doc.requirements])
    if isinstance(doc, DesignDoc):
        return (doc.title, [(s.title, s.level, s.line) for s in doc.sections],
                [(p.number, p.title, p.statement, [r.id for r in p.validates])
                 for p in doc.properties])
    return (doc.title, [(t.id, t.title, t.status, t.optional, t.parallel, t.line,
                         [r.id for r in t.cited_criteria], [r.id for r in t.properties])
                        for t in doc.tasks])


# Hypothesis: random input never breaks a parser, and text always survives.

# Feature: spec-check, Property 2: Parsers are total
@pytest.mark.req("spec-check", "2.4")
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_decode_never_raises_and_keeps_every_byte(data: bytes) -> None:
    read = decode("random.md", data)

    if read.source is None:
        assert read.problem is not None and read.problem.line >= 0
    else:
        assert read.source.to_bytes() == data


# Feature: spec-check, Property 1: Parse then write returns the same bytes
# Feature: spec-check, Property 2: Parsers are total
@settings(max_examples=200, deadline=None)
@given(markdownish_text() | st.text(max_size=300))
def test_parsers_never_raise_and_source_round_trips(text: str) -> None:
    source = SourceText.from_text("random.md", text)

    assert "".join(source.lines) == text
    if "\x00" not in text:
        read = decode("random.md", source.to_bytes())
        assert read.source is not None
        assert read.source.to_bytes() == source.to_bytes()
    line_count = max(1, len(source.lines))
    for parse in PARSERS.values():
        doc = parse(source)
        assert doc.source is source
        assert all(0 <= p.line <= line_count for p in doc.problems)
        if isinstance(doc, RequirementsDoc):
            for criterion in doc.criteria():
                assert 1 <= criterion.line <= line_count
                for offset in (0, len(criterion.text) // 2, len(criterion.text)):
                    assert 1 <= criterion.locate(offset)[0] <= line_count
        if isinstance(doc, TasksDoc):
            for task in doc.tasks:
                assert source.line(task.line)[task.mark_offset - 1] == "["


# Hypothesis: render drafts, parse them back, get the same structure.

@settings(max_examples=150, deadline=None)
@given(phrase, glossaries, st.lists(requirement_drafts, max_size=6))
def test_rendered_requirements_parse_back(introduction: str, glossary: list[tuple[str, str]],
                                          drafts: list[RequirementDraft]) -> None:
    doc = parse_requirements(SourceText.from_text(
        "requirements.md", render_requirements("", introduction, glossary, drafts)))

    assert doc.title == "Requirements Document"
    assert [(g.term, g.definition) for g in doc.glossary] == glossary
    assert [(r.number, r.title, r.user_story) for r in doc.requirements] == [
        (str(n), d.title, d.user_story or None) for n, d in enumerate(drafts, start=1)]
    assert [[(c.id, c.text) for c in r.criteria] for r in doc.requirements] == [
        [(f"{n}.{m}", text) for m, text in enumerate(d.criteria, start=1)]
        for n, d in enumerate(drafts, start=1)]
    assert {p.code for p in doc.problems} <= ({"S005"} if drafts else {"S004"})


@settings(max_examples=100, deadline=None)
@given(phrase, st.lists(phrase, max_size=4), st.lists(phrase, max_size=4),
       st.lists(phrase, max_size=4))
def test_rendered_bugfix_parses_back(introduction: str, current: list[str],
                                     expected: list[str], unchanged: list[str]) -> None:
    text = render_bugfix("", introduction, current, expected, unchanged)
    doc = parse_requirements(SourceText.from_text("bugfix.md", text), "bugfix")

    assert [r.number for r in doc.requirements] == ["1", "2", "3"]
    assert [[(c.id, c.text) for c in r.criteria] for r in doc.requirements] == [
        [(f"{n}.{m}", item) for m, item in enumerate(items, start=1)]
        for n, items in enumerate((current, expected, unchanged), start=1)]


@settings(max_examples=150, deadline=None)
@given(phrase, section_bodies, st.lists(property_drafts, max_size=5))
def test_rendered_design_parses_back(overview: str, sections: dict[str, str],
                                     drafts: list[PropertyDraft]) -> None:
    doc = parse_design(SourceText.from_text("design.md",
                                            render_design(overview, sections, drafts)))

    assert doc.problems == ()
    assert [s.title for s in doc.sections if s.level == 2] == list(EXPECTED_SECTIONS)
    assert [(p.number, p.title, p.statement, [r.id for r in p.validates])
            for p in doc.properties] == [
        (n, d.title, d.statement, list(d.validates)) for n, d in enumerate(drafts, start=1)]
    for name, body in sections.items():
        section = doc.section(name)
        assert section is not None
        assert doc.source.lines[section.line].rstrip("\n") == body.splitlines()[0]


@settings(max_examples=150, deadline=None)
@given(task_lists)
def test_rendered_tasks_parse_back(drafts: list[TaskDraft]) -> None:
    doc = parse_tasks(SourceText.from_text("tasks.md", render_tasks(drafts)))
    expected = numbered_tasks(drafts)

    assert doc.problems == ()
    assert [(t.id, t.parent, t.title, t.status, t.optional, t.parallel) for t in doc.tasks] == [
        (task_id, parent, d.title, d.status, d.optional, d.parallel)
        for task_id, parent, d in expected]
    for task, (_, _, draft) in zip(doc.tasks, expected, strict=True):
        assert [r.id for r in task.requirements] == list(draft.requirements)
        assert [r.id for r in task.depends] == list(draft.depends)
        assert task.details[:len(draft.details)] == tuple(f"- {d}" for d in draft.details)


# Golden layout of the writers (FORMATS.md).

def test_rendered_requirements_match_the_kiro_layout() -> None:
    text = render_requirements(
        "", "Short summary of the feature.",
        [("Cart_Service", "the component that stores a shopper's cart.")],
        [RequirementDraft("Add an item", "As a shopper, I want to add an item.", [
            "WHEN a shopper adds an in-stock item, THE Cart_Service SHALL store it.",
            "IF the item is out of stock, THEN THE Cart_Service SHALL reject the request.",
        ]), RequirementDraft("", "", ["THE Cart_Service SHALL log every change."])],
    )

    assert text == (
        "# Requirements Document\n\n"
        "## Introduction\nShort summary of the feature.\n\n"
        "## Glossary\n- **Cart_Service**: the component that stores a shopper's cart.\n\n"
        "## Requirements\n\n"
        "### Requirement 1: Add an item\n"
        "**User Story:** As a shopper, I want to add an item.\n\n"
        "#### Acceptance Criteria\n"
        "1. WHEN a shopper adds an in-stock item, THE Cart_Service SHALL store it.\n"
        "2. IF the item is out of stock, THEN THE Cart_Service SHALL reject the request.\n\n"
        "### Requirement 2\n\n"
        "#### Acceptance Criteria\n"
        "1. THE Cart_Service SHALL log every change.\n"
    )


def test_rendered_design_has_the_seven_sections_in_order() -> None:
    text = render_design("An in-memory cart.", {"Testing Strategy": "Hypothesis.",
                                                "Bug Condition": "qty < 0"},
                         [PropertyDraft("Quantity never negative", "*For any* ops, qty >= 0.",
                                        ["1.1", "2.3"])])

    assert text == (
        "# Design Document\n\n"
        "## Overview\nAn in-memory cart.\n\n"
        "## Architecture\n\n"
        "## Components and Interfaces\n\n"
        "## Data Models\n\n"
        "## Correctness Properties\n\n"
        "### Property 1: Quantity never negative\n"
        "*For any* ops, qty >= 0.\n"
        "**Validates: Requirements 1.1, 2.3**\n\n"
        "## Error Handling\n\n"
        "## Testing Strategy\nHypothesis.\n\n"
        "## Bug Condition\nqty < 0\n"
    )


def test_rendered_bugfix_layout() -> None:
    text = render_bugfix("", "Fees round down.", ["WHEN x THEN the system rounds down"],
                         ["WHEN x THEN the system SHALL round half up"],
                         ["WHEN y THEN the system SHALL CONTINUE TO charge y"])

    assert text == (
        "# Bugfix Requirements Document\n\n"
        "## Introduction\nFees round down.\n\n"
        "## Bug Analysis\n\n"
        "### Current Behavior (Defect)\n1.1 WHEN x THEN the system rounds down\n\n"
        "### Expected Behavior (Correct)\n2.1 WHEN x THEN the system SHALL round half up\n\n"
        "### Unchanged Behavior (Regression Prevention)\n"
        "3.1 WHEN y THEN the system SHALL CONTINUE TO charge y\n"
    )


def test_rendered_tasks_match_the_kiro_layout() -> None:
    text = render_tasks([
        TaskDraft("Create the cart storage module", TaskStatus.DONE, requirements=["1.1"],
                  details=["Add `cart/store.py`"]),
        TaskDraft("Implement add and remove", subtasks=[
            TaskDraft("Implement add with stock check", TaskStatus.IN_PROGRESS,
                      requirements=["1.1", "1.2"], parallel=True, depends=["1"]),
            TaskDraft("Write property test", optional=True,
                      details=["**Property 2: Quantity never negative**"]),
        ]),
        TaskDraft("Checkpoint - make sure all tests pass"),
    ])

    assert text == (
        "# Implementation Plan\n\n"
        "- [x] 1. Create the cart storage module\n"
        "  - Add `cart/store.py`\n"
        "  - _Requirements: 1.1_\n\n"
        "- [ ] 2. Implement add and remove\n"
        "  - [-] 2.1 Implement add with stock check (P)\n"
        "    - _Depends: 1_\n"
        "    - _Requirements: 1.1, 1.2_\n"
        "  - [ ]* 2.2 Write property test\n"
        "    - **Property 2: Quantity never negative**\n\n"
        "- [ ] 3. Checkpoint - make sure all tests pass\n"
    )


@pytest.mark.parametrize(
    "render",
    [
        lambda: render_tasks([TaskDraft("Tests", optional=True)]),
        lambda: render_tasks([TaskDraft("A", subtasks=[TaskDraft("B", subtasks=[TaskDraft("")])])]),
        lambda: render_tasks([TaskDraft("two\nlines")]),
        lambda: render_requirements("", "", [], [RequirementDraft("T", "", ["   "])]),
        lambda: render_requirements("", "", [], [RequirementDraft("T", "", ["a\r\nb"])]),
        lambda: render_bugfix("", "", [""], [], []),
        lambda: render_design("", {"Overview": "twice"}, []),
    ],
)
def test_drafts_that_would_not_parse_back_are_refused(render: Callable[[], str]) -> None:
    with pytest.raises(ValueError):
        render()
