"""design.md and tasks.md derived from requirements.md as it is on disk (hand edits included).

Deterministic: one component, one correctness property and one task per requirement, every
property and task citing the criteria it serves; the failure criteria (IF ... THEN) become the
error handling. Nothing here asks a model: what the tiny model could add to a design is less
than what it could get wrong, and the derivation always cites criteria that exist.
"""

from __future__ import annotations

import re

from specloom.spec.requirements import Requirement, RequirementsDoc

SHALL = re.compile(r"\bSHALL\b\s*(.*?)\.?$", re.DOTALL)


def _response(text: str) -> str:
    match = SHALL.search(text)
    return " ".join((match.group(1) if match else text).split())


def _refs(requirement: Requirement) -> str:
    return ", ".join(c.id for c in requirement.criteria)


def _system(doc: RequirementsDoc) -> str:
    return doc.glossary[0].term if doc.glossary else "System"


def _snake(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())[:5]
    return "_".join(words) or "handle"


def draft_design(doc: RequirementsDoc, idea: str) -> str:
    system = _system(doc)
    requirements = [r for r in doc.requirements if r.criteria]
    lines = ["# Design Document", "", "## Overview", "",
             f"{system} implements the requirements below for this idea: "
             f"{' '.join(idea.split())}", "", "## Architecture", "",
             f"{system} is one module with one entry point per requirement; each entry point "
             "validates its input, applies the rule and returns a result the caller can show.",
             "", "## Components and Interfaces", ""]
    lines += [f"- `{_snake(r.title)}()`: Requirement {r.number} ({r.title})"
              for r in requirements]
    lines += ["", "## Data Models", "",
              "The objects the requirements name, each with the fields its criteria read or "
              "change; the glossary defines the terms.", "", "## Correctness Properties"]
    for index, requirement in enumerate(requirements, start=1):
        first = _response(requirement.criteria[0].text)
        lines += ["", f"### Property {index}: {requirement.title}", "",
                  f"*For any* input that Requirement {requirement.number} covers, {system} "
                  f"does what its criteria state: {first}.", "",
                  f"**Validates: Requirements {_refs(requirement)}**"]
    failures = [c for r in requirements for c in r.criteria if c.text.startswith("IF ")]
    lines += ["", "## Error Handling", ""]
    lines += [f"- {c.id}: {' '.join(c.text.split())}" for c in failures] or [
        "Invalid input is refused with a message that names the problem."]
    lines += ["", "## Testing Strategy", "",
              "One property-based test per correctness property (Hypothesis for Python), tagged "
              "with the criteria it validates, and one example test per criterion."]
    return "\n".join(lines) + "\n"


def draft_tasks(doc: RequirementsDoc) -> str:
    requirements = [r for r in doc.requirements if r.criteria]
    lines = ["# Implementation Plan"]
    for index, requirement in enumerate(requirements, start=1):
        refs = _refs(requirement)
        lines += ["", f"- [ ] {index}. {requirement.title}",
                  f"  - [ ] {index}.1 Implement `{_snake(requirement.title)}()`",
                  f"    - _Requirements: {refs}_",
                  f"  - [ ]* {index}.2 Write property test for {requirement.title}",
                  f"    - **Property {index}: {requirement.title}**",
                  f"    - **Validates: Requirements {refs}**",
                  f"    - _Requirements: {refs}_"]
    lines += ["", f"- [ ] {len(requirements) + 1}. Checkpoint - make sure all tests pass"]
    return "\n".join(lines) + "\n"
