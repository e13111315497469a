""""The next open leaf task" is one rule (`TasksDoc.next_open`), and `specloom show`, the MCP
tool `next_task` and `specloom run` all answer with it, at every nesting level."""

from __future__ import annotations

import pytest

from specloom.agent.runner import runnable_tasks
from specloom.app.overview import spec_overview
from specloom.app.tasks import next_open_task, task_brief
from specloom.spec.loader import load_spec
from specloom.spec.source import SourceText
from specloom.spec.tasks import parse_tasks

from spec_fixtures import MakeWorkspace

PLAN = """\
# Implementation Plan

- [x] 1. Set up
- [ ] 2. Cart
  - [x] 2.1 Store
  - [ ]* 2.2 Property tests for the store
    - [ ] 2.2.1 Round trip
  - [ ] 2.3 Checkout
    - [x] 2.3.1 Totals
    - [ ] 2.3.2 Payment
- [ ] 3. Remove items
"""


def test_open_leaves_skip_done_parents_optional_tasks_and_what_is_under_them() -> None:
    doc = parse_tasks(SourceText.from_text(".kiro/specs/cart/tasks.md", PLAN))
    assert [t.id for t in doc.open_leaves()] == ["2.3.2", "3"]
    nxt = doc.next_open()
    assert nxt is not None and nxt.id == "2.3.2"
    assert [t.id for t in runnable_tasks(doc)] == ["2.3.2", "3"]
    assert [t.id for t in runnable_tasks(doc, "2.2.1")] == ["2.2.1"]  # named: runs anyway
    assert doc.progress() == (3, 5)  # the same required leaves: 1, 2.1, 2.3.1, 2.3.2, 3


@pytest.mark.req("mcp-and-integrations", "1.5")
def test_show_and_next_task_name_the_same_task(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace({".kiro/specs/cart/tasks.md": PLAN})
    shown = spec_overview(load_spec(workspace, "cart"))["next_task"]
    brief = task_brief(workspace, "cart")["task"]
    assert shown == {"id": "2.3.2", "title": "Payment", "status": "todo"}
    assert {key: brief[key] for key in shown} == shown
    task = next_open_task(workspace, "cart")
    assert task is not None and task.id == "2.3.2"
