"""Drift: what changed since each criterion's last passing verification.

For every criterion with a recorded verification: the commits and files (committed or not)
that touched its linked tests and code since the recorded commit, whether its text changed,
and the tasks and tests now suspect. Outside a git repository only text changes are reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from specloom.quality.diagnostic import Diagnostic
from specloom.spec.workspace import Workspace
from specloom.trace.fingerprints import FingerprintStore, fingerprint
from specloom.trace.gitinfo import Commit, GitError, changed_files, commits_touching, head_commit
from specloom.trace.matrix import CriterionTrace, build_trace, diagnostic
from specloom.trace.rules import RULES

NOT_GIT = ("not a git repository (or no commit yet): code drift needs git; only criterion text "
           "changes are reported")


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

    @property
    def drifted(self) -> bool:
        return self.text_changed or bool(self.changed_files)


@dataclass(frozen=True, slots=True)
class DriftReport:
    criteria: tuple[CriterionDrift, ...]  # only criteria that drifted or could not be checked
    checked: int
    git: bool
    note: str | None
    diagnostics: tuple[Diagnostic, ...]


def drift(workspace: Workspace, names: Sequence[str] = ()) -> DriftReport:
    """Drift of the named specs (all when empty) since their last passing verification."""
    store = FingerprintStore.load(workspace.root)
    trace = build_trace(workspace, names, store)
    git = head_commit(workspace.root) is not None
    recorded: dict[str | None, list[tuple[str, str, CriterionTrace]]] = defaultdict(list)
    for spec in trace.specs:
        for criterion in spec.criteria:
            verified = store.get(spec.name, criterion.id)
            if verified is not None:
                recorded[verified.commit].append((spec.name, spec.requirements_path, criterion))
    drifts: list[CriterionDrift] = []
    for commit, group in recorded.items():
        drifts.extend(_drift_since(workspace, commit if git else None, group, store))
    shown = tuple(d for d in drifts if d.drifted or d.note)
    return DriftReport(shown, len(drifts), git, None if git else NOT_GIT, _diagnostics(shown))


def drift_diagnostics(workspace: Workspace, names: Sequence[str] = ()) -> list[Diagnostic]:
    """T006/T007 findings for `check --drift`."""
    return list(drift(workspace, names).diagnostics)


def _linked_files(criterion: CriterionTrace) -> list[str]:
    return sorted({link.path for link in (*criterion.tests, *criterion.code)})


def _drift_since(workspace: Workspace, commit: str | None,
                 group: list[tuple[str, str, CriterionTrace]],
                 store: FingerprintStore) -> list[CriterionDrift]:
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
        result.append(CriterionDrift(
            spec, criterion.id, criterion.line, requirements_path, commit, text_changed,
            tuple(sorted(changed & own)), tuple(c for c in commits if own & set(c.files)),
            criterion.tasks, tuple(sorted({t.test_key for t in criterion.tests})), note))
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
    return tuple(sorted(found, key=Diagnostic.sort_key))
