"""A real MCP client session against `specloom mcp` over stdio, on a copy of examples/bookshelf."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp.client.session import ClientSession
from mcp_helpers import copy_bookshelf, specloom_argv, stdio_session, text_of

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def bookshelf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_bookshelf(tmp_path_factory.mktemp("stdio"))


@pytest.fixture(scope="module")
async def session(bookshelf: Path) -> AsyncIterator[ClientSession]:
    async with stdio_session(bookshelf) as client:
        yield client


async def call_json(session: ClientSession, tool: str, **arguments: Any) -> Any:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, text_of(result)
    return json.loads(text_of(result))


@pytest.mark.req("mcp-and-integrations", "1.1", "3.1", "3.2")
async def test_lists_tools_resources_and_prompts(session: ClientSession) -> None:
    tools = {t.name for t in (await session.list_tools()).tools}
    assert {"list_specs", "read_spec_document", "check", "trace", "verify", "next_task",
            "set_task_status", "steering_for_path"} <= tools
    uris = {str(r.uri) for r in (await session.list_resources()).resources}
    assert "spec://book-loans/requirements.md" in uris
    templates = (await session.list_resource_templates()).resource_templates
    assert any(t.uri_template == "spec://{spec}/{document}" for t in templates)
    prompts = {p.name for p in (await session.list_prompts()).prompts}
    assert {"spec-requirements", "spec-design", "spec-tasks"} <= prompts


@pytest.mark.req("mcp-and-integrations", "1.2")
async def test_list_specs_and_check_match_the_cli(session: ClientSession,
                                                   bookshelf: Path) -> None:
    import subprocess

    listed = await call_json(session, "list_specs")
    assert [s["name"] for s in listed["specs"]] == [
        "book-loans", "fee-rounding-fix", "overdue-reminders"]
    over_mcp = await call_json(session, "check")
    cli = subprocess.run(specloom_argv(bookshelf, "check", "--format", "json"),
                         capture_output=True, text=True, check=False, timeout=60)
    assert over_mcp == json.loads(cli.stdout)


@pytest.mark.req("mcp-and-integrations", "3.3", "3.4")
async def test_trace_resource_and_prompt(session: ClientSession, bookshelf: Path) -> None:
    traced = await call_json(session, "trace", specs=["book-loans"])
    assert traced["specs"][0]["name"] == "book-loans"
    read = await session.read_resource("spec://book-loans/requirements.md")
    on_disk = (bookshelf / ".kiro/specs/book-loans/requirements.md").read_text()
    assert read.contents[0].text == on_disk  # type: ignore[union-attr]
    prompt = await session.get_prompt("spec-design", {"spec": "book-loans"})
    assert "design.md" in prompt.messages[0].content.text  # type: ignore[union-attr]


@pytest.mark.req("mcp-and-integrations", "2.1", "2.2")
async def test_errors_carry_the_cli_message(session: ClientSession) -> None:
    result = await session.call_tool("check", {"specs": ["book-loan"]})
    assert result.is_error
    assert "no spec named 'book-loan'; did you mean book-loans?" in text_of(result)
    bad = await session.call_tool("read_spec_document",
                                  {"spec": "book-loans", "document": "secrets.txt"})
    assert bad.is_error and "unknown document 'secrets.txt'" in text_of(bad)
    wrong_type = await session.call_tool("next_task", {"spec": 42})
    assert wrong_type.is_error


@pytest.mark.req("mcp-and-integrations", "1.3")
async def test_next_task_has_full_context(session: ClientSession) -> None:
    data = await call_json(session, "next_task", spec="book-loans")
    assert data["task"]["id"] == "4.2"
    assert [c["id"] for c in data["criteria"]] == ["5.5", "5.6", "5.7", "5.8"]
    assert data["criteria"][0]["text"].startswith("WHEN the Fee_Calculator produces a fee")
    assert data["requirements"].startswith("# Requirements Document")
    assert "## Correctness Properties" in data["design"]
    assert '<steering name="product"' in data["steering"]
    assert ".kiro/steering/product.md (always)" in data["steering_note"]
    chosen = await call_json(session, "next_task", spec="book-loans", task_id="1")
    assert "src/bookshelf/catalog.py" in chosen["files"]


@pytest.mark.req("mcp-and-integrations", "1.4")
async def test_steering_for_path(session: ClientSession) -> None:
    data = await call_json(session, "steering_for_path", path="src/bookshelf/loans.py")
    assert '<steering name="api-style"' in data["steering"]
    assert "fileMatch" in data["note"]


@pytest.mark.req("mcp-and-integrations", "2.3", "2.4")
async def test_done_refused_unless_criteria_verify(session: ClientSession,
                                                    bookshelf: Path) -> None:
    tasks = bookshelf / ".kiro/specs/book-loans/tasks.md"
    before = tasks.read_text()
    try:
        moved = await call_json(session, "set_task_status", spec="book-loans", task_id="1",
                                status="in-progress")
        assert (moved["before"], moved["after"]) == ("done", "in-progress")
        refused = await session.call_tool("set_task_status", {
            "spec": "book-loans", "task_id": "1", "status": "done"})
        assert refused.is_error
        # task 1 cites 1.2, 1.4 and 2.4; nothing links a test to 1.4 or 2.4
        assert "task 1 of book-loans is not done: 1.4, 2.4 have no linked test (link each " \
            "with @pytest.mark.req(\"book-loans\", \"1.4\")" in text_of(refused)
        assert "run 'specloom verify book-loans' for details" in text_of(refused)
        # 2.3 cites 1.2, 1.3 and 4.2, which its property test verifies
        await call_json(session, "set_task_status", spec="book-loans", task_id="2.3",
                        status="todo")
        done = await call_json(session, "set_task_status", spec="book-loans", task_id="2.3",
                               status="done")
        assert done["after"] == "done"
    finally:
        tasks.write_text(before)

