"""The model-driven tools over a real stdio MCP session: a bad model string is an MCP tool
error naming the model forms (and creates nothing); approve_phase approves over the wire."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from mcp.client.session import ClientSession
from mcp_helpers import copy_bookshelf, stdio_session, text_of

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def bookshelf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_bookshelf(tmp_path_factory.mktemp("authoring-stdio"))


@pytest.fixture(scope="module")
async def session(bookshelf: Path) -> AsyncIterator[ClientSession]:
    async with stdio_session(bookshelf) as client:
        yield client


async def test_authoring_tools_are_listed(session: ClientSession) -> None:
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert {"new_spec", "next_phase", "refine_phase", "approve_phase"} <= set(tools)
    assert set(tools["new_spec"].input_schema["required"]) == {"name", "idea"}


@pytest.mark.req("mcp-and-integrations", "6.2")
async def test_unknown_model_is_a_tool_error_naming_the_forms(session: ClientSession,
                                                             bookshelf: Path) -> None:
    result = await session.call_tool("new_spec", {
        "name": "book-renewals", "idea": "Let members renew a loan once.",
        "model": "no-such-provider:x"})
    assert result.is_error
    message = text_of(result)
    assert "unknown model provider 'no-such-provider'" in message
    assert "anthropic:<model>" in message and "openai-compatible:<model>@<base_url>" in message
    assert not (bookshelf / ".kiro/specs/book-renewals").exists()


@pytest.mark.req("mcp-and-integrations", "5.4")
async def test_approve_phase_over_stdio(session: ClientSession, bookshelf: Path) -> None:
    result = await session.call_tool("approve_phase", {"spec": "book-loans"})
    assert not result.is_error, text_of(result)
    data = json.loads(text_of(result))
    assert list(data["approved"]) == ["requirements"]
    assert data["approvals"] == {"requirements": "approved", "design": "pending",
                                 "tasks": "pending"}
    config = json.loads((bookshelf / ".kiro/specs/book-loans/.config.kiro").read_text())
    assert config["specloom"]["approvals"]["requirements"]["sha256"] == \
        data["approved"]["requirements"]
    again = await session.call_tool("approve_phase", {"spec": "book-loans",
                                                      "phase": "everything"})
    assert again.is_error and "phase must be one of" in text_of(again)
