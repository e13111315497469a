"""Pieces shared by the trace, verify and drift renderers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from specloom import __version__
from specloom.core.diagnostic import Diagnostic
from specloom.trace.links import Link, ScanProblem

SCHEMA_VERSION = 1


def header(kind: str) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "kind": kind,
            "tool": {"name": "specloom", "version": __version__}}


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def diagnostics_json(diagnostics: Sequence[Diagnostic]) -> list[dict[str, Any]]:
    """The diagnostics as every JSON output shows them (`quality.registry.diagnostics_json`)."""
    from specloom.quality.registry import diagnostics_json as named

    return named(diagnostics)


def link_dict(link: Link) -> dict[str, Any]:
    return {"path": link.path, "line": link.line, "symbol": link.symbol, "kind": link.kind,
            "via": link.via, "test": link.test_key if link.kind == "test" else None}


def problem_dict(problem: ScanProblem) -> dict[str, Any]:
    return {"path": problem.path, "line": problem.line, "message": problem.message}


def diagnostic_lines(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[str]:
    return [f"{d.path}:{d.line}: {d.code} {d.severity.label}: {d.message}" for d in diagnostics]


def md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def shorten(text: str, width: int = 72) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
