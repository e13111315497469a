"""`specloom run`: execute a spec's tasks with an agent; specloom, not the model, ticks them.

Parses the flags, opens the model session, refuses a model that cannot call tools before
anything is written (the session's own record included), and calls
`specloom.agent.runner.TaskRunner`; prints progress and the usage line on stderr and the report
on stdout. Nothing else lives here.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specloom.cli.common import print_json, workspace_from
from specloom.cli.errors import EXIT_FINDINGS, EXIT_OK, CliError

if TYPE_CHECKING:
    from specloom.agent.runner import RunOptions, RunReport, TaskOutcome
    from specloom.models.session import ModelSession
    from specloom.spec.workspace import Workspace

EXIT_INTERRUPTED = 130
MARKS = {"done": "[x]", "in-progress": "[-]", "todo": "[ ]"}


def open_model_session(*args: Any, **kwargs: Any) -> ModelSession:
    """The model session (a seam: tests replace this name with a scripted model)."""
    from specloom.models.session import open_model_session as open_session

    return open_session(*args, **kwargs)


def register(commands: Any) -> None:
    run = commands.add_parser(
        "run", help="run the spec's tasks with an agent; tick them only when verified",
        description="Run the next open task of SPEC (or TASK, or all with --all) with an agent. "
                    "A task is ticked [x] only when the agent reports it done AND the test "
                    "command and the tests linked to its criteria pass; otherwise it stays [-] "
                    "with the reason, and a task that fails or is interrupted gets its earlier "
                    "box back. Running again resumes an interrupted task. The model must be "
                    "able to call tools (not the embedded one).")
    run.add_argument("spec", metavar="SPEC", help="spec name (folder under .kiro/specs/)")
    run.add_argument("task", nargs="?", metavar="TASK",
                     help="task id (default: the next open task; optional '*' tasks only "
                          "when named)")
    run.add_argument("--all", action="store_true",
                     help="run the open tasks in order, stopping at the first not verified")
    run.add_argument("--keep-going", action="store_true",
                     help="with --all: continue after a task that could not be verified")
    run.add_argument("--mode", choices=("autopilot", "supervised"), default="autopilot",
                     help="supervised asks before each write and command (default autopilot)")
    run.add_argument("--model", metavar="M", help="model to use (default: project setting)")
    run.add_argument("--max-turns", type=int, default=40, metavar="N",
                     help="model requests per task before giving up (default 40)")
    run.add_argument("--trust-all-tools", action="store_true",
                     help="never ask for approval (supervised mode included)")
    run.add_argument("--replay", metavar="RUN",
                     help="answer from a recorded run instead of calling the model")
    run.add_argument("--test-command", metavar="CMD",
                     help="verification command (default: [tool.specloom] run-test-command)")
    run.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                     help="stop a verification run after this long (default 600)")
    run.add_argument("--context-tokens", type=int, default=128_000, metavar="N",
                     help="the model's context size in tokens (default 128000)")
    run.add_argument("--summarise-at", type=float, default=0.8, metavar="FRACTION",
                     help="summarise older turns past this share of the context (default 0.8)")
    run.add_argument("--no-mcp", action="store_true",
                     help="do not start the MCP servers of .kiro/settings/mcp.json and "
                          "~/.kiro/settings/mcp.json (their tools are otherwise given to the "
                          "agent)")
    run.add_argument("--json", action="store_true", help="print the run report as JSON")
    run.set_defaults(handler=run_tasks)


def _options(args: argparse.Namespace, run_id: str | None) -> RunOptions:
    from specloom.agent.runner import RunOptions

    if args.max_turns < 1:
        raise CliError("--max-turns must be at least 1")
    if not 0.1 <= args.summarise_at <= 1.0:
        raise CliError("--summarise-at must be between 0.1 and 1.0")
    return RunOptions(
        spec=args.spec, task=args.task, all=args.all, keep_going=args.keep_going,
        mode=args.mode, max_turns=args.max_turns, trust_all_tools=args.trust_all_tools,
        test_command=args.test_command, verify_timeout=args.timeout,
        context_tokens=args.context_tokens, summarise_at=args.summarise_at, run_id=run_id,
        mcp=not args.no_mcp)


def _progress(message: str) -> None:
    print(f"specloom: {message}", file=sys.stderr, flush=True)


def run_tasks(args: argparse.Namespace) -> int:
    from pydantic_ai.exceptions import UserError

    from specloom.agent.runner import (
        ModelWithoutTools,
        TaskRunner,
        require_tools,
        user_error_reason,
    )

    workspace = workspace_from(args)
    absent = _absent_record_folders(workspace)
    session = open_model_session(workspace, model=args.model, replay=args.replay,
                                 command="run")
    try:
        require_tools(session.model)
    except ModelWithoutTools as exc:
        _discard_session_record(session, absent)
        raise CliError(str(exc)) from None
    try:
        options = _options(args, None if session.replaying else session.run_id)
        runner = TaskRunner(workspace, session.model, options, progress=_progress)
        report = runner.run()
    except KeyboardInterrupt:
        _progress(f"interrupted; run 'specloom run {args.spec}' again to resume")
        return EXIT_INTERRUPTED
    except UserError as exc:  # the runner words these per task; one escaping is still worded
        raise CliError(user_error_reason(exc)) from None
    finally:
        session.close()
        _progress(session.usage_line())
        if session.note():
            _progress(str(session.note()))
    if args.json:
        print_json(report.to_json())
    else:
        sys.stdout.write(render_report(report))
    return EXIT_OK if report.ok or not report.outcomes else EXIT_FINDINGS


def _absent_record_folders(workspace: Workspace) -> list[Path]:
    """The run-record folders that do not exist yet, deepest first (see below)."""
    from specloom.models.session import RUNS_DIR

    runs = workspace.root / RUNS_DIR
    return [folder for folder in (runs, runs.parent) if not folder.exists()]


def _discard_session_record(session: ModelSession, absent: list[Path]) -> None:
    """Undo what opening the session wrote (its meta.json, in a folder of its own) when the run
    is refused before the first model call, so that a refused run leaves nothing behind."""
    if session.replaying:
        return  # a replay's record is the recorded run: never touched
    run_dir: Path | None = getattr(session, "run_dir", None)
    if run_dir is None or not run_dir.is_dir():
        return
    if {entry.name for entry in run_dir.iterdir()} <= {"meta.json"}:
        with contextlib.suppress(OSError):
            (run_dir / "meta.json").unlink(missing_ok=True)
            run_dir.rmdir()
            for folder in absent:  # made for this record alone; rmdir keeps anything else
                folder.rmdir()


def render_report(report: RunReport) -> str:
    lines = [f"run {report.run_id} on spec {report.spec}"]
    lines.extend(_outcome_lines(outcome) for outcome in report.outcomes)
    if report.stopped:
        lines.append(f"stopped: {report.stopped}")
    usage = report.usage
    lines.append(f"total: {usage.get('requests', 0)} requests, {usage.get('input_tokens', 0):,} "
                 f"input + {usage.get('output_tokens', 0):,} output tokens, "
                 f"{_cost(usage.get('cost_usd'))}")
    return "\n".join(lines) + "\n"


def _outcome_lines(outcome: TaskOutcome) -> str:
    mark = MARKS.get(outcome.status, "[?]")
    text = f"{mark} {outcome.task} {outcome.title}: {outcome.state}"
    usage = outcome.usage
    if usage.get("requests"):
        text += (f" ({outcome.turns} turns, {usage.get('input_tokens', 0):,} input + "
                 f"{usage.get('output_tokens', 0):,} output tokens, "
                 f"{_cost(usage.get('cost_usd'))})")
    if outcome.reason:
        text += "\n    " + outcome.reason.replace("\n", "\n    ")
    if outcome.unlinked:
        text += ("\n    criteria without linked tests (they block; link tests to them): "
                 + ", ".join(outcome.unlinked))
    return text


def _cost(value: object) -> str:
    return "cost unknown" if value is None else f"${float(str(value)):.4f}"
