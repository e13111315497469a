"""Writers that produce NEW spec documents from structured drafts, in Kiro's layout.

Used to create specs and to generate test and benchmark input. The output follows the
layout in FORMATS.md exactly, so parsing what a writer produced gives back the same
structure: numbers, titles, criterion texts, statuses and citations.

This module only renders fresh text. It must not be used to rewrite a user's existing file
(that would lose their formatting); status changes go through `tasks.with_status`, which
touches only checkbox characters. Drafts hold single-line plain text; a line break where a
single line is expected raises `ValueError` rather than producing a document that parses
differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from specloom.spec.design import EXPECTED_SECTIONS
from specloom.spec.tasks import TaskStatus

REQUIREMENTS_TITLE = "Requirements Document"
BUGFIX_TITLE = "Bugfix Requirements Document"
DESIGN_TITLE = "Design Document"
TASKS_TITLE = "Implementation Plan"
BUGFIX_SECTIONS = (
    "Current Behavior (Defect)",
    "Expected Behavior (Correct)",
    "Unchanged Behavior (Regression Prevention)",
)
SUBTASK_INDENT = "  "


@dataclass(frozen=True, slots=True)
class RequirementDraft:
    """One requirement: its title (may be empty), user story (may be empty) and criteria."""

    title: str
    user_story: str
    criteria: Sequence[str] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))


@dataclass(frozen=True, slots=True)
class PropertyDraft:
    """One correctness property and the criteria (`N.M`) it validates."""

    title: str
    statement: str
    validates: Sequence[str] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "validates", tuple(self.validates))


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """One task; `subtasks` only on top-level tasks, `optional` only on sub-tasks.

    `details` are free bullets written first; `depends` becomes cc-sdd's `_Depends: ..._`
    bullet and `requirements` the closing `_Requirements: ..._` bullet.
    """

    title: str
    status: TaskStatus = TaskStatus.TODO
    optional: bool = False
    requirements: Sequence[str] = field(default=())
    details: Sequence[str] = field(default=())
    subtasks: Sequence[TaskDraft] = field(default=())
    parallel: bool = False
    depends: Sequence[str] = field(default=())

    def __post_init__(self) -> None:
        for name in ("requirements", "details", "subtasks", "depends"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


def render_requirements(title: str, introduction: str,
                        glossary: Sequence[tuple[str, str]],
                        requirements: Sequence[RequirementDraft]) -> str:
    """requirements.md: introduction, optional glossary, then `### Requirement N` sections."""
    blocks = [
        f"# {_one_line(title or REQUIREMENTS_TITLE, 'title')}",
        _section("Introduction", introduction),
    ]
    if glossary:
        blocks.append(_section("Glossary", _glossary_lines(glossary)))
    blocks.append("## Requirements")
    blocks.extend(_requirement_block(number, draft)
                  for number, draft in enumerate(requirements, start=1))
    return _document(blocks)


def render_bugfix(title: str, introduction: str, current: Sequence[str],
                  expected: Sequence[str], unchanged: Sequence[str],
                  glossary: Sequence[tuple[str, str]] = ()) -> str:
    """bugfix.md: the defect (1.x), the expected behaviour (2.x) and what must not change (3.x)."""
    blocks = [
        f"# {_one_line(title or BUGFIX_TITLE, 'title')}",
        _section("Introduction", introduction),
    ]
    if glossary:
        blocks.append(_section("Glossary", _glossary_lines(glossary)))
    blocks.append("## Bug Analysis")
    for number, (heading, items) in enumerate(
            zip(BUGFIX_SECTIONS, (current, expected, unchanged), strict=True), start=1):
        lines = [f"{number}.{index} {_non_empty_line(item, f'item {number}.{index}')}"
                 for index, item in enumerate(items, start=1)]
        blocks.append(_heading_with_lines(f"### {heading}", lines))
    return _document(blocks)


def render_design(overview: str, sections: Mapping[str, str],
                  properties: Sequence[PropertyDraft], title: str = DESIGN_TITLE) -> str:
    """design.md with the seven sections of FORMATS.md in order, then any extra sections.

    `sections` maps a section name to its body; a missing section is written as a bare
    heading. A "Correctness Properties" body is written before the numbered properties.
    """
    if "Overview" in sections:
        raise ValueError("pass the overview as `overview`, not in `sections`")
    bodies = {"Overview": overview, **sections}
    names = [*EXPECTED_SECTIONS, *(name for name in sections if name not in EXPECTED_SECTIONS)]
    blocks = [f"# {_one_line(title or DESIGN_TITLE, 'title')}"]
    for name in names:
        blocks.append(_section(name, bodies.get(name, "")))
        if name == "Correctness Properties":
            blocks.extend(_property_block(number, draft)
                          for number, draft in enumerate(properties, start=1))
    return _document(blocks)


def render_tasks(tasks: Sequence[TaskDraft], title: str = TASKS_TITLE) -> str:
    """tasks.md: `- [ ] N. Title` tasks, two-space indented `N.M` sub-tasks, blank line between."""
    blocks = [f"# {_one_line(title or TASKS_TITLE, 'title')}"]
    blocks.extend(_top_task_block(number, draft) for number, draft in enumerate(tasks, start=1))
    return _document(blocks)


def _document(blocks: Iterable[str]) -> str:
    return "\n\n".join(block.rstrip("\n") for block in blocks) + "\n"


def _section(name: str, body: str | Sequence[str]) -> str:
    lines = body.splitlines() if isinstance(body, str) else list(body)
    return _heading_with_lines(f"## {_one_line(name, 'section name')}", lines)


def _heading_with_lines(heading: str, lines: Sequence[str]) -> str:
    return "\n".join([heading, *(line.rstrip() for line in lines)]).rstrip("\n")


def _glossary_lines(glossary: Sequence[tuple[str, str]]) -> list[str]:
    return [f"- **{_one_line(term, 'glossary term')}**: {_one_line(definition, 'definition')}"
            for term, definition in glossary]


def _requirement_block(number: int, draft: RequirementDraft) -> str:
    title = _one_line(draft.title, "requirement title")
    lines = [f"### Requirement {number}: {title}" if title else f"### Requirement {number}"]
    if draft.user_story:
        lines.append(f"**User Story:** {_one_line(draft.user_story, 'user story')}")
    lines.append("")
    lines.append("#### Acceptance Criteria")
    lines.extend(f"{index}. {_non_empty_line(text, f'criterion {number}.{index}')}"
                 for index, text in enumerate(draft.criteria, start=1))
    return "\n".join(lines)


def _property_block(number: int, draft: PropertyDraft) -> str:
    title = _one_line(draft.title, "property title")
    lines = [f"### Property {number}: {title}" if title else f"### Property {number}"]
    lines.extend(line.rstrip() for line in draft.statement.splitlines() if line.strip())
    if draft.validates:
        lines.append(f"**Validates: Requirements {_citations(draft.validates)}**")
    return "\n".join(lines)


def _top_task_block(number: int, draft: TaskDraft) -> str:
    if draft.optional:
        raise ValueError(f"task {number} is top-level; only sub-tasks may be optional")
    lines = [_task_line(f"{number}.", draft, indent="")]
    lines.extend(_detail_lines(draft, SUBTASK_INDENT))
    for index, sub in enumerate(draft.subtasks, start=1):
        if sub.subtasks:
            raise ValueError(f"task {number}.{index} has sub-tasks; tasks.md allows two levels")
        lines.append(_task_line(f"{number}.{index}", sub, indent=SUBTASK_INDENT))
        lines.extend(_detail_lines(sub, SUBTASK_INDENT * 2))
    return "\n".join(lines)


def _task_line(task_id: str, draft: TaskDraft, indent: str) -> str:
    star = "*" if draft.optional else ""
    title = _one_line(draft.title, "task title")
    parallel = " (P)" if draft.parallel else ""
    return f"{indent}- [{draft.status.mark}]{star} {task_id} {title}{parallel}".rstrip()


def _detail_lines(draft: TaskDraft, indent: str) -> list[str]:
    lines = [f"{indent}- {_one_line(detail, 'task detail')}" for detail in draft.details]
    if draft.depends:
        lines.append(f"{indent}- _Depends: {_citations(draft.depends)}_")
    if draft.requirements:
        lines.append(f"{indent}- _Requirements: {_citations(draft.requirements)}_")
    return lines


def _citations(ids: Sequence[str]) -> str:
    return ", ".join(_one_line(item, "citation") for item in ids)


def _one_line(text: str, what: str) -> str:
    """`text` stripped; a line break would split the item, so it is refused."""
    if "\n" in text or "\r" in text:
        raise ValueError(f"{what} must be a single line: {text!r}")
    return text.strip()


def _non_empty_line(text: str, what: str) -> str:
    """A list item's text: an empty one would not parse as an item at all."""
    line = _one_line(text, what)
    if not line:
        raise ValueError(f"{what} is empty")
    return line
