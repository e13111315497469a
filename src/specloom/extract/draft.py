"""An extracted spec before it is written: criteria with the facts they cite, design sections.

Both the deterministic skeleton and the model path produce an `ExtractedSpec`; `render` turns it
into requirements.md and design.md text through specloom's writers. Citations are written as a
trailing HTML comment on the criterion line, `<!-- facts: F1a2b3c, F4d5e6f -->`, which renders
invisibly and which specloom's parsers leave out of the criterion text. Pure data and text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from specloom.spec.render import PropertyDraft, RequirementDraft, render_design, render_requirements

FACTS_COMMENT = re.compile(r"<!--\s*facts:\s*([^>]*?)\s*-->")


@dataclass(frozen=True, slots=True)
class CriterionDraft:
    text: str
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RequirementPlan:
    title: str
    user_story: str
    criteria: tuple[CriterionDraft, ...]


@dataclass(frozen=True, slots=True)
class ExtractedSpec:
    introduction: str
    glossary: tuple[tuple[str, str], ...]
    requirements: tuple[RequirementPlan, ...]
    overview: str
    sections: Mapping[str, str] = field(default_factory=dict)
    properties: tuple[PropertyDraft, ...] = ()

    def citations(self) -> dict[str, tuple[str, ...]]:
        """Criterion id `N.M` -> the fact ids it cites."""
        return {f"{number}.{index}": criterion.facts
                for number, requirement in enumerate(self.requirements, start=1)
                for index, criterion in enumerate(requirement.criteria, start=1)}


    def criterion_texts(self) -> dict[str, str]:
        """Criterion id `N.M` -> its sentence (without the facts comment)."""
        return {f"{number}.{index}": criterion.text
                for number, requirement in enumerate(self.requirements, start=1)
                for index, criterion in enumerate(requirement.criteria, start=1)}


def criterion_line(criterion: CriterionDraft) -> str:
    text = " ".join(criterion.text.split())
    return f"{text} <!-- facts: {', '.join(criterion.facts)} -->" if criterion.facts else text


def cited_facts(line: str) -> tuple[str, ...]:
    """The fact ids in a criterion line's `<!-- facts: ... -->` comment."""
    match = FACTS_COMMENT.search(line)
    if not match:
        return ()
    return tuple(part.strip() for part in match.group(1).split(",") if part.strip())


def render_extracted(spec: ExtractedSpec, title: str) -> tuple[str, str]:
    """(requirements.md, design.md) text."""
    requirements = render_requirements(
        f"Requirements Document: {title}", spec.introduction, list(spec.glossary),
        [RequirementDraft(r.title, r.user_story, [criterion_line(c) for c in r.criteria])
         for r in spec.requirements])
    design = render_design(spec.overview, dict(spec.sections), list(spec.properties),
                           title=f"Design Document: {title}")
    return requirements, design


def snake_system_name(*words: str) -> str:
    """`todo_store`, `TodoStore` -> `Todo_Store` (the Snake_Case system names EARS specs use)."""
    joined = " ".join(words)
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", joined)
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", split) if p]
    return "_".join(p[:1].upper() + p[1:] for p in parts) or "System"


def renumbered_properties(properties: Sequence[PropertyDraft],
                          renumber: Mapping[str, str]) -> tuple[PropertyDraft, ...]:
    """Properties whose `validates` are mapped through `renumber`; those left empty dropped."""
    kept = []
    for prop in properties:
        validates = [renumber[v] for v in prop.validates if v in renumber]
        if validates:
            kept.append(PropertyDraft(prop.title, prop.statement, validates))
    return tuple(kept)
