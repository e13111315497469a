"""Which documents a spec has and in which order they are written, per workflow.

Pure data and lookups; it must not read files or call models.
"""

from __future__ import annotations

from typing import Literal

Phase = Literal["requirements", "bugfix", "design", "tasks"]
Workflow = Literal["requirements-first", "design-first", "quick", "bugfix"]

WORKFLOWS: tuple[Workflow, ...] = ("requirements-first", "design-first", "quick", "bugfix")
PHASE_FILES: dict[Phase, str] = {
    "requirements": "requirements.md",
    "bugfix": "bugfix.md",
    "design": "design.md",
    "tasks": "tasks.md",
}
PHASE_ORDER: dict[Workflow, tuple[Phase, ...]] = {
    "requirements-first": ("requirements", "design", "tasks"),
    "design-first": ("design", "requirements", "tasks"),
    "quick": ("requirements", "design", "tasks"),
    "bugfix": ("bugfix", "design", "tasks"),
}


def phase_order(workflow: Workflow) -> tuple[Phase, ...]:
    return PHASE_ORDER[workflow]


def phase_file(phase: Phase) -> str:
    return PHASE_FILES[phase]


def earlier_phases(workflow: Workflow, phase: Phase) -> tuple[Phase, ...]:
    """The phases written before `phase`: their documents go into its prompt."""
    order = phase_order(workflow)
    return order[:order.index(phase)]


def kiro_config_values(workflow: Workflow) -> dict[str, str]:
    """`workflowType` and `specType` as Kiro writes them in `.config.kiro`."""
    if workflow == "bugfix":
        return {"workflowType": "requirements-first", "specType": "bugfix"}
    if workflow == "quick":
        return {"workflowType": "fast-task", "specType": "feature"}
    return {"workflowType": workflow, "specType": "feature"}


def workflow_from_config(workflow_type: str | None, spec_type: str | None) -> Workflow:
    """The workflow a spec follows, from its `.config.kiro` (requirements-first by default)."""
    if spec_type == "bugfix":
        return "bugfix"
    if workflow_type == "fast-task":
        return "quick"
    if workflow_type == "design-first":
        return "design-first"
    return "requirements-first"
