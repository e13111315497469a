"""Running linked tests in the project's environment, or reading outcomes from JUnit XML.

Three ways to get outcomes, each a `RunOutcome`:

- `run_pytest`: the project's interpreter (`environment.find_interpreter`) runs
  `python -m pytest -p no:specloom -p _specloom_verify_plugin --specloom-report=...
  --continue-on-collection-errors` (a broken test file costs only its own tests). The plugin
  is a copy of `pytest_plugin.py` in a temporary folder put first on `PYTHONPATH`, so the project
  needs neither specloom nor its dependencies; `-p no:specloom` keeps an installed copy of the
  plugin from registering its option twice (the copy registers the `req` marker itself).
- `run_command`: a configured test command, whose `{junit}` placeholder is replaced by the path
  of the JUnit XML it must write (a file, or a folder of `*.xml` files).
- `read_junit`: an existing JUnit XML file or folder; nothing runs.
- `recorded_run.read_pytest_report`: the plugin's record of a pytest run someone else started;
  nothing runs.

Runs see the project's environment activated (`VIRTUAL_ENV` set, its scripts folder first on
PATH) when the interpreter belongs to one. Whatever goes wrong (a missing pytest, a collection
error, a crash, a timeout, a missing report) becomes a `RunOutcome` with an `error` message;
nothing here raises for a failing test run.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from specloom.core import jsontext, process
from specloom.core.errors import SpecloomError
from specloom.trace.environment import Interpreter, find_interpreter
from specloom.trace.junit_input import TestResult, parse_junit
from specloom.trace.pytest_plugin import REPORT_FORMAT

PLUGIN_MODULE = "_specloom_verify_plugin"
MAX_OUTPUT = 20_000  # characters of a failed run's output kept in its error (head and tail)
NO_PYTEST = re.compile(r"No module named '?pytest'?\s*$", re.MULTILINE)
PYTEST, COMMAND, JUNIT_FILE = "pytest", "command", "junit-file"
PYTEST_REPORT = "pytest-report"  # the plugin's record of a run specloom did not start
RECORDED = (JUNIT_FILE, PYTEST_REPORT)  # outcomes read, nothing run
NOT_IN_RUN = "not-in-run"  # a test outcome: the run did not include the test (deselected, ...)
COLLECTION = "::"  # `RunOutcome.named` key of JUnit collection errors (no function is named so)


class RecordError(SpecloomError):
    """A `--pytest-report` file that cannot be read or was not written by the plugin."""


@dataclass(slots=True)
class RunOutcome:
    command: list[str]
    results: dict[str, TestResult] = field(default_factory=dict)
    collection_errors: dict[str, str] = field(default_factory=dict)  # file or node -> message
    error: str | None = None
    duration: float = 0.0
    kind: str = PYTEST  # pytest | command | junit-file | pytest-report
    interpreter: Interpreter | None = None
    junit: str | None = None  # the JUnit XML file or folder outcomes were read from
    report: str | None = None  # the plugin's record outcomes were read from (pytest-report)
    started_at: float | None = None  # when a recorded run started (a JUnit file: written)
    files: frozenset[str] | None = None  # files a recorded pytest run collected
    changed: tuple[str, ...] = ()  # linked files modified after a recorded run started
    _by_name: dict[str, list[TestResult]] | None = field(default=None, repr=False,
                                                         compare=False)

    def named(self, name: str) -> list[TestResult]:
        """The results whose test function is `name` (every parametrised case; any class or
        module): the candidates for a node id, found without scanning every result."""
        if self._by_name is None:
            self._by_name = {}
            for key, result in self.results.items():
                self._by_name.setdefault(case_function(key), []).append(result)
            # JUnit's collection errors: no classname, the module or package as the name
            self._by_name[COLLECTION] = [r for key, r in self.results.items()
                                         if key.startswith("::")]
        return self._by_name.get(name, [])

    def collection_results(self) -> list[TestResult]:
        """The results that are JUnit collection errors (no classname)."""
        return self.named(COLLECTION)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "command": self.command,
                "interpreter": self.interpreter.to_json() if self.interpreter else None,
                "junit": self.junit, "report": self.report,
                "started_at": _iso(self.started_at), "changed_after_run": list(self.changed),
                "duration": round(self.duration, 3), "error": self.error,
                "collection_errors": [{"nodeid": where, "message": message}
                                      for where, message in self.collection_errors.items()]}


def case_function(key: str) -> str:
    """The function name in a node id or a JUnit key (`classname::name`), without parameters."""
    return key.split("[", 1)[0].rsplit("::", 1)[-1]


def _iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    from datetime import UTC, datetime

    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")


def run_pytest(root: Path, nodeids: list[str], timeout: float,
               interpreter: Interpreter | None = None) -> RunOutcome:
    """Run the given pytest node ids in `root` and read the plugin's JSON report.

    A node id inside a file that fails to import makes pytest stop with "found no collectors"
    and run nothing; the run is then repeated once without that file's node ids, keeping the
    collection errors of the first.
    """
    python = interpreter or find_interpreter(root)
    outcome = _pytest_once(root, nodeids, timeout, python)
    broken = set(outcome.collection_errors)
    if outcome.error is None and not outcome.results and broken:
        remaining = [n for n in nodeids if n.split("::", 1)[0] not in broken]
        if remaining and len(remaining) < len(nodeids):
            again = _pytest_once(root, remaining, timeout, python)
            again.collection_errors.update(outcome.collection_errors)
            again.duration += outcome.duration
            return again
    return outcome


def _pytest_once(root: Path, nodeids: list[str], timeout: float,
                 python: Interpreter) -> RunOutcome:
    with tempfile.TemporaryDirectory(prefix="specloom-verify-") as folder:
        plugin_folder = Path(folder) / "plugin"
        plugin_folder.mkdir()
        source = resources.files("specloom.trace").joinpath("pytest_plugin.py")
        (plugin_folder / f"{PLUGIN_MODULE}.py").write_text(source.read_text(encoding="utf-8"),
                                                           encoding="utf-8")
        report = Path(folder) / "report.json"
        command = [python.path, "-m", "pytest", "-p", "no:specloom", "-p", PLUGIN_MODULE,
                   f"--specloom-report={report}", "-p", "no:cacheprovider",
                   "--continue-on-collection-errors", "-q", *nodeids]
        outcome = RunOutcome(command, interpreter=python)
        code, output = _run(command, root, timeout, outcome,
                            _environment(python, plugin_folder))
        if outcome.error is not None:
            return outcome
        if not report.is_file():
            outcome.error = _no_report(python, code, output)
            return outcome
        _read_plugin_report(report, outcome, root)
        if code not in (0, 1) and not outcome.results and not outcome.collection_errors:
            outcome.error = f"pytest exited with code {code}:\n{bounded(output.strip())}"
    return outcome


def run_command(root: Path, template: str, timeout: float,
                interpreter: Interpreter | None = None) -> RunOutcome:
    """Run a configured test command whose `{junit}` placeholder names the XML it must write."""
    with tempfile.TemporaryDirectory(prefix="specloom-verify-") as folder:
        junit = Path(folder) / "junit.xml"
        shell_command = template.replace("{junit}", str(junit))
        outcome = RunOutcome(["sh", "-c", shell_command], kind=COMMAND, interpreter=interpreter)
        code, text = _run(outcome.command, root, timeout, outcome, _environment(interpreter))
        if outcome.error is not None:
            return outcome
        if not junit.exists():
            outcome.error = (f"the test command wrote no JUnit XML to {{junit}} (exit code "
                             f"{code}):\n{bounded(text.strip())}")
            return outcome
        _read_junit_into(junit, outcome)
    return outcome


def read_junit(path: Path) -> RunOutcome:
    """Outcomes from an existing JUnit XML file, or every `*.xml` file in a folder."""
    outcome = RunOutcome([], kind=JUNIT_FILE, junit=str(path))
    if not path.exists():
        outcome.error = f"{path}: no such JUnit XML file or folder"
        return outcome
    _read_junit_into(path, outcome)
    files = sorted(path.glob("*.xml")) if path.is_dir() else [path]
    # when the outcomes were written: files changed later were not tested as they are now
    outcome.started_at = min((f.stat().st_mtime for f in files if f.is_file()), default=None)
    return outcome


def bounded(text: str, limit: int = MAX_OUTPUT) -> str:
    """`text` whole, or its head and tail around a note when it is longer than `limit`."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n... ({len(text) - 2 * half} characters left out) ...\n{text[-half:]}"


def collection_summary(text: str) -> str:
    """The line of a collection error that says what broke (e.g. `No module named 'shop'`)."""
    errors = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    if errors:
        return errors[-1]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "collection failed"


def _read_junit_into(path: Path, outcome: RunOutcome) -> None:
    results, problem = parse_junit(path)
    outcome.results.update({result.key: result for result in results})
    outcome.collection_errors.update(  # pytest's: no classname, the module as the name
        {r.key[2:]: r.message for r in results if r.key.startswith("::") and r.outcome == "error"})
    outcome.error = problem


def _environment(interpreter: Interpreter | None,
                 plugin_folder: Path | None = None) -> dict[str, str]:
    """The child's environment: the interpreter's virtual environment activated, the plugin
    folder first on PYTHONPATH."""
    env = dict(os.environ)
    env.pop("__PYVENV_LAUNCHER__", None)  # macOS: would make the child think it is specloom
    if interpreter is not None and interpreter.environment:
        scripts = Path(interpreter.path).parent
        env["VIRTUAL_ENV"] = interpreter.environment
        env["PATH"] = os.pathsep.join(filter(None, [str(scripts), env.get("PATH")]))
        env.pop("PYTHONHOME", None)
    if plugin_folder is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(plugin_folder),
                                                          env.get("PYTHONPATH")]))
    return env


def _no_report(python: Interpreter, code: int, output: str) -> str:
    if NO_PYTEST.search(output):
        return (f"the project's interpreter {python.path} ({python.source}) has no pytest: "
                f"install it there ({python.path} -m pip install pytest), choose another with "
                "--python, or set a test-command that writes JUnit XML")
    return f"pytest ended without a report (exit code {code}):\n{bounded(output.strip())}"


def _run(command: list[str], root: Path, timeout: float, outcome: RunOutcome,
         env: dict[str, str]) -> tuple[int, str]:
    try:
        done = process.run(command, cwd=root, timeout=timeout, env=env)
    except OSError as exc:
        outcome.error = f"cannot start {command[0]}: {exc.strerror or exc}"
        if outcome.interpreter is not None and command[0] == outcome.interpreter.path:
            outcome.error += f" (found as {outcome.interpreter.source}; choose one with --python)"
        return -1, ""
    outcome.duration = done.duration
    if done.returncode is None:
        outcome.error = f"the test run timed out after {timeout:g} s and was stopped"
        return -1, ""
    return done.returncode, done.stdout.decode("utf-8", "replace")


def read_pytest_report(path: Path, root: Path) -> RunOutcome:
    """Outcomes from the record `pytest --specloom-report=PATH` wrote; nothing runs.

    Node ids are made relative to `root` (pytest names them from its rootdir). Raises
    `RecordError` when the file cannot be read or is not such a record.
    """
    outcome = RunOutcome([], kind=PYTEST_REPORT, report=str(path))
    data = _read_plugin_report(path, outcome, root)
    if data is None or data.get("format") != REPORT_FORMAT:
        problem = outcome.error or "not a record written by pytest --specloom-report"
        raise RecordError(f"{path}: {problem}", path=str(path),
                          hint="pass the file given to pytest's --specloom-report option "
                               "(JUnit XML goes to --junit)")
    started = data.get("started_at")
    outcome.started_at = float(started) if isinstance(started, int | float) else None
    return outcome


def _read_plugin_report(path: Path, outcome: RunOutcome,
                        root: Path | None = None) -> dict[str, Any] | None:
    """Fill `outcome` from the plugin's JSON; the data, or None (and `outcome.error`) when
    it cannot be read."""
    try:
        data = jsontext.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        outcome.error = f"unreadable pytest report: {exc}"
        return None
    if not isinstance(data, dict) or not isinstance(data.get("tests"), list) or not isinstance(
            data.get("collection_errors"), list):
        outcome.error = "unreadable pytest report: no tests and collection_errors lists"
        return None
    record: dict[str, Any] = data
    tests, errors = record["tests"], record["collection_errors"]
    relocate = _relocator(record.get("rootdir"), root)
    for test in tests:
        if isinstance(test, dict) and isinstance(test.get("nodeid"), str):
            nodeid = relocate(test["nodeid"])
            outcome.results[nodeid] = _plugin_result(nodeid, test)
    for error in errors:
        if isinstance(error, dict) and isinstance(error.get("nodeid"), str):
            outcome.collection_errors[relocate(error["nodeid"])] = str(error.get("message"))
    outcome.files = frozenset(key.split("::", 1)[0]
                              for key in [*outcome.results, *outcome.collection_errors])
    return record


def _plugin_result(nodeid: str, test: dict[str, Any]) -> TestResult:
    outcome = str(test.get("outcome"))
    if outcome == "deselected":
        return TestResult(nodeid, NOT_IN_RUN, "deselected in this pytest run (-k, -m or "
                                              "--deselect, given or in the pytest settings)")
    message = str(test.get("message") or "")
    if outcome == "not-run" and not message:
        message = ("collected but not run: the pytest session ended first (a collection error "
                   "without --continue-on-collection-errors, -x, or an interruption)")
    example = test.get("falsifying_example")
    duration = test.get("duration")
    return TestResult(nodeid, outcome, message,
                      float(duration) if isinstance(duration, int | float) else 0.0,
                      example if isinstance(example, str) else None)


def _relocator(rootdir: object, root: Path | None) -> Callable[[str], str]:
    """Node ids from pytest's rootdir to paths relative to the workspace root `root`."""
    if not isinstance(rootdir, str) or not rootdir or root is None:
        return _same
    base, here = Path(rootdir).resolve(), root.resolve()
    if base == here:
        return _same
    if base.is_relative_to(here):  # a rootdir below the workspace (its own pytest settings)
        prefix = base.relative_to(here).as_posix() + "/"
        return lambda nodeid: prefix + nodeid if nodeid else nodeid
    if here.is_relative_to(base):  # a rootdir above it
        strip = here.relative_to(base).as_posix() + "/"
        return lambda nodeid: nodeid.removeprefix(strip)
    return _same


def _same(nodeid: str) -> str:
    return nodeid
