"""Human-readable check output: grouped by file, offending words underlined, a hint each."""

from __future__ import annotations

import os
from collections.abc import Callable

from specloom.core.diagnostic import Diagnostic
from specloom.core.rule import Severity
from specloom.quality.check import CheckReport

COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def use_color(stream_is_tty: bool) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream_is_tty


def _painter(color: bool) -> Callable[[str, str], str]:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    return paint


def render_text(report: CheckReport, color: bool = False) -> str:
    paint = _painter(color)
    out: list[str] = []
    current_path: str | None = None
    for diagnostic in report.diagnostics:
        if diagnostic.path != current_path:
            if current_path is not None:
                out.append("")
            current_path = diagnostic.path
            out.append(paint(diagnostic.path, "1"))
        out.extend(_render_one(report, diagnostic, paint))
    if report.diagnostics:
        out.append("")
    out.append(summary_line(report, paint))
    return "\n".join(out) + "\n"


def _render_one(report: CheckReport, d: Diagnostic,
                paint: Callable[[str, str], str]) -> list[str]:
    label = paint(d.severity.label, COLORS[d.severity])
    lines = [f"  {d.line}:{d.column} {paint(d.code, '1')} {label} {d.message}"]
    source = report.sources.get(d.path)
    text = source.line(d.line) if source is not None else ""
    if text.strip() and len(text) <= 400:
        gutter = str(d.line)
        pad = " " * len(gutter)
        lines.append(f"    {gutter} | {text.expandtabs(4) if chr(9) in text else text}")
        if d.end_column > d.column:
            width = min(d.end_column, len(text) + 1) - d.column
            marker = " " * (d.column - 1) + "^" * max(width, 1)
            lines.append(f"    {pad} | {paint(marker, COLORS[d.severity])}")
    if d.hint:
        lines.append(f"    = hint: {d.hint}")
    return lines


def summary_line(report: CheckReport, paint: Callable[[str, str], str] | None = None) -> str:
    paint = paint or _painter(False)
    errors, warnings, infos = (report.count(s) for s in
                               (Severity.ERROR, Severity.WARNING, Severity.INFO))
    specs = len(report.specs)
    scope = f"{specs} spec{'s' if specs != 1 else ''}, {len(report.files)} files"
    if not report.diagnostics:
        return paint(f"All checks passed ({scope}).", "32")
    parts = [f"{errors} error{'s' if errors != 1 else ''}",
             f"{warnings} warning{'s' if warnings != 1 else ''}",
             f"{infos} info"]
    verdict = "failed" if report.failed else "passed"
    tail = (f"; fails on {report.fail_on.label} and above" if report.failed else
            f"; nothing at or above {report.fail_on.label}")
    line = f"Found {', '.join(parts)} in {scope}: check {verdict}{tail}."
    explain = "Run 'specloom rules CODE' to see why a rule matters and how to fix it."
    return paint(line, "31" if report.failed else "33") + "\n" + explain
