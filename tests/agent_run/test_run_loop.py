"""The task loop end to end: a scripted model calls the real tools in a real git project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic_ai.messages import ModelMessagesTypeAdapter
from run_kit import GOOD_ADD, Script, implement, make_project, paths, report

from specloom.agent.checkpoints import CheckpointStore
from specloom.agent.runner import RunOptions, TaskRunner
from specloom.spec.loader import load_spec
from specloom.spec.tasks import TaskStatus
from specloom.spec.workspace import Workspace


def statuses(root: Path) -> dict[str, TaskStatus]:
    tasks = load_spec(Workspace(root), "calc").tasks
    assert tasks is not None
    return {t.id: t.status for t in tasks.tasks}


def runner(root: Path, model: Script, home: Path, **options: object) -> TaskRunner:
    lines: list[str] = []
    made = TaskRunner(Workspace(root), model.model,
                      RunOptions(spec="calc", home=home, **options),  # type: ignore[arg-type]
                      progress=lines.append)
    made.progress_lines = lines  # type: ignore[attr-defined]
    return made


@pytest.mark.req("task-runner", "1.1", "2.2", "4.1", "9.1")
def test_scripted_agent_implements_the_task_and_it_is_ticked(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    model = Script(implement(GOOD_ADD, "added add()"))
    run = runner(root, model, home)
    result = run.run()

    assert [o.state for o in result.outcomes] == ["verified"]
    assert statuses(root)["1"] is TaskStatus.DONE
    assert statuses(root)["2"] is TaskStatus.TODO
    assert (root / "calc.py").read_text() == GOOD_ADD
    record_file = root / f".kiro/specloom/runs/{result.run_id}/tasks/1.json"
    record = json.loads(record_file.read_text())
    assert record["state"] == "verified"
    assert record["verification"]["criteria"] == {"1.1": "verified"}
    messages = ModelMessagesTypeAdapter.validate_python(record["messages"])
    assert any(getattr(p, "tool_name", None) == "write_file" for m in messages for p in m.parts)
    tools = {t.name for t in model.seen[0][1].function_tools}
    assert tools == {"read_file", "list_dir", "search", "write_file", "edit_file", "run_command"}
    assert "1. WHEN two integers are given, THE Calculator SHALL return their sum." in (
        model.seen[0][1].instructions or "")
    progress = run.progress_lines  # type: ignore[attr-defined]
    assert any("tool write_file calc.py" in line for line in progress)
    assert result.outcomes[0].usage["requests"] == 3
    labels = [c.label for c in CheckpointStore(Workspace(root)).list()]
    assert {"before task 1", "task 1 turn 1", "task 1 turn 3"} <= set(labels)


@pytest.mark.req("task-runner", "2.1", "2.3")
def test_model_says_done_but_tests_fail_so_task_stays_in_progress(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    model = Script(implement("def add(a, b):\n    return a - b\n", "done, trust me"))
    result = runner(root, model, home).run()

    outcome = result.outcomes[0]
    assert outcome.state == "unverified"
    assert statuses(root)["1"] is TaskStatus.IN_PROGRESS
    assert "test command" in (outcome.reason or "")
    assert "task 1 of calc is not done: 1.1 failing (tests/test_calc.py::test_add: assert " \
        in (outcome.reason or "")
    record = json.loads((root / f".kiro/specloom/runs/{result.run_id}/tasks/1.json").read_text())
    assert record["state"] == "unverified"
    assert record["claim"] == {"done": True, "summary": "done, trust me"}
    assert "1.1 failing" in record["reason"]


@pytest.mark.req("task-runner", "2.5")
def test_nothing_can_verify_keeps_task_open_with_the_reason(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    tasks = "# Implementation Plan\n\n- [ ] 1. Write a README\n"
    make_project(root, tasks=tasks, test_command=None)
    model = Script([report(True, "wrote it")])
    result = runner(root, model, home).run()

    assert result.outcomes[0].state == "unverified"
    assert "nothing can verify" in (result.outcomes[0].reason or "")
    assert statuses(root)["1"] is TaskStatus.IN_PROGRESS


@pytest.mark.req("task-runner", "2.4")
def test_agent_not_done_keeps_task_open(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    result = runner(root, Script([report(False, "blocked on a question")]), home).run()
    assert result.outcomes[0].state == "not-done"
    assert "blocked on a question" in (result.outcomes[0].reason or "")
    assert statuses(root)["1"] is TaskStatus.IN_PROGRESS


@pytest.mark.req("task-runner", "1.4")
def test_all_stops_at_the_first_unverifiable_task(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    model = Script([*implement(GOOD_ADD), report(True, "subtract done (it is not)")])
    result = runner(root, model, home, all=True).run()

    assert [o.state for o in result.outcomes] == ["verified", "unverified"]
    assert ("2.1 untested (tests/test_calc.py::test_subtract skipped: not implemented yet)"
            in (result.outcomes[1].reason or ""))
    assert statuses(root) == {"1": TaskStatus.DONE, "2": TaskStatus.IN_PROGRESS,
                              "3": TaskStatus.TODO}
    assert result.stopped is not None and "task 2" in result.stopped


@pytest.mark.req("task-runner", "1.5")
def test_keep_going_continues_past_an_unverifiable_task(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    both = GOOD_ADD + "def multiply(a, b):\n    return a * b\n"
    model = Script([*implement(GOOD_ADD), report(True, "not really"), *implement(both)])
    result = runner(root, model, home, all=True, keep_going=True).run()

    assert [o.state for o in result.outcomes] == ["verified", "unverified", "verified"]
    assert statuses(root) == {"1": TaskStatus.DONE, "2": TaskStatus.IN_PROGRESS,
                              "3": TaskStatus.DONE}
    assert result.usage["requests"] == 7


@pytest.mark.req("task-runner", "1.6")
def test_checkpoint_task_runs_the_test_command_without_a_model(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    tasks = ("# Implementation Plan\n\n- [x] 1. Implement add\n  - _Requirements: 1.1_\n\n"
             "- [ ] 2. Checkpoint - make sure all tests pass\n")
    make_project(root, tasks=tasks, extra={"calc.py": GOOD_ADD})
    result = runner(root, Script([]), home).run()
    assert [o.state for o in result.outcomes] == ["verified"]
    assert statuses(root)["2"] is TaskStatus.DONE


@pytest.mark.req("task-runner", "2.6")
def test_failing_checkpoint_stops_even_with_keep_going(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    tasks = ("# Implementation Plan\n\n- [ ] 1. Checkpoint - make sure all tests pass\n\n"
             "- [ ] 2. Implement add\n  - _Requirements: 1.1_\n")
    make_project(root, tasks=tasks, extra={"calc.py": "def add(a, b):\n    return 0\n"})
    result = runner(root, Script([]), home, all=True, keep_going=True).run()
    assert [o.state for o in result.outcomes] == ["checkpoint-failed"]
    assert "failed" in (result.outcomes[0].reason or "")
    assert statuses(root) == {"1": TaskStatus.IN_PROGRESS, "2": TaskStatus.TODO}
