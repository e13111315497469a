"""Context budget: older turns are summarised near the limit; spec documents never are."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from run_kit import DESIGN, REQUIREMENTS, Script, call, make_project, paths, report

from specloom.agent.budget import SUMMARY_TAG, BudgetPolicy, compact, estimate_messages
from specloom.agent.context_builder import ContextBuilder
from specloom.agent.runner import RunOptions, TaskRunner
from specloom.spec.workspace import Workspace


def turn(index: int, size: int) -> list[ModelMessage]:
    call_id = f"c{index}"
    return [ModelResponse(parts=[ToolCallPart("read_file", {"path": f"f{index}.py"},
                                              tool_call_id=call_id)]),
            ModelRequest(parts=[ToolReturnPart("read_file", "x" * size, tool_call_id=call_id)])]


def history(turns: int, size: int) -> list[ModelMessage]:
    messages: list[ModelMessage] = [ModelRequest(parts=[UserPromptPart("do task 1")])]
    for index in range(turns):
        messages.extend(turn(index, size))
    return messages


def test_compact_leaves_a_short_history_alone() -> None:
    messages = history(2, 100)
    assert compact(messages, BudgetPolicy(context_tokens=10_000)) is messages


@pytest.mark.req("task-runner", "3.5")
def test_compact_summarises_older_pairs_and_keeps_the_history_valid() -> None:
    messages = history(10, 4000)
    policy = BudgetPolicy(context_tokens=5000, keep_recent=4)
    kept = compact(messages, policy)

    assert len(kept) == 5  # the first request (with the summary) and the last two turns
    assert kept[1:] == messages[-4:]
    summary = str(kept[0].parts[-1].content)  # type: ignore[union-attr]
    assert SUMMARY_TAG in summary and "read_file" in summary and "f0.py" in summary
    assert estimate_messages(kept) < estimate_messages(messages)
    calls = {p.tool_call_id for m in kept for p in m.parts if isinstance(p, ToolCallPart)}
    returns = {p.tool_call_id for m in kept for p in m.parts if isinstance(p, ToolReturnPart)}
    assert returns <= calls
    assert compact(messages, policy) == kept  # deterministic


@pytest.mark.req("task-runner", "3.1", "3.5", "3.6")
def test_summarisation_in_a_run_keeps_spec_documents_whole(tmp_path: Path) -> None:
    root, home = paths(tmp_path)
    big = "\n".join(f"# filler line {i:04d} " + "x" * 60 for i in range(150))  # ~11k chars
    make_project(root, extra={"notes/big.txt": big})
    context = ContextBuilder(Workspace(root), "calc", "1", home=home).build()
    context_tokens = int((context.tokens + 4000) / 0.8)
    reads = [call("read_file", path="notes/big.txt") for _ in range(6)]
    model = Script([*reads, report(False, "just reading")])
    options = RunOptions(spec="calc", home=home, context_tokens=context_tokens)
    TaskRunner(Workspace(root), model.model, options).run()

    for _messages, info in model.seen:
        instructions = info.instructions or ""
        assert REQUIREMENTS.rstrip() in instructions
        assert DESIGN.rstrip() in instructions
        assert SUMMARY_TAG not in instructions
    summarised = [m for m, _ in model.seen if SUMMARY_TAG in str(m[0].parts)]
    assert summarised, "older turns were never summarised"
    assert max(len(m) for m, _ in model.seen) < 2 * len(reads)
