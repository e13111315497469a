"""`verify`: run the tests linked to each criterion and judge it.

Per criterion: `verified` (every linked test that ran passed), `failing` (a linked test failed;
the report names it with its message), `error` (a linked test could not run: collection error,
crash, timeout), `untested` (no linked test, or none ran), `stale` (tests pass but the
criterion's text changed since the last verification; `accept=True` records the new text).
A passing verification records the criterion's fingerprint, the git commit and its code anchors.

The outcomes come from runs `verify` starts (pytest, a test command) or from a record of a run
it did not start (`pytest_report`: the plugin's record; `junit`: JUnit XML), read without
running anything. A recorded run verifies no criterion whose linked tests it did not include,
nor one whose linked test files or anchored code were modified after it started.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from specloom.core.diagnostic import Diagnostic
from specloom.spec.tasks import TaskStatus
from specloom.spec.workspace import Workspace
from specloom.trace.anchors import Anchor, AnchorFinder
from specloom.trace.environment import find_interpreter
from specloom.trace.fingerprints import FingerprintStore, Verified, fingerprint
from specloom.trace.gitinfo import head_commit
from specloom.trace.links import Link
from specloom.trace.matrix import CriterionTrace, SpecTrace, TraceReport, build_trace, diagnostic
from specloom.trace.outcome_lookup import in_junit, result_for
from specloom.trace.rules import RULES
from specloom.trace.runner import (
    NOT_IN_RUN,
    RECORDED,
    RunOutcome,
    read_junit,
    read_pytest_report,
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
           junit: Path | None = None, pytest_report: Path | None = None,
           cache: bool = False) -> VerifyReport:
    """Run the linked tests of the named specs (all when empty) and judge every criterion.

    `progress`, when given, receives one-line messages about what is running. `python` names
    the interpreter for pytest (default: the project's, see `environment.find_interpreter`).
    `pytest_report` (the plugin's record of a pytest run) and `junit` (a JUnit XML file or
    folder) give the outcomes instead, and nothing runs: the record those of pytest tests, the
    JUnit XML those of other tests (and of pytest tests when there is no record). `cache`
    reuses the links of unchanged files (`trace.link_cache`).
    """
    store = FingerprintStore.load(workspace.root)
    trace = build_trace(workspace, names, store, cache=cache)
    links = [link for spec in trace.specs for link in _test_links(spec)]
    progress = progress or (lambda _: None)
    if junit is not None or pytest_report is not None:
        runs = _read_runs(workspace.root, junit, pytest_report, progress)
        _mark_changed(workspace.root, runs, trace)
    else:
        runs = _run_tests(workspace, links, timeout, test_command, progress, python)
    changed = frozenset(path for run in runs.values() if run for path in run.changed)
    found: dict[str, TestOutcome] = {}  # a test linked to several criteria is looked up once
    commit = head_commit(workspace.root)
    verdicts = []
    recorder = _Recorder(store, AnchorFinder(workspace.root), commit) if record else None
    for spec in trace.specs:
        criteria = tuple(_judge(c, runs, accept, changed, found) for c in spec.criteria)
        for trace_criterion, verdict in zip(spec.criteria, criteria, strict=True):
            if verdict.status == VERIFIED and recorder is not None:
                recorder.record(trace_criterion, verdict)
        properties = tuple(
            PropertyVerdict(p.number, p.title, p.line,
                            *_status_of(_outcomes(p.tests, runs, changed, (), found)))
            for p in spec.properties)
        verdicts.append(SpecVerdict(spec.name, criteria, properties))
    if recorder is not None and recorder.count:
        store.save()
    diagnostics = _diagnostics(trace, verdicts)
    return VerifyReport(tuple(verdicts), trace, tuple(r for r in runs.values() if r),
                        tuple(diagnostics), commit, recorder.count if recorder else 0)


class _Recorder:
    """Records verified criteria in the fingerprint store, with their code anchors
    fingerprinted as the code is now (an anchor shared by criteria once)."""

    def __init__(self, store: FingerprintStore, finder: AnchorFinder, commit: str | None):
        self.store, self.finder, self.commit = store, finder, commit
        self.now = datetime.now(UTC).isoformat(timespec="seconds")
        self.count = 0
        self._anchors: dict[Anchor, tuple[Anchor, ...]] = {}

    def record(self, criterion: CriterionTrace, verdict: CriterionVerdict) -> None:
        anchors: list[Anchor] = []
        for anchor in criterion.anchors:
            if anchor not in self._anchors:
                self._anchors[anchor] = self.finder.fingerprinted([anchor])
            anchors.extend(self._anchors[anchor])
        self.store.record(criterion.spec, verdict.id, Verified(
            fingerprint(criterion.text), self.commit, self.now,
            tuple(t.key for t in verdict.tests), tuple(anchors)))
        self.count += 1


def _test_links(spec: SpecTrace) -> list[Link]:
    found = [link for c in spec.criteria for link in c.tests]
    found.extend(link for p in spec.properties for link in p.tests if link.kind == "test")
    return found


def _read_runs(root: Path, junit: Path | None, pytest_report: Path | None,
               progress: Callable[[str], None]) -> dict[str, RunOutcome | None]:
    """Outcomes of runs someone else started; nothing runs."""
    pytest_run = command = None
    if pytest_report is not None:
        pytest_run = read_pytest_report(pytest_report, root)
        progress(f"reading test outcomes from {pytest_report} (the pytest run of "
                 f"{_local_time(pytest_run.started_at)}; no test run)")
    if junit is not None:
        command = read_junit(junit)
        progress(f"reading test outcomes from {junit} (written "
                 f"{_local_time(command.started_at)}; no test run)")
    return {"pytest": pytest_run, "command": command}


def _local_time(moment: float | None) -> str:
    if moment is None:
        return "at an unknown time"
    return datetime.fromtimestamp(moment).strftime("%Y-%m-%d %H:%M:%S")


def _mark_changed(root: Path, runs: dict[str, RunOutcome | None], trace: TraceReport) -> None:
    """Set `changed` on each recorded run: the files modified after it started among those
    of the linked tests it gives outcomes for and of the anchored code (their outcomes in it
    are not those of the files now)."""
    links = [link for spec in trace.specs for link in _test_links(spec)]
    anchored = {a.path for spec in trace.specs for c in spec.criteria for a in c.anchors}
    python = {link.path for link in links if link.nodeid}
    paths = {"pytest": python | anchored,
             "command": {link.path for link in links if not link.nodeid} | anchored}
    if runs["pytest"] is None:  # the JUnit XML gives the Python tests' outcomes too
        paths["command"] |= python
    for name, run in runs.items():
        if run is None or run.kind not in RECORDED or run.started_at is None:
            continue
        changed = []
        for path in sorted(paths[name]):
            try:
                if (root / path).stat().st_mtime > run.started_at:
                    changed.append(path)
            except OSError:
                continue  # a file that is gone: its tests are missing from the record anyway
        run.changed = tuple(changed)


def _run_tests(workspace: Workspace, links: list[Link], timeout: float,
               test_command: str | None, progress: Callable[[str], None],
               python: str | None = None) -> dict[str, RunOutcome | None]:
    """At most one run each: the test command and pytest.

    With a test command, linked Python tests take their outcomes from its JUnit XML; those it
    does not report run with pytest in the project's interpreter.
    """
    nodeids = sorted({link.nodeid for link in links if link.nodeid})
    others = {link.test_key for link in links if not link.nodeid}
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
        nodeids = [n for n in nodeids if not in_junit(command_run, n)]
    pytest_run = None
    if nodeids and interpreter is not None:
        progress(f"running {len(nodeids)} linked Python tests with pytest "
                 f"(timeout {timeout:g} s)")
        pytest_run = run_pytest(workspace.root, nodeids, timeout, interpreter)
    return {"pytest": pytest_run, "command": command_run}


def _judge(criterion: CriterionTrace, runs: dict[str, RunOutcome | None], accept: bool,
           changed: frozenset[str] = frozenset(),
           found: dict[str, TestOutcome] | None = None) -> CriterionVerdict:
    anchored = tuple(a.path for a in criterion.anchors)
    status, tests = _status_of(_outcomes(criterion.tests, runs, changed, anchored, found))
    if status == VERIFIED and criterion.stale and not accept:
        status = STALE
    return CriterionVerdict(criterion.spec, criterion.id, criterion.text, criterion.line, status,
                            tests, criterion.tasks)


def _outcomes(links: Sequence[Link], runs: dict[str, RunOutcome | None],
              changed: frozenset[str] = frozenset(), anchored: Sequence[str] = (),
              found: dict[str, TestOutcome] | None = None) -> list[TestOutcome]:
    """Each linked test's outcome once; with `changed` files (a recorded run older than them),
    what passed or skipped there is not taken as the outcome of the files now."""
    found = {} if found is None else found
    seen: dict[str, TestOutcome] = {}
    for link in links:
        if link.kind != "test" or link.test_key in seen:
            continue
        if link.test_key not in found:
            result = result_for(link, runs)
            found[link.test_key] = TestOutcome(link.test_key, link.path, link.line,
                                               result.outcome, result.message,
                                               result.falsifying_example)
        seen[link.test_key] = found[link.test_key]
    tests = list(seen.values())
    stale = sorted(({t.path for t in tests} | set(anchored)) & changed)
    if not stale:
        return tests
    note = (f"{', '.join(stale)} modified after the recorded run started; run the tests "
            "again")
    return [replace(t, outcome=NOT_IN_RUN, message=f"{t.outcome} in the recorded run, but "
                                                   f"{note}")
            if t.outcome in ("passed", "skipped") else t for t in tests]


def _status_of(tests: list[TestOutcome]) -> tuple[str, tuple[TestOutcome, ...]]:
    outcomes = {t.outcome for t in tests}
    if "failed" in outcomes:
        status = FAILING
    elif outcomes & {"error", "not-run"}:
        status = ERROR
    elif "passed" in outcomes and NOT_IN_RUN not in outcomes:
        status = VERIFIED
    else:
        status = UNTESTED
    return status, tuple(tests)


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
