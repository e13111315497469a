"""What a task run is given and gives back, and which tasks it picks.

`RunOptions` (from `specloom run`'s flags), the agent's `TaskReport` (a claim, never a status
change), each task's `TaskOutcome` and the `RunReport`; `runnable_tasks`, the run's choice of
tasks over the one "next open leaf task" rule of spec/tasks.py; `require_tools`, the refusal of
a model that cannot call tools; how an agent failure is put into words. Nothing here reads or
writes a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from specloom.agent import run_record as records
from specloom.core.errors import SpecloomError
from specloom.spec.tasks import Task, TasksDoc, TaskStatus

if TYPE_CHECKING:
    from pydantic_ai.models import Model

EMBEDDED_MODEL = "the embedded model (Gemma 3 270M)"
# States after which a task's box goes back to what it was: nothing the agent did was judged.
RESTORED_STATES = frozenset({records.FAILED, records.INTERRUPTED})


class RunnerError(SpecloomError):
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
    """Open tasks in order: the plan's open leaf tasks (`TasksDoc.open_leaves`: sub-tasks
    before their parent is done, optional ones left out), optional sub-tasks only when named;
    a named parent means its open required sub-tasks."""
    if named is not None:
        task = doc.task(named.rstrip("."))
        if task is None:
            known = ", ".join(t.id for t in doc.tasks[:20])
            raise RunnerError(f"no task {named!r} in {doc.source.path}; tasks: {known}")
        children = doc.children(task.id)
        if not children:
            return [task] if task.status is not TaskStatus.DONE else []
        return [c for c in children if not c.optional and c.status is not TaskStatus.DONE]
    return doc.open_leaves()


# -- failures and usage in words ----------------------------------------------------------------

def as_report(output: object) -> TaskReport:
    if isinstance(output, TaskReport):
        return output
    return TaskReport(done=True, summary=str(output or "").strip()[:2000] or "done")


def failure(exc: Exception, max_turns: int) -> tuple[str, str]:
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


def sum_usage(outcomes: Sequence[TaskOutcome]) -> dict[str, object]:
    keys = ("requests", "input_tokens", "output_tokens")
    total: dict[str, object] = {k: sum(int(str(o.usage.get(k, 0))) for o in outcomes)
                                for k in keys}
    costs = [o.usage.get("cost_usd") for o in outcomes]
    known = all(c is not None for c in costs)
    total["cost_usd"] = str(sum(float(str(c)) for c in costs)) if known and costs else None
    return total
