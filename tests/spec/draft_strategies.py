"""Hypothesis strategies for spec drafts (render.py input) and markdown-ish noise.

Draft text is single-line plain prose without markdown markers, so that what render.py
writes must parse back to exactly the same structure. The noise strategy mixes real spec
line shapes with random text to drive the parsers through their odd corners.
"""

from __future__ import annotations

from hypothesis import strategies as st

from specloom.spec.render import PropertyDraft, RequirementDraft, TaskDraft
from specloom.spec.tasks import TaskStatus

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éßçøλжü中文ñ"
PUNCTUATION = ",.;!?'\"/%"

words = st.text(alphabet=LETTERS, min_size=1, max_size=9)
punctuated_word = st.tuples(words, st.sampled_from(["", "", "", *PUNCTUATION])).map("".join)
phrase = st.lists(punctuated_word, min_size=1, max_size=6).map(" ".join)
system_name = st.lists(words, min_size=1, max_size=3).map("_".join)
citation = st.builds(lambda requirement, criterion: f"{requirement}.{criterion}" if criterion
                     else str(requirement), st.integers(1, 99), st.integers(0, 99))
citations = st.lists(citation, max_size=4)
status = st.sampled_from(list(TaskStatus))


@st.composite
def ears_criterion(draw: st.DrawFn) -> str:
    """A criterion in one of the EARS patterns, or plain prose."""
    system = draw(system_name)
    response = draw(phrase)
    pattern = draw(st.sampled_from(["ubiquitous", "event", "state", "unwanted", "optional",
                                    "prose"]))
    condition = draw(phrase)
    return {
        "ubiquitous": f"THE {system} SHALL {response}",
        "event": f"WHEN {condition}, THE {system} SHALL {response}",
        "state": f"WHILE {condition}, THE {system} SHALL {response}",
        "unwanted": f"IF {condition}, THEN THE {system} SHALL {response}",
        "optional": f"WHERE {condition}, THE {system} SHALL {response}",
        "prose": response,
    }[pattern]


requirement_drafts = st.builds(
    RequirementDraft,
    title=st.one_of(st.just(""), phrase),
    user_story=st.one_of(st.just(""), phrase),
    criteria=st.lists(ears_criterion(), max_size=5),
)
glossaries = st.lists(st.tuples(system_name, phrase), max_size=4)
property_drafts = st.builds(
    PropertyDraft,
    title=st.one_of(st.just(""), phrase),
    statement=phrase.map(lambda text: f"*For any* {text}"),
    validates=citations,
)
section_bodies = st.dictionaries(
    st.sampled_from(["Architecture", "Components and Interfaces", "Data Models",
                     "Error Handling", "Testing Strategy"]),
    st.lists(phrase, min_size=1, max_size=3).map("\n".join),
)
subtask_drafts = st.builds(
    TaskDraft,
    title=phrase,
    status=status,
    optional=st.booleans(),
    requirements=citations,
    details=st.lists(phrase, max_size=2),
    parallel=st.booleans(),
    depends=st.lists(citation, max_size=2),
)
task_drafts = st.builds(
    TaskDraft,
    title=phrase,
    status=status,
    requirements=citations,
    details=st.lists(phrase, max_size=2),
    subtasks=st.lists(subtask_drafts, max_size=3),
    parallel=st.booleans(),
    depends=st.lists(citation, max_size=2),
)
task_lists = st.lists(task_drafts, min_size=1, max_size=5)

SPEC_LINE_SHAPES = [
    "# Requirements Document", "## Introduction", "## Glossary", "- **Cart_Service**: x",
    "### Requirement 1: Add", "### Requirement", "**User Story:** As a user",
    "#### Acceptance Criteria", "1. WHEN x, THE S SHALL y", "   continued text", "1.", "2) z",
    "- bullet", "```", "~~~", "---", "...", "### Current Behavior (Defect)", "1.1 WHEN x",
    "**2.1** y", "## Correctness Properties", "### Property 1: P", "**Property 2: Q**",
    "**Validates: Requirements 1.1, 2.3**", "_Validates: Requirements 1.1_", "Validates:",
    "- [ ] 1. Task", "- [x] 1.1 Sub", "  - [-] 2.1 Sub (P)", "  - [ ]* 2.2 Opt", "- [] 3.",
    "- [?] 4. odd", "- [ ] 1.2.3 deep", "- [ ] no number", "  - _Requirements: 1.1, 9_",
    "  - _Depends: 1.2, 3_", "\t- [x] 5. tab", "#", "######## seven", "", " ", "\t",
]


@st.composite
def markdownish_text(draw: st.DrawFn) -> str:
    """Lines from real spec shapes mixed with random text, joined by mixed line endings."""
    line = st.one_of(st.sampled_from(SPEC_LINE_SHAPES), st.text(max_size=20))
    lines = draw(st.lists(line, max_size=30))
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r", "\n\n"]),
                            min_size=len(lines), max_size=len(lines)))
    final = draw(st.sampled_from(["", "\n", "\r\n"]))
    return "".join(text + end for text, end in zip(lines, endings, strict=True)) + final


def numbered_tasks(drafts: list[TaskDraft]) -> list[tuple[str, str | None, TaskDraft]]:
    """(id, parent id, draft) for every task in the order render_tasks writes them."""
    numbered: list[tuple[str, str | None, TaskDraft]] = []
    for number, draft in enumerate(drafts, start=1):
        numbered.append((str(number), None, draft))
        numbered.extend((f"{number}.{index}", str(number), sub)
                        for index, sub in enumerate(draft.subtasks, start=1))
    return numbered
