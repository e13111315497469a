"""The fact sheet: typed facts with stable ids and file:line, and its JSON form (facts.json).

Pure data: this module must not read source files or call models. A fact's id is derived from
its kind and qualified name only, so it survives edits that move code around.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Fact:
    """One observation about the code: what it is, where it is, and kind-specific details.

    `key` is `kind:qualified-name` (unique in a sheet); `id` is a short hash of it, cited in
    specs as `F1a2b3c`. `symbol` is the plain name a test would call (function or handler name).
    """

    id: str
    kind: str
    key: str
    name: str
    symbol: str
    path: str
    line: int
    summary: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "key": self.key, "name": self.name,
                "symbol": self.symbol, "path": self.path, "line": self.line,
                "summary": self.summary, "details": dict(self.details)}


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file that was not analysed, and why (binary, syntax error, unreadable, too large)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class FactSheet:
    """Everything extracted from one source path; `imports` is the internal import graph."""

    source: str
    facts: tuple[Fact, ...]
    files: tuple[str, ...]
    lines: int
    skipped: tuple[SkippedFile, ...] = ()
    imports: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def by_id(self) -> dict[str, Fact]:
        return {fact.id: fact for fact in self.facts}

    def of_kind(self, *kinds: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.kind in kinds]

    def to_json(self, links: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "kind": "facts", "source": self.source,
                "files": list(self.files), "lines": self.lines,
                "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
                "imports": {module: list(targets) for module, targets in self.imports.items()},
                "facts": [fact.to_json() for fact in self.facts],
                "links": [dict(link) for link in links]}


def fact_id(key: str, taken: Iterable[str] = ()) -> str:
    """`F` + 6 hex digits of the key's SHA-1, lengthened only on a clash."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    used = set(taken)
    for size in range(6, len(digest) + 1):
        candidate = "F" + digest[:size]
        if candidate not in used:
            return candidate
    raise ValueError(f"no free id for {key!r}")


def fact_from_json(data: Mapping[str, Any]) -> Fact:
    return Fact(str(data["id"]), str(data["kind"]), str(data["key"]), str(data["name"]),
                str(data.get("symbol", "")), str(data["path"]), int(data["line"]),
                str(data.get("summary", "")), dict(data.get("details") or {}))


def sheet_from_json(data: Mapping[str, Any]) -> FactSheet:
    """Read back a facts.json object (as written by `FactSheet.to_json`)."""
    return FactSheet(
        str(data.get("source", "")),
        tuple(fact_from_json(item) for item in data.get("facts", [])),
        tuple(str(p) for p in data.get("files", [])), int(data.get("lines", 0)),
        tuple(SkippedFile(str(s["path"]), str(s["reason"])) for s in data.get("skipped", [])),
        {str(k): tuple(str(t) for t in v) for k, v in (data.get("imports") or {}).items()})
