"""The rule engine behind `check`: parse a spec, run every rule family on it, collect
diagnostics. Imported only when some spec is not in the result cache (`quality.check`)."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Sequence

from specloom.core.diagnostic import Diagnostic
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

# One spec's result: its name, the files read and the diagnostics found.
SpecResult = tuple[str, list[str], list[Diagnostic]]


class Collector:
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


def check_specs(workspace: Workspace, specs: Sequence[str], settings: CheckSettings,
                workers: int = 1) -> list[SpecResult]:
    """Check each named spec, in `workers` processes when more than one; results in the order
    of `specs`. Workers return diagnostics only, never the sources they read."""
    if workers <= 1:
        return _check_chunk(workspace, specs, settings)
    size = -(-len(specs) // (workers * 4))  # a few chunks per worker evens out the load
    chunks = [specs[i:i + size] for i in range(0, len(specs), size)]
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        done = pool.starmap(_check_chunk, [(workspace, chunk, settings) for chunk in chunks])
    return [result for chunk in done for result in chunk]


def _check_chunk(workspace: Workspace, specs: Sequence[str],
                 settings: CheckSettings) -> list[SpecResult]:
    collector = Collector(settings)
    results: list[SpecResult] = []
    for name in specs:
        spec = load_spec(workspace, name)
        collector.spec = name
        collector.diagnostics = []
        files = []
        for path, doc in spec.documents():
            files.append(path)
            collector.watch(doc.source)
        check_spec(spec, collector)
        results.append((name, files, collector.diagnostics))
    return results


def check_spec(spec: Spec, collector: Collector) -> None:
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


