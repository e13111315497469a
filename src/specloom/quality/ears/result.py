"""What `parse_ears` reads from a criterion: the public result and the records it is built from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from specloom.core.rule import TextFinding

#: Every value `EarsResult.pattern` can take.
PATTERNS: tuple[str, ...] = (
    "ubiquitous",
    "event",
    "state",
    "unwanted",
    "optional",
    "complex",
    "unknown",
)

_PATTERN_BY_KIND = {
    "precondition": "optional",
    "state": "state",
    "trigger": "event",
    "condition": "unwanted",
}


# The public records are named tuples: immutable, so a parse can be kept and handed out again
# (`criteria.criterion_rules`), and half as costly to create as frozen dataclasses.
class EarsClause(NamedTuple):
    """One EARS clause: `kind` is precondition, state, trigger or condition."""

    kind: str
    keyword: str
    text: str
    start: int
    end: int


class EarsResult(NamedTuple):
    """What `parse_ears` read from one criterion; offsets index the text it was given."""

    pattern: str
    dialect: str
    clauses: tuple[EarsClause, ...]
    system: str | None
    system_span: tuple[int, int] | None
    response: str | None
    findings: tuple[TextFinding, ...]


# The two internal records are not frozen: a frozen dataclass costs four times as much to
# create, and they never leave this package.
@dataclass(slots=True)
class ParsedClause:
    """A clause with the offset of its keyword, which `EarsClause` does not carry."""

    clause: EarsClause
    keyword_start: int

    @property
    def keyword_end(self) -> int:
        return self.keyword_start + len(self.clause.keyword)


@dataclass(slots=True)
class Separator:
    """Where the clauses end and the system name begins."""

    start: int
    end: int
    is_then: bool
    comma_before_then: bool


def pattern_of(clauses: tuple[EarsClause, ...]) -> str:
    if not clauses:
        return "ubiquitous"
    kinds = {clause.kind for clause in clauses}
    if len(kinds) > 1:
        return "complex"
    return _PATTERN_BY_KIND[clauses[0].kind]
