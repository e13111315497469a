"""`check`: run every rule over the specs of a workspace and collect diagnostics.

This is the library entry point the CLI, MCP server and web dashboard share. It reads the
files fresh from disk and never raises for bad spec content: unreadable or malformed files
become diagnostics. With `cache=True` (the CLI's default) a spec whose files, settings and
specloom are unchanged since a previous check is answered from `.kiro/specloom/cache/`
(`quality.check_cache`) without parsing it or importing the rule engine (`quality.engine`).
"""

from __future__ import annotations

import difflib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from specloom.core.diagnostic import Diagnostic
from specloom.core.errors import SpecloomError
from specloom.core.result_cache import PackedCache
from specloom.core.rule import Severity
from specloom.quality.check_cache import SpecResult
from specloom.quality.settings import CheckSettings
from specloom.spec.source import SourceText, read_source
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
    rule_names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

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


PARALLEL_THRESHOLD = 64  # below this many specs a second process costs more than it saves


def check_workspace(workspace: Workspace, names: Sequence[str] = (),
                    settings: CheckSettings | None = None, jobs: int | None = None,
                    cache: bool = False) -> CheckReport:
    """Check the named specs (all when none are named).

    `jobs` is the number of processes (default: one per core for large workspaces). Specs are
    independent, so they are checked in chunks and the results merged in spec order. With
    `cache`, unchanged specs are answered from the result cache and new results stored there.
    """
    settings = settings or CheckSettings()
    specs = resolve_spec_names(workspace, names)
    results: dict[str, SpecResult] = {}
    store = _open_cache(workspace) if cache else None
    keys: dict[str, str] = {}
    fingerprint = ""
    if store is not None:
        from specloom.quality import check_cache

        fingerprint = check_cache.settings_fingerprint(settings)
        if store.has_entries():  # else each file is read once, by the engine below
            keys = check_cache.current_keys(workspace, specs, fingerprint)
            for name, key in keys.items():
                found = check_cache.decode(store.get(key))
                if found is not None:
                    results[name] = found
    missing = [name for name in specs if name not in results]
    if missing:
        from specloom.quality.engine import CacheTarget, check_specs

        target = CacheTarget(store.folder, fingerprint) if store is not None else None
        for name, stored_as, result in check_specs(workspace, missing, settings,
                                                   _worker_count(len(missing), jobs), target):
            results[name] = result
            if stored_as is not None:
                keys[name] = stored_as
    if store is not None and not names:
        store.prune(set(keys.values()))
    files = [f for name in specs for f in results[name][0]]
    diagnostics = sorted((d for name in specs for d in results[name][1]),
                         key=Diagnostic.sort_key)
    rule_names = {code: rule for name in specs for code, rule in results[name][2].items()}
    return CheckReport(str(workspace.root), tuple(specs), tuple(files), tuple(diagnostics),
                       settings.fail_on, _sources_of(workspace, diagnostics), rule_names)


def _open_cache(workspace: Workspace) -> PackedCache:
    from specloom.quality.check_cache import CACHE_FOLDER

    return PackedCache(workspace.root / CACHE_FOLDER)


def _sources_of(workspace: Workspace, diagnostics: Sequence[Diagnostic]) -> dict[str, SourceText]:
    """The text of each file a diagnostic points into, read fresh (renderers quote lines)."""
    sources: dict[str, SourceText] = {}
    for path in dict.fromkeys(d.path for d in diagnostics):
        result = read_source(workspace.root / path, path)
        if result.source is not None:
            sources[path] = result.source
    return sources


def _worker_count(spec_count: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, min(jobs, spec_count))
    if spec_count < PARALLEL_THRESHOLD or threading.active_count() > 1:
        return 1  # forking a process that runs threads is unsafe
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))
