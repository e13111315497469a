"""The JSON check report. Its schema is stable and documented in docs/check.md.

Schema version 1: new keys may be added; existing keys keep their meaning.
"""

from __future__ import annotations

import json
from typing import Any

from specloom import __version__
from specloom.core.rule import Severity
from specloom.quality.check import CheckReport
from specloom.quality.registry import all_rules

SCHEMA_VERSION = 1


def report_to_dict(report: CheckReport) -> dict[str, Any]:
    rules = all_rules()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "specloom", "version": __version__},
        "root": report.root,
        "summary": {
            "specs": len(report.specs),
            "files": len(report.files),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "info": report.count(Severity.INFO),
            "fail_on": report.fail_on.label,
            "failed": report.failed,
        },
        "specs": list(report.specs),
        "diagnostics": [
            {
                "code": d.code,
                "rule": rules[d.code].name if d.code in rules else None,
                "severity": d.severity.label,
                "spec": d.spec,
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "end_line": d.end_line,
                "end_column": d.end_column,
                "message": d.message,
                "hint": d.hint,
            }
            for d in report.diagnostics
        ],
    }


def render_json(report: CheckReport) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
