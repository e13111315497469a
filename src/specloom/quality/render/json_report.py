"""The JSON check report. Its schema is stable and documented in docs/check.md; the model is
`specloom.quality.json_model.CheckJson` (docs/schemas/check.schema.json).

Schema version 1: new keys may be added; existing keys keep their meaning.
"""

from __future__ import annotations

import json
from typing import Any

from specloom.core.rule import Severity
from specloom.quality.check import CheckReport

SCHEMA_VERSION = 1


def report_to_dict(report: CheckReport) -> dict[str, Any]:
    from specloom.core.json_model import tool_info, validated
    from specloom.quality.json_model import CheckJson, diagnostics_json

    return validated(CheckJson, {
        "schema_version": SCHEMA_VERSION,
        "tool": tool_info(),
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
        "diagnostics": diagnostics_json(report.diagnostics),
    })


def render_json(report: CheckReport) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
