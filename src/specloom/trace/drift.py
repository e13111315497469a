"""Drift: what changed since each criterion's last passing verification.

For every criterion with a recorded verification: the commits and files (committed or not)
that touched its linked tests and code since the recorded commit, whether its text changed,
and the tasks and tests now suspect; and each recorded code anchor whose body fingerprint no
longer matches (or whose symbol is gone), with a diff of the body against the verified commit.
A criterion never verified that `extract` wrote is compared with the code it was extracted
from: its cited facts' fingerprints in facts.json (diffed against the last commit of
facts.json). Outside a git repository, text and anchor changes are reported (without a diff).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from specloom.core.diagnostic import Diagnostic
from specloom.spec.workspace import Workspace
from specloom.trace.anchors import AnchorChange, AnchorFinder
from specloom.trace.fingerprints import FingerprintStore, fingerprint
from specloom.trace.gitinfo import (
    Commit,
    GitError,
    changed_files,
    commits_touching,
    head_commit,
    last_commit_of,
)
from specloom.trace.matrix import CriterionTrace, SpecTrace, build_trace, diagnostic
from specloom.trace.rules import RULES

NOT_GIT = ("not a git repository (or no commit yet): file drift needs git; only criterion text "
           "and code anchor changes are reported")


@dataclass(frozen=True, slots=True)
class CriterionDrift:
    spec: str
    id: str
    line: int
    requirements_path: str
    verified_commit: str | None
    text_changed: bool
    changed_files: tuple[str, ...]
    commits: tuple[Commit, ...]
    tasks: tuple[str, ...]
    tests: tuple[str, ...]
    note: str | None = None
    anchors: tuple[AnchorChange, ...] = ()
    since: str = "verification"  # or "extraction": never verified, compared with facts.json

    @property
    def drifted(self) -> bool:
        return self.text_changed or bool(self.changed_files) or bool(self.anchors)


@dataclass(frozen=True, slots=True)
class DriftReport:
    criteria: tuple[CriterionDrift, ...]  # only criteria that drifted or could not be checked
    checked: int
    git: bool
    note: str | None
    diagnostics: tuple[Diagnostic, ...]
    never_verified: tuple[tuple[str, str], ...] = ()  # (spec, criterion): nothing to compare


def drift(workspace: Workspace, names: Sequence[str] = (), cache: bool = False) -> DriftReport:
    """Drift of the named specs (all when empty) since their last passing verification;
    `cache` reuses the links of unchanged files (`trace.link_cache`)."""
    store = FingerprintStore.load(workspace.root)
    trace = build_trace(workspace, names, store, anchors=False, cache=cache)
    git = head_commit(workspace.root) is not None
    recorded: dict[str | None, list[tuple[str, str, CriterionTrace]]] = defaultdict(list)
    never: list[tuple[str, str]] = []
    drifts: list[CriterionDrift] = []
    finder = AnchorFinder(workspace.root)
    for spec in trace.specs:
        for criterion in spec.criteria:
            verified = store.get(spec.name, criterion.id)
            if verified is not None:
                recorded[verified.commit].append((spec.name, spec.requirements_path, criterion))
                continue
            extracted = _since_extraction(workspace, spec, criterion, finder, git)
            if extracted is None:
                never.append((spec.name, criterion.id))
            else:
                drifts.append(extracted)
    for commit, group in recorded.items():
        drifts.extend(_drift_since(workspace, commit if git else None, group, store, finder))
    shown = tuple(d for d in drifts if d.drifted or d.note)
    return DriftReport(shown, len(drifts), git, None if git else NOT_GIT,
                       _diagnostics(shown), tuple(never))


def _since_extraction(workspace: Workspace, spec: SpecTrace, criterion: CriterionTrace,
                      finder: AnchorFinder, git: bool) -> CriterionDrift | None:
    """A never-verified criterion compared with the code it was extracted from, or None when
    facts.json recorded nothing to compare it with."""
    parsed = spec.spec.requirements.criteria() if spec.spec.requirements is not None else ()
    source = next((c for c in parsed if c.id == criterion.id), None)
    anchors = finder.extracted(spec.spec, source) if source is not None else ()
    if not anchors:
        return None
    facts = workspace.relative(spec.spec.path / "facts.json")
    commit = last_commit_of(workspace.root, facts) if git else None
    changes = finder.changes(anchors, commit)
    return CriterionDrift(spec.name, criterion.id, criterion.line, spec.requirements_path,
                          commit, False, (), (), criterion.tasks,
                          tuple(sorted({t.test_key for t in criterion.tests})), None, changes,
                          "extraction")


def drift_diagnostics(workspace: Workspace, names: Sequence[str] = ()) -> list[Diagnostic]:
    """T006/T007/T008 findings for `check --drift`."""
    return list(drift(workspace, names).diagnostics)


def _linked_files(criterion: CriterionTrace) -> list[str]:
    return sorted({link.path for link in (*criterion.tests, *criterion.code)})


def _drift_since(workspace: Workspace, commit: str | None,
                 group: list[tuple[str, str, CriterionTrace]],
                 store: FingerprintStore, finder: AnchorFinder) -> list[CriterionDrift]:
    files = sorted({path for _, _, c in group for path in _linked_files(c)})
    commits: list[Commit] = []
    changed: set[str] = set()
    note: str | None = None
    if commit is not None:
        try:
            commits = commits_touching(workspace.root, commit, files)
            changed = set(changed_files(workspace.root, commit, files))
        except GitError as exc:
            note = (f"cannot compare with the verified commit {commit[:12]} ({exc}); "
                    "run 'specloom verify' again")
    result = []
    for spec, requirements_path, criterion in group:
        own = set(_linked_files(criterion))
        verified = store.get(spec, criterion.id)
        text_changed = verified is not None and verified.fingerprint != fingerprint(
            criterion.text)
        anchors = finder.changes(verified.anchors, commit) if verified is not None else ()
        result.append(CriterionDrift(
            spec, criterion.id, criterion.line, requirements_path, commit, text_changed,
            tuple(sorted(changed & own)), tuple(c for c in commits if own & set(c.files)),
            criterion.tasks, tuple(sorted({t.test_key for t in criterion.tests})), note,
            anchors))
    return result


def _diagnostics(drifts: tuple[CriterionDrift, ...]) -> tuple[Diagnostic, ...]:
    hints = {rule.code: rule.hint for rule in RULES}
    found = []
    for item in drifts:
        if item.text_changed:
            found.append(diagnostic("T006", item.requirements_path, item.line,
                                    f"criterion {item.id} changed since its links were last "
                                    "verified", hints["T006"], item.spec))
        if item.changed_files:
            commits = f" in {len(item.commits)} commit(s)" if item.commits else " (uncommitted)"
            found.append(diagnostic(
                "T007", item.requirements_path, item.line,
                f"criterion {item.id}: linked files changed since verification{commits}: "
                f"{', '.join(item.changed_files)}", hints["T007"], item.spec))
        if item.anchors:
            found.append(diagnostic(
                "T008", item.requirements_path, item.line,
                f"criterion {item.id}: anchored code changed since {_since(item)}: "
                f"{'; '.join(a.message for a in item.anchors)}", hints["T008"], item.spec))
    return tuple(sorted(found, key=Diagnostic.sort_key))


def _since(item: CriterionDrift) -> str:
    if item.since == "extraction":
        return ("extraction (never verified: link a test to it and run 'specloom verify' to "
                "record the code as it is now)")
    return "verification"
