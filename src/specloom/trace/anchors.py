"""Code anchors: the functions and classes a criterion is tied to, and whether they changed.

An anchor is (path, qualified symbol, line, body fingerprint; see `symbols`). A criterion's
anchors come from:
- the facts it cites: the `<!-- facts: F1a2b3c -->` comment on its line in requirements.md
  (else its entry in the `links` of the spec's facts.json), resolved through facts.json;
- its Code_Links: `specloom:` tags attached to a Python function or class;
- the call targets of its linked Python tests (see `anchor_calls`);
and, for facts and test call targets, what those call in turn, `CALL_DEPTH` levels deep, at
most `MAX_ANCHORS` per criterion (nearest first). Code links are taken as written: they name
the code their author tied to the criterion, and need no parsing, which keeps `trace` fast.

`verify` records the anchors of each passing criterion with their fingerprints
(`AnchorFinder.fingerprinted`); `drift` compares them with the code now (`changes`), with a
diff of the body against the verified commit when git has it. `extract` records in facts.json
the fingerprint of each fact's symbol as it was extracted (`fact_fingerprints`), so `drift`
also compares a criterion that was never verified against the code it was extracted from
(`AnchorFinder.extracted`). Only Python is anchored.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specloom.core import jsontext
from specloom.spec.loader import Spec
from specloom.spec.requirements import Criterion
from specloom.spec.source import read_text_bounded
from specloom.trace.anchor_calls import CallResolver, Target
from specloom.trace.links import Link, ScanProblem
from specloom.trace.symbols import (
    MAX_FILE_BYTES,
    DefNode,
    ParsedFile,
    SymbolIndex,
    Unreadable,
    body_fingerprint,
    parse_python,
    symbol_source,
)

CALL_DEPTH = 3
MAX_ANCHORS = 40
MAX_DIFF_LINES = 60
HUNK = re.compile(r"@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@(.*)")
FACTS_COMMENT = re.compile(r"<!--\s*facts:\s*([^>]*?)\s*-->")
NOT_ANCHORED_KINDS = frozenset({"module", "test"})
IMPORT_LINE = re.compile(r"^[^\S\n]*(?:import|from)[^\S\n][^\n]*", re.M)
OTHER_BREAKS = re.compile("[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")  # str.splitlines breaks


@dataclass(frozen=True, slots=True)
class Anchor:
    """A symbol a criterion is tied to; `fingerprint` is set once recorded by `verify`."""

    path: str
    symbol: str
    line: int
    via: str  # "fact", "code-link", "test-call" or "call" (called by one of those)
    fingerprint: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "symbol": self.symbol, "line": self.line, "via": self.via,
                "fingerprint": self.fingerprint}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Anchor:
        fingerprint = data.get("fingerprint")
        return cls(str(data["path"]), str(data["symbol"]), int(data.get("line", 0)),
                   str(data.get("via", "")), None if fingerprint is None else str(fingerprint))


@dataclass(frozen=True, slots=True)
class AnchorChange:
    """A recorded anchor that no longer matches the code: `changed`, `missing` (the symbol
    or its file is gone) or `unreadable` (the file does not parse)."""

    anchor: Anchor
    status: str
    line: int  # where the symbol is now (the recorded line when it is gone)
    message: str  # what happened, naming the symbol and its file
    diff: tuple[str, ...] = ()  # unified diff of the body, verified -> now
    note: str | None = None  # why there is no diff


@dataclass(frozen=True, slots=True)
class _FactTable:
    facts: dict[str, tuple[str, str, str]]  # id -> (path, qualified name, kind)
    links: dict[str, tuple[str, ...]]       # criterion id -> fact ids
    extracted: dict[str, tuple[str, str]]   # id -> (symbol, body fingerprint) at extraction


class AnchorFinder:
    """Finds and fingerprints anchors in one workspace; every file is parsed at most once."""

    def __init__(self, root: Path) -> None:
        self.index = SymbolIndex(root)
        self.calls = CallResolver(self.index)
        self._facts: dict[Path, _FactTable] = {}
        self._importing: dict[str, bool] = {}
        self.problems: list[ScanProblem] = []

    def for_criterion(self, spec: Spec, criterion: Criterion, tests: Sequence[Link],
                      code: Sequence[Link]) -> tuple[Anchor, ...]:
        """The criterion's anchors without fingerprints, nearest first."""
        seeds: dict[Target, str] = {}
        for _, target in self._cited_facts(spec, criterion):
            seeds.setdefault(target, "fact")
        for link in tests:
            for target in self._test_targets(link):
                seeds.setdefault(target, "test-call")
        linked = {(link.path, link.symbol): link.line for link in code
                  if link.symbol and link.path.endswith(".py")}
        found = self._expand(seeds, MAX_ANCHORS - len(linked))
        direct = [Anchor(path, symbol, line, via) for (path, symbol), (line, via) in
                  found.items()]
        linked_anchors = [Anchor(path, symbol, line, "code-link")
                          for (path, symbol), line in linked.items() if (path, symbol) not in found]
        # explicit sources first, then what they call
        anchors = [*(a for a in direct if a.via != "call"), *linked_anchors,
                   *(a for a in direct if a.via == "call")]
        return tuple(anchors[:MAX_ANCHORS])

    def fingerprinted(self, anchors: Sequence[Anchor]) -> tuple[Anchor, ...]:
        """The anchors with their current fingerprint and line; ones not found are left out."""
        result = []
        for anchor in anchors:
            symbol, node = self._defined(anchor.path, anchor.symbol)
            fingerprint = _fingerprint(node) if node is not None else None
            if node is not None and fingerprint is not None:
                result.append(Anchor(anchor.path, symbol, node.lineno, anchor.via, fingerprint))
        return tuple(result)

    def _defined(self, path: str, symbol: str) -> tuple[str, DefNode | None]:
        """The symbol, or the innermost enclosing one the index knows (a code link inside a
        nested function names `outer.inner`; its code is part of `outer`)."""
        parts = symbol.split(".")
        for size in range(len(parts), 0, -1):
            name = ".".join(parts[:size])
            node = self.index.symbol(path, name)
            if node is not None:
                return name, node
        return symbol, None

    def changes(self, anchors: Sequence[Anchor], commit: str | None) -> tuple[AnchorChange, ...]:
        """Recorded anchors whose symbol changed or disappeared since `commit`."""
        found = []
        for anchor in anchors:
            if anchor.fingerprint is None:
                continue
            change = self._change(anchor, commit)
            if change is not None:
                found.append(change)
        return tuple(found)

    # -- discovery -----------------------------------------------------------------------

    def extracted(self, spec: Spec, criterion: Criterion) -> tuple[Anchor, ...]:
        """The criterion's cited facts with the fingerprints facts.json recorded at extraction
        (none for a fact sheet written before extraction recorded them)."""
        table = self._fact_table(spec.path)
        anchors = []
        for fact_id, (path, symbol) in self._cited_facts(spec, criterion):
            recorded = table.extracted.get(fact_id)
            if recorded is not None and recorded[0] == symbol:
                line = self.index.symbol(path, symbol)
                anchors.append(Anchor(path, symbol, line.lineno if line is not None else 0,
                                      "fact", recorded[1]))
        return tuple(anchors)

    def _cited_facts(self, spec: Spec, criterion: Criterion) -> list[tuple[str, Target]]:
        table = self._fact_table(spec.path)
        if not table.facts:
            return []
        ids = _comment_ids(spec, criterion) or table.links.get(criterion.id, ())
        targets = []
        for fact_id in ids:
            fact = table.facts.get(fact_id)
            if fact is None or fact[2] in NOT_ANCHORED_KINDS:
                continue
            symbol = self._symbol_of_fact(fact[0], fact[1])
            if symbol is not None:
                targets.append((fact_id, (fact[0], symbol)))
        return targets

    def _symbol_of_fact(self, path: str, name: str) -> str | None:
        """The longest qualified name in the file that ends the fact's dotted name."""
        parsed = self.index.file(path)
        if not isinstance(parsed, ParsedFile):
            return None
        matches = [q for q in parsed.defs if name == q or name.endswith("." + q)]
        return max(matches, key=len) if matches else None

    def _fact_table(self, spec_dir: Path) -> _FactTable:
        cached = self._facts.get(spec_dir)
        if cached is None:
            cached, problem = _read_facts(spec_dir / "facts.json")
            self._facts[spec_dir] = cached
            if problem is not None:
                self.problems.append(ScanProblem(
                    self.index.relative(spec_dir / "facts.json"), 1,
                    f"{problem}; code anchors from its facts are skipped (run 'specloom "
                    "extract --force' to write it again)"))
        return cached

    def _test_targets(self, link: Link) -> tuple[Target, ...]:
        if link.kind != "test" or not link.symbol or not link.path.endswith(".py"):
            return ()
        importing = self._importing.get(link.path)
        if importing is None:
            text = self.index.text(link.path)
            importing = self._importing[link.path] = (
                isinstance(text, str) and self.calls.imports_might_resolve(_import_lines(text)))
        return self.calls.calls(link.path, link.symbol) if importing else ()

    def _expand(self, seeds: dict[Target, str], limit: int) -> dict[Target, tuple[int, str]]:
        """Seeds and what they call, breadth first, with each symbol's line; at most `limit`."""
        found: dict[Target, tuple[int, str]] = {}
        frontier = []
        for target, via in seeds.items():
            node = self.index.symbol(*target)
            if node is not None and len(found) < limit:
                found[target] = (node.lineno, via)
                frontier.append((target, node))
        for _ in range(CALL_DEPTH):
            following = []
            for target, node in frontier:
                if isinstance(node, ast.ClassDef):
                    continue  # a class anchor already covers its methods
                for callee in self.calls.calls(*target):
                    callee_node = self.index.symbol(*callee)
                    if callee in found or callee_node is None or len(found) >= limit:
                        continue
                    found[callee] = (callee_node.lineno, "call")
                    following.append((callee, callee_node))
            frontier = following
        return found

    # -- drift ---------------------------------------------------------------------------

    def _change(self, anchor: Anchor, commit: str | None) -> AnchorChange | None:
        parsed = self.index.file(anchor.path)
        if isinstance(parsed, Unreadable):
            if parsed.missing:
                return AnchorChange(anchor, "missing", anchor.line,
                                    f"symbol {anchor.symbol} no longer found: {anchor.path} "
                                    "no longer exists")
            return AnchorChange(anchor, "unreadable", anchor.line,
                                f"{anchor.symbol} cannot be read: {anchor.path}: {parsed.reason}")
        node = parsed.defs.get(anchor.symbol)
        if node is None:
            return AnchorChange(anchor, "missing", anchor.line,
                                f"symbol {anchor.symbol} no longer found in {anchor.path}")
        fingerprint = _fingerprint(node)
        if fingerprint == anchor.fingerprint:
            return None
        diff, note = self._diff(anchor, commit, parsed, node)
        return AnchorChange(anchor, "changed", node.lineno,
                            f"{anchor.symbol} ({anchor.path}:{node.lineno}) changed", diff, note)

    def _diff(self, anchor: Anchor, commit: str | None, parsed: ParsedFile,
              node: DefNode) -> tuple[tuple[str, ...], str | None]:
        from specloom.trace.gitinfo import file_at  # only drift shows diffs

        if commit is None:
            return (), ("no commit holds the recorded body (none was recorded, or it was not "
                        "committed), so no diff")
        old_text = file_at(self.index.root, commit, anchor.path)
        if old_text is None or len(old_text) > MAX_FILE_BYTES:
            return (), f"{anchor.path} is not in the recorded commit {commit[:12]}, so no diff"
        old = parse_python(anchor.path, old_text)
        old_node = old.defs.get(anchor.symbol) if isinstance(old, ParsedFile) else None
        if not isinstance(old, ParsedFile) or old_node is None \
                or _fingerprint(old_node) != anchor.fingerprint:
            return (), (f"the recorded body was not committed (commit {commit[:12]} holds "
                        "another version), so no diff")
        old_start, new_start = _first_line(old_node), _first_line(node)
        lines = [_file_lines(line, old_start - 1, new_start - 1) for line in difflib.unified_diff(
            symbol_source(old, old_node).splitlines(), symbol_source(parsed, node).splitlines(),
            f"{anchor.path} ({commit[:12]})", f"{anchor.path} (now)", lineterm="")]
        if len(lines) > MAX_DIFF_LINES:
            lines = [*lines[:MAX_DIFF_LINES], f"... {len(lines) - MAX_DIFF_LINES} more lines"]
        return tuple(lines), None


def _import_lines(text: str) -> str:
    """The lines of `text` that `CallResolver.imports_might_resolve` may take for imports (its
    first word `import` or `from`), found without splitting every line; all of `text` when it
    has line breaks other than LF, which `str.splitlines` also breaks at."""
    if OTHER_BREAKS.search(text):
        return text
    return "\n".join(IMPORT_LINE.findall(text))


def _first_line(node: DefNode) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def _file_lines(line: str, old_offset: int, new_offset: int) -> str:
    """A hunk header with line numbers of the file rather than of the symbol's body."""
    match = HUNK.match(line)
    if match is None:
        return line
    old, old_count, new, new_count, rest = match.groups()
    return (f"@@ -{int(old) + old_offset}{old_count or ''} +{int(new) + new_offset}"
            f"{new_count or ''} @@{rest}")


def _fingerprint(node: DefNode) -> str | None:
    try:
        return body_fingerprint(node)
    except RecursionError:
        return None


def _comment_ids(spec: Spec, criterion: Criterion) -> tuple[str, ...]:
    """Fact ids in `<!-- facts: ... -->` comments on the criterion's lines."""
    doc = spec.requirements
    if doc is None:
        return ()
    ids: list[str] = []
    for line in sorted({segment.line for segment in criterion.segments}):
        for match in FACTS_COMMENT.finditer(doc.source.line(line)):
            ids.extend(part.strip() for part in match.group(1).split(",") if part.strip())
    return tuple(ids)


def _read_facts(path: Path) -> tuple[_FactTable, str | None]:
    """The facts and criterion links of a facts.json (none when absent), and why it could
    not be read when it could not."""
    empty = _FactTable({}, {}, {})
    try:
        if not path.is_file():
            return empty, None
        data = jsontext.loads(read_text_bounded(path, 20 * MAX_FILE_BYTES))
        facts = {str(f["id"]): (str(f["path"]), str(f["name"]), str(f.get("kind", "")))
                 for f in data.get("facts", ()) if isinstance(f, dict)}
        links = {str(item["criterion"]): tuple(str(i) for i in item.get("facts", ()))
                 for item in data.get("links", ()) if isinstance(item, dict)}
        extracted = {str(fact_id): (str(item["symbol"]), str(item["fingerprint"]))
                     for fact_id, item in (data.get("fingerprints") or {}).items()
                     if isinstance(item, dict)}
    except OSError as exc:
        return empty, f"unreadable facts.json ({exc.strerror or exc})"
    except ValueError as exc:
        return empty, f"facts.json is not valid JSON ({exc})"
    except (TypeError, KeyError, AttributeError) as exc:
        return empty, f"facts.json does not have the shape extract writes ({exc!r})"
    return _FactTable(facts, links, extracted), None


def fact_fingerprints(root: Path, facts: Sequence[tuple[str, str, str, str]]
                      ) -> dict[str, dict[str, str]]:
    """Fact id -> the symbol and body fingerprint of each (id, kind, path, name) function or
    class fact as the code is now; `extract` stores it in facts.json for `drift`."""
    finder = AnchorFinder(root)
    found = {}
    for fact_id, kind, path, name in facts:
        if kind in NOT_ANCHORED_KINDS or not path.endswith(".py"):
            continue
        symbol = finder._symbol_of_fact(path, name)
        node = finder.index.symbol(path, symbol) if symbol is not None else None
        fingerprint = _fingerprint(node) if node is not None else None
        if symbol is not None and fingerprint is not None:
            found[fact_id] = {"symbol": symbol, "fingerprint": fingerprint}
    return found
