"""Renderers for verification: text, JSON (schema in docs/trace.md), markdown and JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from specloom.trace.render_common import (
    diagnostic_lines,
    diagnostics_json,
    dumps,
    header,
    md_escape,
    shorten,
)
from specloom.trace.runner import JUNIT_FILE, NOT_IN_RUN, PYTEST, PYTEST_REPORT, RunOutcome
from specloom.trace.verify import (
    ERROR,
    FAILING,
    STALE,
    UNTESTED,
    VERIFIED,
    CriterionVerdict,
    TestOutcome,
    VerifyReport,
)

ICONS = {VERIFIED: "✅", FAILING: "❌", ERROR: "💥", UNTESTED: "⬜", STALE: "⚠️"}


def _test_dict(test: TestOutcome) -> dict[str, Any]:
    return {"test": test.key, "path": test.path, "line": test.line, "outcome": test.outcome,
            "message": test.message, "falsifying_example": test.falsifying_example}


def verify_to_dict(report: VerifyReport, fail_on: str = "failing") -> dict[str, Any]:
    # Plain data in the shape of `trace.json_model.VerifyJson`; the tests check every output
    # against that model and the published schema (the validator would cost start-up time).
    return {
        **header("verify"),
        "commit": report.commit,
        "recorded": report.recorded,
        "failed": report.failed(fail_on),
        "fail_on": fail_on,
        "runs": [run.to_json() for run in report.runs],
        "specs": [{
            "name": spec.name,
            "summary": spec.summary(),
            "criteria": [{"id": c.id, "text": c.text, "line": c.line, "status": c.status,
                          "tasks": list(c.tasks), "tests": [_test_dict(t) for t in c.tests]}
                         for c in spec.criteria],
            "properties": [{"number": p.number, "title": p.title, "line": p.line,
                            "status": p.status, "tests": [_test_dict(t) for t in p.tests]}
                           for p in spec.properties],
        } for spec in report.specs],
        "diagnostics": diagnostics_json(report.diagnostics),
    }


def render_verify_json(report: VerifyReport, fail_on: str = "failing") -> str:
    return dumps(verify_to_dict(report, fail_on))


def _problem_lines(criterion: CriterionVerdict) -> list[str]:
    lines = []
    for test in criterion.tests:
        if test.outcome in ("failed", "error", "not-run"):
            first = test.message.strip().splitlines()[0] if test.message.strip() else ""
            lines.append(f"           {test.outcome}: {test.key}: {shorten(first, 90)}")
            if test.falsifying_example:
                lines.extend("             " + line
                             for line in test.falsifying_example.splitlines())
    return lines


def _local_time(moment: float | None) -> str:
    if moment is None:
        return "an unknown time"
    from datetime import datetime

    return datetime.fromtimestamp(moment).strftime("%Y-%m-%d %H:%M:%S")


def _run_lines(run: RunOutcome, absent: int) -> list[str]:
    """What ran (or was read), with which interpreter, and its problems in full; `absent`
    linked tests were not in a recorded run."""
    if run.kind == PYTEST_REPORT:
        lines = [f"outcomes read from {run.report} (the pytest run started "
                 f"{_local_time(run.started_at)}; no test run)"]
    elif run.kind == JUNIT_FILE:
        lines = [f"outcomes read from {run.junit} (written {_local_time(run.started_at)}; "
                 "no test run)"]
    else:
        what = "pytest" if run.kind == PYTEST else f"test command: {run.command[-1]}"
        lines = [f"ran {what} ({run.duration:.1f} s)"]
    if run.interpreter is not None:
        label = "with" if run.kind == PYTEST else "in the environment of"
        lines.append(f"  {label} {run.interpreter.path} ({run.interpreter.source})")
    if run.changed:
        lines.append(f"  modified since, so not verified from it: {', '.join(run.changed[:5])}"
                     f"{f' and {len(run.changed) - 5} more' if len(run.changed) > 5 else ''}")
    if absent and run.kind in (PYTEST_REPORT, JUNIT_FILE):
        lines.append(f"  linked tests not in it (deselected, not collected, or modified since): "
                     f"{absent}; their criteria are not verified from it")
    if run.error:
        lines.append("test run problem: " + run.error.rstrip().replace("\n", "\n  "))
    for where, message in run.collection_errors.items():
        lines.append(f"pytest could not collect {where or 'the tests'}:")
        lines.extend("  " + line for line in message.rstrip().splitlines())
    return lines


def render_verify_text(report: VerifyReport) -> str:
    out: list[str] = []
    absent = len({t.key for s in report.specs for c in s.criteria for t in c.tests
                  if t.outcome == NOT_IN_RUN})
    for run in report.runs:
        out.extend(_run_lines(run, absent))
        absent = 0 if run.kind in (PYTEST_REPORT, JUNIT_FILE) else absent  # said once
    for spec in report.specs:
        summary = spec.summary()
        out.append(f"{spec.name}: " + ", ".join(f"{n} {s}" for s, n in summary.items() if n))
        for c in spec.criteria:
            out.append(f"  {c.id:<6} {c.status:<9} {shorten(c.text, 70)}")
            out.extend(_problem_lines(c))
        for p in spec.properties:
            if p.status != VERIFIED:
                label = "no property-based test" if p.status == UNTESTED else p.status
                out.append(f"  Property {p.number} ({p.title}): {label}")
                for test in p.tests:
                    if test.falsifying_example:
                        out.extend("      " + line
                                   for line in test.falsifying_example.splitlines())
    if report.diagnostics:
        out.append("findings:")
        out.extend("  " + line for line in diagnostic_lines(report.diagnostics))
    if report.recorded:
        out.append(f"recorded {report.recorded} verified criteria"
                   f"{' at ' + report.commit[:12] if report.commit else ''}")
    return "\n".join(out) + "\n"


def render_verify_markdown(report: VerifyReport) -> str:
    out = ["## specloom verify", ""]
    for spec in report.specs:
        summary = spec.summary()
        out.append(f"### {spec.name}: {summary[VERIFIED]}/{len(spec.criteria)} verified")
        out.extend(["", "| criterion | status | tests |", "|---|---|---|"])
        for c in spec.criteria:
            tests = "<br>".join(f"`{t.key}` {t.outcome}" for t in c.tests) or "-"
            out.append(f"| **{c.id}** {md_escape(shorten(c.text, 60))} | {ICONS[c.status]} "
                       f"{c.status} | {md_escape(tests)} |")
        failing = [(c, t) for c in spec.criteria for t in c.tests if t.outcome == "failed"]
        for criterion, test in failing:
            out.extend(["", f"<details><summary>{criterion.id}: {test.key}</summary>", "",
                        "```", test.falsifying_example or test.message, "```", "</details>"])
        out.append("")
    if report.diagnostics:
        out.extend(["### Findings", ""])
        out.extend(f"- `{d.path}:{d.line}` {d.code}: {md_escape(d.message)}"
                   for d in report.diagnostics)
    return "\n".join(out) + "\n"


def render_verify_junit(report: VerifyReport) -> str:
    """One testsuite per spec, one testcase per criterion."""
    suites = ET.Element("testsuites", name="specloom verify")
    for spec in report.specs:
        summary = spec.summary()
        suite = ET.SubElement(suites, "testsuite", name=spec.name, tests=str(len(spec.criteria)),
                              failures=str(summary[FAILING] + summary[STALE]),
                              errors=str(summary[ERROR]), skipped=str(summary[UNTESTED]))
        for c in spec.criteria:
            case = ET.SubElement(suite, "testcase", classname=spec.name,
                                 name=f"{c.id} {shorten(c.text, 80)}")
            _junit_status(case, c)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _junit_status(case: ET.Element, criterion: CriterionVerdict) -> None:
    details = "\n".join(f"{t.key}: {t.outcome}: {t.message}" for t in criterion.tests
                        if t.outcome != "passed")
    if criterion.status == FAILING:
        ET.SubElement(case, "failure", message="a linked test failed").text = details
    elif criterion.status == STALE:
        ET.SubElement(case, "failure", message="criterion text changed since last verified")
    elif criterion.status == ERROR:
        ET.SubElement(case, "error", message="a linked test could not run").text = details
    elif criterion.status == UNTESTED:
        ET.SubElement(case, "skipped", message="no linked test ran")
