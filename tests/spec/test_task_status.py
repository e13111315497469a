"""Task status writes: only checkbox characters change, parents follow, writes are atomic."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from draft_strategies import markdownish_text, numbered_tasks, status, task_lists
from hypothesis import given, settings
from hypothesis import strategies as st

from specloom.spec import task_status
from specloom.spec.files import StaleFileError, replace_if_unchanged
from specloom.spec.render import TaskDraft, render_tasks
from specloom.spec.source import SourceText
from specloom.spec.task_status import TaskStatusError, set_task_status
from specloom.spec.tasks import TaskNotFound, TasksDoc, TaskStatus, parse_tasks, with_status
from specloom.spec.workspace import Workspace

PLAN = """\
# Implementation Plan

- [ ] 1. Create the cart storage module
  - Add `cart/store.py` with an in-memory store\x20\x20
  - _Requirements: 1.1_

- [ ] 2. Implement add and remove
  - [ ] 2.1 Implement add with stock check
    - _Requirements: 1.1, 1.2_
  - [ ] 2.2 Implement remove\t(P)
    - _Requirements: 2.1_
  - [ ]* 2.3 Write property test for non-negative quantity
    - **Property 2: Quantity never negative**

- [ ] 3. Checkpoint - make sure all tests pass
"""


def parse(text: str) -> TasksDoc:
    return parse_tasks(SourceText.from_text("tasks.md", text))


def set_status(text: str, task_id: str, new_status: TaskStatus) -> str:
    return with_status(parse(text), task_id, new_status)


def box_positions(doc: TasksDoc) -> set[tuple[int, int]]:
    """(0-based line index, column) of every checkbox character in the document."""
    return {(task.line - 1, task.mark_offset) for task in doc.tasks}


def lines_of(text: str) -> tuple[str, ...]:
    """Lines as the parsers count them (LF, CRLF or CR; not str.splitlines's separators)."""
    return SourceText.from_text("tasks.md", text).lines


def changed_positions(before: str, after: str) -> set[tuple[int, int]]:
    """Positions of differing characters; the texts must have the same line structure."""
    old_lines, new_lines = lines_of(before), lines_of(after)
    assert len(old_lines) == len(new_lines)
    changed = set()
    for index, (old, new) in enumerate(zip(old_lines, new_lines, strict=True)):
        assert len(old) == len(new), f"line {index + 1} changed length"
        changed.update((index, column) for column, (a, b) in enumerate(zip(old, new, strict=True))
                       if a != b)
    return changed


@pytest.mark.req("spec-check", "3.1", "3.2")
def test_with_status_changes_only_the_checkbox_character() -> None:
    after = set_status(PLAN, "1", TaskStatus.DONE)

    assert changed_positions(PLAN, after) == {(2, 3)}
    assert after.splitlines()[2] == "- [x] 1. Create the cart storage module"
    assert after.splitlines()[3].endswith("store  ")


@pytest.mark.req("spec-check", "3.2")
def test_every_other_line_is_byte_identical() -> None:
    after = set_status(PLAN, "2.2", TaskStatus.IN_PROGRESS)
    changed_lines = [i for i, (a, b) in enumerate(zip(lines_of(PLAN), lines_of(after),
                                                      strict=True))
                     if a != b]

    assert changed_lines == [6, 9]  # 2.2 itself and its parent 2


def test_parent_becomes_in_progress_when_a_required_sub_task_starts() -> None:
    after = parse(set_status(PLAN, "2.1", TaskStatus.IN_PROGRESS))

    assert [(t.id, t.status) for t in after.tasks[1:4]] == [
        ("2", TaskStatus.IN_PROGRESS), ("2.1", TaskStatus.IN_PROGRESS), ("2.2", TaskStatus.TODO)]


@pytest.mark.req("spec-check", "3.3")
def test_parent_becomes_done_when_all_required_sub_tasks_are_done_ignoring_optional() -> None:
    text = set_status(PLAN, "2.1", TaskStatus.DONE)
    after_first = parse(text)
    text = set_status(text, "2.2", TaskStatus.DONE)
    after_both = parse(text)

    parent_first, parent_both = after_first.task("2"), after_both.task("2")
    assert parent_first is not None and parent_first.status is TaskStatus.IN_PROGRESS
    assert parent_both is not None and parent_both.status is TaskStatus.DONE
    optional = after_both.task("2.3")
    assert optional is not None and optional.status is TaskStatus.TODO


def test_reopening_a_sub_task_reopens_a_done_parent() -> None:
    done = "- [x] 1. P\n  - [x] 1.1 A\n  - [x] 1.2 B\n"

    assert set_status(done, "1.1", TaskStatus.TODO) == "- [-] 1. P\n  - [ ] 1.1 A\n  - [x] 1.2 B\n"
    all_open = set_status("- [x] 1. P\n  - [x] 1.1 A\n", "1.1", TaskStatus.TODO)
    assert all_open == "- [ ] 1. P\n  - [ ] 1.1 A\n"


@pytest.mark.req("spec-check", "3.1", "3.2")
def test_optional_sub_task_does_not_move_its_parent() -> None:
    after = set_status(PLAN, "2.3", TaskStatus.DONE)

    assert changed_positions(PLAN, after) == {(11, 5)}


@pytest.mark.req("spec-check", "3.2")
def test_crlf_and_bom_are_kept() -> None:
    crlf = PLAN.replace("\n", "\r\n")
    doc = parse_tasks(SourceText.from_text("tasks.md", crlf, "utf-8-sig"))
    after = with_status(doc, "1", TaskStatus.DONE)

    assert after.count("\r\n") == crlf.count("\r\n")
    assert after.replace("- [x] 1.", "- [ ] 1.") == crlf


@pytest.mark.req("spec-check", "3.1")
def test_empty_box_gets_its_character_inserted() -> None:
    assert set_status("- [] 1. Task\n", "1", TaskStatus.DONE) == "- [x] 1. Task\n"


def test_unknown_task_id_names_the_known_tasks() -> None:
    with pytest.raises(TaskNotFound, match=r"no task '9'.*tasks: 1, 2, 2\.1"):
        set_status(PLAN, "9", TaskStatus.DONE)


# Random task lists rendered with render.py, random sequences of status changes.

# Feature: spec-check, Property 3: A status change touches checkbox characters only
@pytest.mark.req("spec-check", "3.3")
@settings(max_examples=150, deadline=None)
@given(task_lists, st.lists(st.tuples(st.integers(min_value=0), status), min_size=1,
                            max_size=8))
def test_random_status_changes_touch_only_checkboxes(
        drafts: list[TaskDraft], changes: list[tuple[int, TaskStatus]]) -> None:
    original = render_tasks(drafts)
    ids = [task_id for task_id, _, _ in numbered_tasks(drafts)]
    boxes = box_positions(parse(original))
    text = original
    for index, new_status in changes:
        task_id = ids[index % len(ids)]
        text = set_status(text, task_id, new_status)
        doc = parse(text)
        changed = doc.task(task_id)
        assert changed is not None and changed.status is new_status
        assert_parent_follows_required_children(doc, task_id)

    assert changed_positions(original, text) <= boxes
    assert [(t.id, t.title, t.line) for t in parse(text).tasks] == [
        (t.id, t.title, t.line) for t in parse(original).tasks]


def assert_parent_follows_required_children(doc: TasksDoc, task_id: str) -> None:
    task = doc.task(task_id)
    if task is None or task.parent is None:
        return
    parent = doc.task(task.parent)
    required = [c.status for c in doc.children(task.parent) if not c.optional]
    if parent is None or not required:
        return
    if all(s is TaskStatus.DONE for s in required):
        assert parent.status is TaskStatus.DONE
    elif any(s is not TaskStatus.TODO for s in required):
        assert parent.status is TaskStatus.IN_PROGRESS


# Feature: spec-check, Property 3: A status change touches checkbox characters only
@settings(max_examples=100, deadline=None)
@given(markdownish_text(), status)
def test_status_writes_on_random_markdown_touch_only_checkboxes(text: str,
                                                                 new_status: TaskStatus) -> None:
    doc = parse(text)
    for task in doc.tasks:
        after = with_status(doc, task.id, new_status)
        if "[]" in text:
            assert len(after) - len(text) in (0, 1, 2)
            continue
        assert changed_positions(text, after) <= box_positions(doc)


# set_task_status on a real workspace.

def make_workspace(root: Path, tasks: bytes | str = PLAN) -> Workspace:
    spec = root / ".kiro" / "specs" / "cart"
    spec.mkdir(parents=True)
    (spec / "tasks.md").write_bytes(tasks.encode() if isinstance(tasks, str) else tasks)
    return Workspace(root)


def tasks_file(workspace: Workspace) -> Path:
    return workspace.spec_dir("cart") / "tasks.md"


@pytest.mark.req("spec-check", "3.1", "3.2")
def test_set_task_status_writes_the_file_and_reports_the_change(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)

    change = set_task_status(workspace, "cart", "2.1", TaskStatus.DONE)

    assert (change.task, change.before, change.after) == ("2.1", TaskStatus.TODO, TaskStatus.DONE)
    assert (change.parent, change.parent_before, change.parent_after) == (
        "2", TaskStatus.TODO, TaskStatus.IN_PROGRESS)
    assert change.changed and change.path == ".kiro/specs/cart/tasks.md"
    written = tasks_file(workspace).read_text()
    assert changed_positions(PLAN, written) == {(7, 5), (6, 3)}


def test_set_task_status_accepts_a_trailing_dot_and_reports_no_change(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    before = os.stat(tasks_file(workspace)).st_mtime_ns

    change = set_task_status(workspace, "cart", "1.", TaskStatus.TODO)

    assert not change.changed and change.task == "1"
    assert os.stat(tasks_file(workspace)).st_mtime_ns == before


@pytest.mark.req("spec-check", "3.1", "3.2")
def test_set_task_status_keeps_crlf_bom_and_file_mode(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + PLAN.replace("\n", "\r\n").encode()
    workspace = make_workspace(tmp_path, data)
    tasks_file(workspace).chmod(0o640)

    set_task_status(workspace, "cart", "3", TaskStatus.DONE)

    written = tasks_file(workspace).read_bytes()
    assert written == data.replace(b"- [ ] 3.", b"- [x] 3.")
    assert stat.S_IMODE(tasks_file(workspace).stat().st_mode) == 0o640


def test_set_task_status_leaves_no_temporary_files(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)

    set_task_status(workspace, "cart", "1", TaskStatus.DONE)

    assert sorted(p.name for p in tasks_file(workspace).parent.iterdir()) == ["tasks.md"]


@pytest.mark.req("spec-check", "3.2")
def test_set_task_status_refuses_when_the_file_changed_meanwhile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = make_workspace(tmp_path)
    hand_edit = PLAN.replace("Checkpoint", "Checkpoint (edited by hand)")
    real_with_status = task_status.with_status

    def edit_by_hand_then_compute(doc: TasksDoc, task_id: str, new: TaskStatus) -> str:
        tasks_file(workspace).write_text(hand_edit)
        return real_with_status(doc, task_id, new)

    monkeypatch.setattr(task_status, "with_status", edit_by_hand_then_compute)

    with pytest.raises(StaleFileError, match="changed on disk"):
        set_task_status(workspace, "cart", "1", TaskStatus.DONE)
    assert tasks_file(workspace).read_text() == hand_edit


@pytest.mark.req("spec-check", "3.5")
def test_unknown_task_gives_a_clear_error(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)

    with pytest.raises(TaskStatusError, match=r"no task '7\.1' in \.kiro/specs/cart/tasks\.md; "
                                              r"tasks: 1, 2, 2\.1, 2\.2, 2\.3, 3"):
        set_task_status(workspace, "cart", "7.1", TaskStatus.DONE)
    assert tasks_file(workspace).read_text() == PLAN


def test_missing_tasks_file_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / ".kiro" / "specs" / "cart").mkdir(parents=True)

    with pytest.raises(TaskStatusError, match=r"tasks\.md does not exist"):
        set_task_status(Workspace(tmp_path), "cart", "1", TaskStatus.DONE)


def test_binary_tasks_file_gives_an_error_with_its_line(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, b"- [ ] 1. A\n\x00\n")

    with pytest.raises(TaskStatusError, match=r"tasks\.md:2: file is binary"):
        set_task_status(workspace, "cart", "1", TaskStatus.DONE)


# replace_if_unchanged directly.

def test_replace_if_unchanged_writes_when_the_content_is_as_read(tmp_path: Path) -> None:
    file = tmp_path / "tasks.md"
    file.write_bytes(b"old")

    replace_if_unchanged(file, b"old", b"new")

    assert file.read_bytes() == b"new"


def test_replace_if_unchanged_refuses_a_stale_file(tmp_path: Path) -> None:
    file = tmp_path / "tasks.md"
    file.write_bytes(b"edited by someone else")

    with pytest.raises(StaleFileError, match="nothing was written"):
        replace_if_unchanged(file, b"old", b"new")
    assert file.read_bytes() == b"edited by someone else"
    assert [p.name for p in tmp_path.iterdir()] == ["tasks.md"]


def test_replace_if_unchanged_refuses_a_deleted_file(tmp_path: Path) -> None:
    file = tmp_path / "tasks.md"

    with pytest.raises(StaleFileError):
        replace_if_unchanged(file, b"old", b"new")
    assert not file.exists()


def test_replace_if_unchanged_creates_a_file_expected_to_be_absent(tmp_path: Path) -> None:
    file = tmp_path / "new" / "tasks.md"

    replace_if_unchanged(file, b"", b"fresh")

    assert file.read_bytes() == b"fresh"
