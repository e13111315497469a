"""Renderers for drift: text, JSON (schema in docs/trace.md) and markdown."""

from __future__ import annotations

from typing import Any

from specloom.trace.drift import DriftReport
from specloom.trace.render_common import diagnostics_json, dumps, header, md_escape


def drift_to_dict(report: DriftReport) -> dict[str, Any]:
    # Plain data in the shape of `trace.json_model.DriftJson`; the tests check every output
    # against that model and the published schema (the validator would cost start-up time).
    return {
        **header("drift"),
        "git": report.git,
        "note": report.note,
        "checked": report.checked,
        "never_verified": [{"spec": spec, "id": cid} for spec, cid in report.never_verified],
        "criteria": [{
            "spec": d.spec, "id": d.id, "since": d.since, "verified_commit": d.verified_commit,
            "text_changed": d.text_changed, "changed_files": list(d.changed_files),
            "commits": [{"sha": c.sha, "subject": c.subject, "files": list(c.files)}
                        for c in d.commits],
            "suspect_tasks": list(d.tasks), "suspect_tests": list(d.tests), "note": d.note,
            "anchors": [{"path": a.anchor.path, "symbol": a.anchor.symbol, "line": a.line,
                         "via": a.anchor.via, "status": a.status, "message": a.message,
                         "diff": list(a.diff), "note": a.note} for a in d.anchors],
        } for d in report.criteria],
        "diagnostics": diagnostics_json(report.diagnostics),
    }


def render_drift_json(report: DriftReport) -> str:
    return dumps(drift_to_dict(report))


def render_drift_text(report: DriftReport) -> str:
    out: list[str] = []
    if report.note:
        out.append(f"note: {report.note}")
    if not report.criteria:
        out.append(f"no drift in {report.checked} compared criteria")
    for d in report.criteria:
        since = f" since {d.verified_commit[:12]}" if d.verified_commit else ""
        if d.since == "extraction":
            at = f"{d.verified_commit[:12]}, " if d.verified_commit else ""
            since = f" since extraction ({at}never verified)"
        out.append(f"{d.spec} {d.id}{since}:")
        if d.note:
            out.append(f"  {d.note}")
        if d.text_changed:
            out.append("  criterion text changed")
        for commit in d.commits:
            out.append(f"  commit {commit.sha[:12]} {commit.subject} "
                       f"({', '.join(commit.files)})")
        uncommitted = set(d.changed_files) - {f for c in d.commits for f in c.files}
        if uncommitted:
            out.append(f"  uncommitted changes: {', '.join(sorted(uncommitted))}")
        for change in d.anchors:
            out.append(f"  code: {change.message}")
            out.extend(f"    {line}" for line in change.diff)
            if change.note:
                out.append(f"    ({change.note})")
        if d.drifted:
            out.append(f"  suspect tasks: {', '.join(d.tasks) or '-'}")
            out.append(f"  suspect tests: {', '.join(d.tests) or '-'}")
    if report.never_verified:
        out.append(f"not compared, never verified ({len(report.never_verified)}): "
                   f"{_criteria_list(report.never_verified)}")
    return "\n".join(out) + "\n"


def _criteria_list(criteria: tuple[tuple[str, str], ...], shown: int = 12) -> str:
    names = [f"{spec} {cid}" for spec, cid in criteria]
    more = f", +{len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def render_drift_markdown(report: DriftReport) -> str:
    out = ["## specloom drift", ""]
    if report.note:
        out.extend([f"> {report.note}", ""])
    if not report.criteria:
        out.append(f"No drift in {report.checked} compared criteria.")
    if report.never_verified:
        out.extend(["", f"Not compared, never verified ({len(report.never_verified)}): "
                        f"{_criteria_list(report.never_verified)}.", ""])
    if report.criteria:
        out.extend(["| criterion | text changed | changed files | commits | changed code "
                    "anchors | suspect tasks | suspect tests |",
                    "|---|---|---|---|---|---|---|"])
        for d in report.criteria:
            commits = ", ".join(f"`{c.sha[:8]}` {md_escape(c.subject)}" for c in d.commits)
            anchors = ", ".join(f"`{a.anchor.symbol}` {a.status}" for a in d.anchors)
            out.append(f"| {d.spec} {d.id} | {'yes' if d.text_changed else 'no'} | "
                       f"{', '.join(d.changed_files) or '-'} | {commits or '-'} | "
                       f"{md_escape(anchors) or '-'} | "
                       f"{', '.join(d.tasks) or '-'} | {', '.join(d.tests) or '-'} |")
        diffs = [(d, a) for d in report.criteria for a in d.anchors if a.diff]
        for d, change in diffs:
            out.extend(["", f"<details><summary>{d.spec} {d.id}: {md_escape(change.message)}"
                            "</summary>", "", "```diff", *change.diff, "```", "</details>"])
    return "\n".join(out) + "\n"
