"""The task runner: pick the next task, run the agent on it, verify, and set its status.

Before anything is read or written the model must be able to call tools (`require_tools`):
a model without them (the embedded one) could neither edit a file nor run a command.

For each task: a checkpoint snapshot, the preTaskExecution hook, `[-]` in tasks.md, the agent
(conversation.py: a snapshot and an atomic run record after every turn; promptSubmit before,
agentStop after, and another turn for each askAgent prompt), then the verification gate. `[x]`
is set only when the agent reports done AND the verification passes: the task gate
(trace/task_gate.py, the rule `specloom task` and the MCP server apply too: every cited
criterion has linked tests that pass) and the project's test command. Anything else leaves the
task `[-]` with the reason shown and recorded, except a task that failed (an exception, a failed
model call) or was interrupted (Ctrl-C): its box, and a parent's box that followed it, go back
to what they were before the task started (task_boxes.py). Checkpoint tasks only run the test
command (verification.py). Which tasks run, and the options, outcomes and reports, are in
run_types.py.

The model can never set status: it has no tool for it, and its "done" is only a claim. Status
changes go through `specloom.spec.task_status.set_task_status` and nothing else. This module
must not print; progress goes to the `progress` callback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from specloom.agent import run_record as records
from specloom.agent.budget import Budget, BudgetPolicy
from specloom.agent.context_builder import ContextBuilder, TaskContextError
from specloom.agent.conversation import AgentConversation
from specloom.agent.run_record import TaskRecord
from specloom.agent.run_types import RESTORED_STATES, failure, sum_usage
from specloom.agent.run_types import ModelWithoutTools as ModelWithoutTools
from specloom.agent.run_types import RunnerError as RunnerError
from specloom.agent.run_types import RunOptions as RunOptions
from specloom.agent.run_types import RunReport as RunReport
from specloom.agent.run_types import TaskOutcome as TaskOutcome
from specloom.agent.run_types import TaskReport as TaskReport
from specloom.agent.run_types import require_tools as require_tools
from specloom.agent.run_types import runnable_tasks as runnable_tasks
from specloom.agent.run_types import user_error_reason as user_error_reason
from specloom.agent.task_boxes import TaskBoxes
from specloom.agent.verification import CommandResult as CommandResult
from specloom.agent.verification import TaskVerdict as TaskVerdict
from specloom.agent.verification import (
    configured_run_test_command,
    run_test_command,
    verify_task,
)
from specloom.spec.loader import Spec, load_spec
from specloom.spec.tasks import Task, TasksDoc, TaskStatus
from specloom.spec.workspace import Workspace

if TYPE_CHECKING:
    from pydantic_ai.models import Model
    from pydantic_ai.tools import Tool

    from specloom.agent.hooks import HookDispatcher, HookOutcome
    from specloom.agent.permissions import Approver, Permissions
    from specloom.agent.tools import AgentTools
    from specloom.models.usage import UsageTotals

Progress = Callable[[str], None]
ToolsFactory = Callable[["HookDispatcher"], Sequence["Tool[Any]"]]


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
        self.boxes = TaskBoxes(workspace, options.spec, self._tasks_doc, self.progress)

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
            report.usage = sum_usage(report.outcomes)
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
        before = self.boxes.lineage(task)
        self._snapshot(f"before task {task.id}")
        try:
            outcome = (self._checkpoint_task(task) if task.is_checkpoint
                       else self._hooked_agent_task(task))
        except BaseException:  # Ctrl-C or an error nobody caught: the boxes go back, then out
            self.boxes.restore(task, before)
            raise
        if outcome.state in RESTORED_STATES:
            outcome.status = self.boxes.restore(task, before)
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
        conversation = AgentConversation(
            self.workspace, self.model, self.options, task, record, builder, budget,
            self._totals, self.progress, self._snapshot, self._dispatch,
            lambda: self._agent_tools(self.hooks))
        try:
            report = conversation.run(prompt, tools)
        except KeyboardInterrupt:
            self._finish(task, record, records.INTERRUPTED, "interrupted; run again to resume")
            raise
        except Exception as exc:  # model call failures and the turn limit end the task here
            return self._finish(task, record, *failure(exc, self.options.max_turns))
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

    def _test_command(self) -> str | None:
        return self.options.test_command or configured_run_test_command(self.workspace.root)

    def _set_status(self, task_id: str, status: TaskStatus) -> None:
        self.boxes.set(task_id, status)

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
