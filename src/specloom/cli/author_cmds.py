"""`specloom new`, `next`, `approve` and `refine`: the authoring workflow on the command line.

A thin adapter over `specloom.app.authoring`, which holds the steps, the model session's life
cycle and the one translation of model faults; here: the arguments, the session opener (tests
replace it), the reviewer at a terminal, the progress line and the printing. It must not write
spec files itself.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from specloom.cli.common import (
    add_json_flag,
    print_json,
    user_errors,
    workspace_from,
    workspace_or_create,
)
from specloom.cli.errors import EXIT_FINDINGS, EXIT_OK, CliError

WORKFLOW_FLAGS = (("design_first", "design-first"), ("quick", "quick"), ("bugfix", "bugfix"))
PHASES = ("requirements", "bugfix", "design", "tasks")
PROGRESS_EVERY = 10.0


def open_model_session(workspace: Any, model: str | None, replay: str | None,
                       command: str) -> Any:
    """The model layer's session (imported lazily; tests replace this function)."""
    from specloom.models import session

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
    from specloom.app import authoring

    workspace = workspace_or_create(args)
    workflow = next((value for flag, value in WORKFLOW_FLAGS if getattr(args, flag)),
                    "requirements-first")
    line = ProgressLine()
    with user_errors():
        authoring.check_new_spec(workspace, args.name, args.idea, workflow)
        options = _options(args, line)
        try:
            with line:
                done = authoring.new_spec(workspace, args.name, args.idea, workflow,
                                          _opener(args, workspace, "new"), model=args.model,
                                          options=options)
        except KeyboardInterrupt:
            _interrupted_new(workspace, args.name)
            raise
    return _show_advanced(args, workspace, done, line)


def _interrupted_new(workspace: Any, name: str) -> None:
    """After Ctrl-C in `new`: say whether the spec folder was removed (no document written
    yet, so `new` can start again) or kept for `specloom next`."""
    from specloom.app.authoring import abandon_new_spec
    from specloom.cli.common import restore_stderr

    restore_stderr()
    shown = workspace.relative(workspace.spec_dir(name))
    written = abandon_new_spec(workspace, name)
    if written is None:
        return
    if written:
        print(f"specloom: interrupted; kept {shown}/ with {', '.join(written)}; continue with "
              f"'specloom next {name}'", file=sys.stderr)
        return
    print(f"specloom: interrupted before any document was written; removed {shown}/, so "
          f"'specloom new {name}' can start again", file=sys.stderr)


def run_next(args: argparse.Namespace) -> int:
    from specloom.app import authoring

    workspace = workspace_from(args)
    line = ProgressLine()
    with user_errors(), line:
        done = authoring.next_phase(workspace, args.spec, _opener(args, workspace, "next"),
                                    model=args.model, options=_options(args, line))
    return _show_advanced(args, workspace, done, line)


def run_approve(args: argparse.Namespace) -> int:
    from specloom.app.authoring import approve_phase
    from specloom.workflows.phases import phase_file

    with user_errors():
        done = approve_phase(workspace_from(args), args.spec, args.phase, force=args.force)
    if args.json:
        print_json(done.to_json())
        return EXIT_OK
    for phase, digest in done.approved.items():
        print(f"{done.spec}: approved {phase_file(phase)} (sha256 {digest[:12]})")
    print(f"next: specloom next {done.spec}")
    return EXIT_OK


def run_refine(args: argparse.Namespace) -> int:
    from specloom.app import authoring

    workspace = workspace_from(args)
    line = ProgressLine()
    with user_errors(), line:
        done = authoring.refine_phase(workspace, args.spec, args.feedback, args.phase,
                                      _opener(args, workspace, "refine"), model=args.model,
                                      options=_options(args, line, gate=False))
    line.finish(done.session)
    if args.json:
        print_json(done.to_json(workspace))
    else:
        _print_outcome(workspace, done.outcome)
        print(done.diff or "(the revision changed nothing)", end="" if done.diff else "\n")
    return EXIT_OK if done.outcome.written else EXIT_FINDINGS


def _opener(args: argparse.Namespace, workspace: Any, command: str) -> Any:
    return lambda: open_model_session(workspace, model=args.model, replay=args.replay,
                                      command=command)


def _options(args: argparse.Namespace, line: ProgressLine, gate: bool = True) -> Any:
    from specloom.app.authoring import StepOptions

    if args.max_repairs < 0:
        raise CliError("--max-repairs must be 0 or more")
    return StepOptions(max_repairs=args.max_repairs,
                       gate=terminal_gate(args) if gate else None, progress=line.progress)


def _show_advanced(args: argparse.Namespace, workspace: Any, done: Any,
                   line: ProgressLine) -> int:
    line.finish(done.session)
    if args.json:
        print_json(done.report_json(workspace))
    else:
        _print_report(workspace, done.report)
    return EXIT_FINDINGS if done.report.rejected else EXIT_OK


def terminal_gate(args: argparse.Namespace) -> Any:
    """A gate at the terminal, or None for asynchronous review (no tty, --no-input, --json)."""
    from specloom.workflows.gates import Gate

    if args.no_input or args.json or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    return Gate(ask=input, say=print)

class ProgressLine:
    """A live line per phase on stderr, ended on every exit path (use it as a context)."""

    def __init__(self) -> None:
        self.shown: str | None = None
        self.tty = sys.stderr.isatty()
        self.started = self.printed = 0.0
        self.base = self.last = 0

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, *exc: object) -> None:
        self._end_line()

    def progress(self, phase: str, characters: int, tokens: int) -> None:
        """Tokens so far in the phase (over all its model calls), tokens per second and
        elapsed time; without a terminal, one line when the phase starts and then at most one
        every PROGRESS_EVERY seconds."""
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

    def finish(self, session: Any) -> None:
        """End the line, then the session's usage line and note."""
        self._end_line()
        for text in (session.usage, session.note):
            if text:
                print(text, file=sys.stderr)


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
