"""The rule engine behind `check`: parse a spec, run every rule family on it, collect
diagnostics. Imported only when some spec is not in the result cache (`quality.check`)."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from specloom.core.diagnostic import Diagnostic
from specloom.core.result_cache import PackedCache
from specloom.core.rule import Severity
from specloom.quality import glossary
from specloom.quality.check_cache import SpecResult, encode, spec_key
from specloom.quality.consistency import (
    Emit,
    check_design,
    check_requirements_numbering,
    check_tasks,
)
from specloom.quality.criteria import criterion_rules
from specloom.quality.registry import all_rules
from specloom.quality.settings import CheckSettings
from specloom.quality.suppression import NONE, Suppressions, find_suppressions
from specloom.spec.folder import read_spec_files
from specloom.spec.loader import Spec, load_spec
from specloom.spec.requirements import RequirementsDoc
from specloom.spec.source import SourceText
from specloom.spec.workspace import Workspace


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
        # The EARS parse feeds only the EARS rules and A013 (the system name); when the
        # settings select none of them, as the default tier does, it is not run at all.
        self.needs_ears = any(settings.enabled(code) for code, rule in self.rules.items()
                              if rule.family == "ears" or code == "A013")

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


@dataclass(frozen=True, slots=True)
class CacheTarget:
    """Where the engine stores each result, and the fingerprint of the settings and code."""

    folder: Path
    fingerprint: str


def check_specs(workspace: Workspace, specs: Sequence[str], settings: CheckSettings,
                workers: int = 1, cache: CacheTarget | None = None,
                ) -> list[tuple[str, str | None, SpecResult]]:
    """Check each named spec, in `workers` processes when more than one: (name, cache key,
    result) in the order of `specs`. With `cache`, each result is stored under the key of the
    bytes the spec was parsed from (each file is read once). Workers return diagnostics only,
    never the sources they read."""
    if workers <= 1:
        return _check_chunk(workspace, specs, settings, cache)
    size = -(-len(specs) // (workers * 4))  # a few chunks per worker evens out the load
    chunks = [specs[i:i + size] for i in range(0, len(specs), size)]
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        done = pool.starmap(_check_chunk,
                            [(workspace, chunk, settings, cache) for chunk in chunks])
    return [result for chunk in done for result in chunk]


def _check_chunk(workspace: Workspace, specs: Sequence[str], settings: CheckSettings,
                 cache: CacheTarget | None) -> list[tuple[str, str | None, SpecResult]]:
    collector = Collector(settings)
    store = PackedCache(cache.folder) if cache is not None else None
    written: dict[str, object] = {}
    results: list[tuple[str, str | None, SpecResult]] = []
    for name in specs:
        folder = workspace.spec_dir(name)
        raw = read_spec_files(folder)
        spec = load_spec(workspace, name, raw)
        collector.spec = name
        collector.diagnostics = []
        files = []
        for path, doc in spec.documents():
            files.append(path)
            collector.watch(doc.source)
        check_spec(spec, collector)
        rule_names = {d.code: collector.rules[d.code].name for d in collector.diagnostics
                      if d.code in collector.rules}
        result = (files, collector.diagnostics, rule_names)
        key = None
        if cache is not None:
            key = spec_key(raw, name, workspace.relative(folder), cache.fingerprint)
            written[key] = encode(result)
        results.append((name, key, result))
    if store is not None:
        store.put_many(written)  # one file for the chunk: creating files is what costs
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
        check_criteria_text(emit, spec.requirements, collector.needs_ears)
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


def check_criteria_text(emit: Emit, doc: RequirementsDoc, run_ears: bool = True) -> None:
    """EARS grammar, smells and glossary rules on each criterion's text (the
    smells only with `run_ears=False`, for settings that select no EARS rule and not A013).

    The text rules run once per distinct text (`criteria.criterion_rules`). A013 reports each
    undefined system name once per document, at its first use.
    """
    path = doc.source.path
    defined = glossary.defined_names(t.term for t in doc.glossary)
    reported_names: set[str] = set()
    undefined: dict[str, bool] = {}  # system name -> not defined by the glossary
    for requirement in doc.requirements:
        # requirement 1 of a bugfix spec describes the defect: it is no EARS requirement
        with_ears = run_ears and (doc.kind != "bugfix" or requirement.number != "1")
        for criterion in requirement.criteria:
            text = criterion.text
            if "`" in text:
                text = mask_code_spans(text)
            findings, ears = criterion_rules(text, with_ears)
            for finding in findings:
                line, column = criterion.locate(finding.start)
                end_line, end_column = criterion.locate(finding.end)
                emit(finding.code, path, line, column,
                     end_column if end_line == line else column + 1,
                     f"{criterion.id}: {finding.message}", finding.hint)
            if not defined or ears is None or not ears.system or ears.system_span is None:
                continue
            system = ears.system
            if system not in undefined:
                undefined[system] = glossary.is_undefined(system, defined)
            if not undefined[system] \
                    or glossary.is_instance_in_trigger(system, text[:ears.system_span[0]]):
                continue
            key = glossary.normalise(system)
            if key in reported_names:
                continue
            reported_names.add(key)
            start, end = ears.system_span
            line, column = criterion.locate(start)
            emit("A013", path, line, column, column + (end - start),
                 f"{criterion.id}: system name {system!r} is not in the Glossary",
                 "define it in the Glossary, or use a name defined there")


