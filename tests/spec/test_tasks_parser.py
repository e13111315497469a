"""Literal-string tests for the tasks.md parser: ids, statuses, citations, parent status."""

from __future__ import annotations

import pytest

from specloom.spec.source import SourceText
from specloom.spec.tasks import TasksDoc, TaskStatus, parse_tasks

PLAN = """\
# Implementation Plan

- [x] 1. Create the cart storage module
  - Add `cart/store.py` with an in-memory store
  - _Requirements: 1.1_

- [ ] 2. Implement add and remove
  - [-] 2.1 Implement add with stock check
    - _Requirements: 1.1, 1.2_
  - [ ]* 2.2 Write property test for non-negative quantity
    - **Property 2: Quantity never negative**
    - **Validates: Requirements 1.1, 2.3**

- [ ] 3. Checkpoint - make sure all tests pass
"""

CC_SDD = """\
# Implementation Plan

- [ ] 1. Storage layer
- [ ] 1.1 Build the store (P)
  - _Requirements: 1.1_
- [x] 1.2 Build the index (P)
  - _Depends: 1.1_
  - _Requirements: 1.2, 2_
- [ ] 2. Wire the API
  - _Depends: 1.2, 1_
"""


def parse(text: str) -> TasksDoc:
    return parse_tasks(SourceText.from_text("tasks.md", text))


@pytest.mark.req("spec-check", "2.3")
def test_ids_titles_levels_and_parents() -> None:
    doc = parse(PLAN)

    assert doc.title == "Implementation Plan"
    assert doc.problems == ()
    assert [(t.id, t.title, t.level, t.parent, t.line) for t in doc.tasks] == [
        ("1", "Create the cart storage module", 1, None, 3),
        ("2", "Implement add and remove", 1, None, 7),
        ("2.1", "Implement add with stock check", 2, "2", 8),
        ("2.2", "Write property test for non-negative quantity", 2, "2", 10),
        ("3", "Checkpoint - make sure all tests pass", 1, None, 14),
    ]


def test_statuses_and_optional_marker() -> None:
    doc = parse(PLAN)

    assert [(t.id, t.status, t.optional) for t in doc.tasks] == [
        ("1", TaskStatus.DONE, False),
        ("2", TaskStatus.TODO, False),
        ("2.1", TaskStatus.IN_PROGRESS, False),
        ("2.2", TaskStatus.TODO, True),
        ("3", TaskStatus.TODO, False),
    ]


@pytest.mark.req("spec-check", "2.3")
@pytest.mark.parametrize(
    ("mark", "status"),
    [(" ", TaskStatus.TODO), ("", TaskStatus.TODO), ("x", TaskStatus.DONE),
     ("X", TaskStatus.DONE), ("-", TaskStatus.IN_PROGRESS), ("~", TaskStatus.IN_PROGRESS)],
)
def test_checkbox_marks(mark: str, status: TaskStatus) -> None:
    (task,) = parse(f"- [{mark}] 1. Task\n").tasks

    assert task.status is status
    assert task.mark_offset == 3


def test_unknown_mark_is_a_problem_with_its_column() -> None:
    doc = parse("- [?] 1. Odd\n")

    (problem,) = doc.problems
    assert (problem.code, problem.line, problem.column) == ("S006", 1, 4)
    assert doc.tasks[0].status is TaskStatus.TODO


@pytest.mark.req("spec-check", "2.3")
def test_requirement_citations_with_positions() -> None:
    doc = parse(PLAN)
    task = doc.task("2.1")

    assert task is not None
    assert [(r.id, r.line) for r in task.requirements] == [("1.1", 9), ("1.2", 9)]
    line_text = PLAN.splitlines()[8]
    for ref in task.requirements:
        assert line_text[ref.column - 1:].startswith(ref.id)


def test_property_and_validates_bullets() -> None:
    task = parse(PLAN).task("2.2")

    assert task is not None
    assert [r.id for r in task.properties] == ["2"]
    assert [r.id for r in task.validates] == ["1.1", "2.3"]
    assert [r.id for r in task.cited_criteria] == ["1.1", "2.3"]
    assert task.details == ("- **Property 2: Quantity never negative**",
                            "- **Validates: Requirements 1.1, 2.3**")


def test_details_keep_their_text() -> None:
    task = parse(PLAN).task("1")

    assert task is not None
    assert task.details == ("- Add `cart/store.py` with an in-memory store",
                            "- _Requirements: 1.1_")


def test_cc_sdd_parallel_marker_and_depends() -> None:
    doc = parse(CC_SDD)

    assert [(t.id, t.title, t.parallel) for t in doc.tasks] == [
        ("1", "Storage layer", False),
        ("1.1", "Build the store", True),
        ("1.2", "Build the index", True),
        ("2", "Wire the API", False),
    ]
    second = doc.task("1.2")
    wire = doc.task("2")
    assert second is not None and wire is not None
    assert [r.id for r in second.depends] == ["1.1"]
    assert [r.id for r in second.requirements] == ["1.2", "2"]
    assert [r.id for r in wire.depends] == ["1.2", "1"]


def test_cc_sdd_flat_sub_tasks_still_have_parents() -> None:
    doc = parse(CC_SDD)

    assert [t.id for t in doc.children("1")] == ["1.1", "1.2"]


def test_requirement_label_spellings() -> None:
    text = ("- [ ] 1. A\n  - Requirements: 1.1\n  - **Requirements:** 1.2\n"
            "  - *Requirement*: 1.3\n  - _Requirements: 2.1, 2.2_\n")
    (task,) = parse(text).tasks

    assert [r.id for r in task.requirements] == ["1.1", "1.2", "1.3", "2.1", "2.2"]


def test_checkpoint_tasks() -> None:
    doc = parse(PLAN)

    assert [t.id for t in doc.tasks if t.is_checkpoint] == ["3"]


def test_effective_parent_status_follows_required_sub_tasks() -> None:
    text = ("- [ ] 1. Parent\n  - [x] 1.1 A\n  - [x] 1.2 B\n  - [ ]* 1.3 Optional tests\n")
    doc = parse(text)
    parent = doc.tasks[0]

    assert parent.status is TaskStatus.TODO
    assert doc.effective_status(parent) is TaskStatus.DONE


@pytest.mark.parametrize(
    ("children", "parent_mark", "expected"),
    [
        ("  - [ ] 1.1 A\n  - [ ] 1.2 B\n", " ", TaskStatus.TODO),
        ("  - [x] 1.1 A\n  - [ ] 1.2 B\n", " ", TaskStatus.IN_PROGRESS),
        ("  - [-] 1.1 A\n  - [ ] 1.2 B\n", " ", TaskStatus.IN_PROGRESS),
        ("  - [ ] 1.1 A\n  - [ ] 1.2 B\n", "-", TaskStatus.IN_PROGRESS),
        # ticked by hand while a required sub-task is open: not done, but started
        ("  - [ ] 1.1 A\n  - [ ]* 1.2 B\n", "x", TaskStatus.IN_PROGRESS),
        ("  - [x] 1.1 A\n  - [ ]* 1.2 B\n", " ", TaskStatus.DONE),
        ("  - [ ]* 1.1 A\n", "x", TaskStatus.DONE),
        ("  - [x]* 1.1 A\n", " ", TaskStatus.TODO),
    ],
)
def test_effective_status_cases(children: str, parent_mark: str, expected: TaskStatus) -> None:
    doc = parse(f"- [{parent_mark}] 1. Parent\n{children}")

    assert doc.effective_status(doc.tasks[0]) is expected


def test_effective_status_of_a_leaf_is_its_own() -> None:
    doc = parse(PLAN)
    first = doc.task("1")
    optional = doc.task("2.2")

    assert first is not None and optional is not None
    assert doc.effective_status(first) is TaskStatus.DONE
    assert doc.effective_status(optional) is TaskStatus.TODO


def test_progress_counts_required_leaves() -> None:
    # leaves: 1 (done), 2.1 (in progress), 3 (todo); 2.2 is optional, 2 has sub-tasks
    assert parse(PLAN).progress() == (1, 3)


def test_progress_of_an_all_done_plan() -> None:
    text = "- [x] 1. A\n- [ ] 2. B\n  - [x] 2.1 C\n  - [ ]* 2.2 D\n"

    assert parse(text).progress() == (2, 2)


def test_tasks_nested_deeper_than_three_levels_are_problems() -> None:
    doc = parse("- [ ] 1. A\n  - [ ] 1.1 B\n    - [ ] 1.1.1 C\n      - [ ] 1.1.1.1 D\n")

    assert [(t.id, t.level, t.parent) for t in doc.tasks] == [
        ("1", 1, None), ("1.1", 2, "1"), ("1.1.1", 3, "1.1")]
    assert [(p.code, p.line) for p in doc.problems] == [("S006", 4)]


def test_optional_top_level_task_is_a_problem() -> None:
    doc = parse("- [ ]* 1. Tests\n")

    assert [(p.code, p.line, p.column) for p in doc.problems] == [("S007", 1, 6)]
    assert doc.tasks[0].optional


def test_task_without_number_is_a_problem() -> None:
    doc = parse("- [ ] 1. A\n- [ ] Write the docs\n")

    assert [t.id for t in doc.tasks] == ["1"]
    assert [(p.code, p.line, p.column) for p in doc.problems] == [("S006", 2, 7)]


def test_indented_task_with_top_level_number_is_a_problem() -> None:
    doc = parse("- [ ] 1. A\n  - [ ] 2. B\n")

    assert [(p.code, p.line) for p in doc.problems] == [("S006", 2)]


@pytest.mark.req("spec-check", "2.3")
def test_tab_indented_sub_tasks() -> None:
    doc = parse("- [ ] 1. A\n\t- [x] 1.1 B\n\t\t- _Requirements: 3.1_\n")
    sub = doc.task("1.1")

    assert sub is not None and sub.status is TaskStatus.DONE
    assert [r.id for r in sub.requirements] == ["3.1"]
    assert sub.mark_offset == 4


def test_a_heading_ends_the_current_task() -> None:
    doc = parse("- [ ] 1. A\n## Notes\n- _Requirements: 9.9_\n")

    assert doc.tasks[0].requirements == ()


def test_task_lines_inside_fences_are_ignored() -> None:
    doc = parse("- [ ] 1. A\n```\n- [ ] 2. Example\n```\n")

    assert [t.id for t in doc.tasks] == ["1"]


def test_a_short_fence_inside_a_longer_one_does_not_end_it() -> None:
    doc = parse("- [ ] 1. A\n````markdown\n```\n- [ ] 2. Example\n```\n- [ ] 3. Example\n"
                "````\n- [ ] 4. B\n")

    assert [t.id for t in doc.tasks] == ["1", "4"]


def test_task_id_with_trailing_dot_on_a_sub_task() -> None:
    doc = parse("- [ ] 1. A\n  - [ ] 1.1. B\n")

    assert [t.id for t in doc.tasks] == ["1", "1.1"]


def test_lookup_of_an_unknown_task() -> None:
    assert parse(PLAN).task("9") is None


@pytest.mark.req("spec-check", "4.4")
def test_empty_plan_is_a_problem() -> None:
    doc = parse("")

    assert [(p.code, p.line) for p in doc.problems] == [("S002", 1)]
    assert doc.progress() == (0, 0)
