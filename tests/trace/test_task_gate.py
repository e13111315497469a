"""The task gate: one rule, one message, for the CLI, the MCP server and the task runner.

Real components throughout: a git project with a real pytest suite, `specloom` as a
subprocess, a real MCP session over stdio, and the task runner with a scripted model.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from trace_helpers import git, write_files

from specloom.spec.loader import load_spec
from specloom.spec.task_status import TaskStatusError
from specloom.spec.tasks import TaskStatus
from specloom.spec.workspace import Workspace
from specloom.trace.task_gate import GateRefused, change_task_status, check_task_done

REQUIREMENTS = """\
# Requirements Document

## Requirements

### Requirement 1: Add an item
**User Story:** As a shopper, I want to add items, so that I can buy them.

#### Acceptance Criteria
1. WHEN a shopper adds an in-stock item, THE Cart_Service SHALL store it with quantity 1.
2. WHEN a shopper adds an item twice, THE Cart_Service SHALL store it with quantity 2.
3. IF the item is out of stock, THEN THE Cart_Service SHALL reject the request.

### Requirement 2: Remove an item
**User Story:** As a shopper, I want to remove items, so that I buy only what I need.

#### Acceptance Criteria
1. WHEN a shopper removes an item, THE Cart_Service SHALL delete it from the cart.
2. WHEN a shopper removes an absent item, THE Cart_Service SHALL leave the cart unchanged.
"""

DESIGN = """\
# Design Document

## Correctness Properties

### Property 1: Removing twice is removing once
*For any* cart, removing an item twice leaves the same cart as removing it once.
**Validates: Requirements 2.2**
"""

TASKS = """\
# Implementation Plan

- [ ] 1. Set up the project

- [ ] 2. Implement add
  - [ ] 2.1 Add items
    - _Requirements: 1.2, 1.3_
"""

FAILING_TEST = """\
import pytest


@pytest.mark.req("cart", "1.2")
def test_add():
    assert 1 == 2
"""

EXPECTED = (
    "task 2.1 of cart is not done: 1.2 failing (tests/test_cart.py::test_add: assert 1 == 2); "
    "1.3 has no linked test (link one with @pytest.mark.req(\"cart\", \"1.3\") on a test, or a "
    "`# specloom: cart 1.3` comment in one); run 'specloom verify cart' for details")


def project(root: Path, tasks: str = TASKS, tests: str = FAILING_TEST) -> Workspace:
    workspace = write_files(root, {
        ".kiro/specs/cart/requirements.md": REQUIREMENTS,
        ".kiro/specs/cart/design.md": DESIGN,
        ".kiro/specs/cart/tasks.md": tasks,
        "tests/test_cart.py": tests,
    })
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Ada Lovelace")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    return workspace


def specloom(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "specloom.cli.main", "--root", str(root),
                           *args], capture_output=True, text=True, check=False, timeout=300)


def statuses(root: Path) -> dict[str, TaskStatus]:
    tasks = load_spec(Workspace(root), "cart").tasks
    assert tasks is not None
    return {t.id: t.status for t in tasks.tasks}


# -- the same refusal from all three adapters --------------------------------------------------

async def _mcp_refusal(root: Path) -> tuple[bool, str]:
    argv = [sys.executable, "-m", "specloom.cli.main", "--root", str(root), "mcp"]
    params = StdioServerParameters(command=argv[0], args=argv[1:], cwd=root)
    with open(root.parent / "mcp-stderr.txt", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), \
                ClientSession(read, write, read_timeout_seconds=300) as session:
            await session.initialize()
            result = await session.call_tool("set_task_status", {
                "spec": "cart", "task_id": "2.1", "status": "done"})
    return bool(result.is_error), "".join(getattr(b, "text", "") for b in result.content)


def _runner_outcome(root: Path) -> Any:
    from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
    from pydantic_ai.models.function import AgentInfo, FunctionModel

    from specloom.agent.runner import RunOptions, TaskRunner

    def claim_done(_messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name,
                                                 {"done": True, "summary": "added items"})])

    home = root.parent / "home"
    home.mkdir(exist_ok=True)
    runner = TaskRunner(Workspace(root), FunctionModel(claim_done),
                        RunOptions(spec="cart", task="2.1", home=home, mcp=False))
    return runner.run()


@pytest.mark.req("traceability", "10.1", "10.2", "10.3")
def test_cli_mcp_and_runner_refuse_with_one_message(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    project(root)
    tasks_file = root / ".kiro/specs/cart/tasks.md"
    before = tasks_file.read_bytes()

    cli = specloom(root, "task", "cart", "2.1", "--status", "done")
    assert cli.returncode == 1
    refusal = [line for line in cli.stderr.splitlines() if line.startswith("specloom: error: ")]
    assert refusal == [f"specloom: error: {EXPECTED}"]
    assert "--force REASON" in cli.stderr
    assert tasks_file.read_bytes() == before

    is_error, over_mcp = anyio.run(_mcp_refusal, root)
    assert is_error
    assert over_mcp == f"Error executing tool set_task_status: {EXPECTED}"
    assert tasks_file.read_bytes() == before

    report = _runner_outcome(root)
    (outcome,) = report.outcomes
    assert outcome.state == "unverified"
    assert outcome.reason == EXPECTED  # no run-test-command: the gate's message alone
    assert outcome.unlinked == ["1.3"]
    record = json.loads((root / f".kiro/specloom/runs/{report.run_id}/tasks/2.1.json")
                        .read_text())
    assert record["verification"]["gate"]["message"] == EXPECTED
    # the runner started the task ([-]); the refusal leaves it there, never [x]
    assert statuses(root)["2.1"] is TaskStatus.IN_PROGRESS
    assert statuses(root)["2"] is TaskStatus.IN_PROGRESS


# -- which criteria count ----------------------------------------------------------------------

PLAN = """\
# Implementation Plan

- [ ] 1. Set up the project

- [ ] 2. Implement add and remove
  - _Requirements: 1.1_
  - [x] 2.1 Add items
    - _Requirements: 1.2_
  - [ ] 2.2 Remove items
    - _Requirements: 2_
  - [ ]* 2.3 Write property test for removing twice
    - **Property 1: Removing twice is removing once**
    - _Requirements: 1.3_

- [ ] 3. Tidy up
  - _Requirements: 9.9_
"""


@pytest.mark.req("traceability", "10.1", "10.2")
def test_the_rule_counts_required_sub_tasks_and_completed_parents(tmp_path: Path) -> None:
    workspace = project(tmp_path / "shop", tasks=PLAN, tests="")
    # a parent: its own citations and its required sub-tasks', never the optional 2.3's
    parent = check_task_done(workspace, "cart", "2", timeout=60)
    assert parent.tasks == ("2", "2.1", "2.2")
    assert [c.id for c in parent.criteria] == ["1.1", "1.2", "2.1", "2.2"]  # "2" is 2.1, 2.2
    assert {c.status for c in parent.criteria} == {"unlinked"}
    assert parent.message is not None
    assert "1.1, 1.2, 2.1, 2.2 have no linked test (link each with " \
        "@pytest.mark.req(\"cart\", \"1.1\")" in parent.message
    # the last required sub-task also ticks its parent, so the parent's own citation counts
    last = check_task_done(workspace, "cart", "2.2", timeout=60)
    assert last.tasks == ("2.2", "2")
    assert [c.id for c in last.criteria] == ["2.1", "2.2", "1.1"]
    # an optional sub-task marked done: its own citations, a property's through design.md
    optional = check_task_done(workspace, "cart", "2.3", timeout=60)
    assert [c.id for c in optional.criteria] == ["1.3", "2.2"]
    # a citation that names no criterion blocks
    dangling = check_task_done(workspace, "cart", "3", timeout=60)
    assert [(c.id, c.status) for c in dangling.criteria] == [("9.9", "unknown")]
    assert dangling.message == (
        "task 3 of cart is not done: 9.9 is cited but names no criterion in "
        ".kiro/specs/cart/requirements.md (fix the citation in task 3 or its sub-tasks); "
        "run 'specloom verify cart' for details")


@pytest.mark.req("traceability", "10.1")
def test_a_task_citing_no_criteria_passes_with_a_note(tmp_path: Path) -> None:
    from specloom.mcp_server import tools

    workspace = project(tmp_path / "shop")
    verdict = check_task_done(workspace, "cart", "1", timeout=60)
    assert verdict.passed and verdict.criteria == ()
    assert verdict.note == "task 1 cites no criteria; nothing to verify"
    done = tools.set_task_status(workspace, "cart", "1", "done")
    assert done["after"] == "done"
    assert done["gate"]["note"] == "task 1 cites no criteria; nothing to verify"
    with pytest.raises(GateRefused) as refused:
        change_task_status(workspace, "cart", "2.1", TaskStatus.DONE, timeout=60)
    assert str(refused.value) == EXPECTED
    with pytest.raises(TaskStatusError, match=r"no task '7' in \.kiro/specs/cart/tasks\.md"):
        tools.set_task_status(workspace, "cart", "7", "done")


# -- --force, the ledger and `list` ------------------------------------------------------------

@pytest.mark.req("traceability", "10.4", "10.5")
def test_force_records_the_reason_and_list_shows_it(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    project(root)
    ledger = root / ".kiro/specloom/trace/forced.json"

    empty = specloom(root, "task", "cart", "2.1", "--status", "done", "--force", "  ")
    assert empty.returncode == 2 and "--force needs a reason" in empty.stderr
    wrong = specloom(root, "task", "cart", "2.1", "--status", "todo", "--force", "why")
    assert wrong.returncode == 2 and "--force applies only to --status done" in wrong.stderr
    assert not ledger.exists()

    forced = specloom(root, "task", "cart", "2.1", "--status", "done",
                      "--force", "upstream fix pending, see #12")
    assert forced.returncode == 0, forced.stderr
    assert "task 2.1 todo -> done" in forced.stdout and "FORCED" in forced.stdout
    assert statuses(root)["2.1"] is TaskStatus.DONE
    entry = json.loads(ledger.read_text())["specs"]["cart"]["2.1"]
    assert entry["reason"] == "upstream fix pending, see #12"
    assert entry["user"] == "Ada Lovelace"
    assert entry["at"].endswith("+00:00") and len(entry["commit"]) == 40
    assert [(c["id"], c["status"]) for c in entry["criteria"]] == [
        ("1.2", "failing"), ("1.3", "unlinked")]
    assert entry["message"] == EXPECTED

    listed = specloom(root, "list")
    assert listed.returncode == 0
    assert ("cart 2.1 FORCED by Ada Lovelace at " in listed.stdout
            and ': "upstream fix pending, see #12" (not verified: 1.2 failing, 1.3 unlinked)'
            in listed.stdout)
    rows = json.loads(specloom(root, "list", "--json").stdout)["specs"]
    assert [(f["task"], f["reason"]) for f in rows[0]["forced"]] == [
        ("2.1", "upstream fix pending, see #12")]

    # reopened: no longer shown; done again through the gate: the entry is dropped
    assert specloom(root, "task", "cart", "2.1", "--status", "todo").returncode == 0
    assert json.loads(specloom(root, "list", "--json").stdout)["specs"][0]["forced"] == []
    (root / "tests/test_cart.py").write_text(
        'import pytest\n\n\n@pytest.mark.req("cart", "1.2", "1.3")\ndef test_add():\n'
        '    assert 1 + 1 == 2\n')
    honest = specloom(root, "task", "cart", "2.1", "--status", "done", "--json")
    assert honest.returncode == 0, honest.stderr
    data = json.loads(honest.stdout)
    assert data["gate"]["passed"] and data["forced"] is None
    assert [c["status"] for c in data["gate"]["criteria"]] == ["verified", "verified"]
    assert json.loads(ledger.read_text())["specs"] == {}
