"""Reading JUnit XML written by any test runner into per-test results."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from specloom.trace.runner import TestResult


def parse_junit(path: Path) -> tuple[list[TestResult], str | None]:
    """Test results keyed `classname::name`, and a problem message if the XML is unreadable."""
    from specloom.trace.runner import TestResult

    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError) as exc:
        return [], f"unreadable JUnit XML: {exc}"
    results = []
    for case in tree.getroot().iter("testcase"):
        name = case.get("name", "")
        key = f"{case.get('classname', '')}::{name}"
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed" if child.tag == "failure" else "error"
                message = child.get("message") or (child.text or "").strip()[:2000]
            elif child.tag == "skipped":
                outcome, message = "skipped", child.get("message", "")
        results.append(TestResult(key, outcome, message, float(case.get("time") or 0.0)))
    return results, None
