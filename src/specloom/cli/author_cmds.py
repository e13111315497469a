"""`specloom new`, `next`, `approve` and `refine`: the authoring workflow on the command line.

A thin adapter: it opens the model session, selects steering, builds the gate (only in a
terminal) and prints; everything else lives in `specloom.workflows`. It must not write spec
files itself.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from typing import Any

from specloom.cli.common import add_json_flag, print_json, workspace_from, workspace_or_create
from specloom.cli.errors import EXIT_FINDINGS, EXIT_OK, CliError

WORKFLOW_FLAGS = (("design_first", "design-first"), ("quick", "quick"), ("bugfix", "bugfix"))
PHASES = ("requirements", "bugfix", "design", "tasks")


def open_model_session(workspace: Any, model: str | None, replay: str | None,
                       command: str) -> Any:
    """The model layer's session (imported lazily; tests replace this function)."""
    session = importlib.import_module("specloom.models.session")
    return session.open_model_session(workspace, model=model, replay=replay, command=command)


def register(commands: Any) -> None:
    new = commands.add_parser(
        "new", help="start a spec from an idea and write its first document",
        description="Create .kiro/specs/NAME/ and write its documents phase by phase with a "
                    "model; each is checked, repaired and then reviewed (in a terminal) or "
                    "left for 'specloom approve' and 'specloom next'.")
    new.add_argument("name", metavar="NAME", help="kebab-case spec name")
    new.add_argument("idea", metavar="IDEA", help="the feature or bug in plain words")
    kind = new.add_mutually_exclusive_group()
    kind.add_argument("--design-first", action="store_true", help="design.md before requirements")
    kind.add_argument("--quick", action="store_true", help="all three documents in one pass")
    kind.add_argument("--bugfix", action="store_true", help="a bugfix spec (bugfix.md)")
    _model_flags(new)
    new.set_defaults(handler=run_new)

    nxt = commands.add_parser("next", help="write (or review) the spec's next document")
    nxt.add_argument("spec", metavar="SPEC")
    _model_flags(nxt)
    nxt.set_defaults(handler=run_next)

    approve = commands.add_parser("approve", help="approve the current document by its hash")
    approve.add_argument("spec", metavar="SPEC")
    approve.add_argument("--phase", choices=PHASES, help="approve this phase's document")
    approve.add_argument("--force", action="store_true", help="approve despite check errors")
    add_json_flag(approve)
    approve.set_defaults(handler=run_approve)

    refine = commands.add_parser("refine", help="revise the current document from feedback")
    refine.add_argument("spec", metavar="SPEC")
    refine.add_argument("feedback", metavar="FEEDBACK")
    refine.add_argument("--phase", choices=PHASES, help="revise this phase's document")
    _model_flags(refine)
    refine.set_defaults(handler=run_refine)


def _model_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="M", help="model to use (default: configured one)")
    parser.add_argument("--replay", metavar="RUN", help="replay a recorded run's model answers")
    parser.add_argument("--no-input", action="store_true",
                        help="never ask; stop for 'specloom approve' (asynchronous review)")
    parser.add_argument("--max-repairs", type=int, default=2, metavar="N",
                        help="rounds of check findings sent back to the model (default 2)")
    add_json_flag(parser)


def run_new(args: argparse.Namespace) -> int:
    from specloom.workflows.flow import (
        AuthoringError,
        check_new_spec,
        start_spec,
        validate_idea,
    )

    workspace = workspace_or_create(args)
    workflow = next((value for flag, value in WORKFLOW_FLAGS if getattr(args, flag)),
                    "requirements-first")
    try:
        check_new_spec(workspace, args.name)
        idea = validate_idea(args.idea)
    except AuthoringError as exc:
        raise CliError(str(exc)) from None

    def start() -> None:  # inside the session: a bad --model leaves no half-made spec behind
        try:
            start_spec(workspace, args.name, idea, workflow)  # type: ignore[arg-type]
        except AuthoringError as exc:
            raise CliError(str(exc)) from None

    try:
        return _advance(args, workspace, args.name, command="new", before=start)
    except KeyboardInterrupt:
        _interrupted_new(workspace, args.name)
        raise


def _interrupted_new(workspace: Any, name: str) -> None:
    """After Ctrl-C in `new`: remove the spec folder if no document was written yet (so `new`
    can start again), else keep it for `specloom next`; say which."""
    import shutil

    from specloom.cli.common import restore_stderr
    from specloom.spec.workspace import SPEC_DOCUMENTS

    restore_stderr()
    folder = workspace.spec_dir(name)
    if not folder.is_dir():
        return
    shown = workspace.relative(folder)
    written = [doc for doc in SPEC_DOCUMENTS if (folder / doc).is_file()]
    if written:
        print(f"specloom: interrupted; kept {shown}/ with {', '.join(written)}; continue with "
              f"'specloom next {name}'", file=sys.stderr)
        return
    shutil.rmtree(folder, ignore_errors=True)
    print(f"specloom: interrupted before any document was written; removed {shown}/, so "
          f"'specloom new {name}' can start again", file=sys.stderr)


def run_next(args: argparse.Namespace) -> int:
    workspace = workspace_from(args)
    return _advance(args, workspace, _spec_name(workspace, args.spec), command="next")


def run_approve(args: argparse.Namespace) -> int:
    from specloom.workflows import flow
    from specloom.workflows.phases import phase_file

    workspace = workspace_from(args)
    name = _spec_name(workspace, args.spec)
    try:
        stored = flow.approve(workspace, name, args.phase, force=args.force)
    except (flow.AuthoringError, FileNotFoundError) as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json({"spec": name, "approved": stored})
        return EXIT_OK
    for phase, digest in stored.items():
        print(f"{name}: approved {phase_file(phase)} (sha256 {digest[:12]})")
    print(f"next: specloom next {name}")
    return EXIT_OK


def run_refine(args: argparse.Namespace) -> int:
    from specloom.spec.loader import load_spec
    from specloom.workflows import flow
    from specloom.workflows.authoring import refine_phase

    workspace = workspace_from(args)
    name = _spec_name(workspace, args.spec)
    try:
        phase = flow.refine_target(load_spec(workspace, name), args.phase)
    except flow.AuthoringError as exc:
        raise CliError(str(exc)) from None
    with _Session(args, workspace, "refine") as session:
        authoring = _authoring(args, workspace, name, session)
        outcome = _model_call(lambda: refine_phase(authoring, phase, args.feedback), name)
        session.finish()
    diff = flow.outcome_diff(outcome) if outcome.written else ""
    if args.json:
        print_json({"spec": name, "outcome": _outcome_json(workspace, outcome), "diff": diff})
    else:
        _print_outcome(workspace, outcome)
        print(diff or "(the revision changed nothing)", end="" if diff else "\n")
    return EXIT_OK if outcome.written else EXIT_FINDINGS


def _advance(args: argparse.Namespace, workspace: Any, name: str, command: str,
             before: Any = None) -> int:
    from specloom.workflows.flow import advance

    with _Session(args, workspace, command) as session:
        if before is not None:
            before()
        authoring = _authoring(args, workspace, name, session)
        report = _model_call(lambda: advance(authoring, terminal_gate(args)), name)
        session.finish()
    if args.json:
        print_json(_report_json(workspace, report))
    else:
        _print_report(workspace, report)
    return EXIT_FINDINGS if report.rejected else EXIT_OK


def terminal_gate(args: argparse.Namespace) -> Any:
    """A gate at the terminal, or None for asynchronous review (no tty, --no-input, --json)."""
    from specloom.workflows.gates import Gate

    if args.no_input or args.json or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    return Gate(ask=input, say=print)


def _spec_name(workspace: Any, name: str) -> str:
    from specloom.quality.check import UnknownSpecError, resolve_spec_names

    try:
        (resolved,) = resolve_spec_names(workspace, [name])
    except UnknownSpecError as exc:
        raise CliError(str(exc)) from None
    return resolved


def _model_call(call: Any, name: str) -> Any:
    from specloom.models.phase_stream import ModelFailure
    from specloom.workflows.flow import AuthoringError

    try:
        return call()
    except AuthoringError as exc:
        raise CliError(str(exc)) from None
    except ModelFailure as exc:
        raise CliError(f"the model failed: {exc}. Nothing was written; run 'specloom next "
                       f"{name}' to try again.", EXIT_FINDINGS) from None


def _authoring(args: argparse.Namespace, workspace: Any, name: str, session: Any) -> Any:
    from specloom.core.config_files import SettingsError
    from specloom.quality.settings import load_settings
    from specloom.workflows.flow import AuthoringError, build_authoring

    if args.max_repairs < 0:
        raise CliError("--max-repairs must be 0 or more")
    try:
        settings = load_settings(workspace.root)
        return build_authoring(workspace, name, session.model, settings=settings,
                               max_repairs=args.max_repairs,
                               use_grammar=bool(getattr(session, "is_local", False)),
                               progress=session.progress)
    except (SettingsError, AuthoringError) as exc:
        raise CliError(str(exc)) from None


def steering_text(workspace: Any, idea: str) -> str:
    """The steering selected for this idea (kept here for callers of the CLI module)."""
    from specloom.workflows.flow import steering_text as select

    return select(workspace, idea)


PROGRESS_EVERY = 10.0


class _Session:
    """The model session plus a progress line on stderr; closed on every exit path."""

    def __init__(self, args: argparse.Namespace, workspace: Any, command: str) -> None:
        self.args, self.workspace, self.command = args, workspace, command
        self.inner: Any = None
        self.shown: str | None = None
        self.tty = sys.stderr.isatty()
        self.started = self.printed = 0.0
        self.base = self.last = 0

    def __enter__(self) -> _Session:
        errors = _model_layer_errors()
        try:
            self.inner = open_model_session(self.workspace, model=self.args.model,
                                            replay=self.args.replay, command=self.command)
        except ImportError:
            raise CliError("the model layer (specloom.models) is not available in this "
                           "installation") from None
        except errors as exc:
            raise CliError(str(exc)) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._end_line()
        if self.inner is not None:
            self.inner.close()

    @property
    def model(self) -> Any:
        return self.inner.model

    @property
    def is_local(self) -> bool:
        return bool(getattr(self.inner, "is_local", False))

    def progress(self, phase: str, characters: int, tokens: int) -> None:
        """A live line per phase: tokens so far (over all its model calls), tokens per second
        and elapsed time; without a terminal, one line when the phase starts and then at most
        one every PROGRESS_EVERY seconds."""
        now = time.monotonic()
        if phase != self.shown:
            self._end_line()
            self.shown, self.started, self.base, self.last, self.printed = phase, now, 0, 0, now
            if not self.tty:
                print(f"writing {phase} ...", file=sys.stderr, flush=True)
        if tokens < self.last:  # a new model call within the phase
            self.base += self.last
        self.last = tokens
        total, elapsed = self.base + tokens, now - self.started
        rate = total / elapsed if elapsed > 0 else 0.0
        line = f"writing {phase}: {total:,} tokens, {rate:.1f} tokens/s, {elapsed:.0f} s"
        if self.tty:
            print(f"\r{line}", end="", file=sys.stderr, flush=True)
        elif now - self.printed >= PROGRESS_EVERY:
            self.printed = now
            print(line, file=sys.stderr, flush=True)

    def _end_line(self) -> None:
        if self.shown is not None and self.tty:
            print(file=sys.stderr)
        self.shown = None

    def finish(self) -> None:
        self._end_line()
        for line in (self.inner.usage_line(), self.inner.note()):
            if line:
                print(line, file=sys.stderr)


def _model_layer_errors() -> tuple[type[BaseException], ...]:
    from specloom.models.phase_stream import _model_layer_errors as found

    return found()


def _outcome_json(workspace: Any, outcome: Any) -> dict[str, Any]:
    from specloom.workflows.flow import outcome_to_dict

    return outcome_to_dict(workspace, outcome)


def _report_json(workspace: Any, report: Any) -> dict[str, Any]:
    from specloom.workflows.flow import report_to_dict

    return report_to_dict(workspace, report)


def _print_outcome(workspace: Any, outcome: Any) -> None:
    from specloom.workflows.gates import describe_findings

    rounds = repair_summary(outcome.repairs, len(outcome.findings))
    if outcome.written:
        print(f"wrote {workspace.relative(outcome.path)} ({rounds})")
    else:
        print(f"the model's best attempt is not a usable {outcome.path.name}: "
              f"{outcome.candidate.unusable}; kept it as "
              f"{workspace.relative(outcome.rejected_path)} (the original is untouched)")
    print(describe_findings(outcome.findings))


def repair_summary(repairs: int, findings: int) -> str:
    """"no repair needed" only when the rules found nothing; otherwise what remains."""
    if repairs:
        return f"{repairs} repair round(s), {findings} finding(s) remain"
    if findings:
        return f"first draft, {findings} finding(s) remain"
    return "no finding, no repair needed"


def _print_report(workspace: Any, report: Any) -> None:
    for outcome in report.outcomes:
        _print_outcome(workspace, outcome)
    if report.rejected:
        print(f"stopped: write or fix {report.rejected} by hand, or run 'specloom next "
              f"{report.spec}' to try again")
    elif report.waiting:
        print(f"{report.waiting_reason}: run 'specloom approve {report.spec}' (or "
              f"'specloom refine {report.spec} \"feedback\"'), then 'specloom next {report.spec}'")
    else:
        print(f"{report.spec}: every document is approved")
