"""Build a fact sheet from a source path: list files, parse each with `ast`, collect facts.

Works module by module and reports progress through a callback; a binary file or a syntax
error in one file is recorded as skipped and never stops the run. It must not import the
analysed code or write anything.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from specloom.extract.facts import Fact, FactSheet, SkippedFile, fact_id
from specloom.extract.files import SourceFile, is_test_file, module_name, python_files, read_source
from specloom.extract.python_facts import FactDraft, local_exceptions, module_facts
from specloom.extract.tests_facts import test_facts

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class _Parsed:
    path: Path
    display: str
    module: str
    tree: ast.Module
    lines: int
    is_test: bool


def build_fact_sheet(source: Path, base: Path, tests: Sequence[Path] = (),
                     progress: Progress | None = None) -> FactSheet:
    """Facts for the Python files under `source`, and test facts for test files there and in
    `tests`. Paths in the sheet are relative to `base` (the workspace root) where possible."""
    listed = _unique([*python_files(source), *(p for t in tests for p in python_files(t))])
    parsed: list[_Parsed] = []
    skipped: list[SkippedFile] = []
    for index, path in enumerate(listed, start=1):
        display = _display(path, base)
        if progress:
            progress(f"[{index}/{len(listed)}] {display}")
        outcome = _parse(path, display, source)
        if isinstance(outcome, SkippedFile):
            skipped.append(outcome)
        else:
            parsed.append(outcome)
    return _sheet(source, base, parsed, skipped)


def _sheet(source: Path, base: Path, parsed: list[_Parsed],
           skipped: list[SkippedFile]) -> FactSheet:
    exceptions = frozenset().union(*(local_exceptions(p.tree) for p in parsed if not p.is_test))
    facts: list[Fact] = []
    taken: set[str] = set()
    seen_keys: set[str] = set()
    imports: dict[str, tuple[str, ...]] = {}
    modules = {p.module for p in parsed if not p.is_test}
    for item in parsed:
        if item.is_test:
            drafts = test_facts(item.tree, item.display)
        else:
            drafts, imported = module_facts(item.tree, item.module, exceptions)
            imports[item.module] = tuple(sorted({m for m in imported if m in modules
                                                 and m != item.module}))
        for draft in drafts:
            fact = _fact(draft, item.display, taken, seen_keys)
            if fact is not None:
                facts.append(fact)
    return FactSheet(_display(source, base), tuple(facts), tuple(p.display for p in parsed),
                     sum(p.lines for p in parsed), tuple(skipped), imports)


def _fact(draft: FactDraft, display: str, taken: set[str], seen_keys: set[str]) -> Fact | None:
    key = f"{draft.kind}:{draft.name}"
    if key in seen_keys:
        key = f"{key}@{display}:{draft.line}"
        if key in seen_keys:
            return None
    seen_keys.add(key)
    identifier = fact_id(key, taken)
    taken.add(identifier)
    return Fact(identifier, draft.kind, key, draft.name, draft.symbol, display, draft.line,
                draft.summary, draft.details)


def _parse(path: Path, display: str, source: Path) -> _Parsed | SkippedFile:
    read = read_source(path)
    if not isinstance(read, SourceFile):
        return SkippedFile(display, read)
    try:
        tree = ast.parse(read.text, filename=display)
    except SyntaxError as exc:
        return SkippedFile(display, f"syntax error at line {exc.lineno}: {exc.msg}")
    except ValueError as exc:
        return SkippedFile(display, f"cannot parse: {exc}")
    is_test = is_test_file(path) or _under_tests_folder(path, source)
    return _Parsed(path, display, module_name(path), tree, read.text.count("\n") + 1, is_test)


def _under_tests_folder(path: Path, source: Path) -> bool:
    try:
        parts = path.relative_to(source).parts[:-1]
    except ValueError:
        parts = path.parts[:-1]
    return any(part in ("tests", "test") for part in parts) and path.name.startswith("test")


def _display(path: Path, base: Path) -> str:
    """Relative to the workspace root when inside it, else absolute (never `../..` chains)."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(base.resolve()).as_posix() or "."
    except ValueError:
        return absolute.as_posix()


def _unique(paths: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    result = []
    for path in paths:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            result.append(path)
    return result
