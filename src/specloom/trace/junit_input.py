"""Reading JUnit XML written by any test runner into per-test results.

A path may be one XML file or a folder of them (Maven's `target/surefire-reports/`): every
`*.xml` file in the folder is read. Results are keyed `classname::name`.

pytest's `--junitxml` names a test `tests/test_x.py::TestC::test_f[p]` as
`classname="tests.test_x.TestC" name="test_f[p]"`, and a collection error of
`tests/test_x.py` as `classname="" name="tests.test_x"`; `pytest_cases` finds a linked node id's
cases (and such an error) among the results.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from specloom.trace.pytest_plugin import falsifying_example

MAX_MESSAGE = 100_000


@dataclass(frozen=True, slots=True)
class TestResult:
    key: str
    outcome: str  # passed, failed, error, skipped, not-run
    message: str = ""
    duration: float = 0.0
    falsifying_example: str | None = None


def parse_junit(path: Path) -> tuple[list[TestResult], str | None]:
    """Test results keyed `classname::name`, and a problem message if some XML is unreadable."""
    files = sorted(path.glob("*.xml")) if path.is_dir() else [path]
    if path.is_dir() and not files:
        return [], f"{path}: the folder holds no *.xml JUnit files"
    results: list[TestResult] = []
    problems = []
    for file in files:
        try:
            tree = ET.parse(file)
        except (OSError, ET.ParseError) as exc:
            problems.append(f"unreadable JUnit XML {file}: {exc}")
            continue
        results.extend(_case_result(case) for case in tree.getroot().iter("testcase"))
    return results, "; ".join(problems) or None


def _case_result(case: ET.Element) -> TestResult:
    key = f"{case.get('classname', '')}::{case.get('name', '')}"
    outcome, message, example = "passed", "", None
    for child in case:
        if child.tag in ("failure", "error"):
            outcome = "failed" if child.tag == "failure" else "error"
            details = (child.text or "").strip()
            message = child.get("message") or ""
            if details and (child.tag == "error" or not message):
                # an error (collection, setup) is shown whole; a failure by its message
                message = f"{message}\n{details}" if message else details
            message = message[:MAX_MESSAGE]
            example = falsifying_example(details)
        elif child.tag == "skipped" and outcome == "passed":
            outcome, message = "skipped", child.get("message", "")
    try:
        duration = float(case.get("time") or 0.0)
    except ValueError:
        duration = 0.0
    return TestResult(key, outcome, message, duration, example)


def junit_address(nodeid: str) -> tuple[str, str]:
    """pytest's JUnit `classname` and `name` for a node id (as its junitxml plugin writes)."""
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


def pytest_cases(results: Iterable[TestResult], nodeid: str) -> tuple[list[TestResult],
                                                                         TestResult | None]:
    """The results of a pytest node id (all its parametrised cases), and else a collection
    error of its module or package (pytest's rootdir may lie above the workspace, so a
    classname may carry a dotted prefix)."""
    classname, name = junit_address(nodeid)
    module = junit_address(nodeid.split("::", 1)[0])[1]
    cases, collection = [], None
    for result in results:
        found_class, _, found_name = result.key.partition("::")
        if _dotted_suffix(found_class, classname) and (
                found_name == name or found_name.startswith(name + "[")):
            cases.append(result)
        elif not found_class and result.outcome == "error" and (
                _dotted_suffix(found_name, module) or module.startswith(found_name + ".")):
            collection = result
    return cases, collection


def _dotted_suffix(found: str, expected: str) -> bool:
    return found == expected or found.endswith("." + expected)
