"""SARIF 2.1.0 output for code-scanning uploads (GitHub and others).

Artifact URIs are relative to the workspace root (`%SRCROOT%`); when the workspace is the
repository root, code-scanning tools place the annotations on the right lines.
"""

from __future__ import annotations

import json
from typing import Any

from specloom import __version__
from specloom.core.rule import Severity
from specloom.quality.check import CheckReport
from specloom.quality.registry import all_rules

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def report_to_sarif(report: CheckReport) -> dict[str, Any]:
    rules = list(all_rules().values())
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = []
    for d in report.diagnostics:
        region: dict[str, int] = {"startLine": d.line, "startColumn": d.column}
        if d.end_column > d.column:
            region.update(endLine=d.end_line, endColumn=d.end_column)
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": LEVELS[d.severity],
            "message": {"text": f"{d.message}. {d.hint}" if d.hint else d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": d.path, "uriBaseId": "%SRCROOT%"},
                "region": region,
            }}],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    driver = {
        "name": "specloom",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": "https://pypi.org/project/specloom/",
        "rules": [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.explanation},
                "help": {"text": f"{rule.hint}\nBad: {rule.bad}\nGood: {rule.good}"},
                "defaultConfiguration": {"level": LEVELS[rule.severity]},
                "properties": {"tags": [rule.family]},
            }
            for rule in rules
        ],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": _root_uri(report.root)}},
            "results": results,
        }],
    }


def _root_uri(root: str) -> str:
    from pathlib import Path

    return Path(root).as_uri() + "/"


def render_sarif(report: CheckReport) -> str:
    return json.dumps(report_to_sarif(report), indent=2, ensure_ascii=False) + "\n"
