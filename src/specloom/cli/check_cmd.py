"""`specloom check` (the deterministic review) and `specloom rules` (what each rule means)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from specloom.cli.common import print_json, workspace_from, write_output
from specloom.cli.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, CliError

FORMATS = ("text", "json", "sarif")


def register(commands: Any) -> None:
    check = commands.add_parser(
        "check", help="review specs with deterministic rules (EARS, smells, consistency)",
        description="Review specs with deterministic rules. Exit 0 when nothing is at or above "
                    "--fail-on, 1 when something is, 2 on a usage error or unreadable input.")
    check.add_argument("specs", nargs="*", metavar="SPEC", help="spec names (default: all)")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    check.add_argument("--json", action="store_true", help="same as --format json")
    check.add_argument("--fail-on", choices=("error", "warning", "info"),
                       help="lowest severity that makes the check fail (default: error)")
    check.add_argument("--select", action="append", metavar="CODES",
                       help="only these rule codes or prefixes, or ALL (comma-separated, "
                            "repeatable; default: the rules of the default tier)")
    check.add_argument("--extend-select", action="append", metavar="CODES",
                       help="add these rule codes or prefixes to the selection")
    check.add_argument("--ignore", action="append", metavar="CODES",
                       help="skip these rule codes or prefixes (comma-separated, repeatable)")
    check.add_argument("--output", metavar="FILE", help="write the report to FILE")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument("--drift", action="store_true",
                       help="also report drift: criteria edited or linked code changed since "
                            "the last 'specloom verify' (T006, T007)")
    check.add_argument("--no-cache", action="store_true",
                       help="check every spec afresh: neither read nor write the result cache "
                            "(.kiro/specloom/cache/)")
    check.add_argument("--jobs", type=int, metavar="N",
                       help="processes to use (default: one per core for 64 specs or more)")
    check.set_defaults(handler=run_check)

    rules = commands.add_parser("rules", help="list the rules, or explain one",
                                description="List every rule, or explain one by code or name.")
    rules.add_argument("code", nargs="?", metavar="CODE", help="a rule code such as A001")
    rules.add_argument("--json", action="store_true", help="print machine-readable JSON")
    rules.set_defaults(handler=run_rules)


def _codes(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [c.strip().upper() for value in values for c in value.split(",") if c.strip()]


def run_check(args: argparse.Namespace) -> int:
    import gc

    from specloom.quality.check import check_workspace

    # A check allocates many small, short-lived objects and the process ends right after;
    # the cyclic collector only costs time here (about an eighth of a large check).
    gc.disable()
    from specloom.quality.settings import load_settings

    workspace = workspace_from(args)
    if args.jobs is not None and args.jobs < 1:
        raise CliError(f"--jobs {args.jobs}: give a number of processes of 1 or more")
    configured = load_settings(workspace.root)
    configured.require_known_codes()  # a typo in a file is an error even under --select
    settings = configured.with_overrides(
        _codes(args.select), _codes(args.ignore), args.fail_on, _codes(args.extend_select))
    settings.require_known_codes()
    report = check_workspace(workspace, args.specs, settings, jobs=args.jobs,
                             cache=not args.no_cache)
    if args.drift:
        report = with_drift(report, workspace, settings)
    output_format = "json" if args.json else args.format
    stream_tty = sys.stdout.isatty() and not args.output
    if output_format == "json":
        from specloom.quality.render.json_report import render_json

        rendered = render_json(report)
    elif output_format == "sarif":
        from specloom.quality.render.sarif import render_sarif

        rendered = render_sarif(report)
    else:
        from specloom.quality.render.text import render_text, use_color

        color = args.color == "always" or (args.color == "auto" and use_color(stream_tty))
        rendered = render_text(report, color=color)
    if args.output:
        write_output(args.output, rendered)
    else:
        sys.stdout.write(rendered)
    if any(d.code == "S001" for d in report.diagnostics):
        return EXIT_USAGE  # unreadable input
    return EXIT_FINDINGS if report.failed else EXIT_OK


def with_drift(report: Any, workspace: Any, settings: Any) -> Any:
    """The report with drift findings (T006, T007) added, subject to the same settings."""
    import dataclasses

    from specloom.core.diagnostic import Diagnostic
    from specloom.trace.drift import drift_diagnostics

    found = [
        dataclasses.replace(d, severity=settings.severity_of(d.code, d.severity))
        for d in drift_diagnostics(workspace, report.specs) if settings.enabled(d.code)
    ]
    merged = sorted((*report.diagnostics, *found), key=Diagnostic.sort_key)
    return dataclasses.replace(report, diagnostics=tuple(merged))


def run_rules(args: argparse.Namespace) -> int:
    from specloom.quality.registry import all_rules, find_rule

    if args.code:
        rule = find_rule(args.code)
        if rule is None:
            raise CliError(f"no rule {args.code!r}; run 'specloom rules' to list them")
        if args.json:
            print_json(_rule_dict(rule))
            return EXIT_OK
        print(f"{rule.code} {rule.name} ({rule.family}, default severity {rule.severity.label})")
        print(f"Tier: {_tier_text(rule)}")
        print()
        print(rule.summary)
        print()
        print(rule.explanation)
        print()
        print("Bad:")
        print(_indent(rule.bad))
        print("Good:")
        print(_indent(rule.good))
        print()
        print(f"Fix: {rule.hint}")
        print(f"Silence one line: <!-- specloom-ignore: {rule.code} -->;"
              f" everywhere: ignore = [\"{rule.code}\"] in [tool.specloom]")
        return EXIT_OK
    rules = list(all_rules().values())
    if args.json:
        print_json([_rule_dict(rule) for rule in rules])
        return EXIT_OK
    family = None
    for rule in rules:
        if rule.family != family:
            family = rule.family
            print(f"\n{family}")
        print(f"  {rule.code}  {rule.name:<32} {rule.severity.label:<8} {rule.tier:<8} "
              f"{_precision_text(rule):<5} {rule.summary}")
    print("\nColumns: code, name, default severity, tier, precision measured on real specs "
          "(- where not measured).")
    print("'check' runs the default tier; opt-in rules run with --select ALL, a family "
          "prefix or their code (or extend-select in [tool.specloom]).")
    print("Run 'specloom rules CODE' for an explanation with examples.")
    return EXIT_OK


def _precision_text(rule: Any) -> str:
    return "-" if rule.precision is None else f"{rule.precision:.2f}"


def _tier_text(rule: Any) -> str:
    measured = ("not measured on real specs" if rule.precision is None else
                f"precision {rule.precision:.2f} on {rule.judged} judged real-world findings")
    if rule.tier == "default":
        return f"default (runs unless 'select' says otherwise; {measured})"
    return (f"opt-in ({measured}); run it with --select {rule.code}, --select ALL or "
            f"extend-select = [\"{rule.code}\"]")


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def _rule_dict(rule: Any) -> dict[str, Any]:
    from specloom.quality.json_model import rule_json

    return rule_json(rule)
