"""requirements.md assembled from the idea's clauses, in strict EARS, with slots for the model.

Each capability or instruction of the idea becomes a requirement; a statement joins the
requirement before it (or starts one). Every criterion carries the idea's own words: the
trigger or condition, the actor and the action as the idea put them. The model fills only the
user story's reason and the failure condition, each with a deterministic fallback.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from specloom.drafting.idea import Clause, read_idea
from specloom.drafting.slots import SlotFiller

TITLE_WORDS = 7
TITLE_TAIL = frozenset({"a", "an", "the", "to", "of", "on", "and", "or", "in", "for", "with",
                        "that", "is", "one", "two", "three", "four", "five", "ten"})
EARS_LEAD = {"event": "WHEN", "unwanted": "IF", "state": "WHILE"}


@dataclass
class _Requirement:
    lead: Clause
    extra: list[Clause] = field(default_factory=list)


def system_name(spec_name: str) -> str:
    """`loan-holds` -> `Loan_Holds`: the glossary's name for what the spec describes."""
    return "_".join(part[:1].upper() + part[1:] for part in spec_name.split("-") if part)


def draft_requirements(spec_name: str, idea: str, slots: SlotFiller) -> str:
    """The whole requirements.md for `idea` (the idea's clauses, or one statement of it)."""
    system = system_name(spec_name)
    groups = _group(read_idea(idea) or [Clause("statement", " ".join(idea.split()))])
    lines = ["# Requirements Document", "", "## Introduction", "",
             f"This specification describes {spec_name.replace('-', ' ')}, as the idea put it: "
             f"{' '.join(idea.split())}", "", "## Glossary", "",
             f"- **{system}**: the part of the product that this specification describes.",
             "", "## Requirements"]
    for number, group in enumerate(groups, start=1):
        lines += ["", f"### Requirement {number}: {_title(group.lead)}", "",
                  f"**User Story:** {_story(group.lead, system, slots)}", "",
                  "#### Acceptance Criteria", ""]
        criteria = _criteria(group, system, slots)
        lines += [f"{i}. {text}" for i, text in enumerate(criteria, start=1)]
    return "\n".join(lines) + "\n"


def _group(clauses: list[Clause]) -> list[_Requirement]:
    groups: list[_Requirement] = []
    for clause in clauses:
        if clause.kind == "statement" and groups:
            groups[-1].extra.append(clause)
        else:
            groups.append(_Requirement(clause))
    return groups


def _title(clause: Clause) -> str:
    words = clause.text.split()[:TITLE_WORDS]
    while len(words) > 2 and (words[-1].isdigit() or words[-1].lower() in TITLE_TAIL):
        words.pop()
    title = " ".join(words)
    return title[:1].upper() + title[1:]


def _story(clause: Clause, system: str, slots: SlotFiller) -> str:
    actor = clause.actor or "user"
    want = (f"to {clause.text}" if clause.kind == "capability"
            else f"the {system} to {clause.text}" if clause.kind == "instruction"
            else f"that {clause.text}")
    lead = f"As a {actor}, I want {want}, so that"
    reason = clause.purpose or slots.fill(
        "reason", want,
        f"the {actor} can rely on it" if clause.kind != "capability"
        else f"I can {clause.text} without extra steps")
    return f"{lead} {reason}."


def _criteria(group: _Requirement, system: str, slots: SlotFiller) -> list[str]:
    lead = group.lead
    found = [_main(lead, system)]
    found += [_main(extra, system) for extra in group.extra]
    found.append(_failure(lead, system, slots))
    return found


def _response(clause: Clause, system: str) -> str:
    if clause.kind == "capability":
        actor = clause.actor or "user"
        return f"let the {actor} {clause.text}"
    if clause.kind == "instruction":
        return clause.text
    return f"ensure that {clause.text}"


def _main(clause: Clause, system: str) -> str:
    response = _response(clause, system)
    if clause.trigger and clause.trigger_kind:
        word = EARS_LEAD[clause.trigger_kind]
        then = "THEN " if clause.trigger_kind == "unwanted" else ""
        return f"{word} {clause.trigger}, {then}THE {system} SHALL {response}."
    if clause.kind == "capability":
        actor = clause.actor or "user"
        return (f"WHEN a {actor} requests to {clause.text}, THE {system} SHALL {response} "
                f"and show the {actor} the result.")
    return f"THE {system} SHALL {response}."


def _failure(clause: Clause, system: str, slots: SlotFiller) -> str:
    if clause.kind == "capability":
        actor = clause.actor or "user"
        condition = slots.fill("refusal", clause.text,
                               f"the {actor} is not allowed to {clause.text}")
        return (f"IF {condition}, THEN THE {system} SHALL refuse the request and tell the "
                f"{actor} why.")
    condition = slots.fill("refusal", _bare(clause), f"the {system} cannot {_bare(clause)}")
    return f"IF {condition}, THEN THE {system} SHALL record the failure with its reason."


def _bare(clause: Clause) -> str:
    return clause.text if clause.kind == "instruction" else f"make sure that {clause.text}"
