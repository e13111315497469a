"""`specloom trace`, `specloom verify` and `specloom drift`: traceability from criteria to tests."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from specloom.cli.common import workspace_from, write_output
from specloom.cli.errors import EXIT_FINDINGS, EXIT_OK, CliError

TRACE_FAIL_ON = ("orphaned", "stale", "uncovered", "never")
VERIFY_FAIL_ON = ("failing", "stale", "untested", "never")


def register(commands: Any) -> None:
    trace = commands.add_parser(
        "trace", help="matrix from each criterion to its tasks, tests and code",
        description="Show which tasks, tests and code serve each acceptance criterion, with a "
                    "status: covered, uncovered or stale; and links that point at nothing.")
    _common(trace, ("text", "json", "markdown"))
    trace.add_argument("--fail-on", choices=TRACE_FAIL_ON, default="orphaned",
                       help="exit 1 on orphaned links (default), also on stale or also on "
                            "uncovered criteria; never: always exit 0")
    trace.set_defaults(handler=run_trace)

    verify = commands.add_parser(
        "verify", help="run the linked tests and report per criterion",
        description="Run the tests linked to each criterion (pytest in the project's own "
                    "interpreter with specloom's plugin, or a test command writing JUnit XML), "
                    "or read the outcomes of a run it did not start (--pytest-report, --junit), "
                    "and report verified, failing, error, untested or stale.")
    _common(verify, ("text", "json", "markdown", "junit"))
    verify.add_argument("--fail-on", choices=VERIFY_FAIL_ON, default="failing",
                        help="lowest status that makes verify exit 1 (default: failing)")
    verify.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                        help="stop a test run after this long (default 600)")
    verify.add_argument("--test-command", metavar="CMD",
                        help="command that runs the tests; {junit} is replaced by the path "
                             "of the JUnit XML it must write (default: test-command in "
                             "[tool.specloom] or .kiro/settings/specloom.toml)")
    verify.add_argument("--junit", metavar="FILE", type=Path,
                        help="take the test outcomes from this JUnit XML file (or every *.xml "
                             "file in this folder) and run nothing")
    verify.add_argument("--pytest-report", metavar="FILE", type=Path,
                        help="take the pytest outcomes from the record `pytest "
                             "--specloom-report=FILE` wrote and run nothing (with --junit: "
                             "the other tests' outcomes from the JUnit XML)")
    verify.add_argument("--python", metavar="PATH",
                        help="interpreter (or virtual environment folder) for pytest "
                             "(default: the project's, see docs/trace.md)")
    verify.add_argument("--junit-report", metavar="FILE",
                        help="also write a JUnit XML report (one testcase per criterion) "
                             "to FILE")
    verify.add_argument("--accept", action="store_true",
                        help="accept changed criterion text when its tests pass (clears stale)")
    verify.add_argument("--no-record", action="store_true",
                        help="do not record fingerprints and the commit of verified criteria")
    verify.set_defaults(handler=run_verify)

    drift = commands.add_parser(
        "drift", help="what changed since the last verification",
        description="List commits and files that touched linked code since each criterion's "
                    "last passing verification, criteria whose text changed, and the tasks "
                    "and tests now suspect.")
    _common(drift, ("text", "json", "markdown"))
    drift.add_argument("--fail-on", choices=("drift", "never"), default="never",
                       help="exit 1 when anything drifted")
    drift.set_defaults(handler=run_drift)


def _common(parser: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    parser.add_argument("specs", nargs="*", metavar="SPEC", help="spec names (default: all)")
    parser.add_argument("--format", choices=formats, default="text", help="output format")
    parser.add_argument("--json", action="store_true", help="same as --format json")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--no-cache", action="store_true",
                        help="scan every file afresh: neither read nor write the link cache "
                             "(.kiro/specloom/cache/trace/)")


def _emit(args: argparse.Namespace, rendered: str) -> None:
    if args.output:
        write_output(args.output, rendered)
    else:
        sys.stdout.write(rendered)


def _format(args: argparse.Namespace) -> str:
    return "json" if args.json else str(args.format)


def _render(args: argparse.Namespace, report: Any,
            renderers: dict[str, Callable[[Any], str]]) -> None:
    _emit(args, renderers[_format(args)](report))


def run_trace(args: argparse.Namespace) -> int:
    from specloom.trace import render_trace
    from specloom.trace.matrix import build_trace

    workspace = workspace_from(args)
    report = build_trace(workspace, args.specs, cache=not args.no_cache)
    _render(args, report, {"json": render_trace.render_trace_json,
                           "markdown": render_trace.render_trace_markdown,
                           "text": render_trace.render_trace_text})
    statuses = {c.status for s in report.specs for c in s.criteria}
    failing = {"orphaned": bool(report.orphans),
               "stale": bool(report.orphans) or "stale" in statuses,
               "uncovered": bool(report.orphans) or bool(statuses - {"covered"}),
               "never": False}[args.fail_on]
    return EXIT_FINDINGS if failing else EXIT_OK


def configured_test_command(root: Path) -> str | None:
    """The configured `test-command`, if set: the reader the MCP server and the task gate use,
    so a bad value is the same message everywhere."""
    from specloom.trace.task_gate import configured_test_command as configured

    return configured(root)


def _progress(message: str) -> None:
    print(f"specloom: {message}", file=sys.stderr, flush=True)


def run_verify(args: argparse.Namespace) -> int:
    from specloom.trace import render_verify
    from specloom.trace.verify import verify

    workspace = workspace_from(args)
    if args.timeout <= 0:
        raise CliError("--timeout must be a positive number of seconds")
    recorded = _recorded_runs(args)
    # reading outcomes runs nothing, so the test-command setting is neither read nor needed
    command = None if recorded else args.test_command or configured_test_command(workspace.root)
    report = verify(workspace, args.specs, timeout=args.timeout, test_command=command,
                    record=not args.no_record, accept=args.accept, progress=_progress,
                    python=args.python, junit=args.junit, pytest_report=args.pytest_report,
                    cache=not args.no_cache)
    _render(args, report, {
        "json": lambda r: render_verify.render_verify_json(r, args.fail_on),
        "markdown": render_verify.render_verify_markdown,
        "junit": render_verify.render_verify_junit,
        "text": render_verify.render_verify_text})
    if args.junit_report:
        write_output(args.junit_report, render_verify.render_verify_junit(report),
                     "--junit-report")
    return EXIT_FINDINGS if report.failed(args.fail_on) else EXIT_OK


def _recorded_runs(args: argparse.Namespace) -> bool:
    """Whether verify reads outcomes (--junit, --pytest-report) instead of running tests."""
    given = [(option, path) for option, path in (("--junit", args.junit),
                                                 ("--pytest-report", args.pytest_report))
             if path is not None]
    for option, path in given:
        if args.test_command:
            raise CliError(f"{option} reads outcomes and runs nothing; it cannot be combined "
                           "with --test-command")
        if not path.exists():
            what = ("the JUnit XML your test runner wrote (or a folder of them)"
                    if option == "--junit" else "the file pytest --specloom-report=FILE wrote")
            raise CliError(f"{option} {path}: no such file or folder; pass {what}")
    return bool(given)


def run_drift(args: argparse.Namespace) -> int:
    from specloom.trace import render_drift
    from specloom.trace.drift import drift

    workspace = workspace_from(args)
    report = drift(workspace, args.specs, cache=not args.no_cache)
    _render(args, report, {"json": render_drift.render_drift_json,
                           "markdown": render_drift.render_drift_markdown,
                           "text": render_drift.render_drift_text})
    drifted = any(d.drifted for d in report.criteria)
    return EXIT_FINDINGS if drifted and args.fail_on == "drift" else EXIT_OK
