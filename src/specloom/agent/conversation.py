"""One task's conversation with the agent: the model's turns, its tools, the hooks' extra turns.

The runner (runner.py) builds an `AgentConversation` for each task and calls `run`. While it
runs, the MCP servers configured in mcp.json are open and their tools are given to the model
(mcp_tools.py), unless `RunOptions.mcp` is off; a server that fails is reported on the progress
line and the task goes on without it. After every model turn a checkpoint snapshot is taken and
the run record is saved atomically; an agentStop hook that asks for more gets another round (at
most MAX_HOOK_ROUNDS). The agent's answer is only a claim (`TaskReport`): nothing here changes
task status or prints.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from specloom.agent import run_record as records
from specloom.agent.budget import Budget
from specloom.agent.context_builder import ContextBuilder
from specloom.agent.run_record import TaskRecord
from specloom.agent.run_types import RunOptions, TaskReport, as_report
from specloom.spec.tasks import Task
from specloom.spec.workspace import Workspace

if TYPE_CHECKING:
    from pydantic_ai import Agent
    from pydantic_ai.models import Model
    from pydantic_ai.tools import Tool

    from specloom.agent.hooks import HookOutcome
    from specloom.agent.tools import AgentTools
    from specloom.models.usage import UsageTotals

MAX_HOOK_ROUNDS = 3


@dataclass
class AgentConversation:
    """The agent at work on `task`; `run` returns its final report."""

    workspace: Workspace
    model: Model
    options: RunOptions
    task: Task
    record: TaskRecord
    builder: ContextBuilder
    budget: Budget
    totals: UsageTotals
    progress: Callable[[str], None]
    snapshot: Callable[[str], None]
    dispatch: Callable[..., HookOutcome]
    agent_tools: Callable[[], AgentTools]   # what MCP tool calls go through (permissions, hooks)

    def run(self, prompt: str, tools: list[Tool[Any]]) -> TaskReport:
        return asyncio.run(self._run(prompt, tools))

    async def _run(self, prompt: str, tools: list[Tool[Any]]) -> TaskReport:
        """The agent's rounds, with the MCP servers open for exactly that long."""
        async with self._mcp_tools([t.name for t in tools]) as external:
            agent = self._agent([*tools, *external])
            return await self._rounds(agent, prompt)

    @contextlib.asynccontextmanager
    async def _mcp_tools(self, taken: Sequence[str]) -> AsyncIterator[list[Tool[Any]]]:
        """The configured MCP servers' tools; a server that fails is reported and skipped."""
        if not self.options.mcp:
            yield []
            return
        from specloom.agent.mcp_tools import McpBridge
        from specloom.mcp_client.session import open_mcp_tools

        task = self.task
        async with open_mcp_tools(self.workspace, self.options.home,
                                  self.options.mcp_timeout) as listed:
            for problem in listed.problems:
                self.progress(f"task {task.id}: MCP {problem}; going on without it")
            if listed:
                servers = sorted({t.server for t in listed})
                self.progress(f"task {task.id}: {len(listed)} MCP tools from "
                              + ", ".join(servers))
            bridge = McpBridge(self.agent_tools(),
                               lambda message: self.progress(f"task {task.id}: {message}"))
            yield bridge.pydantic_ai_tools(listed, taken)

    def _agent(self, tools: Sequence[Tool[Any]]) -> Agent[None, TaskReport | str]:
        from pydantic_ai import Agent
        from pydantic_ai.capabilities import ProcessHistory

        builder, budget = self.builder, self.budget

        def instructions() -> str:
            context = builder.build()  # fresh from disk, whole, on every turn
            budget.instructions_tokens = context.tokens
            return context.instructions

        return Agent(self.model, instructions=instructions, output_type=[TaskReport, str],
                     tools=list(tools),
                     capabilities=[ProcessHistory(budget.process)])

    async def _rounds(self, agent: Agent[None, TaskReport | str], prompt: str) -> TaskReport:
        from pydantic_ai.messages import repair_messages
        from pydantic_ai.usage import UsageLimits

        record = self.record
        limits = UsageLimits(request_limit=self.options.max_turns)
        report = TaskReport(done=False, summary="no answer")
        for _ in range(MAX_HOOK_ROUNDS + 1):
            # a killed run may end on tool calls that never returned: close them out
            history = repair_messages(record.messages) if record.messages else None
            async with agent.iter(prompt, message_history=history, usage_limits=limits) as run:
                async for node in run:
                    self._on_node(node)
                    record.messages = run.all_messages()
                    records.save_record(self.workspace.root, record)
                output = run.result.output if run.result is not None else None
            report = as_report(output)
            stop = self.dispatch("agentStop", task=self.task.id)
            if not stop.agent_prompts:
                break
            prompt = "\n\n".join(stop.agent_prompts)
            self.progress(f"task {self.task.id}: agentStop hook asks for another turn")
        return report

    def _on_node(self, node: Any) -> None:
        from pydantic_ai import Agent

        task, record = self.task, self.record
        if Agent.is_model_request_node(node):
            record.turns += 1
            self.snapshot(f"task {task.id} turn {record.turns}")
            size = max(self.budget.last_tokens, self.budget.instructions_tokens)
            self.progress(f"task {task.id}: turn {record.turns}, context ~{size:,} tokens, "
                          f"{self._tokens_so_far()} so far")
        elif Agent.is_call_tools_node(node):
            self.totals.add(node.model_response)
            for part in node.model_response.parts:
                name = getattr(part, "tool_name", None)
                if name is None or name == "final_result":
                    continue
                args = part.args_as_dict() if hasattr(part, "args_as_dict") else {}
                path = args.get("path") if isinstance(args, dict) else None
                if isinstance(path, str):
                    self.builder.note_paths([path])
                self.progress(f"task {task.id}: tool {name}" + (f" {path}" if path else ""))

    def _tokens_so_far(self) -> str:
        totals = self.totals
        return f"{totals.input_tokens:,} input + {totals.output_tokens:,} output tokens"
