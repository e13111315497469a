"""Status writes are not edits: the approval hash of tasks.md ignores checkbox state.

Checkbox marks (`[ ]`, `[x]`, `[X]`, `[-]`, `[~]`, `[]`) are blanked before hashing; everything
else, the optional marker `*` included, still marks an approved plan "edited". Approvals
recorded the old way (the full-text hash) keep working.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specloom.spec.loader import load_spec
from specloom.spec.tasks import TaskStatus
from specloom.spec.workspace import Workspace
from specloom.trace.task_gate import change_task_status
from specloom.workflows.approval import (
    approval_state,
    checkbox_blind,
    document_hash,
    record_approval,
    upgrade_tasks_approval,
)
from specloom.workflows.state import new_config_text

REQUIREMENTS = """\
# Requirements Document

## Requirements

### Requirement 1: Add
**User Story:** As a user, I want to add, so that I get sums.

#### Acceptance Criteria
1. WHEN two integers are given, THE Calculator SHALL return their sum.
"""

DESIGN = "# Design Document\n\n## Overview\nOne module.\n"

PLAN = """\
# Implementation Plan

- [ ] 1. Set up the project

- [x] 2. Implement add
  - [-] 2.1 Write the function
  - [ ]* 2.2 Write a property test
    - _Requirements: 1.1_

```markdown
- [x] 9. an example inside a code block is text
```
"""
MARK = re.compile(r"^(\s*[-*+]\s+\[)([^\]]?)(\])", re.MULTILINE)


def spec_folder(root: Path, tasks: str = PLAN) -> Path:
    folder = root / ".kiro/specs/calc"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "requirements.md").write_text(REQUIREMENTS)
    (folder / "design.md").write_text(DESIGN)
    (folder / "tasks.md").write_bytes(tasks.encode("utf-8"))
    (folder / ".config.kiro").write_text(new_config_text("requirements-first", "a calculator"))
    return folder


def approve_all(root: Path) -> None:
    record_approval(load_spec(Workspace(root), "calc"), ("requirements", "design", "tasks"))


def tasks_state(root: Path) -> str:
    return approval_state(load_spec(Workspace(root), "calc"))["tasks"]


def box_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each checkbox's mark outside code blocks, as the hash blanks them."""
    spans, fenced, offset = [], False, 0
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        match = MARK.match(line)
        if match and not fenced:
            spans.append((offset + match.start(2), offset + match.end(2)))
        offset += len(line)
    return spans


# -- examples ------------------------------------------------------------------------------------

@pytest.mark.req("traceability", "10.6", "10.7")
def test_ticking_keeps_the_plan_approved_and_other_edits_do_not(tmp_path: Path) -> None:
    folder = spec_folder(tmp_path)
    approve_all(tmp_path)
    assert tasks_state(tmp_path) == "approved"
    workspace = Workspace(tmp_path)
    for task, status in (("1", TaskStatus.DONE), ("2.1", TaskStatus.DONE),
                         ("2.1", TaskStatus.TODO), ("2.2", TaskStatus.IN_PROGRESS)):
        change_task_status(workspace, "calc", task, status, timeout=60)
        assert tasks_state(tmp_path) == "approved", (task, status)
    text = (folder / "tasks.md").read_text()
    assert "- [x] 1. Set up" in text and "- [-]* 2.2" in text
    # the optional marker is content, not state
    (folder / "tasks.md").write_text(text.replace("- [-]* 2.2", "- [-] 2.2"))
    assert tasks_state(tmp_path) == "edited"
    (folder / "tasks.md").write_text(text.replace("Set up the project", "Set up the repo"))
    assert tasks_state(tmp_path) == "edited"
    # a box inside a code block is example text
    (folder / "tasks.md").write_text(text.replace("- [x] 9.", "- [ ] 9."))
    assert tasks_state(tmp_path) == "edited"


@pytest.mark.req("traceability", "10.6")
def test_approvals_recorded_with_the_old_full_text_hash_keep_working(tmp_path: Path) -> None:
    folder = spec_folder(tmp_path)
    approve_all(tmp_path)
    config = folder / ".config.kiro"
    data = json.loads(config.read_text())
    old_hash = document_hash((folder / "tasks.md").read_bytes())
    assert data["specloom"]["approvals"]["tasks"]["sha256"] != old_hash  # the plan has ticks
    data["specloom"]["approvals"]["tasks"]["sha256"] = old_hash  # as an older specloom wrote
    config.write_text(json.dumps(data))
    assert tasks_state(tmp_path) == "approved"  # the bytes still match the old hash

    # specloom ticks a box: the old record is re-recorded checkbox-blind first
    assert upgrade_tasks_approval(folder) is True
    assert upgrade_tasks_approval(folder) is False  # once
    stored = json.loads(config.read_text())["specloom"]["approvals"]["tasks"]["sha256"]
    assert stored == document_hash(checkbox_blind((folder / "tasks.md").read_bytes()))
    change_task_status(Workspace(tmp_path), "calc", "1", TaskStatus.DONE, timeout=60)
    assert tasks_state(tmp_path) == "approved"


@pytest.mark.req("traceability", "10.6")
def test_a_plan_approved_with_every_box_open_has_the_same_hash_both_ways(
        tmp_path: Path) -> None:
    open_plan = "# Implementation Plan\n\n- [ ] 1. Set up\n  - [ ] 1.1 Write it\n"
    assert checkbox_blind(open_plan.encode()) == open_plan.encode()
    crlf = b"- [x] 1. Set up\r\n- [] 2. Next\r\n"
    assert checkbox_blind(crlf) == b"- [ ] 1. Set up\r\n- [ ] 2. Next\r\n"
    assert checkbox_blind(b"\xff\xfe- [x] 1.") == b"\xff\xfe- [x] 1."  # not UTF-8: as is


# -- properties --------------------------------------------------------------------------------

titles = st.text(alphabet="abcdefgh _`*.:", min_size=1, max_size=12).map(str.strip).filter(
    lambda t: bool(t) and not t.startswith(("*", "`")))
marks = st.sampled_from([" ", "x", "X", "-", "~", ""])


@st.composite
def plans(draw: st.DrawFn) -> str:
    lines = ["# Implementation Plan", ""]
    for number in range(1, draw(st.integers(1, 4)) + 1):
        lines.append(f"- [{draw(marks)}] {number}. {draw(titles)}")
        for sub in range(1, draw(st.integers(0, 3)) + 1):
            star = "*" if draw(st.booleans()) else ""
            lines.append(f"  - [{draw(marks)}]{star} {number}.{sub} {draw(titles)}")
            if draw(st.booleans()):
                lines.append(f"    - _Requirements: 1.{sub}_")
        lines.append("")
    return "\n".join(lines)


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.req("traceability", "10.6")
@SETTINGS
@given(plan=plans(), data=st.data())
def test_any_checkbox_change_keeps_the_plan_approved(plan: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = spec_folder(root, plan)
        approve_all(root)
        spans = box_spans(plan)
        new_marks = data.draw(st.lists(marks, min_size=len(spans), max_size=len(spans)))
        changed = plan
        for (start, end), mark in reversed(list(zip(spans, new_marks, strict=True))):
            changed = changed[:start] + mark + changed[end:]
        (folder / "tasks.md").write_text(changed)
        assert tasks_state(root) == "approved"


@pytest.mark.req("traceability", "10.7")
@SETTINGS
@given(plan=plans(), data=st.data())
def test_any_other_change_marks_the_plan_edited(plan: str, data: st.DataObject) -> None:
    spans = box_spans(plan)
    marked = {i for start, end in spans for i in range(start, end)}
    empty_boxes = {start for start, end in spans if start == end}
    # anywhere, or right beside a box (its brackets and the optional marker `*` after it)
    beside = sorted({i for start, end in spans for i in (start - 1, end, end + 1)})
    positions = st.one_of(st.integers(0, len(plan) - 1), st.sampled_from(beside))
    kind = data.draw(st.sampled_from(["insert", "delete", "replace", "optional"]))
    if kind == "optional":  # the `*` after a box is content: add or remove it
        at = data.draw(st.sampled_from([end + 1 for _, end in spans]))
        changed = plan[:at] + plan[at + 1:] if plan[at] == "*" else plan[:at] + "*" + plan[at:]
    elif kind == "insert":
        at = data.draw(positions.filter(lambda i: i not in empty_boxes))
        changed = plan[:at] + data.draw(st.sampled_from(list("x *-[]\n`a"))) + plan[at:]
    else:
        at = data.draw(positions.filter(lambda i: i not in marked))
        if kind == "delete":
            changed = plan[:at] + plan[at + 1:]
        else:
            char = data.draw(st.sampled_from(list("x *-[]\n`a")).filter(lambda c: c != plan[at]))
            changed = plan[:at] + char + plan[at + 1:]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = spec_folder(root, plan)
        approve_all(root)
        (folder / "tasks.md").write_text(changed)
        assert tasks_state(root) == "edited", (plan, changed)


@pytest.mark.req("traceability", "10.7")
def test_an_unknown_mark_in_a_box_is_an_edit_not_a_status() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = spec_folder(root, "- [] 1. Build it\n")
        approve_all(root)
        (folder / "tasks.md").write_text("- [[] 1. Build it\n")
        assert tasks_state(root) != "approved"
