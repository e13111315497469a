"""The task runner: pick the next task, run the agent on it, verify, and set its status.

Before anything is read or written the model must be able to call tools (`require_tools`):
a model without them (the embedded one) could neither edit a file nor run a command.

For each task: a checkpoint snapshot, the preTaskExecution hook, `[-]` in tasks.md, the agent
loop (a snapshot and an atomic run record after every turn; promptSubmit before, agentStop
after, and another turn for each askAgent prompt), then the verification gate. `[x]` is set only
when the agent reports done AND the verification passes: the task gate (trace/task_gate.py, the
rule `specloom task` and the MCP server apply too: every cited criterion has linked tests that
pass) and the project's test command. Anything else leaves the task `[-]` with the reason shown
and recorded, except a task that failed (an exception, a failed model call) or was interrupted
(Ctrl-C): its box, and a parent's box that followed it, go back to what they were before the
task started. Checkpoint tasks only run the test command (verification.py).

While the agent runs, the MCP servers configured in mcp.json are open and their tools are given
to the model (mcp_tools.py), unless `RunOptions.mcp` is off; a server that fails is reported on
the progress line and the task goes on without it.

The model can never set status: it has no tool for it, and its "done" is only a claim. Status
changes go through `specloom.spec.task_status.set_task_status` and nothing else. This module
must not print; progress goes to the `progress` callback.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from specloom.agent import run_record as records
from specloom.agent.budget import Budget, BudgetPolicy
from specloom.agent.context_builder import ContextBuilder, TaskContextError
from specloom.agent.run_record import TaskRecord
from specloom.agent.verification import CommandResult as CommandResult
from specloom.agent.verification import TaskVerdict as TaskVerdict
from specloom.agent.verification import (
    configured_run_test_command,
    run_test_command,
    verify_task,
)
from specloom.spec.loader import Spec, load_spec
from specloom.spec.task_status import set_task_status
from specloom.spec.tasks import Task, TasksDoc, TaskStatus
from specloom.spec.workspace import Workspace

if TYPE_CHECKING:
    from pydantic_ai import Agent
    from pydantic_ai.models import Model
    from pydantic_ai.tools import Tool

    from specloom.agent.hooks import HookDispatcher, HookOutcome
    from specloom.agent.permissions import Approver, Permissions
    from specloom.agent.tools import AgentTools
    from specloom.models.usage import UsageTotals

Progress = Callable[[str], None]
ToolsFactory = Callable[["HookDispatcher"], Sequence["Tool[Any]"]]
MAX_HOOK_ROUNDS = 3


EMBEDDED_MODEL = "the embedded model (Gemma 3 270M)"
# States after which a task's box goes back to what it was: nothing the agent did was judged.
RESTORED_STATES = frozenset({records.FAILED, records.INTERRUPTED})


class RunnerError(Exception):
    """The run cannot start: unknown spec or task, unreadable tasks.md. Says what to do."""


class ModelWithoutTools(RunnerError):
    """The model cannot call tools, so an agent could neither edit files nor run commands."""


def require_tools(model: Model) -> None:
    """Raise ModelWithoutTools, saying which models to configure, unless the model's profile
    allows tool calls. Reads nothing and writes nothing."""
    if model.profile.get("supports_tools", True):
        return
    who = EMBEDDED_MODEL if model.system == "local" else f"the model {model.model_name!r}"
    raise ModelWithoutTools(
        f"{who} cannot call tools, which `specloom run` needs to edit files and run commands; "
        "nothing was changed. Configure a model that can call tools, with --model or `model` "
        "in .kiro/settings/specloom.toml: anthropic:<model>, openai:<model>, google:<model>, "
        "bedrock:<model>, ollama:<model> with a tool-capable model, or "
        "openai-compatible:<model>@<url> (see docs/models.md).")


class TaskReport(BaseModel):
    """The agent's final report. `done` is a claim; specloom verifies it."""

    done: bool = Field(description="true if you believe the task is complete")
    summary: str = Field(description="what you changed and how you tested it, or why not done")


@dataclass(frozen=True, slots=True)
class RunOptions:
    spec: str
    task: str | None = None
    all: bool = False
    keep_going: bool = False
    mode: str = "autopilot"
    max_turns: int = 40
    trust_all_tools: bool = False
    test_command: str | None = None
    verify_timeout: float = 600.0
    context_tokens: int = 128_000
    summarise_at: float = 0.8
    run_id: str | None = None
    home: Path | None = None
    mcp: bool = True                 # give the agent the tools of the servers in mcp.json
    mcp_timeout: float = 10.0


@dataclass
class TaskOutcome:
    task: str
    title: str
    state: str                      # run_record states: verified, unverified, not-done, ...
    status: str                     # the task's status in tasks.md afterwards
    reason: str | None = None
    summary: str | None = None
    turns: int = 0
    usage: dict[str, object] = field(default_factory=dict)
    unlinked: list[str] = field(default_factory=list)   # cited criteria without linked tests
    resumed_from: str | None = None

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class RunReport:
    run_id: str
    spec: str
    outcomes: list[TaskOutcome] = field(default_factory=list)
    stopped: str | None = None
    usage: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.outcomes) and all(o.state == records.VERIFIED for o in self.outcomes)

    def to_json(self) -> dict[str, object]:
        return {"schema_version": 1, "kind": "run", "run_id": self.run_id, "spec": self.spec,
                "ok": self.ok, "stopped": self.stopped, "usage": self.usage,
                "tasks": [o.to_json() for o in self.outcomes]}


# -- task selection ---------------------------------------------------------------------------

def runnable_tasks(doc: TasksDoc, named: str | None = None) -> list[Task]:
    """Open tasks in order: leaves only (sub-tasks before their parent is done), optional
    sub-tasks only when named; a named parent means its open required sub-tasks."""
    if named is not None:
        task = doc.task(named.rstrip("."))
        if task is None:
            known = ", ".join(t.id for t in doc.tasks[:20])
            raise RunnerError(f"no task {named!r} in {doc.source.path}; tasks: {known}")
        children = doc.children(task.id)
        if not children:
            return [task] if task.status is not TaskStatus.DONE else []
        return [c for c in children if not c.optional and c.status is not TaskStatus.DONE]
    return [t for t in doc.tasks
            if not doc.children(t.id) and not t.optional and t.status is not TaskStatus.DONE]


# -- the runner -------------------------------------------------------------------------------

class TaskRunner:
    """Runs the tasks of one spec with one model; see the module docstring."""

    def __init__(self, workspace: Workspace, model: Model, options: RunOptions, *,
                 progress: Progress | None = None, tools: ToolsFactory | None = None,
                 hooks: HookDispatcher | None = None, checkpoints: Any = None,
                 approver: Approver | None = None) -> None:
        self.workspace = workspace
        self.model = model
        self.options = options
        self.progress = progress or (lambda _: None)
        self.hooks = hooks if hooks is not None else _load_dispatcher(workspace)
        self.checkpoints = checkpoints if checkpoints is not None else _checkpoints(workspace)
        self.tools_factory = tools or self._default_tools
        self.approver = approver
        self.run_id = options.run_id or _new_run_id()
        self._totals: UsageTotals | None = None
        self._loaded_permissions: Permissions | None = None

    def _permissions(self) -> Permissions:
        """Commands, approval and sandbox settings, read from disk once per runner."""
        from specloom.agent.permissions import Permissions

        if self._loaded_permissions is None:
            mode = "supervised" if self.options.mode == "supervised" else "autopilot"
            self._loaded_permissions = Permissions.from_config(
                self.workspace, mode, trust_all_tools=self.options.trust_all_tools)
        return self._loaded_permissions

    # - the run -

    def run(self) -> RunReport:
        require_tools(self.model)  # before any checkpoint, record or checkbox
        report = RunReport(self.run_id, self.options.spec)
        attempted: set[str] = set()
        self._tasks_doc()  # an unknown spec or a missing plan fails before anything is written
        self._check_settings()
        try:
            while (task := self._next_task(attempted)) is not None:
                attempted.add(task.id)
                outcome = self.run_task(task)
                report.outcomes.append(outcome)
                stop = self._stop_reason(outcome)
                if stop is not None or not (self.options.all or self._named_parent()):
                    report.stopped = stop
                    break
            if not report.outcomes:
                report.stopped = "nothing to run: no open task" + (
                    f" {self.options.task}" if self.options.task else "")
        except KeyboardInterrupt:
            report.stopped = "interrupted (Ctrl-C); run again to resume"
            raise
        finally:
            report.usage = _sum_usage(report.outcomes)
            records.save_run_summary(self.workspace.root, self.run_id, report.to_json())
        return report

    def _check_settings(self) -> None:
        """Bad [tool.specloom] commands or run-test-command fail before a task starts, not
        after the agent's work (SettingsError or RunnerError, naming the file)."""
        from specloom.agent.permissions import PermissionsError

        try:
            self._permissions()  # read once per run: a mid-run edit cannot widen them
        except PermissionsError as exc:
            raise RunnerError(str(exc)) from None
        self._test_command()

    def _named_parent(self) -> bool:
        named = self.options.task
        if named is None:
            return False
        doc = self._tasks_doc()
        return bool(doc.children(named.rstrip(".")))

    def _stop_reason(self, outcome: TaskOutcome) -> str | None:
        if outcome.state in (records.FAILED, records.BLOCKED, records.INTERRUPTED):
            return f"task {outcome.task}: {outcome.reason}"
        if outcome.state == records.VERIFIED:
            return None
        if outcome.state == records.CHECKPOINT_FAILED or not self.options.keep_going:
            return f"task {outcome.task} could not be verified: {outcome.reason}"
        return None

    def _tasks_doc(self) -> TasksDoc:
        spec = self._spec()
        if spec.tasks is None:
            raise RunnerError(f"{spec.display_path}/tasks.md is missing or unreadable; "
                              "write the implementation plan first")
        return spec.tasks

    def _spec(self) -> Spec:
        if self.options.spec not in self.workspace.spec_names():
            known = ", ".join(self.workspace.spec_names()) or "none"
            raise RunnerError(f"no spec {self.options.spec!r} under .kiro/specs/ (specs: {known})")
        return load_spec(self.workspace, self.options.spec)

    def _next_task(self, attempted: set[str]) -> Task | None:
        doc = self._tasks_doc()  # fresh from disk: a person may have edited it meanwhile
        for task in runnable_tasks(doc, self.options.task):
            if task.id not in attempted:
                return task
        return None

    # - one task -

    def run_task(self, task: Task) -> TaskOutcome:
        self.progress(f"task {task.id} {task.title}: starting (run {self.run_id})")
        before = self._lineage_statuses(task)
        self._snapshot(f"before task {task.id}")
        try:
            outcome = (self._checkpoint_task(task) if task.is_checkpoint
                       else self._hooked_agent_task(task))
        except BaseException:  # Ctrl-C or an error nobody caught: the boxes go back, then out
            self._restore_statuses(task, before)
            raise
        if outcome.state in RESTORED_STATES:
            outcome.status = self._restore_statuses(task, before)
        return outcome

    def _hooked_agent_task(self, task: Task) -> TaskOutcome:
        pre = self._dispatch("preTaskExecution", task=task.id)
        self._set_status(task.id, TaskStatus.IN_PROGRESS)
        record = self._start_record(task)
        outcome = self._agent_task(task, record, pre)
        post = self._dispatch("postTaskExecution", task=task.id)
        if post.errors:
            outcome.reason = "; ".join(filter(None, [outcome.reason, *post.errors]))
        return outcome

    def _start_record(self, task: Task) -> TaskRecord:
        previous = records.latest_record(self.workspace.root, self.options.spec, task.id)
        record = TaskRecord(self.options.spec, task.id, task.title, self.run_id)
        # `[-]` (a killed run) or an interrupted record (Ctrl-C put the box back): continue
        if previous is not None and previous.state != records.VERIFIED \
                and (task.status is TaskStatus.IN_PROGRESS or previous.state in records.RESUMABLE):
            record.messages = previous.messages
            record.resumed_from = previous.run_id
            record.reason = previous.reason
        records.save_record(self.workspace.root, record)
        return record

    def _agent_task(self, task: Task, record: TaskRecord, pre: HookOutcome) -> TaskOutcome:
        from specloom.models.usage import UsageTotals

        self._totals = UsageTotals()
        done = records.done_summaries(self.workspace.root, self.options.spec)
        builder = ContextBuilder(self.workspace, self.options.spec, task.id, done=done,
                                 home=self.options.home)
        budget = Budget(BudgetPolicy(self.options.context_tokens, self.options.summarise_at))
        try:
            context = builder.build()
        except TaskContextError as exc:
            return self._finish(task, record, records.FAILED, str(exc))
        budget.instructions_tokens = context.tokens
        prompt = self._prompt(task, context.prompt, record, pre)
        if prompt is None:
            return self._finish(task, record, records.BLOCKED,
                                "a promptSubmit hook blocked the task prompt")
        tools = list(self.tools_factory(self.hooks))
        try:
            report = asyncio.run(self._agent_run(task, record, builder, budget, prompt, tools))
        except KeyboardInterrupt:
            self._finish(task, record, records.INTERRUPTED, "interrupted; run again to resume")
            raise
        except Exception as exc:  # model call failures and the turn limit end the task here
            return self._finish(task, record, *_failure(exc, self.options.max_turns))
        record.claim = report.model_dump()
        if not report.done:
            return self._finish(task, record, records.NOT_DONE,
                                f"the agent did not report the task done: {report.summary}")
        return self._gate(task, record)

    def _prompt(self, task: Task, prompt: str, record: TaskRecord,
                pre: HookOutcome) -> str | None:
        if record.resumed_from:
            prompt = (f"Continue task {task.id} where you left off (run {record.resumed_from}). "
                      f"Last state: {record.reason or 'interrupted'}")
        extra = [*pre.context, *pre.errors]
        submitted = self._dispatch("promptSubmit", prompt=prompt, task=task.id)
        if submitted.blocked:
            return None
        extra += [*submitted.agent_prompts, *submitted.context, *submitted.errors]
        return "\n\n".join([prompt, *extra])

    async def _agent_run(self, task: Task, record: TaskRecord, builder: ContextBuilder,
                         budget: Budget, prompt: str, tools: list[Tool[Any]]) -> TaskReport:
        """The agent's rounds, with the MCP servers open for exactly that long."""
        async with self._mcp_tools(task, [t.name for t in tools]) as external:
            agent = self._agent(builder, budget, [*tools, *external])
            return await self._rounds(agent, task, record, builder, budget, prompt)

    @contextlib.asynccontextmanager
    async def _mcp_tools(self, task: Task, taken: Sequence[str]) -> AsyncIterator[list[Tool[Any]]]:
        """The configured MCP servers' tools; a server that fails is reported and skipped."""
        if not self.options.mcp:
            yield []
            return
        from specloom.agent.mcp_tools import McpBridge
        from specloom.mcp_client.session import open_mcp_tools

        async with open_mcp_tools(self.workspace, self.options.home,
                                  self.options.mcp_timeout) as listed:
            for problem in listed.problems:
                self.progress(f"task {task.id}: MCP {problem}; going on without it")
            if listed:
                servers = sorted({t.server for t in listed})
                self.progress(f"task {task.id}: {len(listed)} MCP tools from "
                              + ", ".join(servers))
            bridge = McpBridge(self._agent_tools(self.hooks),
                               lambda message: self.progress(f"task {task.id}: {message}"))
            yield bridge.pydantic_ai_tools(listed, taken)

    def _agent(self, builder: ContextBuilder, budget: Budget,
               tools: Sequence[Tool[Any]]) -> Agent[None, TaskReport | str]:
        from pydantic_ai import Agent
        from pydantic_ai.capabilities import ProcessHistory

        def instructions() -> str:
            context = builder.build()  # fresh from disk, whole, on every turn
            budget.instructions_tokens = context.tokens
            return context.instructions

        return Agent(self.model, instructions=instructions, output_type=[TaskReport, str],
                     tools=list(tools),
                     capabilities=[ProcessHistory(budget.process)])

    async def _rounds(self, agent: Agent[None, TaskReport | str], task: Task,
                      record: TaskRecord, builder: ContextBuilder, budget: Budget,
                      prompt: str) -> TaskReport:
        from pydantic_ai.messages import repair_messages
        from pydantic_ai.usage import UsageLimits

        limits = UsageLimits(request_limit=self.options.max_turns)
        report = TaskReport(done=False, summary="no answer")
        for _ in range(MAX_HOOK_ROUNDS + 1):
            # a killed run may end on tool calls that never returned: close them out
            history = repair_messages(record.messages) if record.messages else None
            async with agent.iter(prompt, message_history=history, usage_limits=limits) as run:
                async for node in run:
                    self._on_node(node, task, record, builder, budget)
                    record.messages = run.all_messages()
                    records.save_record(self.workspace.root, record)
                output = run.result.output if run.result is not None else None
            report = _as_report(output)
            stop = self._dispatch("agentStop", task=task.id)
            if not stop.agent_prompts:
                break
            prompt = "\n\n".join(stop.agent_prompts)
            self.progress(f"task {task.id}: agentStop hook asks for another turn")
        return report

    def _on_node(self, node: Any, task: Task, record: TaskRecord, builder: ContextBuilder,
                 budget: Budget) -> None:
        from pydantic_ai import Agent

        if Agent.is_model_request_node(node):
            record.turns += 1
            self._snapshot(f"task {task.id} turn {record.turns}")
            size = max(budget.last_tokens, budget.instructions_tokens)
            self.progress(f"task {task.id}: turn {record.turns}, context ~{size:,} tokens, "
                          f"{self._tokens_so_far()} so far")
        elif Agent.is_call_tools_node(node):
            if self._totals is not None:
                self._totals.add(node.model_response)
            for part in node.model_response.parts:
                name = getattr(part, "tool_name", None)
                if name is None or name == "final_result":
                    continue
                args = part.args_as_dict() if hasattr(part, "args_as_dict") else {}
                path = args.get("path") if isinstance(args, dict) else None
                if isinstance(path, str):
                    builder.note_paths([path])
                self.progress(f"task {task.id}: tool {name}" + (f" {path}" if path else ""))

    # - verification gate -

    def _gate(self, task: Task, record: TaskRecord) -> TaskOutcome:
        """The task gate (the CLI's and the MCP server's rule) plus the test command. `[x]` is
        written only after it passes, so a refusal leaves the `[-]` the run started with."""
        from specloom.core.config_files import SettingsError
        from specloom.spec.task_status import TaskStatusError
        from specloom.trace.fingerprints import StoreError
        from specloom.trace.forced import ForcedLedger

        self.progress(f"task {task.id}: agent reports done; verifying")
        try:
            verdict = verify_task(self.workspace, self.options.spec, task.id,
                                  self._test_command(), self.options.verify_timeout,
                                  self.progress)
        except (TaskStatusError, SettingsError, StoreError) as exc:
            return self._finish(task, record, records.UNVERIFIED, str(exc))
        record.verification = verdict.to_json()
        if verdict.passed:
            self._set_status(task.id, TaskStatus.DONE)
            with contextlib.suppress(StoreError):  # a broken ledger is `list`'s to report
                ForcedLedger.load(self.workspace.root).clear(self.options.spec, task.id)
            return self._finish(task, record, records.VERIFIED, None, verdict.unlinked)
        return self._finish(task, record, records.UNVERIFIED, verdict.reason, verdict.unlinked)

    def _checkpoint_task(self, task: Task) -> TaskOutcome:
        command = self._test_command()
        self._set_status(task.id, TaskStatus.IN_PROGRESS)
        record = TaskRecord(self.options.spec, task.id, task.title, self.run_id)
        if command is None:
            return self._finish(task, record, records.UNVERIFIED,
                                "nothing can verify a checkpoint: no test command (set "
                                "[tool.specloom] run-test-command or pass --test-command)")
        self.progress(f"task {task.id}: checkpoint, running {command}")
        result = run_test_command(self.workspace.root, command, self.options.verify_timeout)
        record.verification = {"command": result.to_json()}
        if result.ok:
            self._set_status(task.id, TaskStatus.DONE)
            return self._finish(task, record, records.VERIFIED, None)
        return self._finish(task, record, records.CHECKPOINT_FAILED, result.describe())

    def _finish(self, task: Task, record: TaskRecord, state: str, reason: str | None,
                unlinked: Sequence[str] = ()) -> TaskOutcome:
        record.state, record.reason = state, reason
        from specloom.models.usage import UsageTotals

        totals, self._totals = self._totals or UsageTotals(), None
        record.usage = {k: v for k, v in totals.as_dict().items() if isinstance(v, int)}
        records.save_record(self.workspace.root, record)
        current = self._tasks_doc().task(task.id)
        status = current.status.value if current is not None else "unknown"
        summary = str(record.claim.get("summary")) if record.claim else None
        self.progress(f"task {task.id}: {state}" + (f" ({reason})" if reason else ""))
        return TaskOutcome(task.id, task.title, state, status, reason, summary, record.turns,
                           totals.as_dict(), list(unlinked), record.resumed_from)

    # - collaborators -

    def _tokens_so_far(self) -> str:
        totals = self._totals
        if totals is None:
            return "0 tokens"
        return f"{totals.input_tokens:,} input + {totals.output_tokens:,} output tokens"

    def _test_command(self) -> str | None:
        return self.options.test_command or configured_run_test_command(self.workspace.root)

    def _set_status(self, task_id: str, status: TaskStatus) -> None:
        from specloom.workflows.approval import upgrade_tasks_approval

        upgrade_tasks_approval(self.workspace.spec_dir(self.options.spec))  # ticks are not edits
        set_task_status(self.workspace, self.options.spec, task_id, status)

    def _lineage_statuses(self, task: Task) -> list[tuple[str, TaskStatus]]:
        """(id, status) of the task and of each ancestor, nearest first, as tasks.md has them
        now: the boxes a failed or interrupted task goes back to."""
        doc = self._tasks_doc()
        lineage: list[tuple[str, TaskStatus]] = []
        current = doc.task(task.id)
        while current is not None and current.id not in dict(lineage):
            lineage.append((current.id, current.status))
            current = doc.task(current.parent) if current.parent else None
        return lineage or [(task.id, task.status)]

    def _restore_statuses(self, task: Task, before: Sequence[tuple[str, TaskStatus]]) -> str:
        """Put back the boxes this task's start changed, through the one status writer, and
        return the task's status afterwards. Only a box still `[-]` is put back, a parent's only
        while none of its required sub-tasks has started: anything else is a person's edit made
        during the run, and it stays. Never raises: this runs on the way out of a failure."""
        try:
            for task_id, status in before:
                doc = self._tasks_doc()
                current = doc.task(task_id)
                if current is None or current.status is not TaskStatus.IN_PROGRESS \
                        or status is TaskStatus.IN_PROGRESS:
                    continue
                if task_id != task.id and any(child.status is not TaskStatus.TODO
                                              for child in doc.children(task_id)
                                              if not child.optional):
                    continue
                self._set_status(task_id, status)
                self.progress(f"task {task_id}: back to [{status.mark}] in tasks.md")
            now = self._tasks_doc().task(task.id)
        except Exception as exc:  # must not hide the failure being handled; say so instead
            self.progress(f"task {task.id}: could not put its box back in tasks.md: {exc}")
            return "unknown"
        return now.status.value if now is not None else "unknown"

    def _snapshot(self, label: str) -> None:
        if self.checkpoints is None:
            return
        try:
            self.checkpoints.snapshot(label)
        except Exception as exc:  # a failed snapshot must not lose the run; say so
            self.progress(f"checkpoint '{label}' failed: {exc}")

    def _dispatch(self, kind: str, **fields: str) -> HookOutcome:
        from specloom.agent.hooks import HookEvent, HookOutcome

        if self.hooks is None:
            return HookOutcome()
        outcome = self.hooks.dispatch(HookEvent(kind, **fields))
        for ran in outcome.ran:
            self.progress(f"hook {ran} ({kind})")
        return outcome

    def _default_tools(self, hooks: HookDispatcher) -> Sequence[Tool[Any]]:
        from specloom.agent.model_tools import pydantic_ai_tools

        return pydantic_ai_tools(self._agent_tools(hooks))

    def _agent_tools(self, hooks: HookDispatcher | None) -> AgentTools:
        from specloom.agent.tools import AgentTools

        return AgentTools(self.workspace, permissions=self._permissions(), hooks=hooks,
                          approver=self.approver, checkpoints=self.checkpoints)


# -- helpers ----------------------------------------------------------------------------------

def _as_report(output: object) -> TaskReport:
    if isinstance(output, TaskReport):
        return output
    return TaskReport(done=True, summary=str(output or "").strip()[:2000] or "done")


def _failure(exc: Exception, max_turns: int) -> tuple[str, str]:
    from pydantic_ai.exceptions import UsageLimitExceeded, UserError

    if isinstance(exc, UsageLimitExceeded):
        return records.NOT_DONE, f"stopped after --max-turns {max_turns} turns without a report"
    if isinstance(exc, UserError):  # pydantic-ai refusing what the model cannot do
        return records.FAILED, user_error_reason(exc)
    return records.FAILED, f"the model call failed: {type(exc).__name__}: {exc}"


def user_error_reason(exc: Exception) -> str:
    """A pydantic-ai UserError in words: what the library said, and what to change."""
    said = str(exc).strip().rstrip(".") or "the request does not fit the model"
    return (f"the configured model cannot do what the task needs ({said}); configure a model "
            "that can call tools with --model (see docs/models.md)")


def _sum_usage(outcomes: Sequence[TaskOutcome]) -> dict[str, object]:
    keys = ("requests", "input_tokens", "output_tokens")
    total: dict[str, object] = {k: sum(int(str(o.usage.get(k, 0))) for o in outcomes)
                                for k in keys}
    costs = [o.usage.get("cost_usd") for o in outcomes]
    known = all(c is not None for c in costs)
    total["cost_usd"] = str(sum(float(str(c)) for c in costs)) if known and costs else None
    return total


def _load_dispatcher(workspace: Workspace) -> HookDispatcher:
    from specloom.agent.hooks import HookDispatcher, load_hooks

    hooks, _problems = load_hooks(workspace)
    return HookDispatcher(workspace, hooks)


def _checkpoints(workspace: Workspace) -> Any:
    from specloom.agent.checkpoints import CheckpointStore

    return CheckpointStore(workspace)


def _new_run_id() -> str:
    from specloom.models.session import new_run_id

    return new_run_id("run")
