"""The embedded model's way to a phase document: read, fill small slots, assemble.

`draft_offline` returns the document text for requirements, design and tasks (None for a
bugfix, which keeps the whole-document grammar path). The caller judges and writes it as it
would a model's answer, so the rules and the draft gate apply unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic_ai.models import Model

from specloom.drafting.derive import draft_design, draft_tasks
from specloom.drafting.requirements import draft_requirements
from specloom.drafting.slots import SlotFiller
from specloom.spec.requirements import parse_requirements
from specloom.spec.source import SourceText, read_text_bounded


def draft_offline(spec_dir: Path, spec_name: str, phase: str, idea: str | None,
                  model: Model | None,
                  progress: Callable[[int, int], None] | None = None) -> str | None:
    """The phase's document drafted from the idea and the documents on disk, or None."""
    if phase == "requirements":
        slots = SlotFiller(model, idea or spec_name, progress)
        return draft_requirements(spec_name, idea or spec_name, slots)
    if phase not in ("design", "tasks"):
        return None
    path = spec_dir / "requirements.md"
    if not path.is_file():  # design-first: no criteria to derive from yet
        return None
    doc = parse_requirements(SourceText.from_text("requirements.md", read_text_bounded(path)))
    if not any(r.criteria for r in doc.requirements):
        return None
    return draft_design(doc, idea or "") if phase == "design" else draft_tasks(doc)
