"""A linked test's outcome among the runs `verify` made or read.

`runs` holds at most two: `pytest` (specloom's own pytest run, or the plugin's record of a run
someone else started: `verify --pytest-report FILE`) and `command` (a test command's JUnit XML,
or a JUnit file: `verify --junit FILE`). A pytest node id takes its outcome from the plugin's
record when there is one, else from the JUnit XML, else from specloom's own run; other tests
from the JUnit XML, matched by name.

A test a recorded run did not include (deselected, or in a file that run did not collect) is
`not-in-run`, which can never verify a criterion: the run says nothing about it. A test its own
file's run did not collect is an `error`, as in specloom's own run.
"""

from __future__ import annotations

from specloom.trace.junit_input import TestResult, pytest_cases
from specloom.trace.links import Link
from specloom.trace.runner import (
    JUNIT_FILE,
    NOT_IN_RUN,
    PYTEST_REPORT,
    RunOutcome,
    case_function,
    collection_summary,
)

NO_COMMAND = ("not run: no test command for non-Python tests; set [tool.specloom] "
              "test-command (with a {junit} placeholder), pass --test-command, or pass their "
              "JUnit XML with --junit")
COMBINE_ORDER = ("failed", "error", "not-run", NOT_IN_RUN, "passed")


def result_for(link: Link, runs: dict[str, RunOutcome | None]) -> TestResult:
    if link.nodeid:
        return _pytest_result(link.nodeid, runs)
    run = runs["command"]
    if run is None:
        return TestResult(link.test_key, "not-run", NO_COMMAND)
    symbol = link.symbol or ""
    matches = [r for key, r in run.results.items()
               if key.rsplit("::", 1)[-1] == symbol or (symbol and symbol in key)]
    if matches:
        return combine(link.test_key, matches)
    message = run.error or f"not found in {_junit_source(run)}"
    return TestResult(link.test_key, "error", message)


def in_junit(command: RunOutcome, nodeid: str) -> bool:
    """The JUnit XML has the node id's cases, or a collection error of its module."""
    return _junit_cases(command, nodeid) != ([], None)


def combine(key: str, results: list[TestResult]) -> TestResult:
    """One test over its parametrised cases: the worst case decides."""
    for outcome in COMBINE_ORDER:
        chosen = [r for r in results if r.outcome == outcome]
        if chosen:
            first = chosen[0]
            return TestResult(key, outcome, first.message, sum(r.duration for r in results),
                              first.falsifying_example)
    return TestResult(key, results[0].outcome, results[0].message)


def _pytest_result(nodeid: str, runs: dict[str, RunOutcome | None]) -> TestResult:
    command, run = runs["command"], runs["pytest"]
    if command is not None and (run is None or run.kind != PYTEST_REPORT):
        cases, collection = _junit_cases(command, nodeid)
        if cases:
            return combine(nodeid, cases)
        if run is None:
            return _missing_from_junit(nodeid, command, collection)
    assert run is not None
    matches = [r for r in run.named(case_function(nodeid)) if _same_test(r.key, nodeid)]
    if matches:
        return combine(nodeid, matches)
    path = nodeid.split("::", 1)[0]
    for where, message in run.collection_errors.items():
        if where and (_same_path(where, path) or nodeid.startswith(where + "::")
                      or path.startswith(where + "/")):
            return TestResult(nodeid, "error", f"collection error in {where}: "
                                               f"{collection_summary(message)}\n{message}")
    if run.error:
        return TestResult(nodeid, "error", run.error)
    if run.kind == PYTEST_REPORT and run.files is not None and not any(
            _same_path(found, path) for found in run.files):
        return TestResult(nodeid, NOT_IN_RUN, f"not in the recorded run {run.report}: that "
                                              f"pytest run did not collect {path}")
    where = f"the recorded run {run.report}" if run.kind == PYTEST_REPORT else "pytest"
    return TestResult(nodeid, "error", f"{where} did not collect this test; check its name, "
                                       "location and the pytest configuration")


def _junit_cases(command: RunOutcome, nodeid: str) -> tuple[list[TestResult],
                                                              TestResult | None]:
    candidates = [*command.named(case_function(nodeid)), *command.collection_results()]
    return pytest_cases(candidates, nodeid)


def _missing_from_junit(nodeid: str, run: RunOutcome,
                        collection: TestResult | None) -> TestResult:
    if collection is not None:
        return TestResult(nodeid, "error", f"collection error in {collection.key[2:]}: "
                                           f"{collection_summary(collection.message)}\n"
                                           f"{collection.message}")
    if run.error:
        return TestResult(nodeid, "error", run.error)
    if run.kind == JUNIT_FILE:  # deselected, renamed, or outside the paths that run was given
        return TestResult(nodeid, NOT_IN_RUN, f"not in {_junit_source(run)}")
    return TestResult(nodeid, "error", f"not in {_junit_source(run)}")


def _junit_source(run: RunOutcome) -> str:
    return f"the JUnit file {run.junit}" if run.junit else "the test command's JUnit report"


def _same_path(reported: str, path: str) -> bool:
    """pytest reports paths relative to its rootdir, which may lie above the workspace."""
    return reported == path or reported.endswith("/" + path)


def _same_test(reported: str, nodeid: str) -> bool:
    """The reported node id is the linked test, or one of its parametrised cases."""
    base = reported.split("[", 1)[0]
    return _same_path(base, nodeid)
