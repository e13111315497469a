"""The embedded model's way to a phase document: read, fill small slots, assemble.

`draft_offline` returns the document text for requirements, design and tasks (None for a
bugfix, which keeps the whole-document grammar path). The caller judges and writes it as it
would a model's answer, so the rules and the draft gate apply unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from specloom.drafting.derive import draft_design, draft_tasks
from specloom.drafting.requirements import draft_requirements
from specloom.drafting.slots import SlotFiller
from specloom.spec.requirements import parse_requirements
from specloom.spec.source import SourceText, read_text_bounded

if TYPE_CHECKING:
    from specloom.workflows.authoring import Authoring
    from specloom.workflows.phases import Phase


def draft_offline(authoring: Authoring, phase: Phase, idea: str | None) -> str | None:
    """The phase's document drafted from the idea and the documents on disk, or None."""
    progress = authoring.progress
    report = (None if progress is None
              else lambda characters, tokens: progress(phase, characters, tokens))
    if phase == "requirements":
        slots = SlotFiller(authoring.model, idea or authoring.spec_name, report)
        return draft_requirements(authoring.spec_name, idea or authoring.spec_name, slots)
    if phase not in ("design", "tasks"):
        return None
    path = authoring.spec_dir / "requirements.md"
    if not path.is_file():  # design-first: no criteria to derive from yet
        return None
    doc = parse_requirements(SourceText.from_text("requirements.md", read_text_bounded(path)))
    if not any(r.criteria for r in doc.requirements):
        return None
    return draft_design(doc, idea or "") if phase == "design" else draft_tasks(doc)
