"""Renderers for the trace matrix: text, JSON (schema in docs/trace.md) and markdown."""

from __future__ import annotations

from typing import Any

from specloom.trace.links import Link
from specloom.trace.matrix import CriterionTrace, TraceReport
from specloom.trace.render_common import (
    diagnostic_lines,
    diagnostics_json,
    dumps,
    header,
    link_dict,
    md_escape,
    problem_dict,
    shorten,
)

ICONS = {"covered": "✅", "uncovered": "⬜", "stale": "⚠️"}


def trace_to_dict(report: TraceReport) -> dict[str, Any]:
    # Plain data in the shape of `trace.json_model.TraceJson`; the tests check every output
    # against that model and the published schema (the validator would cost start-up time).
    return {
        **header("trace"),
        "root": str(report.root),
        "files_scanned": report.files_scanned,
        "links": report.link_count,
        "specs": [{
            "name": spec.name,
            "summary": spec.counts(),
            "criteria": [_criterion_dict(c) for c in spec.criteria],
            "properties": [{"number": p.number, "title": p.title, "line": p.line,
                            "validates": list(p.validates),
                            "tests": [link_dict(t) for t in p.tests]} for p in spec.properties],
        } for spec in report.specs],
        "orphans": [{"code": o.code, "spec": o.link.spec, "target": o.link.target,
                     "reason": o.reason, **link_dict(o.link)} for o in report.orphans],
        "problems": [problem_dict(p) for p in report.problems],
        "diagnostics": diagnostics_json(report.diagnostics),
    }


def _criterion_dict(criterion: CriterionTrace) -> dict[str, Any]:
    return {"id": criterion.id, "text": criterion.text, "line": criterion.line,
            "status": criterion.status, "tasks": list(criterion.tasks),
            "tests": [link_dict(t) for t in criterion.tests],
            "code": [link_dict(c) for c in criterion.code],
            "anchors": [{"path": a.path, "line": a.line, "symbol": a.symbol, "via": a.via}
                        for a in criterion.anchors],
            "properties": list(criterion.properties)}


def render_trace_json(report: TraceReport) -> str:
    return dumps(trace_to_dict(report))


def _names(links: tuple[Link, ...]) -> str:
    names = sorted({f"{link.path}::{link.symbol}" if link.symbol else link.path
                    for link in links})
    return ", ".join(names) if names else "-"


def _anchor_names(criterion: CriterionTrace, shown: int = 5) -> str:
    names = [f"{a.symbol} ({a.path}:{a.line})" for a in criterion.anchors]
    more = f", +{len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more if names else "-"


def render_trace_text(report: TraceReport) -> str:
    out: list[str] = []
    for spec in report.specs:
        counts = spec.counts()
        out.append(f"{spec.name}: {counts['covered']} covered, {counts['uncovered']} uncovered, "
                   f"{counts['stale']} stale")
        for c in spec.criteria:
            out.append(f"  {c.id:<6} {c.status:<9} {shorten(c.text, 70)}")
            out.append(f"         tasks: {', '.join(c.tasks) or '-'}")
            out.append(f"         tests: {_names(c.tests)}")
            out.append(f"         code:  {_names(c.code)}")
            for index, anchor in enumerate(c.anchors):
                label = "anchors:" if index == 0 else ""
                out.append(f"         {label:<8} {anchor.path}:{anchor.line} {anchor.symbol} "
                           f"({anchor.via})")
        for p in spec.properties:
            if not p.tests:
                out.append(f"  Property {p.number} ({p.title}): no property-based test")
    if report.orphans:
        out.append("orphaned links:")
        out.extend(f"  {o.link.path}:{o.link.line}: {o.code} {o.reason}" for o in report.orphans)
    if report.problems:
        out.append("scan problems:")
        out.extend(f"  {p.path}:{p.line}: {p.message}" for p in report.problems)
    other = [d for d in report.diagnostics if d.code not in ("T001", "T002", "T003")]
    if other:
        out.append("findings:")
        out.extend("  " + line for line in diagnostic_lines(other))
    out.append(f"{report.link_count} links in {report.files_scanned} files")
    return "\n".join(out) + "\n"


def render_trace_markdown(report: TraceReport) -> str:
    out = ["## specloom trace", ""]
    for spec in report.specs:
        counts = spec.counts()
        out.append(f"### {spec.name}: {counts['covered']}/{len(spec.criteria)} covered"
                   f"{', ' + str(counts['stale']) + ' stale' if counts['stale'] else ''}")
        out.extend(["", "| criterion | status | tasks | tests | code | code anchors |",
                    "|---|---|---|---|---|---|"])
        for c in spec.criteria:
            out.append(f"| **{c.id}** {md_escape(shorten(c.text, 60))} | {ICONS[c.status]} "
                       f"{c.status} | {', '.join(c.tasks) or '-'} | {md_escape(_names(c.tests))}"
                       f" | {md_escape(_names(c.code))} | {md_escape(_anchor_names(c))} |")
        out.append("")
    if report.orphans:
        out.extend(["### Orphaned links", ""])
        out.extend(f"- `{o.link.path}:{o.link.line}` {o.code}: {md_escape(o.reason)}"
                   for o in report.orphans)
        out.append("")
    return "\n".join(out)
