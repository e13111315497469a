"""The trace matrix: each acceptance criterion with the tasks, tests and code that serve it.

Status per criterion: `covered` (at least one linked test, directly or through a correctness
property), `uncovered` (no test), `stale` (its text changed since its links were last
verified). Links that point at nothing are reported as orphans (T001-T003). Each criterion
also carries its code anchors (see `anchors`), without fingerprints.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from specloom.core.diagnostic import Diagnostic
from specloom.spec.loader import Spec, load_spec
from specloom.spec.requirements import Criterion
from specloom.spec.workspace import Workspace
from specloom.trace.anchors import Anchor, AnchorFinder
from specloom.trace.fingerprints import FingerprintStore, fingerprint
from specloom.trace.links import Link, ScanProblem
from specloom.trace.rules import RULES
from specloom.trace.scan import LinkScan, scan_links

COVERED, UNCOVERED, STALE = "covered", "uncovered", "stale"
SEVERITY = {rule.code: rule.severity for rule in RULES}


@dataclass(frozen=True, slots=True)
class CriterionTrace:
    spec: str
    id: str
    text: str
    line: int
    tasks: tuple[str, ...]
    tests: tuple[Link, ...]
    code: tuple[Link, ...]
    properties: tuple[int, ...]
    stale: bool
    anchors: tuple[Anchor, ...] = ()

    @property
    def status(self) -> str:
        if self.stale:
            return STALE
        return COVERED if self.tests else UNCOVERED


@dataclass(frozen=True, slots=True)
class PropertyTrace:
    number: int
    title: str
    line: int
    validates: tuple[str, ...]
    tests: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class SpecTrace:
    name: str
    spec: Spec
    criteria: tuple[CriterionTrace, ...]
    properties: tuple[PropertyTrace, ...]

    @property
    def requirements_path(self) -> str:
        doc = self.spec.requirements
        return doc.source.path if doc is not None else f"{self.spec.display_path}/requirements.md"

    def counts(self) -> dict[str, int]:
        counts = {COVERED: 0, UNCOVERED: 0, STALE: 0}
        for criterion in self.criteria:
            counts[criterion.status] += 1
        return counts


@dataclass(frozen=True, slots=True)
class Orphan:
    link: Link
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class TraceReport:
    root: Path
    specs: tuple[SpecTrace, ...]
    orphans: tuple[Orphan, ...]
    problems: tuple[ScanProblem, ...]
    diagnostics: tuple[Diagnostic, ...]
    files_scanned: int
    link_count: int


def build_trace(workspace: Workspace, names: Sequence[str] = (),
                store: FingerprintStore | None = None, scan: LinkScan | None = None,
                anchors: bool = True, cache: bool = False) -> TraceReport:
    """Trace the named specs (all when empty); raises UnknownSpecError for a wrong name.

    `anchors=False` skips finding the criteria's code anchors (`drift` reads recorded ones).
    `cache` keeps each file's links under the hash of its bytes (`trace.link_cache`).
    """
    selected = _spec_names(workspace, names)
    store = store if store is not None else FingerprintStore.load(workspace.root)
    scan = scan if scan is not None else scan_links(workspace.root, cache)
    # a link may name an archived spec as `_archived/x`, or as `x` when it was written
    # before the spec moved into `_archived/` (and no active spec is called `x`)
    written: dict[str, list[Link]] = defaultdict(list)
    for link in scan.links:
        written[link.spec].append(link)
    by_spec: dict[str, list[Link]] = defaultdict(list)
    orphans: list[Orphan] = []
    for name, links in written.items():
        target = workspace.resolve_name(name) if name else None
        if target is None:
            orphans += [Orphan(link, "T001", f"no spec named {link.spec!r}") for link in links]
        else:
            by_spec[target] += links
    specs = []
    finder = AnchorFinder(workspace.root) if anchors else None
    for name in selected:
        spec_trace, spec_orphans = _trace_spec(load_spec(workspace, name), by_spec[name], store,
                                               finder)
        specs.append(spec_trace)
        orphans.extend(spec_orphans)
    diagnostics = _diagnostics(specs, orphans)
    problems = (*scan.problems, *(finder.problems if finder is not None else ()))
    return TraceReport(workspace.root, tuple(specs), tuple(orphans), problems,
                       tuple(diagnostics), scan.files_scanned, len(scan.links))


def _spec_names(workspace: Workspace, names: Sequence[str]) -> list[str]:
    """Every spec when none is named, without importing the check engine; else the names
    resolved by `quality.check.resolve_spec_names` (UnknownSpecError with near names)."""
    if not names:
        return workspace.spec_names()
    from specloom.quality.check import resolve_spec_names

    return resolve_spec_names(workspace, list(names))


def _trace_spec(spec: Spec, links: list[Link], store: FingerprintStore,
                finder: AnchorFinder | None) -> tuple[SpecTrace, list[Orphan]]:
    criteria = spec.requirements.criteria() if spec.requirements is not None else ()
    criterion_ids = {c.id for c in criteria}
    design_properties = spec.design.properties if spec.design is not None else ()
    property_numbers = {p.number for p in design_properties}
    orphans: list[Orphan] = []
    direct: dict[str, list[Link]] = defaultdict(list)
    by_property: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        if link.criterion is not None and link.criterion not in criterion_ids:
            orphans.append(Orphan(link, "T002", f"spec {spec.name!r} has no criterion "
                                                f"{link.criterion}"))
        elif link.prop is not None and link.prop not in property_numbers:
            orphans.append(Orphan(link, "T003", f"spec {spec.name!r} has no Property "
                                                f"{link.prop} in design.md"))
        elif link.criterion is not None:
            direct[link.criterion].append(link)
        else:
            assert link.prop is not None
            by_property[link.prop].append(link)
    properties = tuple(
        PropertyTrace(p.number, p.title, p.line, tuple(r.id for r in p.validates),
                      tuple(by_property[p.number])) for p in design_properties)
    tasks = _tasks_by_criterion(spec, criteria, properties)
    traced = tuple(_trace_criterion(spec, c, direct[c.id], properties, tasks[c.id], store, finder)
                   for c in criteria)
    return SpecTrace(spec.name, spec, traced, properties), orphans


def _trace_criterion(spec: Spec, criterion: Criterion, links: list[Link],
                     properties: tuple[PropertyTrace, ...], tasks: list[str],
                     store: FingerprintStore, finder: AnchorFinder | None) -> CriterionTrace:
    validating = [p for p in properties if _cites(p.validates, criterion)]
    tests = [link for link in links if link.kind == "test"]
    tests.extend(link for p in validating for link in p.tests if link.kind == "test")
    code = [link for link in links if link.kind == "code"]
    code.extend(link for p in validating for link in p.tests if link.kind == "code")
    recorded = store.get(spec.name, criterion.id)
    stale = recorded is not None and recorded.fingerprint != fingerprint(criterion.text)
    anchors = finder.for_criterion(spec, criterion, tests, code) if finder is not None else ()
    return CriterionTrace(spec.name, criterion.id, criterion.text, criterion.line, tuple(tasks),
                          tuple(tests), tuple(code), tuple(p.number for p in validating), stale,
                          anchors)


def _cites(refs: Sequence[str], criterion: Criterion) -> bool:
    return any(ref in (criterion.id, criterion.requirement) for ref in refs)


def _tasks_by_criterion(spec: Spec, criteria: Sequence[Criterion],
                        properties: tuple[PropertyTrace, ...]) -> dict[str, list[str]]:
    tasks: dict[str, list[str]] = defaultdict(list)
    if spec.tasks is None:
        return tasks
    validates = {p.number: p.validates for p in properties}
    # A reference names a criterion ("1.2") or a whole requirement ("1"): index both, so a
    # large plan costs tasks + criteria, not tasks x criteria.
    cited_by: dict[str, list[str]] = defaultdict(list)
    for criterion in criteria:
        cited_by[criterion.id].append(criterion.id)
        cited_by[criterion.requirement].append(criterion.id)
    for task in spec.tasks.tasks:
        refs = spec.cited_ids(task)
        for prop in task.properties:
            refs.extend(validates.get(int(prop.id), ()) if prop.id.isdigit() else ())
        for criterion_id in dict.fromkeys(c for ref in refs for c in cited_by.get(ref, ())):
            if task.id not in tasks[criterion_id]:
                tasks[criterion_id].append(task.id)
    return tasks


def diagnostic(code: str, path: str, line: int, message: str, hint: str,
               spec: str | None) -> Diagnostic:
    return Diagnostic(code, SEVERITY[code], path, line, 1, line, 1, message, hint, spec)


def _diagnostics(specs: list[SpecTrace], orphans: list[Orphan]) -> list[Diagnostic]:
    hints = {rule.code: rule.hint for rule in RULES}
    found = [diagnostic(o.code, o.link.path, o.link.line,
                        f"link to {o.link.spec} {o.link.target}: {o.reason}", hints[o.code],
                        o.link.spec) for o in orphans]
    for spec in specs:
        design = spec.spec.design
        design_path = design.source.path if design is not None else ""
        found.extend(diagnostic("T004", design_path, p.line,
                                f"Property {p.number} ({p.title}) has no linked property-based "
                                "test", hints["T004"], spec.name)
                     for p in spec.properties if not p.tests)
        found.extend(diagnostic("T006", spec.requirements_path, c.line,
                                f"criterion {c.id} changed since its links were last verified",
                                hints["T006"], spec.name)
                     for c in spec.criteria if c.stale)
    return sorted(found, key=Diagnostic.sort_key)
