"""`verify`: run the tests linked to each criterion and judge it.

Per criterion: `verified` (every linked test that ran passed), `failing` (a linked test failed;
the report names it with its message), `error` (a linked test could not run: collection error,
crash, timeout), `untested` (no linked test, or none ran), `stale` (tests pass but the
criterion's text changed since the last verification; `accept=True` records the new text).
A passing verification records the criterion's fingerprint, the git commit and its code anchors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from specloom.core.diagnostic import Diagnostic
from specloom.spec.tasks import TaskStatus
from specloom.spec.workspace import Workspace
from specloom.trace.anchors import AnchorFinder
from specloom.trace.environment import find_interpreter
from specloom.trace.fingerprints import FingerprintStore, Verified, fingerprint
from specloom.trace.gitinfo import head_commit
from specloom.trace.junit_input import TestResult, pytest_cases
from specloom.trace.links import Link
from specloom.trace.matrix import CriterionTrace, SpecTrace, TraceReport, build_trace, diagnostic
from specloom.trace.rules import RULES
from specloom.trace.runner import (
    RunOutcome,
    collection_summary,
    read_junit,
    run_command,
    run_pytest,
)

VERIFIED, FAILING, ERROR, UNTESTED, STALE = "verified", "failing", "error", "untested", "stale"
STATUSES = (VERIFIED, FAILING, ERROR, STALE, UNTESTED)
FAIL_ON = {
    "failing": {FAILING, ERROR},
    "stale": {FAILING, ERROR, STALE},
    "untested": {FAILING, ERROR, STALE, UNTESTED},
    "never": set(),
}
NO_COMMAND = ("not run: no test command for non-Python tests; set [tool.specloom] "
              "test-command (with a {junit} placeholder) or pass --test-command")


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """A linked test and what happened to it in this run."""

    key: str
    path: str
    line: int
    outcome: str
    message: str
    falsifying_example: str | None


@dataclass(frozen=True, slots=True)
class CriterionVerdict:
    spec: str
    id: str
    text: str
    line: int
    status: str
    tests: tuple[TestOutcome, ...]
    tasks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PropertyVerdict:
    number: int
    title: str
    line: int
    status: str
    tests: tuple[TestOutcome, ...]


@dataclass(frozen=True, slots=True)
class SpecVerdict:
    name: str
    criteria: tuple[CriterionVerdict, ...]
    properties: tuple[PropertyVerdict, ...]

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for criterion in self.criteria:
            counts[criterion.status] += 1
        return counts


@dataclass(frozen=True, slots=True)
class VerifyReport:
    specs: tuple[SpecVerdict, ...]
    trace: TraceReport
    runs: tuple[RunOutcome, ...]
    diagnostics: tuple[Diagnostic, ...]
    commit: str | None
    recorded: int

    def failed(self, fail_on: str) -> bool:
        bad = FAIL_ON[fail_on]
        if any(c.status in bad for s in self.specs for c in s.criteria):
            return True
        orphaned = any(d.code in ("T001", "T002", "T003") for d in self.diagnostics)
        return orphaned and STALE in bad


def verify(workspace: Workspace, names: Sequence[str] = (), timeout: float = 600.0,
           test_command: str | None = None, record: bool = True, accept: bool = False,
           progress: Callable[[str], None] | None = None, python: str | None = None,
           junit: Path | None = None) -> VerifyReport:
    """Run the linked tests of the named specs (all when empty) and judge every criterion.

    `progress`, when given, receives one-line messages about what is running. `python` names
    the interpreter for pytest (default: the project's, see `environment.find_interpreter`);
    `junit` is a JUnit XML file or folder to take every outcome from, running nothing.
    """
    store = FingerprintStore.load(workspace.root)
    trace = build_trace(workspace, names, store)
    links = [link for spec in trace.specs for link in _test_links(spec)]
    runs = _run_tests(workspace, links, timeout, test_command, progress or (lambda _: None),
                      python, junit)
    commit = head_commit(workspace.root)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    verdicts = []
    recorded = 0
    anchors = AnchorFinder(workspace.root)  # fingerprints the code as it is now
    for spec in trace.specs:
        criteria = tuple(_judge(c, runs, accept) for c in spec.criteria)
        for trace_criterion, verdict in zip(spec.criteria, criteria, strict=True):
            if verdict.status == VERIFIED:
                store.record(spec.name, verdict.id, Verified(
                    fingerprint(trace_criterion.text), commit, now,
                    tuple(t.key for t in verdict.tests),
                    anchors.fingerprinted(trace_criterion.anchors)))
                recorded += 1
        properties = tuple(
            PropertyVerdict(p.number, p.title, p.line, *_status_of(_outcomes(p.tests, runs)))
            for p in spec.properties)
        verdicts.append(SpecVerdict(spec.name, criteria, properties))
    if record and recorded:
        store.save()
    diagnostics = _diagnostics(trace, verdicts)
    return VerifyReport(tuple(verdicts), trace, tuple(r for r in runs.values() if r),
                        tuple(diagnostics), commit, recorded if record else 0)


def _test_links(spec: SpecTrace) -> list[Link]:
    found = [link for c in spec.criteria for link in c.tests]
    found.extend(link for p in spec.properties for link in p.tests if link.kind == "test")
    return found


def _run_tests(workspace: Workspace, links: list[Link], timeout: float,
               test_command: str | None, progress: Callable[[str], None],
               python: str | None = None,
               junit: Path | None = None) -> dict[str, RunOutcome | None]:
    """At most one run each: the test command (or a JUnit file) and pytest.

    With a test command, linked Python tests take their outcomes from its JUnit XML; those it
    does not report run with pytest in the project's interpreter. A `junit` file runs nothing.
    """
    nodeids = sorted({link.nodeid for link in links if link.nodeid})
    others = {link.test_key for link in links if not link.nodeid}
    if junit is not None:
        progress(f"reading test outcomes from {junit} (no test run)")
        return {"pytest": None, "command": read_junit(junit)}
    interpreter = None
    if nodeids:
        interpreter = find_interpreter(workspace.root, python)
        progress(f"project interpreter: {interpreter.path} ({interpreter.source})")
    command_run = None
    if test_command and (others or nodeids):
        progress(f"running the test command for {len(others) + len(nodeids)} linked tests "
                 f"(timeout {timeout:g} s)")
        command_run = run_command(workspace.root, test_command, timeout, interpreter)
        if command_run.error is not None and not command_run.results:
            return {"pytest": None, "command": command_run}
        nodeids = [n for n in nodeids if pytest_cases(command_run.results.values(), n)
                   == ([], None)]
    pytest_run = None
    if nodeids and interpreter is not None:
        progress(f"running {len(nodeids)} linked Python tests with pytest "
                 f"(timeout {timeout:g} s)")
        pytest_run = run_pytest(workspace.root, nodeids, timeout, interpreter)
    return {"pytest": pytest_run, "command": command_run}


def _judge(criterion: CriterionTrace, runs: dict[str, RunOutcome | None],
           accept: bool) -> CriterionVerdict:
    status, tests = _status_of(_outcomes(criterion.tests, runs))
    if status == VERIFIED and criterion.stale and not accept:
        status = STALE
    return CriterionVerdict(criterion.spec, criterion.id, criterion.text, criterion.line, status,
                            tests, criterion.tasks)


def _outcomes(links: Sequence[Link], runs: dict[str, RunOutcome | None]) -> list[TestOutcome]:
    seen: dict[str, TestOutcome] = {}
    for link in links:
        if link.kind != "test" or link.test_key in seen:
            continue
        result = _result_for(link, runs)
        seen[link.test_key] = TestOutcome(link.test_key, link.path, link.line, result.outcome,
                                          result.message, result.falsifying_example)
    return list(seen.values())


def _status_of(tests: list[TestOutcome]) -> tuple[str, tuple[TestOutcome, ...]]:
    outcomes = {t.outcome for t in tests}
    if "failed" in outcomes:
        status = FAILING
    elif outcomes & {"error", "not-run"}:
        status = ERROR
    elif "passed" in outcomes:
        status = VERIFIED
    else:
        status = UNTESTED
    return status, tuple(tests)


def _result_for(link: Link, runs: dict[str, RunOutcome | None]) -> TestResult:
    if link.nodeid:
        return _pytest_result(link, link.nodeid, runs)
    run = runs["command"]
    if run is None:
        return TestResult(link.test_key, "not-run", NO_COMMAND)
    symbol = link.symbol or ""
    matches = [r for key, r in run.results.items()
               if key.rsplit("::", 1)[-1] == symbol or (symbol and symbol in key)]
    if matches:
        return _combine(link.test_key, matches)
    message = run.error or f"not found in {_junit_source(run)}"
    return TestResult(link.test_key, "error", message)


def _pytest_result(link: Link, nodeid: str, runs: dict[str, RunOutcome | None]) -> TestResult:
    command, run = runs["command"], runs["pytest"]
    if command is not None:
        cases, collection = pytest_cases(command.results.values(), nodeid)
        if cases:
            return _combine(nodeid, cases)
        if run is None:
            return _missing_from_junit(nodeid, command, collection)
    assert run is not None
    matches = [r for key, r in run.results.items() if _same_test(key, nodeid)]
    if matches:
        return _combine(nodeid, matches)
    for where, message in run.collection_errors.items():
        if where and (_same_path(where, link.path) or nodeid.startswith(where + "::")):
            return TestResult(nodeid, "error", f"collection error in {where}: "
                                               f"{collection_summary(message)}\n{message}")
    if run.error:
        return TestResult(nodeid, "error", run.error)
    return TestResult(nodeid, "error", "pytest did not collect this test; check its name, "
                                       "location and the pytest configuration")


def _missing_from_junit(nodeid: str, run: RunOutcome,
                        collection: TestResult | None) -> TestResult:
    if collection is not None:
        return TestResult(nodeid, "error", f"collection error in {collection.key[2:]}: "
                                           f"{collection_summary(collection.message)}\n"
                                           f"{collection.message}")
    if run.error:
        return TestResult(nodeid, "error", run.error)
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


def _combine(key: str, results: list[TestResult]) -> TestResult:
    for outcome in ("failed", "error", "passed"):
        chosen = [r for r in results if r.outcome == outcome]
        if chosen:
            first = chosen[0]
            return TestResult(key, outcome, first.message, sum(r.duration for r in results),
                              first.falsifying_example)
    return TestResult(key, results[0].outcome, results[0].message)


def _diagnostics(trace: TraceReport, verdicts: list[SpecVerdict]) -> list[Diagnostic]:
    hints = {rule.code: rule.hint for rule in RULES}
    found = [d for d in trace.diagnostics if d.code != "T006"]
    for spec_trace, verdict in zip(trace.specs, verdicts, strict=True):
        found.extend(diagnostic("T006", spec_trace.requirements_path, c.line,
                                f"criterion {c.id} changed since its links were last verified",
                                hints["T006"], spec_trace.name)
                     for c in verdict.criteria if c.status == STALE)
        found.extend(_unverified_done_tasks(spec_trace, verdict, hints["T005"]))
    return sorted(found, key=Diagnostic.sort_key)


def _unverified_done_tasks(spec_trace: SpecTrace, verdict: SpecVerdict,
                           hint: str) -> list[Diagnostic]:
    tasks_doc = spec_trace.spec.tasks
    if tasks_doc is None:
        return []
    found = []
    for task in tasks_doc.tasks:
        if tasks_doc.effective_status(task) is not TaskStatus.DONE:
            continue
        pending = [c.id for c in verdict.criteria if task.id in c.tasks and c.status != VERIFIED]
        if pending:
            found.append(diagnostic(
                "T005", tasks_doc.source.path, task.line,
                f"task {task.id} is done but criteria {', '.join(pending)} are not verified",
                hint, spec_trace.name))
    return found
