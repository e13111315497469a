"""The pytest plugin specloom ships (entry point `pytest11`: `specloom`).

It registers the `req` marker, so `@pytest.mark.req("cart", "1.2")` passes `--strict-markers`,
and nothing else unless `--specloom-report=PATH` is given: then it writes a JSON report of each
collected test (node id, file, line, outcome, duration, failure message, Hypothesis's falsifying
example, and its `req` markers), of collection errors (their whole text), and of the run itself
(when it started, pytest's rootdir, its arguments), which `specloom verify` reads: after its own
run, or with `specloom verify --pytest-report PATH` after any pytest run.

A test's outcome is `passed`, `failed`, `skipped` (an xfail too), `error` (setup or teardown),
`deselected` (`-k`, `-m`, `--deselect`) or `not-run` (collected and selected, but the session
ended before it ran: `-x`, an interruption).

The module must not import specloom (or anything beyond the standard library and pytest) at run
time: `verify` copies this file into a temporary folder and loads it with `-p` into the project's
own interpreter, where specloom is usually not installed. It must also keep working on the older
Pythons and pytests a project may use (annotations stay strings; no 3.10+ syntax at run time).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pytest

REPORT_OPTION = "--specloom-report"
REPORT_FORMAT = "specloom-pytest-report"  # the `format` key: tells this report from other JSON
REPORT_VERSION = 2  # 2: format, version, started_at, rootdir, args and `deselected` outcomes
MAX_TEXT = 4000
MAX_COLLECTION_TEXT = 100_000  # a collection error is kept whole up to this size
EXAMPLE_START = re.compile(r"(Falsifying example|Failing test case):")
ERROR_PREFIX = re.compile(r"^E {0,7}")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("specloom")
    group.addoption(REPORT_OPTION, default=None, metavar="PATH",
                    help="write a JSON report of outcomes and req markers (for specloom verify)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "req(spec, *criteria): acceptance criteria this test verifies, for specloom "
        "(also req('spec:1.2'))")
    path = config.getoption(REPORT_OPTION, default=None)
    if path:
        config.pluginmanager.register(ReportRecorder(Path(path)), "specloom-report-recorder")


def falsifying_example(text: str) -> str | None:
    """Hypothesis's minimal counterexample ("Falsifying example:" block) from a failure text."""
    lines = [ERROR_PREFIX.sub("", line) for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if EXAMPLE_START.search(line)), None)
    if start is None:
        return None
    first = EXAMPLE_START.search(lines[start])
    assert first is not None
    block = [lines[start][first.start():]]
    for line in lines[start + 1:]:
        if not line.strip():
            break
        block.append(line)
        if line.strip() == ")":
            break
    return "\n".join(block).strip()[:MAX_TEXT]


class ReportRecorder:
    """Collects per-test results during the session and writes them as JSON at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.started_at = time.time()  # before collection: a file changed later is not in it
        self.tests: dict[str, dict[str, Any]] = {}
        self.collection_errors: list[dict[str, str]] = []

    def pytest_itemcollected(self, item: pytest.Item) -> None:
        file, line, _ = item.location
        self.tests[item.nodeid] = {
            "nodeid": item.nodeid, "file": file, "line": (line or 0) + 1,
            "outcome": "not-run", "duration": 0.0, "message": "", "longrepr": "",
            "falsifying_example": None,
            "markers": [[str(a) for a in mark.args] for mark in item.iter_markers("req")],
        }

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        for item in items:
            if item.nodeid in self.tests:
                self.tests[item.nodeid]["outcome"] = "deselected"

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(
                {"nodeid": report.nodeid,
                 "message": _bounded(report.longreprtext, MAX_COLLECTION_TEXT)})

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = self.tests.setdefault(report.nodeid, {
            "nodeid": report.nodeid, "file": report.location[0], "line": 0,
            "outcome": "not-run", "duration": 0.0, "message": "", "longrepr": "",
            "falsifying_example": None, "markers": []})
        entry["duration"] += report.duration
        if report.when == "call" or (report.when == "setup" and not report.passed):
            entry["outcome"] = _outcome(report)
        elif report.when == "teardown" and report.failed:
            entry["outcome"] = "error"
        if report.failed or report.skipped:
            text = report.longreprtext
            entry["longrepr"] = text[-MAX_TEXT:]
            entry["message"] = _short_message(report)
            entry["falsifying_example"] = falsifying_example(text)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        config = session.config
        rootdir = getattr(config, "rootpath", None) or getattr(config, "rootdir", "")
        invocation = getattr(config, "invocation_params", None)
        data = {"format": REPORT_FORMAT, "version": REPORT_VERSION,
                "started_at": self.started_at, "rootdir": str(rootdir),
                "args": [str(arg) for arg in getattr(invocation, "args", ())],
                "exitstatus": int(exitstatus), "tests": list(self.tests.values()),
                "collection_errors": self.collection_errors}
        _write_atomic(self.path, json.dumps(data, indent=1).encode("utf-8"))


def _write_atomic(path: Path, data: bytes) -> None:
    """A temporary file beside `path`, then a rename: a reader never sees half a report.

    (specloom's own `write_atomic` cannot be used: specloom is not importable here.) A path
    that is not a regular file (`/dev/null`, a pipe) is written to, never replaced.
    """
    if path.exists() and not path.is_file():
        with open(path, "wb") as handle:
            handle.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _bounded(text: str, limit: int) -> str:
    """`text` whole, or its head and tail around a note when it is longer than `limit`."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n... ({len(text) - 2 * half} characters left out) ...\n{text[-half:]}"


def _outcome(report: pytest.TestReport) -> str:
    if report.when == "setup" and report.failed:
        return "error"
    return str(report.outcome)


def _short_message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None)
    if isinstance(message, str) and message:
        return message[:MAX_TEXT]
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2])[:MAX_TEXT]  # a skip: (file, line, reason)
    lines = [line for line in report.longreprtext.splitlines() if line.strip()]
    return lines[-1][:MAX_TEXT] if lines else report.outcome
