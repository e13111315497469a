"""Property-based tests for the correctness properties 4 to 7 of the spec-check design.

Properties 1 to 3 already have their tests in tests/spec/. Each test here checks one property
of `.kiro/specs/spec-check/design.md` against the real code, with Hypothesis inputs.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib.util
import io
import json
import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, composite

from specloom.cli.main import main
from specloom.core.diagnostic import Diagnostic
from specloom.core.rule import Severity
from specloom.quality.check import CheckReport
from specloom.quality.consistency import (
    check_design,
    check_requirements_numbering,
    check_tasks,
)
from specloom.quality.registry import all_rules, default_codes
from specloom.quality.render.json_report import render_json
from specloom.spec.design import DesignDoc, parse_design
from specloom.spec.render import TaskDraft, render_design, render_requirements, render_tasks
from specloom.spec.requirements import RequirementsDoc, parse_requirements
from specloom.spec.source import SourceText
from specloom.spec.tasks import TasksDoc, TaskStatus, parse_tasks, with_status


def _draft_strategies() -> ModuleType:
    """tests/spec/draft_strategies.py, imported once whichever test folder asks first."""
    loaded = sys.modules.get("draft_strategies")
    if loaded is not None:
        return loaded
    path = Path(__file__).resolve().parents[1] / "spec" / "draft_strategies.py"
    spec = importlib.util.spec_from_file_location("draft_strategies", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["draft_strategies"] = module
    spec.loader.exec_module(module)
    return module


drafts = _draft_strategies()


# -- Property 4 ---------------------------------------------------------------------------------

# Equivalent spellings of each checkbox mark, so the tree is not only render.py's canonical form.
MARK_SPELLINGS = {"x": ["x", "X"], "-": ["-", "~"], " ": [" ", ""]}
BOX = re.compile(r"^([ \t]*- )\[([ x\-])\]", re.MULTILINE)

parents_with_subtasks = st.builds(
    TaskDraft,
    title=drafts.phrase,
    status=drafts.status,
    requirements=drafts.citations,
    subtasks=st.lists(drafts.subtask_drafts, min_size=1, max_size=4),
)
two_level_trees = st.lists(st.one_of(parents_with_subtasks, drafts.task_drafts),
                           min_size=1, max_size=4).filter(
    lambda tasks: any(task.subtasks for task in tasks))


@composite
def task_tree_texts(draw: DrawFn) -> str:
    """A rendered two-level plan, with marks respelled and line endings possibly CRLF."""
    text = render_tasks(draw(two_level_trees))
    spellings = iter(draw(st.lists(st.integers(0, 1), min_size=text.count("["),
                                   max_size=text.count("["))))
    text = BOX.sub(lambda m: f"{m.group(1)}[{MARK_SPELLINGS[m.group(2)][next(spellings)]}]",
                   text)
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


def parse(text: str) -> TasksDoc:
    return parse_tasks(SourceText.from_text("tasks.md", text))


def c006_tasks(doc: TasksDoc) -> set[str]:
    """The tasks the checker reports with C006 (parent done with an open required sub-task)."""
    found: list[tuple[str, str]] = []

    def emit(code: str, path: str, line: int, column: int, end_column: int, message: str,
             hint: str) -> None:
        if code == "C006":
            found.append((code, message))

    check_tasks(emit, doc, None, None)
    return {message.split()[1] for _, message in found}


def parents_done_with_open_required(doc: TasksDoc) -> set[str]:
    return {task.id for task in doc.tasks
            if task.level == 1 and task.status is TaskStatus.DONE
            and any(not child.optional and child.status is not TaskStatus.DONE
                    for child in doc.children(task.id))}


# Feature: spec-check, Property 4: Parent status follows the required sub-tasks
@settings(max_examples=100, deadline=None)
@given(task_tree_texts(), st.data())
def test_parent_status_follows_the_required_subtasks(text: str, data: st.DataObject) -> None:
    doc = parse(text)
    assert c006_tasks(doc) == parents_done_with_open_required(doc)

    subtasks = [task for task in doc.tasks if task.parent is not None]
    assert subtasks, "the strategy always draws a parent with sub-tasks"
    changed = data.draw(st.sampled_from(subtasks), label="sub-task")
    new_status = data.draw(drafts.status, label="new status")
    after = parse(with_status(doc, changed.id, new_status))

    assert changed.parent is not None
    parent = after.task(changed.parent)
    assert parent is not None and after.task(changed.id).status is new_status  # type: ignore[union-attr]
    required = [child for child in after.children(parent.id) if not child.optional]
    if required:
        all_done = all(child.status is TaskStatus.DONE for child in required)
        assert (parent.status is TaskStatus.DONE) == all_done
    else:
        # No required sub-task: "each required sub-task is done" is vacuous, and the writer
        # leaves the parent's box as it was (design: the box follows *required* sub-tasks).
        assert parent.status is doc.task(parent.id).status  # type: ignore[union-attr]
    assert c006_tasks(after) == parents_done_with_open_required(after)


# -- Property 5 ---------------------------------------------------------------------------------

def _lf_only(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


lf_documents = st.one_of(
    drafts.markdownish_text().map(_lf_only),
    st.builds(render_requirements, drafts.phrase, drafts.phrase, drafts.glossaries,
              st.lists(drafts.requirement_drafts, max_size=4)),
    st.builds(render_design, drafts.phrase, drafts.section_bodies,
              st.lists(drafts.property_drafts, max_size=4)),
    st.builds(render_tasks, drafts.task_lists),
)


def _refs(refs: Any) -> list[tuple[str, int, int]]:
    return [(ref.id, ref.line, ref.column) for ref in refs]


def source_positions(text: str) -> dict[str, Any]:
    """Every line and column the parsers and the checker give for `text`."""
    source = SourceText.from_text("spec.md", text)
    positions: dict[str, Any] = {}
    docs: dict[str, RequirementsDoc | DesignDoc | TasksDoc] = {}
    for kind in ("requirements", "bugfix"):
        req = parse_requirements(source, kind)
        docs[kind] = req
        positions[kind] = (
            [(s.title, s.level, s.line, s.end_line) for s in req.sections],
            [(g.term, g.line) for g in req.glossary],
            [(r.number, r.line) for r in req.requirements],
            [(c.id, c.line, [(s.line, s.column, len(s.text)) for s in c.segments],
              [c.locate(offset) for offset in range(len(c.text) + 2)])
             for c in req.criteria()],
            [(p.code, p.line, p.column, p.end_column) for p in req.problems],
        )
    design = parse_design(source)
    docs["design"] = design
    positions["design"] = (
        [(s.title, s.level, s.line, s.end_line) for s in design.sections],
        [(p.number, p.line, p.validates_line, _refs(p.validates)) for p in design.properties],
        [(p.code, p.line, p.column, p.end_column) for p in design.problems],
    )
    tasks = parse_tasks(source)
    positions["tasks"] = (
        [(t.id, t.line, t.mark_offset, _refs(t.requirements), _refs(t.properties),
          _refs(t.validates), _refs(t.depends)) for t in tasks.tasks],
        [(p.code, p.line, p.column, p.end_column) for p in tasks.problems],
    )
    found: list[tuple[str, str, int, int, int]] = []

    def emit(code: str, path: str, line: int, column: int, end_column: int, message: str,
             hint: str) -> None:
        found.append((code, path, line, column, end_column))

    from specloom.quality.engine import check_criteria_text

    requirements = docs["requirements"]
    assert isinstance(requirements, RequirementsDoc)
    check_requirements_numbering(emit, requirements)
    check_criteria_text(emit, requirements)
    check_design(emit, design, requirements, "feature")
    check_tasks(emit, tasks, requirements, design)
    positions["diagnostics"] = found
    return positions


# Feature: spec-check, Property 5: Line endings do not move positions
@settings(max_examples=100, deadline=None)
@given(lf_documents)
def test_line_endings_do_not_move_positions(text: str) -> None:
    crlf = text.replace("\n", "\r\n")

    assert source_positions(crlf) == source_positions(text)


# -- Property 6 ---------------------------------------------------------------------------------

RULES = all_rules()
# A few codes of each family (and S001, E001, C006 ...) so that prefixes select and ignore
# groups; "Z999" is a code no rule has (its default severity is warning).
CODES = ["S001", "S002", "S006", "E001", "E003", "A001", "A007", "A013", "C001", "C002",
         "C006", "C011", "K004", "T004", "Z999"]
PREFIXES = sorted({code[:n] for code in RULES for n in range(0, 5)})
severities = st.sampled_from(list(Severity))


class ExitCodeDisagrees(AssertionError):
    """The exit code is not the one Property 6 states (the filtered list itself was right)."""


raw_diagnostics = st.lists(st.tuples(
    st.sampled_from(CODES),
    st.sampled_from([".kiro/specs/s/requirements.md", ".kiro/specs/s/tasks.md"]),
    st.integers(1, 40), st.integers(1, 30), st.integers(0, 40),
    st.text(max_size=15),
    st.text(max_size=8),
), max_size=8)


@composite
def check_settings(draw: DrawFn) -> dict[str, Any]:
    return {
        "select": draw(st.none() | st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=3)),
        "ignore": draw(st.none() | st.lists(st.sampled_from(PREFIXES), max_size=3)),
        "severity": draw(st.dictionaries(st.sampled_from(PREFIXES), severities, max_size=3)),
        "fail-on": draw(st.none() | severities),
        "--fail-on": draw(st.none() | severities),
        "--ignore": draw(st.none() | st.lists(st.sampled_from(PREFIXES[1:]), min_size=1,
                                              max_size=2)),
    }


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def pyproject_for(config: dict[str, Any]) -> str:
    lines = ["[tool.specloom]"]
    for key in ("select", "ignore"):
        if config[key] is not None:
            lines.append(f"{key} = {_toml_list(config[key])}")
    if config["fail-on"] is not None:
        lines.append(f'fail-on = "{config["fail-on"].label}"')
    lines.append("[tool.specloom.severity]")
    lines.extend(f'{json.dumps(code)} = "{level.label}"'
                 for code, level in config["severity"].items())
    return "\n".join(lines) + "\n"


def longest(code: str, prefixes: list[str]) -> str | None:
    matching = [p for p in prefixes if code.startswith(p)]
    return max(matching, key=len) if matching else None


def expected_report(raw: list[tuple[Any, ...]], config: dict[str, Any]) -> tuple[list[dict[str, Any]], Severity]:
    """What Property 6 says: the selected, not ignored Diagnostics with configured severities."""
    select = config["select"] or []
    ignore = (config["ignore"] or []) + (config["--ignore"] or [])
    fail_on = config["--fail-on"] or config["fail-on"] or Severity.ERROR
    kept = []
    for code, path, line, column, end_column, message, hint in raw:
        chosen, dropped = longest(code, select), longest(code, ignore)
        if not select and code in default_codes():
            chosen = ""  # no select: the rules of the default tier
        if chosen is None or (dropped is not None and len(dropped) >= len(chosen)):
            continue  # the longest matching prefix decides; on a tie the ignore wins
        override = longest(code, list(config["severity"]))
        rule = RULES.get(code)
        severity = config["severity"][override] if override is not None else (
            rule.severity if rule else Severity.WARNING)
        kept.append({"code": code, "severity": severity.label, "spec": "s", "path": path,
                     "line": line, "column": column, "end_line": line,
                     "end_column": end_column or column, "message": message, "hint": hint})
    kept.sort(key=lambda d: (d["path"], d["line"], d["column"], d["code"]))
    return kept, fail_on


def raise_collected_disagreements(test: Any) -> Any:
    """Run the whole Hypothesis test, then raise the first exit-code disagreement it recorded.

    A disagreement does not stop Hypothesis, so every generated case still checks the filter,
    the severities and the report; only the exit-code clause is collected.
    """
    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        DISAGREEMENTS.clear()
        test(*args, **kwargs)
        if DISAGREEMENTS:
            raise ExitCodeDisagrees(min(DISAGREEMENTS, key=len))
    return run


DISAGREEMENTS: list[str] = []
NO_SETTINGS: dict[str, Any] = {"select": None, "ignore": None, "severity": {}, "fail-on": None,
                               "--fail-on": None, "--ignore": None}


# Property 6 is false as written: an S001 (unreadable spec file) left in the filtered list makes
# `specloom check` exit 2, not 1 or 0 (check_cmd.run_check: S001 is a Usage_Error, 9.3). Only
# that clause fails: a wrong filter, severity or report raises a plain AssertionError, which
# this xfail does not cover, so the test then fails for real.
# Feature: spec-check, Property 6: Settings and the exit code agree
@pytest.mark.xfail(strict=True, raises=ExitCodeDisagrees, reason=(
    "counterexample: raw Diagnostics [S001] with default settings -> exit code 2, but "
    "Property 6 says 1 (0 when S001 is not failing); run_check returns EXIT_USAGE whenever "
    "an S001 survives the filter, which the property (unlike requirement 9.3) does not allow"))
@raise_collected_disagreements
@settings(max_examples=100, deadline=None)
@example([("S001", ".kiro/specs/s/requirements.md", 1, 1, 0, "", "")], NO_SETTINGS)
@given(raw_diagnostics, check_settings())
def test_settings_and_the_exit_code_agree(raw: list[tuple[Any, ...]],
                                          config: dict[str, Any]) -> None:
    def emit_raw(spec: Any, collector: Any) -> None:
        for code, path, line, column, end_column, message, hint in raw:
            collector.emit(code, path, line, column, end_column, message, hint)

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".kiro" / "specs" / "s").mkdir(parents=True)
        (root / ".kiro" / "specs" / "s" / "requirements.md").write_text("# Requirements\n")
        (root / "pyproject.toml").write_text(pyproject_for(config))
        argv = ["--root", folder, "check", "--format", "json"]
        if config["--fail-on"] is not None:
            argv += ["--fail-on", config["--fail-on"].label]
        if config["--ignore"] is not None:
            argv += ["--ignore", ",".join(config["--ignore"])]
        out, err = io.StringIO(), io.StringIO()
        try:
            with mock.patch("specloom.quality.engine.check_spec", emit_raw), \
                    contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
        finally:
            gc.enable()  # run_check turns the collector off for its short-lived process

    assert code in (0, 1, 2), err.getvalue()
    report = json.loads(out.getvalue())
    expected, fail_on = expected_report(raw, config)
    got = [{key: d[key] for key in expected[0]} for d in report["diagnostics"]] if expected \
        else report["diagnostics"]
    assert got == expected
    assert report["summary"]["fail_on"] == fail_on.label
    failing = any(Severity.parse(d["severity"]) >= fail_on for d in expected)
    if code != (1 if failing else 0):
        DISAGREEMENTS.append(f"exit code {code}, expected {1 if failing else 0}, for the "
                             f"filtered codes {[d['code'] for d in expected]}")


# -- Property 7 ---------------------------------------------------------------------------------

any_text = st.text(max_size=20)
diagnostics = st.builds(
    Diagnostic,
    code=st.sampled_from([*RULES, "X001", ""]) | st.text(max_size=5),
    severity=severities,
    path=any_text,
    line=st.integers(0, 10**6),
    column=st.integers(0, 10**4),
    end_line=st.integers(0, 10**6),
    end_column=st.integers(0, 10**4),
    message=any_text,
    hint=any_text,
    spec=st.none() | any_text,
)
reports = st.builds(
    CheckReport,
    root=any_text,
    specs=st.lists(any_text, max_size=4).map(tuple),
    files=st.lists(any_text, max_size=6).map(tuple),
    diagnostics=st.lists(diagnostics, max_size=12).map(tuple),
    fail_on=severities,
)


# Feature: spec-check, Property 7: The JSON report is faithful
@settings(max_examples=100, deadline=None)
@given(reports)
def test_the_json_report_is_faithful(report: CheckReport) -> None:
    data = json.loads(render_json(report))

    decoded = tuple(
        Diagnostic(d["code"], Severity.parse(d["severity"]), d["path"], d["line"], d["column"],
                   d["end_line"], d["end_column"], d["message"], d["hint"], d["spec"])
        for d in data["diagnostics"])
    assert decoded == report.diagnostics
    summary = data["summary"]
    levels = [d.severity for d in report.diagnostics]
    assert (summary["errors"], summary["warnings"], summary["info"]) == (
        levels.count(Severity.ERROR), levels.count(Severity.WARNING), levels.count(Severity.INFO))
    assert summary["errors"] + summary["warnings"] + summary["info"] == len(data["diagnostics"])
    assert (summary["specs"], summary["files"]) == (len(report.specs), len(report.files))
    assert data["specs"] == list(report.specs)
    assert summary["fail_on"] == report.fail_on.label
    assert summary["failed"] == any(level >= report.fail_on for level in levels)
