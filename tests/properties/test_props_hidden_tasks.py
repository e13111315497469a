"""Property: task-like lines in HTML comments and code are text, never tasks.

A tasks.md is built from real task lines (top-level tasks, some with sub-tasks) with regions
between them that hold task-like lines reusing the same ids: HTML comments (one line or
several), fenced code (backticks or tildes) and indented code (after a heading and a blank
line, where it cannot be a list continuation). `with_status` on any real task must change
checkbox characters of real task lines only (the task's own, and its parents' as they
follow their sub-tasks), and never a line inside those regions.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specloom.spec.source import SourceText
from specloom.spec.tasks import TaskStatus, parse_tasks, with_status

MARKS = st.sampled_from([" ", "x", "X", "-", "~", ""])
REAL_MARKS = st.sampled_from([" ", "x", "-", ""])
STATUSES = st.sampled_from(list(TaskStatus))


@st.composite
def fake_lines(draw: st.DrawFn, ids: list[str], min_indent: int = 0) -> list[str]:
    """Task-like lines reusing real ids, with any box, bullet and indentation."""
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        indent = " " * draw(st.integers(min_indent, min_indent + 6))
        bullet = draw(st.sampled_from("-*+"))
        ident = draw(st.sampled_from(ids))
        lines.append(f"{indent}{bullet} [{draw(MARKS)}] {ident}. Hidden {ident}")
    return lines


@st.composite
def region(draw: st.DrawFn, ids: list[str]) -> list[str]:
    kind = draw(st.sampled_from(["comment-line", "comment-block", "backticks", "tildes",
                                 "indented"]))
    if kind == "indented":
        return ["## Example", "", *draw(fake_lines(ids, min_indent=4)), ""]
    inner = draw(fake_lines(ids))
    if kind == "comment-line":
        return [f"<!-- {line.strip()} -->" for line in inner]
    if kind == "comment-block":
        return ["<!--", *inner, "-->"]
    fence = "```" if kind == "backticks" else "~~~"
    return [fence + draw(st.sampled_from(["", "markdown", "md"])), *inner, fence]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[int], list[str]]:
    """(text, line numbers of the real task lines, ids of the real tasks)."""
    groups: list[list[str]] = []  # per top-level task: the ids of it and its sub-tasks
    for number in range(1, draw(st.integers(1, 4)) + 1):
        groups.append([str(number)] + [f"{number}.{sub}"
                                       for sub in range(1, draw(st.integers(0, 3)) + 1)])
    ids = [ident for group in groups for ident in group]
    lines = ["# Implementation Plan", ""]
    real: list[int] = []
    for group in groups:
        if draw(st.booleans()):
            lines += [*draw(region(ids)), ""]
        if draw(st.booleans()):
            lines += ["## Tasks", ""]
        for ident in group:
            if "." in ident:
                if draw(st.integers(0, 3)) == 0:  # comments and fences between sub-tasks too
                    lines += draw(region(ids).filter(lambda r: r[0] != "## Example"))
                optional = draw(st.sampled_from(["", "*"]))
                lines.append(f"  - [{draw(REAL_MARKS)}]{optional} {ident} Real sub-task")
            else:
                lines.append(f"- [{draw(REAL_MARKS)}] {ident}. Real task {ident}")
            real.append(len(lines))
        lines.append("")
    if draw(st.booleans()):
        lines += draw(region(ids))
    return "\n".join(lines) + "\n", real, ids


@pytest.mark.req("spec-check", "4.1")
@settings(max_examples=200, deadline=None)
@given(documents(), st.data())
def test_with_status_changes_only_the_box_of_real_tasks(
        document: tuple[str, list[int], list[str]], data: st.DataObject) -> None:
    text, real_lines, ids = document
    doc = parse_tasks(SourceText.from_text("tasks.md", text))
    assert sorted(t.id for t in doc.tasks) == sorted(ids)  # hidden lines are no tasks
    assert sorted(t.line for t in doc.tasks) == real_lines
    target = data.draw(st.sampled_from(ids))
    status = data.draw(STATUSES)

    new_text = with_status(doc, target, status)

    before, after = text.split("\n"), new_text.split("\n")
    assert len(before) == len(after)
    task = doc.task(target)
    assert task is not None
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        if old == new:
            continue
        assert number in real_lines, f"line {number} outside the real tasks changed: {old!r}"
        # only the box character changed (an empty box '[]' gets one inserted)
        start = old.index("[") + 1
        assert old[:start] == new[:start]
        assert old[start:].lstrip(" xX-~")[:1] == "]"
        assert old[start:].split("]", 1)[1] == new[start:].split("]", 1)[1]
    assert after[task.line - 1][task.mark_offset] == status.mark
    updated = parse_tasks(SourceText.from_text("tasks.md", new_text))
    assert sorted(t.line for t in updated.tasks) == real_lines
    changed = updated.task(target)
    if changed is not None and not doc.children(target):  # a parent follows its sub-tasks
        assert changed.status is status
