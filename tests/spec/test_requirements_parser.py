"""Literal-string tests for the requirements.md and bugfix.md parser (compiler style)."""

from __future__ import annotations

import pytest

from specloom.spec.requirements import RequirementsDoc, parse_requirements
from specloom.spec.source import SourceText

STRICT_EARS = """\
# Requirements Document

## Introduction
Shoppers keep items in a cart until checkout.

## Glossary
- **Cart_Service**: the component that stores a shopper's cart.
- **Stock_Service** - the component that knows what is in stock.

## Requirements

### Requirement 1: Add an item
**User Story:** As a shopper, I want to add an item to my cart, so that I can buy it later.

#### Acceptance Criteria
1. WHEN a shopper adds an in-stock item, THE Cart_Service SHALL store the item with quantity 1.
2. IF the item is out of stock, THEN THE Cart_Service SHALL reject the request.
3. WHILE the cart is locked, THE Cart_Service SHALL refuse changes.

### Requirement 2: Remove an item
**User Story:** As a shopper, I want to remove an item, so that I only buy what I need.

#### Acceptance Criteria
1. WHERE saved carts are enabled, THE Cart_Service SHALL keep removed items for 30 days.
2. THE Cart_Service SHALL report the cart total after every change.
"""

OLDER_DIALECT = """\
# Requirements Document

## Introduction

Export reports as CSV.

## Requirements

### Requirement 1

**User Story:** As an analyst, I want to export a report, so that I can open it elsewhere.

#### Acceptance Criteria

1. WHEN the user clicks export THEN the system SHALL download a CSV file
2. WHEN the report is empty AND the user clicks export THEN the system SHALL show a notice
3. IF the export fails THEN the system SHALL keep the report unchanged
"""


def parse(text: str, kind: str = "requirements") -> RequirementsDoc:
    return parse_requirements(SourceText.from_text("requirements.md", text), kind)


@pytest.mark.req("spec-check", "2.1")
def test_strict_ears_document_structure() -> None:
    doc = parse(STRICT_EARS)

    assert doc.kind == "requirements"
    assert doc.title == "Requirements Document"
    assert doc.problems == ()
    assert [(r.number, r.title, r.line) for r in doc.requirements] == [
        ("1", "Add an item", 12),
        ("2", "Remove an item", 20),
    ]
    assert [c.id for c in doc.criteria()] == ["1.1", "1.2", "1.3", "2.1", "2.2"]


@pytest.mark.req("spec-check", "2.1")
def test_strict_ears_criteria_texts_and_lines() -> None:
    doc = parse(STRICT_EARS)
    first, second, third = doc.requirements[0].criteria

    assert first.text == ("WHEN a shopper adds an in-stock item, THE Cart_Service SHALL store "
                          "the item with quantity 1.")
    assert (first.line, first.requirement, first.number) == (16, "1", 1)
    assert second.text == ("IF the item is out of stock, THEN THE Cart_Service SHALL reject "
                           "the request.")
    assert third.line == 18


def test_user_stories_are_read_without_their_label() -> None:
    doc = parse(STRICT_EARS)

    assert doc.requirements[0].user_story == (
        "As a shopper, I want to add an item to my cart, so that I can buy it later.")
    assert doc.requirements[1].user_story is not None
    assert doc.requirements[1].user_story.startswith("As a shopper, I want to remove")


@pytest.mark.req("spec-check", "2.1")
def test_glossary_terms_with_colon_or_dash() -> None:
    doc = parse(STRICT_EARS)

    assert [(g.term, g.definition, g.line) for g in doc.glossary] == [
        ("Cart_Service", "the component that stores a shopper's cart.", 7),
        ("Stock_Service", "the component that knows what is in stock.", 8),
    ]


def test_glossary_without_bullets_and_with_colon_inside_bold() -> None:
    doc = parse("## Glossary\n**Ledger:** the book of loans.\nplain prose is no term\n")

    assert [(g.term, g.definition) for g in doc.glossary] == [("Ledger", "the book of loans.")]


def test_document_without_glossary() -> None:
    assert parse(OLDER_DIALECT).glossary == ()


@pytest.mark.req("spec-check", "2.1")
def test_older_dialect_with_blank_lines_and_untitled_requirement() -> None:
    doc = parse(OLDER_DIALECT)

    assert doc.problems == ()
    (requirement,) = doc.requirements
    assert (requirement.number, requirement.title, requirement.line) == ("1", "", 9)
    assert requirement.user_story == (
        "As an analyst, I want to export a report, so that I can open it elsewhere.")
    assert [c.text for c in requirement.criteria] == [
        "WHEN the user clicks export THEN the system SHALL download a CSV file",
        "WHEN the report is empty AND the user clicks export THEN the system SHALL show a notice",
        "IF the export fails THEN the system SHALL keep the report unchanged",
    ]
    assert [c.line for c in requirement.criteria] == [15, 16, 17]


def test_requirement_heading_spellings() -> None:
    text = (
        "### Requirement 1. Dotted\n#### Acceptance Criteria\n1. THE A SHALL b.\n"
        "### Requirement 2 - Dashed\n#### Acceptance Criteria\n1. THE A SHALL c.\n"
        "## Requirement 3 — Em dash at level two\n#### Acceptance Criteria\n1. THE A SHALL d.\n"
        "### requirement 4: lower case\n#### Acceptance Criteria\n1. THE A SHALL e.\n"
    )
    doc = parse(text)

    assert [(r.number, r.title) for r in doc.requirements] == [
        ("1", "Dotted"), ("2", "Dashed"), ("3", "Em dash at level two"), ("4", "lower case")]


def test_bold_acceptance_criteria_label_instead_of_heading() -> None:
    doc = parse("### Requirement 1: Bold label\n**Acceptance Criteria:**\n1. THE A SHALL b.\n")

    assert [c.text for c in doc.criteria()] == ["THE A SHALL b."]


@pytest.mark.req("spec-check", "2.1")
def test_wrapped_criterion_joins_its_lines() -> None:
    text = (
        "### Requirement 1: Wrapped\n"
        "#### Acceptance Criteria\n"
        "1. WHEN a shopper adds an item,\n"
        "   THE Cart_Service SHALL store it\n"
        "\tand confirm.\n"
        "2. THE Cart_Service SHALL log.\n"
    )
    doc = parse(text)
    first, second = doc.criteria()

    assert first.text == "WHEN a shopper adds an item, THE Cart_Service SHALL store it and confirm."
    assert [(s.line, s.column) for s in first.segments] == [(3, 4), (4, 4), (5, 2)]
    assert (second.id, second.line) == ("1.2", 6)


@pytest.mark.req("spec-check", "2.1")
def test_locate_maps_text_offsets_to_file_positions() -> None:
    text = (
        "### Requirement 1: Wrapped\n"
        "#### Acceptance Criteria\n"
        "1. WHEN a shopper adds an item,\n"
        "   THE Cart_Service SHALL store it\n"
    )
    (criterion,) = parse(text).criteria()
    shall = criterion.text.index("SHALL")

    assert criterion.locate(0) == (3, 4)
    assert criterion.locate(criterion.text.index("adds")) == (3, 4 + len("WHEN a shopper "))
    assert criterion.locate(shall) == (4, 4 + len("THE Cart_Service "))
    end_of_text = (4, 4 + len("THE Cart_Service SHALL store it"))
    assert criterion.locate(len(criterion.text) + 50) == end_of_text


@pytest.mark.req("spec-check", "2.1")
def test_locate_on_a_single_line_criterion_points_at_the_source_column() -> None:
    source = "### Requirement 1\n#### Acceptance Criteria\n12. THE Cart_Service SHALL log it.\n"
    (criterion,) = parse(source).criteria()
    line, column = criterion.locate(criterion.text.index("SHALL"))

    assert source.splitlines()[line - 1][column - 1:].startswith("SHALL log it.")


def test_repeated_lazy_numbering_counts_by_position() -> None:
    text = ("### Requirement 1\n#### Acceptance Criteria\n"
            "1. THE A SHALL b.\n1. THE A SHALL c.\n1. THE A SHALL d.\n")
    criteria = parse(text).criteria()

    assert [(c.id, c.written_number) for c in criteria] == [("1.1", 1), ("1.2", 1), ("1.3", 1)]


def test_bulleted_criteria_count_by_position() -> None:
    text = "### Requirement 2\n#### Acceptance Criteria\n- THE A SHALL b.\n- THE A SHALL c.\n"

    assert [c.id for c in parse(text).criteria()] == ["2.1", "2.2"]


def test_written_numbers_are_kept_when_they_skip() -> None:
    text = "### Requirement 1\n#### Acceptance Criteria\n1. THE A SHALL b.\n3. THE A SHALL c.\n"

    assert [c.id for c in parse(text).criteria()] == ["1.1", "1.3"]


def test_criterion_lookup_by_id() -> None:
    doc = parse(STRICT_EARS)
    found = doc.criterion("2.2")

    assert found is not None
    assert found.text == "THE Cart_Service SHALL report the cart total after every change."
    assert doc.criterion("9.9") is None


def test_fenced_code_is_not_parsed() -> None:
    text = (
        "### Requirement 1: Real\n#### Acceptance Criteria\n1. THE A SHALL b.\n"
        "```markdown\n### Requirement 9: Example only\n1. THE A SHALL never be read.\n```\n"
        "2. THE A SHALL c.\n"
    )
    doc = parse(text)

    assert [r.number for r in doc.requirements] == ["1"]
    assert [c.text for c in doc.criteria()] == ["THE A SHALL b.", "THE A SHALL c."]


@pytest.mark.parametrize(
    ("opening", "inner", "closing"),
    [
        ("````markdown", "```", "````"),  # a longer fence shows a fenced example inside
        ("````", "```text", "`````"),  # closed by a run at least as long
        ("~~~~", "~~~", "~~~~"),
        ("```", "~~~", "```"),  # the other character never closes
        ("~~~", "```", "~~~"),
        ("```", "``` not a fence", "```  "),  # text after the run: content; spaces are fine
        ("  ````", "   ```", "````"),
    ],
)
def test_only_a_matching_fence_closes_a_code_block(opening: str, inner: str,
                                                   closing: str) -> None:
    text = (
        "### Requirement 1: Real\n#### Acceptance Criteria\n1. THE A SHALL b.\n"
        f"{opening}\n{inner}\n### Requirement 9: Example only\n1. THE A SHALL never be read.\n"
        f"{inner}\n2. THE A SHALL not be read either.\n{closing}\n"
        "2. THE A SHALL c.\n"
    )
    doc = parse(text)

    assert [r.number for r in doc.requirements] == ["1"]
    assert [c.text for c in doc.criteria()] == ["THE A SHALL b.", "THE A SHALL c."]
    assert doc.criteria()[1].line == 11


@pytest.mark.req("spec-check", "2.1")
def test_front_matter_is_skipped() -> None:
    text = "---\ntitle: cart\n---\n# Requirements Document\n### Requirement 1\n" \
           "#### Acceptance Criteria\n1. THE A SHALL b.\n"
    doc = parse(text)

    assert doc.title == "Requirements Document"
    assert doc.criteria()[0].line == 7


@pytest.mark.req("spec-check", "2.1")
def test_sections_span_until_the_next_heading_of_the_same_level() -> None:
    doc = parse(STRICT_EARS)
    spans = {s.title: (s.level, s.line, s.end_line) for s in doc.sections}

    assert spans["Introduction"] == (2, 3, 5)
    assert spans["Requirements"] == (2, 10, 25)
    assert spans["Requirement 1: Add an item"] == (3, 12, 19)
    assert spans["Acceptance Criteria"] == (4, 23, 25)


def test_requirement_without_criteria_is_a_problem_on_its_heading() -> None:
    doc = parse("# R\n\n### Requirement 1: Empty\n**User Story:** As a user, I want x.\n")

    assert [(p.code, p.line) for p in doc.problems] == [("S005", 3)]


def test_document_without_requirements_is_a_problem() -> None:
    doc = parse("# Requirements Document\n\nJust prose.\n")

    assert [(p.code, p.line) for p in doc.problems] == [("S004", 1)]


@pytest.mark.req("spec-check", "4.4")
def test_empty_document_is_a_problem() -> None:
    doc = parse("\n  \n")

    assert [(p.code, p.line) for p in doc.problems] == [("S002", 1)]
    assert doc.requirements == ()


BUGFIX = """\
# Bugfix Requirements Document

## Introduction
Late fees are rounded down instead of to the nearest cent.

## Bug Analysis

### Current Behavior (Defect)
1.1 WHEN a fee has a fraction of a cent THEN the system rounds it down
1.2 WHEN the fee is exactly half a cent THEN the system charges nothing

### Expected Behavior (Correct)
2.1 WHEN a fee has a fraction of a cent THEN the system SHALL round it half up
2.2 WHEN the fee is exactly half a cent THEN the system SHALL charge one cent

### Unchanged Behavior (Regression Prevention)
3.1 WHEN a fee is a whole number of cents THEN the system SHALL CONTINUE TO charge it unchanged
"""


def test_bugfix_sections_become_requirements_1_2_3() -> None:
    doc = parse(BUGFIX, kind="bugfix")

    assert doc.kind == "bugfix"
    assert doc.problems == ()
    assert [(r.number, r.title) for r in doc.requirements] == [
        ("1", "Current Behavior (Defect)"),
        ("2", "Expected Behavior (Correct)"),
        ("3", "Unchanged Behavior (Regression Prevention)"),
    ]
    assert [c.id for c in doc.criteria()] == ["1.1", "1.2", "2.1", "2.2", "3.1"]


@pytest.mark.req("spec-check", "2.1")
def test_bugfix_item_texts_and_lines() -> None:
    doc = parse(BUGFIX, kind="bugfix")
    expected = doc.criterion("2.2")
    unchanged = doc.criterion("3.1")

    assert expected is not None and unchanged is not None
    assert expected.text == ("WHEN the fee is exactly half a cent THEN the system SHALL charge "
                             "one cent")
    assert expected.line == 14
    assert unchanged.text.endswith("SHALL CONTINUE TO charge it unchanged")
    assert expected.locate(0) == (14, 5)


def test_bugfix_item_spellings_bullets_bold_and_british() -> None:
    text = (
        "### Current Behaviour\n- 1.1 the fee is wrong\n"
        "### Expected Behaviour\n**2.1** THE Fee_Service SHALL round half up\n"
        "### Unchanged Behavior\n1. THE Fee_Service SHALL CONTINUE TO accept whole cents\n"
    )
    doc = parse(text, kind="bugfix")

    assert [(c.id, c.text) for c in doc.criteria()] == [
        ("1.1", "the fee is wrong"),
        ("2.1", "THE Fee_Service SHALL round half up"),
        ("3.1", "THE Fee_Service SHALL CONTINUE TO accept whole cents"),
    ]


def test_bugfix_without_its_sections_is_a_problem() -> None:
    doc = parse("# Bugfix\n\n### Requirement 1\n1. x\n", kind="bugfix")

    assert doc.requirements == ()
    assert [(p.code, p.line) for p in doc.problems] == [("S004", 1)]
