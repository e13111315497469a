"""The JSON check report. Its schema is stable and documented in docs/check.md; the model is
`specloom.quality.json_model.CheckJson` (docs/schemas/check.schema.json).

Schema version 1: new keys may be added; existing keys keep their meaning.
"""

from __future__ import annotations

import json
from typing import Any

from specloom import __version__
from specloom.core.rule import Severity
from specloom.quality.check import CheckReport

SCHEMA_VERSION = 1


def report_to_dict(report: CheckReport) -> dict[str, Any]:
    """The report as `CheckJson` (quality.json_model) describes it. Built as plain data, not
    through the model: loading the validator would cost more than a warm check; the tests
    validate this output against the published schema."""
    names = dict(report.rule_names)
    if any(d.code not in names for d in report.diagnostics):
        from specloom.quality.registry import all_rules

        names.update((code, rule.name) for code, rule in all_rules().items())
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
        "diagnostics": [d.to_json(names.get(d.code)) for d in report.diagnostics],
    }


def render_json(report: CheckReport) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
