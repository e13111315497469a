"""Running linked tests: pytest with specloom's plugin, or a configured command writing JUnit XML.

Whatever goes wrong (a collection error, a crash, a timeout, a missing report) becomes a
`RunOutcome` with an `error` message; nothing here raises for a failing test run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from specloom import jsontext
from specloom.trace.junit_input import parse_junit

OUTPUT_TAIL = 2000


@dataclass(frozen=True, slots=True)
class TestResult:
    key: str
    outcome: str  # passed, failed, error, skipped, not-run
    message: str = ""
    duration: float = 0.0
    falsifying_example: str | None = None


@dataclass(slots=True)
class RunOutcome:
    command: list[str]
    results: dict[str, TestResult] = field(default_factory=dict)
    collection_errors: dict[str, str] = field(default_factory=dict)  # file or node -> message
    error: str | None = None
    duration: float = 0.0


def plugin_argument() -> str:
    """`-p` value loading the plugin once: the entry point name when installed, else the module."""
    installed = metadata.entry_points(group="pytest11", name="specloom")
    return "specloom" if installed else "specloom.trace.pytest_plugin"


def run_pytest(root: Path, nodeids: list[str], timeout: float) -> RunOutcome:
    """Run the given pytest node ids in `root` and read the plugin's JSON report."""
    with tempfile.TemporaryDirectory(prefix="specloom-verify-") as folder:
        report = Path(folder) / "report.json"
        command = [sys.executable, "-m", "pytest", "-p", plugin_argument(),
                   f"--specloom-report={report}", "-p", "no:cacheprovider", "-q", *nodeids]
        outcome = RunOutcome(command)
        output = _run(command, root, timeout, outcome)
        if outcome.error is not None:
            return outcome
        if not report.is_file():
            outcome.error = f"pytest ended without a report (exit code {output[0]}): " \
                            f"{output[1][-OUTPUT_TAIL:].strip()}"
            return outcome
        _read_plugin_report(report, outcome)
        if output[0] not in (0, 1) and not outcome.results and not outcome.collection_errors:
            outcome.error = f"pytest exited with code {output[0]}: " \
                            f"{output[1][-OUTPUT_TAIL:].strip()}"
    return outcome


def run_command(root: Path, template: str, timeout: float) -> RunOutcome:
    """Run a configured test command whose `{junit}` placeholder names the XML file to write."""
    with tempfile.TemporaryDirectory(prefix="specloom-verify-") as folder:
        junit = Path(folder) / "junit.xml"
        shell_command = template.replace("{junit}", str(junit))
        outcome = RunOutcome(["sh", "-c", shell_command])
        code, text = _run(outcome.command, root, timeout, outcome)
        if outcome.error is not None:
            return outcome
        if not junit.is_file():
            outcome.error = (f"test command wrote no JUnit XML to {{junit}} (exit code {code}): "
                             f"{text[-OUTPUT_TAIL:].strip()}")
            return outcome
        results, problem = parse_junit(junit)
        outcome.results.update({r.key: r for r in results})
        outcome.error = problem
    return outcome


def _run(command: list[str], root: Path, timeout: float, outcome: RunOutcome) -> tuple[int, str]:
    started = time.perf_counter()
    try:
        process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        outcome.error = f"cannot start {command[0]}: {exc.strerror or exc}"
        return -1, ""
    try:
        stdout, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        outcome.error = f"the test run timed out after {timeout:g} s and was stopped"
        outcome.duration = time.perf_counter() - started
        return -1, ""
    outcome.duration = time.perf_counter() - started
    return process.returncode, stdout.decode("utf-8", "replace")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.communicate()


def _read_plugin_report(path: Path, outcome: RunOutcome) -> None:
    try:
        data: dict[str, Any] = jsontext.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        outcome.error = f"unreadable pytest report: {exc}"
        return
    for test in data.get("tests", []):
        outcome.results[test["nodeid"]] = TestResult(
            test["nodeid"], test["outcome"], test.get("message", ""),
            float(test.get("duration", 0.0)), test.get("falsifying_example"))
    for error in data.get("collection_errors", []):
        outcome.collection_errors[error["nodeid"]] = error["message"]
