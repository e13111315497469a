"""The requirements document model: requirements, criteria, glossary terms and defined IDs.

A `RequirementsDoc` is what `parse_requirements` (in `requirements.py`, which re-exports these
names) reads from requirements.md or bugfix.md; it resolves citations (`1.2`, `FR-2`) to the
criteria and requirements they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from specloom.spec.sections import Section
from specloom.spec.source import Problem, SourceText


@dataclass(frozen=True, slots=True)
class TextSegment:
    """A piece of a criterion's text as it stands in the file (1-based line and column)."""

    line: int
    column: int
    text: str


@dataclass(frozen=True, slots=True)
class Criterion:
    """Acceptance criterion `id` (= `requirement.number`); `text` joins wrapped lines."""

    id: str
    requirement: str
    number: int
    written_number: int
    text: str
    line: int
    segments: tuple[TextSegment, ...]

    def locate(self, offset: int) -> tuple[int, int]:
        """File (line, column) of a character offset into `text`."""
        position = 0
        for segment in self.segments:
            end = position + len(segment.text)
            if offset <= end:
                return segment.line, segment.column + max(0, offset - position)
            position = end + 1  # the joining space
        last = self.segments[-1]
        return last.line, last.column + len(last.text)


@dataclass(frozen=True, slots=True)
class Requirement:
    number: str
    title: str
    line: int
    user_story: str | None
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    term: str
    definition: str
    line: int



@dataclass(frozen=True, slots=True)
class DefinedId:
    """An ID-style name (`FR-2`, `REQ-3`) the document defines, normalised by `normal_id`.

    `target` is the requirement number it names (`### Requirement 2 (FR-2)` gives "2"), or
    the ID itself when it names a block that is no numbered requirement (`1. **FR-2**: ...`).
    """

    id: str
    target: str
    line: int


@dataclass(frozen=True, slots=True)
class RequirementsDoc:
    source: SourceText
    kind: str  # "requirements" or "bugfix"
    title: str | None
    sections: tuple[Section, ...]
    glossary: tuple[GlossaryTerm, ...]
    requirements: tuple[Requirement, ...]
    problems: tuple[Problem, ...]
    ids: tuple[DefinedId, ...] = ()
    # Built on first use, so that resolving every citation of a large plan stays linear.
    _index: dict[str, Criterion | Requirement | DefinedId] = field(
        default_factory=dict, compare=False, repr=False)

    def _lookup(self, key: str) -> Criterion | Requirement | DefinedId | None:
        index = self._index
        if not index:
            for defined in reversed(self.ids):  # the first definition wins
                index[f"id:{defined.id}"] = defined
            for requirement in reversed(self.requirements):
                index[f"req:{requirement.number}"] = requirement
                for criterion in reversed(requirement.criteria):
                    index[f"crit:{criterion.id}"] = criterion
            index[""] = self.ids[0] if self.ids else DefinedId("", "", 0)  # marks it built
        return index.get(key)

    def resolve(self, ref_id: str) -> str | None:
        """The criterion or requirement a citation id names, or None when it names nothing.

        Numbers resolve to themselves when they exist. An ID-style id (`FR-2`, `US-1.2`)
        resolves through the IDs this document defines: to the requirement (or its criterion)
        that carries the ID, or to the ID itself when it names an unnumbered block.
        """
        if self._lookup(f"crit:{ref_id}") is not None or \
                self._lookup(f"req:{ref_id}") is not None:
            return ref_id
        base, dot, criterion = ref_id.partition(".")
        defined = self._lookup(f"id:{base}")
        if not isinstance(defined, DefinedId):
            return None
        if not dot:
            return defined.target
        if defined.target == defined.id:
            return ref_id
        wanted = f"{defined.target}.{criterion}"
        return wanted if self.criterion(wanted) is not None else None

    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for r in self.requirements for c in r.criteria)

    def criterion(self, criterion_id: str) -> Criterion | None:
        found = self._lookup(f"crit:{criterion_id}")
        return found if isinstance(found, Criterion) else None
