"""Resume: a run killed with SIGKILL mid-task leaves every file intact and the next run
continues the task from its record."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic_ai.messages import ModelMessage, ToolCallPart
from run_kit import GOOD_ADD, TASKS, Script, make_project, paths, report

from specloom.agent.runner import RunOptions, TaskRunner
from specloom.spec.loader import load_spec
from specloom.spec.workspace import Workspace

SCRIPT = Path(__file__).with_name("slow_run_script.py")


def wait_for(path: Path, process: subprocess.Popen[bytes], log: Path,
             seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            out = log.read_text()
            raise AssertionError(f"the run ended early ({process.returncode}):\n{out}")
        if time.monotonic() > deadline:
            raise AssertionError("the scripted model never reached its sleep")
        time.sleep(0.05)


def tool_calls(messages: list[ModelMessage]) -> list[str]:
    return [p.tool_name for m in messages for p in m.parts if isinstance(p, ToolCallPart)]


@pytest.mark.req("task-runner", "4.2", "4.3")
def test_sigkill_mid_task_leaves_files_intact_and_the_next_run_resumes(
        tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)
    marker, log = tmp_path / "sleeping", tmp_path / "log.txt"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(SCRIPT), str(root), str(home), str(marker)],
            stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for(marker, process, log)
        time.sleep(0.2)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL

    # tasks.md intact apart from the checkbox; the agent's write is whole; the record readable
    tasks_text = (root / ".kiro/specs/calc/tasks.md").read_text()
    assert tasks_text == TASKS.replace("- [ ] 1.", "- [-] 1.", 1)
    assert (root / "calc.py").read_text() == GOOD_ADD
    record = json.loads((root / ".kiro/specloom/runs/killed-run/tasks/1.json").read_text())
    assert record["state"] == "running"
    assert not list((root / ".kiro/specs/calc").glob(".*.tmp"))

    # the next run resumes the in-progress task with its history, and it gets verified
    model = Script([report(True, "add was written before the crash; tests pass")])
    result = TaskRunner(Workspace(root), model.model,
                        RunOptions(spec="calc", home=home)).run()
    assert [o.state for o in result.outcomes] == ["verified"]
    assert result.outcomes[0].resumed_from == "killed-run"
    seen_history = model.seen[0][0]
    assert "write_file" in tool_calls(seen_history)
    assert "Continue task 1" in str(seen_history[-1].parts[-1])
    tasks = load_spec(Workspace(root), "calc").tasks
    assert tasks is not None and tasks.task("1").status.value == "done"  # type: ignore[union-attr]


@pytest.mark.req("task-runner", "4.4")
def test_ctrl_c_stops_cleanly_and_records_the_interruption(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    make_project(root)

    def interrupt(*_args: object) -> None:
        raise KeyboardInterrupt

    model = Script([interrupt])  # type: ignore[list-item]
    options = RunOptions(spec="calc", home=home, run_id="ctrl-c")
    try:
        TaskRunner(Workspace(root), model.model, options).run()
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("KeyboardInterrupt was swallowed")
    record = json.loads((root / ".kiro/specloom/runs/ctrl-c/tasks/1.json").read_text())
    assert record["state"] == "interrupted"
    summary = json.loads((root / ".kiro/specloom/runs/ctrl-c/run.json").read_text())
    assert "interrupted" in summary["stopped"]
    tasks = load_spec(Workspace(root), "calc").tasks  # the box is back to what it was (4.7)
    assert tasks is not None and tasks.task("1").status.value == "todo"  # type: ignore[union-attr]
