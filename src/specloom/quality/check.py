"""`check`: run every rule over the specs of a workspace and collect diagnostics.

This is the library entry point the CLI, MCP server and web dashboard share. It reads the
files fresh from disk, never writes, and never raises for bad spec content: unreadable or
malformed files become diagnostics.
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from specloom.core.diagnostic import Diagnostic
from specloom.core.errors import SpecloomError
from specloom.core.rule import Severity
from specloom.quality import glossary
from specloom.quality.consistency import (
    Emit,
    check_design,
    check_requirements_numbering,
    check_tasks,
)
from specloom.quality.ears import parse_ears
from specloom.quality.registry import all_rules
from specloom.quality.settings import CheckSettings
from specloom.quality.smells import find_smells
from specloom.quality.suppression import NONE, Suppressions, find_suppressions
from specloom.spec.loader import Spec, load_spec
from specloom.spec.requirements import RequirementsDoc
from specloom.spec.source import SourceText
from specloom.spec.workspace import Workspace


class UnknownSpecError(LookupError, SpecloomError):
    """A spec named on the command line does not exist; the message suggests near names."""


@dataclass(frozen=True, slots=True)
class CheckReport:
    root: str
    specs: tuple[str, ...]
    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    fail_on: Severity
    sources: dict[str, SourceText] = field(default_factory=dict, compare=False, repr=False)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    @property
    def failed(self) -> bool:
        return any(d.severity >= self.fail_on for d in self.diagnostics)


def resolve_spec_names(workspace: Workspace, requested: Sequence[str]) -> list[str]:
    available = workspace.spec_names()
    if not requested:
        return available
    names = []
    for name in requested:
        resolved = workspace.resolve_name(name)  # also `_archived/x` and `.kiro/specs/x/`
        if resolved is not None:
            names.append(resolved)
            continue
        cleaned = name.rstrip("/").rsplit("/", 1)[-1]
        near = difflib.get_close_matches(cleaned, workspace.all_spec_names(), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else (
            f"; specs here: {', '.join(available[:10])}" if available else
            f"; {workspace.relative(workspace.specs_dir)} has no specs")
        raise UnknownSpecError(f"no spec named {cleaned!r}{hint}")
    return names


class _Collector:
    """Turns raw findings into diagnostics, applying selection, severity and suppressions."""

    def __init__(self, settings: CheckSettings) -> None:
        self.settings = settings
        self.rules = all_rules()
        self.diagnostics: list[Diagnostic] = []
        self.suppressions: dict[str, Suppressions] = {}
        self.spec: str | None = None
        self._enabled: dict[str, bool] = {}
        self._severity: dict[str, Severity] = {}

    def watch(self, source: SourceText) -> None:
        if "specloom-ignore" in source.text:
            self.suppressions[source.path] = find_suppressions(source.lines)

    def emit(self, code: str, path: str, line: int, column: int, end_column: int,
             message: str, hint: str) -> None:
        enabled = self._enabled.get(code)
        if enabled is None:
            enabled = self._enabled[code] = self.settings.enabled(code)
        if not enabled or self.suppressions.get(path, NONE).silences(code, line):
            return
        severity = self._severity.get(code)
        if severity is None:
            rule = self.rules.get(code)
            default = rule.severity if rule else Severity.WARNING
            severity = self._severity[code] = self.settings.severity_of(code, default)
        self.diagnostics.append(Diagnostic(code, severity, path, line, column, line,
                                           end_column or column, message, hint, self.spec))


PARALLEL_THRESHOLD = 64  # below this many specs a second process costs more than it saves

_ChunkResult = tuple[list[str], list[Diagnostic], dict[str, SourceText]]


def check_workspace(workspace: Workspace, names: Sequence[str] = (),
                    settings: CheckSettings | None = None, jobs: int | None = None) -> CheckReport:
    """Check the named specs (all when none are named).

    `jobs` is the number of processes (default: one per core for large workspaces). Specs are
    independent, so they are checked in chunks and the results merged in spec order.
    """
    settings = settings or CheckSettings()
    specs = resolve_spec_names(workspace, names)
    workers = _worker_count(len(specs), jobs)
    if workers > 1:
        results = _check_in_processes(workspace, specs, settings, workers)
    else:
        results = [_check_chunk(workspace, specs, settings)]
    files = [f for chunk_files, _, _ in results for f in chunk_files]
    diagnostics = sorted((d for _, chunk, _ in results for d in chunk), key=Diagnostic.sort_key)
    sources = {p: s for _, _, chunk_sources in results for p, s in chunk_sources.items()}
    return CheckReport(str(workspace.root), tuple(specs), tuple(files), tuple(diagnostics),
                       settings.fail_on, sources)


def _worker_count(spec_count: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, min(jobs, spec_count))
    if spec_count < PARALLEL_THRESHOLD or threading.active_count() > 1:
        return 1  # forking a process that runs threads is unsafe
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _check_in_processes(workspace: Workspace, specs: list[str], settings: CheckSettings,
                        workers: int) -> list[_ChunkResult]:
    size = -(-len(specs) // (workers * 4))  # a few chunks per worker evens out the load
    chunks = [specs[i:i + size] for i in range(0, len(specs), size)]
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        return pool.starmap(_check_chunk, [(workspace, chunk, settings) for chunk in chunks])


def _check_chunk(workspace: Workspace, specs: Sequence[str],
                 settings: CheckSettings) -> _ChunkResult:
    collector = _Collector(settings)
    files: list[str] = []
    sources: dict[str, SourceText] = {}
    for name in specs:
        spec = load_spec(workspace, name)
        collector.spec = name
        for path, doc in spec.documents():
            files.append(path)
            sources[path] = doc.source
            collector.watch(doc.source)
        check_spec(spec, collector)
    keep = {d.path for d in collector.diagnostics}
    return files, collector.diagnostics, {p: s for p, s in sources.items() if p in keep}


def check_spec(spec: Spec, collector: _Collector) -> None:
    emit = collector.emit
    for path, problems in spec.file_problems.items():
        for problem in problems:
            emit(problem.code, path, max(problem.line, 1), problem.column, problem.end_column,
                 problem.message, problem.hint)
    for path, doc in spec.documents():
        for problem in doc.problems:
            emit(problem.code, path, max(problem.line, 1), problem.column, problem.end_column,
                 problem.message, problem.hint)
    if spec.requirements is None and spec.design is None and spec.tasks is None \
            and not spec.file_problems:
        emit("S004", spec.display_path, 1, 1, 0,
             "spec folder has neither requirements.md nor bugfix.md",
             "add requirements.md (feature) or bugfix.md (bugfix), or remove the folder")
    if spec.requirements is not None:
        check_requirements_numbering(emit, spec.requirements)
        check_criteria_text(emit, spec.requirements)
    if spec.design is not None:
        check_design(emit, spec.design, spec.requirements, spec.kind)
    if spec.tasks is not None:
        check_tasks(emit, spec.tasks, spec.requirements, spec.design)


CODE_SPAN = re.compile(r"`[^`]*`")


def mask_code_spans(text: str) -> str:
    """Replace `code spans` by underscores, keeping offsets: quoted syntax such as `<spec>` is
    not prose, but a code span still fills its place in the sentence (``THEN `Router` SHALL``
    keeps a system name; an all-underscore name is never reported by A013)."""
    if "`" not in text:
        return text
    return CODE_SPAN.sub(lambda m: "_" * len(m.group(0)), text)


def check_criteria_text(emit: Emit, doc: RequirementsDoc) -> None:
    """EARS grammar, smells and glossary rules on each criterion's text.

    A013 reports each undefined system name once per document, at its first use.
    """
    path = doc.source.path
    defined = glossary.defined_names(t.term for t in doc.glossary)
    reported_names: set[str] = set()
    for requirement in doc.requirements:
        describes_defect = doc.kind == "bugfix" and requirement.number == "1"
        for criterion in requirement.criteria:
            text = mask_code_spans(criterion.text)
            ears = None if describes_defect else parse_ears(text)
            findings = list(ears.findings) if ears is not None else []
            findings.extend(find_smells(text, obligation_only=True))
            for finding in findings:
                line, column = criterion.locate(finding.start)
                end_line, end_column = criterion.locate(finding.end)
                emit(finding.code, path, line, column,
                     end_column if end_line == line else column + 1,
                     f"{criterion.id}: {finding.message}", finding.hint)
            if not defined or ears is None or not ears.system or ears.system_span is None \
                    or not glossary.is_undefined(ears.system, defined) \
                    or glossary.is_instance_in_trigger(ears.system, text[:ears.system_span[0]]):
                continue
            key = glossary.normalise(ears.system)
            if key in reported_names:
                continue
            reported_names.add(key)
            start, end = ears.system_span
            line, column = criterion.locate(start)
            emit("A013", path, line, column, column + (end - start),
                 f"{criterion.id}: system name {ears.system!r} is not in the Glossary",
                 "define it in the Glossary, or use a name defined there")


