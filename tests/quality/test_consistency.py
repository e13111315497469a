"""Cross-document consistency rules (C codes) on literal specs."""

from __future__ import annotations

import pytest

from specloom.quality.check import check_workspace
from specloom.quality.settings import CheckSettings

from spec_fixtures import GOOD_DESIGN, GOOD_TASKS, MakeWorkspace, good_spec

ONLY_CONSISTENCY = CheckSettings(select=("C", "S"))


def codes(make_workspace: MakeWorkspace, files: dict[str, str | bytes]) -> list[tuple[str, int]]:
    report = check_workspace(make_workspace(files), settings=ONLY_CONSISTENCY)
    return [(d.code, d.line) for d in report.diagnostics]


def test_good_spec_is_consistent(make_workspace: MakeWorkspace) -> None:
    assert codes(make_workspace, good_spec()) == []


@pytest.mark.req("spec-check", "6.1")
def test_task_citing_unknown_criterion(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/tasks.md"] = GOOD_TASKS.replace("_Requirements: 2.1_",
                                                            "_Requirements: 2.1, 7.2_")
    found = codes(make_workspace, files)
    assert ("C001", 10) in found


@pytest.mark.req("spec-check", "6.2")
def test_uncovered_criterion(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/tasks.md"] = GOOD_TASKS.replace("_Requirements: 2.1_",
                                                            "_Requirements: 1.2_")
    assert ("C002", 22) in codes(make_workspace, files)


@pytest.mark.req("spec-check", "6.3")
def test_property_validating_unknown_criterion(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/design.md"] = GOOD_DESIGN.replace("Requirements 1.1**",
                                                              "Requirements 1.1, 9.9**")
    found = codes(make_workspace, files)
    assert [c for c in found if c[0] == "C003"] == [("C003", 19)]


@pytest.mark.req("spec-check", "3.4")
def test_parent_ticked_with_open_subtask(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/tasks.md"] = GOOD_TASKS.replace("- [ ] 2. Implement",
                                                            "- [x] 2. Implement")
    assert ("C006", 6) in codes(make_workspace, files)


@pytest.mark.req("spec-check", "6.4", "6.5")
def test_duplicate_and_skipped_numbers(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    requirements = files[".kiro/specs/cart/requirements.md"]
    assert isinstance(requirements, str)
    files[".kiro/specs/cart/requirements.md"] = requirements.replace(
        "2. IF the item", "3. IF the item").replace("### Requirement 2:", "### Requirement 1:")
    found = codes(make_workspace, files)
    assert ("C005", 16) in found  # criterion 1.3 follows 1.1
    assert ("C004", 18) in found  # requirement 1 twice


@pytest.mark.req("spec-check", "6.6")
def test_design_missing_sections(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/design.md"] = GOOD_DESIGN.replace("## Error Handling\n", "")
    found = codes(make_workspace, files)
    assert ("C007", 1) in found


def test_unknown_dependency_and_property(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/tasks.md"] = GOOD_TASKS.replace(
        "    - _Requirements: 2.1_", "    - _Requirements: 2.1_\n    - _Depends: 9.1_"
    ).replace("**Property 1:", "**Property 4:")
    found = {code for code, _ in codes(make_workspace, files)}
    assert {"C009", "C010"} <= found


def test_task_without_requirements(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/tasks.md"] = GOOD_TASKS + "\n- [ ] 4. Tidy up the code\n"
    assert ("C011", 17) in codes(make_workspace, files)


def test_bugfix_spec_needs_no_design_sections_and_skips_defect_items(
        make_workspace: MakeWorkspace) -> None:
    bugfix = """\
# Bugfix Requirements Document

## Introduction
Fees are rounded down.

### Current Behavior (Defect)
1.1 WHEN a fee of 0.125 is charged THEN the system charges 0.12

### Expected Behavior (Correct)
2.1 WHEN a fee of 0.125 is charged THEN THE Fee_Calculator SHALL charge 0.13

### Unchanged Behavior (Regression Prevention)
3.1 WHEN a fee has two decimals THEN THE Fee_Calculator SHALL CONTINUE TO charge it unchanged
"""
    tasks = """\
# Implementation Plan

- [ ] 1. Write a failing test for half-up rounding
  - _Requirements: 2.1_
- [ ] 2. Fix the rounding
  - _Requirements: 2.1, 3.1_
"""
    files: dict[str, str | bytes] = {
        ".kiro/specs/fee-fix/bugfix.md": bugfix,
        ".kiro/specs/fee-fix/tasks.md": tasks,
        ".kiro/specs/fee-fix/design.md": "# Design\n\n## Overview\nRound half up.\n",
        ".kiro/specs/fee-fix/.config.kiro": '{"specType": "bugfix"}',
    }
    assert codes(make_workspace, files) == []


def test_parallel_check_gives_the_same_report_as_serial(make_workspace: MakeWorkspace) -> None:
    files: dict[str, str | bytes] = {}
    for index in range(70):
        spec = good_spec(f"spec-{index:02d}")
        if index % 7 == 0:
            spec[f".kiro/specs/spec-{index:02d}/tasks.md"] = GOOD_TASKS.replace(
                "_Requirements: 2.1_", "_Requirements: 9.9_")
        files.update(spec)
    workspace = make_workspace(files)
    serial = check_workspace(workspace, jobs=1)
    parallel = check_workspace(workspace, jobs=2)
    assert parallel.diagnostics == serial.diagnostics
    assert parallel.files == serial.files
    assert set(parallel.sources) == set(serial.sources)
    assert len([d for d in serial.diagnostics if d.code == "C001"]) == 10


@pytest.mark.req("spec-check", "5.5")
def test_system_name_missing_from_the_glossary(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    requirements = files[".kiro/specs/cart/requirements.md"]
    assert isinstance(requirements, str)
    files[".kiro/specs/cart/requirements.md"] = requirements.replace(
        "THE Cart_Service SHALL delete", "THE Basket_Store SHALL delete")
    report = check_workspace(make_workspace(files), settings=CheckSettings(select=("A013",)))
    (finding,) = report.diagnostics
    assert (finding.line, finding.column, finding.end_column) == (22, 40, 52)
    assert "'Basket_Store' is not in the Glossary" in finding.message
