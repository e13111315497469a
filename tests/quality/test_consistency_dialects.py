"""Consistency rules on the task and design dialects of real specs (cc-sdd groups, blanket
citations, three-level tasks, sub-numbered properties, ID-structured requirements)."""

from __future__ import annotations

import pytest

from specloom.quality.check import check_workspace
from specloom.quality.ears import parse_ears
from specloom.quality.settings import CheckSettings
from specloom.spec.loader import load_spec
from specloom.trace.matrix import build_trace

from spec_fixtures import GOOD_REQUIREMENTS, MakeWorkspace

EVERY_RULE = CheckSettings(select=("ALL",))


def findings(make_workspace: MakeWorkspace, files: dict[str, str | bytes],
             code: str) -> list[str]:
    report = check_workspace(make_workspace(files), settings=EVERY_RULE)
    return [d.message for d in report.diagnostics if d.code == code]


def with_tasks(tasks: str) -> dict[str, str | bytes]:
    return {".kiro/specs/cart/requirements.md": GOOD_REQUIREMENTS,
            ".kiro/specs/cart/tasks.md": tasks}


@pytest.mark.req("spec-check", "10.8")
def test_sub_tasks_inherit_the_citations_of_their_group(make_workspace: MakeWorkspace) -> None:
    tasks = ("# Implementation Plan\n\n- [ ] 1. Cart\n  - [ ] 1.1 Storage\n"
             "    - [ ] 1.1.1 Add\n    - [ ] 1.1.2 Remove\n  - _Requirements: 1.1, 1.2, 2.1_\n"
             "- [ ] 2. Docs\n  - [ ] 2.1 Write the README\n")
    assert findings(make_workspace, with_tasks(tasks), "C011") == [
        "task 2 cites no criteria", "task 2.1 cites no criteria"]


@pytest.mark.req("spec-check", "10.8")
def test_a_blanket_citation_cites_something_but_covers_no_criterion(
        make_workspace: MakeWorkspace) -> None:
    tasks = ("# Implementation Plan\n\n- [ ] 1. Everything\n  - _Requirements: All_\n"
             "- [ ] 2. Add\n  - _要件: 1.1, 1.2_\n")
    files = with_tasks(tasks)
    assert findings(make_workspace, files, "C011") == []
    assert findings(make_workspace, files, "C002") == [
        "criterion 2.1 is cited by no task in .kiro/specs/cart/tasks.md"]


@pytest.mark.req("spec-check", "10.8")
def test_a_ticked_task_over_an_open_third_level_task(make_workspace: MakeWorkspace) -> None:
    tasks = ("# Implementation Plan\n\n- [x] 1. Cart\n  - [x] 1.1 Storage\n"
             "    - [ ] 1.1.1 Add\n  - _Requirements: 1.1, 1.2, 2.1_\n")
    assert findings(make_workspace, with_tasks(tasks), "C006") == [
        "task 1 is ticked but sub-task(s) 1.1 are not done",
        "task 1.1 is ticked but sub-task(s) 1.1.1 are not done"]


@pytest.mark.req("spec-check", "10.4")
def test_trace_resolves_id_style_citations(make_workspace: MakeWorkspace) -> None:
    requirements = GOOD_REQUIREMENTS.replace("### Requirement 2: Remove an item",
                                             "### Requirement 2: Remove an item (US-2)")
    tasks = "# Implementation Plan\n\n- [ ] 1. Remove\n  - _Requirements: US-2_\n"
    workspace = make_workspace({".kiro/specs/cart/requirements.md": requirements,
                                ".kiro/specs/cart/tasks.md": tasks})
    spec = load_spec(workspace, "cart")
    assert spec.tasks is not None
    assert spec.cited_ids(spec.tasks.tasks[0]) == ["2"]
    trace = build_trace(workspace, ["cart"])
    rows = {row.id: row for row in trace.specs[0].criteria}
    assert rows["2.1"].tasks == ("1",) and rows["1.1"].tasks == ()


DESIGN_WITH_SUB_PROPERTIES = """\
# Design Document

## Correctness Properties

### Property 4.1: Totals add up
*For any* cart, the total is the sum of its lines.
**Validates: Requirements 1.1**

### Property 4.2: Quantities stay positive
*For any* sequence of changes, each quantity is at least 1.
**Validates: Requirements 1.2**

Property 5: Removing an item deletes it
**Validates: Requirements 2.1**

## Testing Strategy

- **Property 4.1**: one Hypothesis test
- **Property 9**: planned
"""


@pytest.mark.req("spec-check", "10.2")
def test_sub_numbered_and_plain_properties_are_read_in_their_section(
        make_workspace: MakeWorkspace) -> None:
    files = {".kiro/specs/cart/requirements.md": GOOD_REQUIREMENTS,
             ".kiro/specs/cart/design.md": DESIGN_WITH_SUB_PROPERTIES}
    spec = load_spec(make_workspace(files), "cart")
    assert spec.design is not None
    assert [(p.label, p.number) for p in spec.design.properties] == [
        ("4.1", 4), ("4.2", 4), ("5", 5)]
    report = check_workspace(make_workspace(files), settings=EVERY_RULE)
    assert not [d for d in report.diagnostics if d.code in ("C004", "C005", "C008")]


@pytest.mark.req("spec-check", "10.4")
def test_requirements_structured_by_ids_are_no_missing_structure(
        make_workspace: MakeWorkspace) -> None:
    requirements = ("# Requirements\n\n## Functional Requirements\n\n"
                    "1. **FR-1**: The Proxy_Service SHALL route each request through the pool.\n"
                    "2. **FR-2**: The Proxy_Service SHALL retry a failed request once.\n")
    tasks = "# Implementation Plan\n\n- [ ] 1. Route\n  - _Requirements: FR-1, FR-9_\n"
    files = {".kiro/specs/proxy/requirements.md": requirements,
             ".kiro/specs/proxy/tasks.md": tasks}
    assert findings(make_workspace, files, "S004") == []
    assert findings(make_workspace, files, "C001") == [
        "task 1 cites FR-9, which is not a criterion of .kiro/specs/proxy/requirements.md"]


@pytest.mark.req("spec-check", "11.9")
def test_ears_reads_lists_in_parentheses_titles_and_japanese_with_identifiers() -> None:
    listed = parse_ears("THE Command_Handler operations (create, update) SHALL validate input.")
    assert listed.pattern == "ubiquitous" and not listed.findings
    titled = parse_ears("WHEN a user opens Dr. Smith's profile, THE Profile_View SHALL load it.")
    assert titled.pattern == "event" and titled.system == "Profile_View"
    japanese = parse_ears('1. The Task Graph は、task_type パラメータ("daily_report" | '
                          '"score_analysis" | "playlist_building")を受け取る')
    assert not [f for f in japanese.findings if f.code in ("E001", "E004")]
