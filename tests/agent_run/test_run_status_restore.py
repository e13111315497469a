"""A task that fails or is interrupted goes back to the box it had before it started; the
agent's file changes stay (checkpoints can undo them), and a person's edits to tasks.md made
during the task are kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo
from run_kit import GOOD_ADD, TASKS, Script, call, make_project, paths, report

from specloom.agent.runner import RunOptions, TaskRunner
from specloom.spec.workspace import Workspace

TASKS_FILE = ".kiro/specs/calc/tasks.md"

SUB_TASKS = """\
# Implementation Plan

- [ ] 1. Calculator
  - [ ] 1.1 Implement add in calc.py
    - _Requirements: 1.1_
  - [ ] 1.2 Implement subtract in calc.py
    - _Requirements: 2.1_
"""


def fail(_messages: list[ModelMessage], _info: AgentInfo) -> Any:
    raise RuntimeError("connection reset by peer")


def interrupt(_messages: list[ModelMessage], _info: AgentInfo) -> Any:
    raise KeyboardInterrupt


def write_add() -> Any:
    return call("write_file", path="calc.py", content=GOOD_ADD)


def run(root: Path, home: Path, model: Script, run_id: str = "restore") -> Any:
    options = RunOptions(spec="calc", home=home, run_id=run_id)
    return TaskRunner(Workspace(root), model.model, options).run()


@pytest.mark.req("task-runner", "4.7")
@pytest.mark.parametrize("tasks", [
    TASKS,                                         # a top-level task at [ ]
    TASKS.replace("- [ ] 1.", "- [-] 1.", 1),      # one already [-] stays [-]
    SUB_TASKS,                                     # a sub-task and the parent that followed it
], ids=["todo", "in-progress", "sub-task"])
def test_a_model_failure_mid_task_puts_the_boxes_back(tmp_path: Path, tasks: str) -> None:
    root, home = paths(tmp_path)
    make_project(root, tasks=tasks)
    result = run(root, home, Script([write_add(), fail]))

    outcome = result.outcomes[0]
    assert outcome.state == "failed"
    assert "connection reset by peer" in (outcome.reason or "")
    assert outcome.status == ("in-progress" if "[-]" in tasks else "todo")
    assert (root / TASKS_FILE).read_text() == tasks  # byte for byte, parent included
    assert (root / "calc.py").read_text() == GOOD_ADD  # the agent's work is kept


@pytest.mark.req("task-runner", "4.4", "4.7", "4.2")
def test_ctrl_c_mid_task_puts_the_box_back_and_the_next_run_resumes(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    with pytest.raises(KeyboardInterrupt):
        run(root, home, Script([write_add(), interrupt]), run_id="ctrl-c")

    assert (root / TASKS_FILE).read_text() == TASKS
    record = json.loads((root / ".kiro/specloom/runs/ctrl-c/tasks/1.json").read_text())
    assert record["state"] == "interrupted"

    # the box says [ ] again, yet the conversation is not lost: the next run continues it
    model = Script([report(True, "add was written before Ctrl-C; tests pass")])
    result = run(root, home, model, run_id="after")
    assert [o.state for o in result.outcomes] == ["verified"]
    assert result.outcomes[0].resumed_from == "ctrl-c"
    assert "Continue task 1" in str(model.seen[0][0][-1].parts[-1])


@pytest.mark.req("task-runner", "4.7")
def test_a_failure_in_the_verification_puts_the_box_back(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root, home = paths(tmp_path)
    make_project(root)

    def broken(*_args: object, **_kwargs: object) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr("specloom.agent.runner.verify_task", broken)
    with pytest.raises(OSError, match="disk full"):
        run(root, home, Script([write_add(), report(True, "done")]))
    assert (root / TASKS_FILE).read_text() == TASKS


@pytest.mark.req("task-runner", "4.7")
def test_a_persons_edits_during_the_task_are_kept(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    tasks_file = root / TASKS_FILE

    def person_edits_then_fail(messages: list[ModelMessage], info: AgentInfo) -> Any:
        text = tasks_file.read_text()
        text = text.replace("- [ ] 3.", "- [x] 3.").replace(
            "  - _Requirements: 2.1_", "  - _Requirements: 2.1_\n  - note added by hand")
        tasks_file.write_text(text)
        fail(messages, info)

    run(root, home, Script([person_edits_then_fail]))
    expected = TASKS.replace("- [ ] 3.", "- [x] 3.").replace(
        "  - _Requirements: 2.1_", "  - _Requirements: 2.1_\n  - note added by hand")
    assert tasks_file.read_text() == expected


@pytest.mark.req("task-runner", "4.7")
def test_a_box_a_person_changed_during_the_task_is_not_put_back(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    tasks_file = root / TASKS_FILE

    def person_ticks_then_fail(messages: list[ModelMessage], info: AgentInfo) -> Any:
        tasks_file.write_text(tasks_file.read_text().replace("- [-] 1.", "- [x] 1."))
        fail(messages, info)

    result = run(root, home, Script([person_ticks_then_fail]))
    assert result.outcomes[0].status == "done"
    assert tasks_file.read_text() == TASKS.replace("- [ ] 1.", "- [x] 1.", 1)
