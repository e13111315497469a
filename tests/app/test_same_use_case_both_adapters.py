"""The same use case through both adapters: the CLI (`specloom.cli.main.main`, in-process) and
a real MCP session (`specloom mcp` over stdio) give the same answer, because both call
`specloom.app` and neither holds the rule itself.

On a git project whose `cart` spec has a task linked to a failing test: the task gate refuses
it with one message; the next task is the same (and is the task `specloom run` picks); a new
spec with a bad or taken name is refused with one message, before any model is involved.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from specloom.agent.runner import runnable_tasks
from specloom.cli.main import main
from specloom.spec.loader import load_spec
from specloom.spec.workspace import Workspace

pytestmark = pytest.mark.anyio

REQUIREMENTS = """\
# Requirements Document

## Requirements

### Requirement 1: Add an item
**User Story:** As a shopper, I want to add items, so that I can buy them.

#### Acceptance Criteria
1. WHEN a shopper adds an in-stock item, THE Cart_Service SHALL store it with quantity 1.
2. WHEN a shopper adds an item twice, THE Cart_Service SHALL store it with quantity 2.

### Requirement 2: Remove an item
**User Story:** As a shopper, I want to remove items, so that I buy only what I need.

#### Acceptance Criteria
1. WHEN a shopper removes an item, THE Cart_Service SHALL delete it from the cart.
"""

# 1 is done and 2.1 is optional, so the next open leaf task is 2.2, which cites 1.2
TASKS = """\
# Implementation Plan

- [x] 1. Set up the project

- [ ] 2. Implement add
  - [ ]* 2.1 Write a property test for add
  - [ ] 2.2 Add items
    - _Requirements: 1.2_

- [ ] 3. Remove items
  - _Requirements: 2.1_
"""

FAILING_TEST = """\
import pytest


@pytest.mark.req("cart", "1.2")
def test_add_twice():
    assert 1 == 2
"""

REFUSAL = ("task 2.2 of cart is not done: 1.2 failing (tests/test_cart.py::test_add_twice: "
           "assert 1 == 2); run 'specloom verify cart' for details")


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("adapters") / "shop"
    for relative, text in {".kiro/specs/cart/requirements.md": REQUIREMENTS,
                           ".kiro/specs/cart/tasks.md": TASKS,
                           "tests/test_cart.py": FAILING_TEST}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-q",
                  "-m", "start"]):
        subprocess.run(["git", *argv], cwd=root, check=True, capture_output=True)
    return root


@pytest.fixture(scope="module")
async def session(shop: Path) -> AsyncIterator[ClientSession]:
    argv = [sys.executable, "-m", "specloom.cli.main", "--root", str(shop), "mcp"]
    params = StdioServerParameters(command=argv[0], args=argv[1:], cwd=shop)
    with open(shop.parent / "mcp-stderr.txt", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), \
                ClientSession(read, write, read_timeout_seconds=300) as client:
            await client.initialize()
            yield client


def cli(capsys: pytest.CaptureFixture[str], root: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def cli_error(err: str) -> str:
    """The message of the `specloom: error: MESSAGE` line (progress lines may come before it,
    a hint for the command line after it)."""
    lines = [line for line in err.splitlines() if line.startswith("specloom: error: ")]
    assert len(lines) == 1, err
    return lines[0].removeprefix("specloom: error: ")


async def mcp(session: ClientSession, tool: str, **arguments: Any) -> tuple[bool, str]:
    """(is it a tool error, the text: JSON, or the error message without the SDK's prefix)."""
    result = await session.call_tool(tool, arguments)
    text = "".join(getattr(b, "text", "") for b in result.content)
    return bool(result.is_error), text.removeprefix(f"Error executing tool {tool}: ")


@pytest.mark.req("mcp-and-integrations", "2.1", "2.3")
async def test_the_task_gate_refuses_the_same_task_with_the_same_message(
        shop: Path, session: ClientSession, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = shop / ".kiro/specs/cart/tasks.md"
    code, _, err = cli(capsys, shop, "task", "cart", "2.2", "--status", "done")
    assert code == 1
    assert cli_error(err) == REFUSAL
    assert "pass --force REASON" in err  # the bypass only a person has, at the command line
    refused, text = await mcp(session, "set_task_status", spec="cart", task_id="2.2",
                              status="done")
    assert refused and text == REFUSAL
    assert tasks.read_text() == TASKS

    # a change the gate allows gives the same JSON both ways
    code, out, _ = cli(capsys, shop, "task", "cart", "2.2", "--status", "in-progress", "--json")
    assert code == 0
    by_cli = json.loads(out)
    tasks.write_text(TASKS)
    refused, text = await mcp(session, "set_task_status", spec="cart", task_id="2.2",
                              status="in-progress")
    assert not refused and json.loads(text) == by_cli
    assert (by_cli["before"], by_cli["after"], by_cli["parent_after"]) == (
        "todo", "in-progress", "in-progress")
    tasks.write_text(TASKS)


@pytest.mark.req("mcp-and-integrations", "1.3", "1.5")
async def test_the_next_task_is_the_same_task(shop: Path, session: ClientSession,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, shop, "show", "cart", "--json")
    assert code == 0
    by_cli = json.loads(out)["next_task"]
    refused, text = await mcp(session, "next_task", spec="cart")
    assert not refused, text
    by_mcp = json.loads(text)["task"]
    assert by_cli == {key: by_mcp[key] for key in ("id", "title", "status")}
    assert by_cli["id"] == "2.2"  # not 1 (done), not 2.1 (optional), not 2 (a parent)
    plan = load_spec(Workspace(shop), "cart").tasks
    assert plan is not None and runnable_tasks(plan)[0].id == "2.2"  # `specloom run` too


@pytest.mark.req("mcp-and-integrations", "2.1", "6.1")
@pytest.mark.parametrize(("name", "idea", "message"), [
    ("Cart Service", "Let shoppers save a cart.", "try 'cart-service'"),
    ("cart", "Let shoppers save a cart.",
     "a spec named 'cart' already exists at .kiro/specs/cart; continue it with 'specloom next "
     "cart' or choose another name"),
    ("saved-carts", "   ", "the idea is empty"),
])
async def test_a_new_spec_is_refused_the_same_way(
        shop: Path, session: ClientSession, capsys: pytest.CaptureFixture[str],
        name: str, idea: str, message: str) -> None:
    before = sorted(p.name for p in (shop / ".kiro/specs").iterdir())
    code, _, err = cli(capsys, shop, "new", name, idea, "--no-input")
    assert code == 2
    by_cli = cli_error(err)
    assert message in by_cli
    refused, by_mcp = await mcp(session, "new_spec", name=name, idea=idea)
    assert refused and by_mcp == by_cli
    assert sorted(p.name for p in (shop / ".kiro/specs").iterdir()) == before
    assert not (shop / ".kiro/specloom/runs").exists()  # refused before any model session
