"""Literal-string tests for the design.md parser: sections and correctness properties."""

from __future__ import annotations

import pytest

from specloom.spec.design import EXPECTED_SECTIONS, DesignDoc, parse_design, validates_refs
from specloom.spec.source import SourceText

DESIGN = """\
# Design Document

## Overview
An in-memory cart.

## Architecture
```mermaid
graph TD
  A[CLI] --> B[Cart_Service]
### Property 9: not a property, inside a fence
```

## Components and Interfaces
`CartService.add(item)`.

## Data Models
`Cart`: item id to quantity.

## Correctness Properties

### Property 1: Added items are stored
*For any* in-stock item, adding it stores it with quantity 1.
**Validates: Requirements 1.1**

### Property 2: Quantity never negative
*For any* sequence of add and remove operations,
the stored quantity of every item is at least 0.
**Validates: Requirements 1.1, 2.3**

## Error Handling
Out-of-stock items are rejected.

## Testing Strategy
Property tests with Hypothesis.
"""


def parse(text: str) -> DesignDoc:
    return parse_design(SourceText.from_text("design.md", text))


def test_all_seven_sections_are_found_in_order() -> None:
    doc = parse(DESIGN)
    level_two = [s.title for s in doc.sections if s.level == 2]

    assert level_two == list(EXPECTED_SECTIONS)
    assert doc.title == "Design Document"
    assert doc.problems == ()


@pytest.mark.req("spec-check", "2.2")
def test_section_lookup_is_case_insensitive_and_spans_lines() -> None:
    doc = parse(DESIGN)
    overview = doc.section("overview")
    properties = doc.section("Correctness Properties")

    assert overview is not None and (overview.line, overview.end_line) == (3, 5)
    assert properties is not None and (properties.line, properties.end_line) == (19, 29)
    assert doc.section("Deployment") is None


@pytest.mark.req("spec-check", "2.2")
def test_properties_numbers_titles_statements() -> None:
    doc = parse(DESIGN)

    assert [(p.number, p.title, p.line) for p in doc.properties] == [
        (1, "Added items are stored", 21),
        (2, "Quantity never negative", 25),
    ]
    second = doc.property(2)
    assert second is not None
    assert second.statement == ("*For any* sequence of add and remove operations, the stored "
                                "quantity of every item is at least 0.")
    assert doc.property(3) is None


@pytest.mark.req("spec-check", "2.2")
def test_validates_refs_with_lines_and_columns() -> None:
    doc = parse(DESIGN)
    second = doc.properties[1]

    assert second.validates_line == 28
    assert [(r.id, r.line) for r in second.validates] == [("1.1", 28), ("2.3", 28)]
    line_text = DESIGN.splitlines()[27]
    for ref in second.validates:
        assert line_text[ref.column - 1:].startswith(ref.id)


def test_a_property_inside_a_code_fence_is_ignored() -> None:
    assert [p.number for p in parse(DESIGN).properties] == [1, 2]


@pytest.mark.req("spec-check", "2.2")
@pytest.mark.parametrize(
    "line",
    [
        "**Validates: Requirements 1.1, 2.3**",
        "_Validates: Requirements 1.1, 2.3_",
        "*Validates: Requirements 1.1, 2.3*",
        "**Validates:** Requirements 1.1, 2.3",
        "Validates: Requirements 1.1, 2.3",
        "Validates: 1.1, 2.3",
        "- **Validates: Requirement 1.1, 2.3**",
        "__Validates__: Criteria 1.1, 2.3",
        "**validates requirements 1.1 and 2.3**",
    ],
)
def test_validates_spellings(line: str) -> None:
    doc = parse(f"### Property 1: P\n*For any* x, y holds.\n{line}\n")
    (prop,) = doc.properties

    assert [r.id for r in prop.validates] == ["1.1", "2.3"]
    assert prop.validates_line == 3
    assert prop.statement == "*For any* x, y holds."


@pytest.mark.parametrize(
    "prose",
    [
        "*For any* config, the loader validates the schema in 1.2 seconds.",
        "It validates 3 inputs.",
        "Validates the input before 2.1 runs.",
    ],
)
def test_prose_that_mentions_validates_is_not_a_citation(prose: str) -> None:
    assert validates_refs(prose, 1) is None


@pytest.mark.req("spec-check", "2.2")
def test_statement_mentioning_validates_keeps_the_real_validates_line() -> None:
    doc = parse(
        "### Property 1: Schema\n"
        "*For any* config, the loader validates the schema 1.2 times.\n"
        "**Validates: Requirements 3.1**\n"
    )
    (prop,) = doc.properties

    assert prop.statement == "*For any* config, the loader validates the schema 1.2 times."
    assert [r.id for r in prop.validates] == ["3.1"]
    assert prop.validates_line == 3


@pytest.mark.req("spec-check", "2.2")
def test_bold_property_lines_without_headings() -> None:
    doc = parse(
        "## Correctness Properties\n\n"
        "**Property 1: Round trip**\n*For any* document, writing then reading is identity.\n"
        "_Validates: Requirements 4.1_\n\n"
        "**Property 2**: Idempotence\n*For any* input, normalising twice is normalising once.\n"
    )

    assert [(p.number, p.title, p.line) for p in doc.properties] == [
        (1, "Round trip", 3), (2, "Idempotence", 7)]
    assert [r.id for r in doc.properties[0].validates] == ["4.1"]
    assert doc.properties[1].validates == ()
    assert doc.properties[1].validates_line is None


def test_property_heading_spellings() -> None:
    doc = parse("#### Property 3 - Dashed\nx\n### property 4. lower\ny\n")

    assert [(p.number, p.title) for p in doc.properties] == [(3, "Dashed"), (4, "lower")]


def test_a_property_ends_at_the_next_heading_of_its_level_or_higher() -> None:
    doc = parse(
        "### Property 1: First\n*For any* a, b.\n"
        "#### Example\nstill part of the property\n"
        "## Error Handling\nValidates: Requirements 9.9\n"
    )
    (prop,) = doc.properties

    assert prop.statement == "*For any* a, b. still part of the property"
    assert prop.validates == ()


def test_only_the_first_validates_line_counts() -> None:
    doc = parse("### Property 1: P\nx\n**Validates: Requirements 1.1**\n"
                "**Validates: Requirements 2.1**\n")
    (prop,) = doc.properties

    assert [r.id for r in prop.validates] == ["1.1"]
    assert "Validates: Requirements 2.1" in prop.statement


@pytest.mark.req("spec-check", "4.4")
def test_empty_design_is_a_problem() -> None:
    doc = parse("")

    assert [(p.code, p.line) for p in doc.problems] == [("S002", 1)]
    assert doc.sections == () and doc.properties == ()


@pytest.mark.req("spec-check", "4.1")
def test_unterminated_front_matter_is_reported_and_the_body_still_read() -> None:
    doc = parse("---\ntitle: x\n## Overview\nText.\n")

    assert [(p.code, p.line) for p in doc.problems] == [("S003", 1)]
    assert doc.section("Overview") is not None
