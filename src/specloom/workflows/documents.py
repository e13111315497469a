"""A model's answer as a candidate document: extracted, judged usable or not, and checked.

Candidates are checked in a temporary copy of the spec folder (the other documents re-read
from disk), so nothing in the user's workspace is written here.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from specloom.core.diagnostic import Diagnostic
from specloom.core.rule import Severity
from specloom.quality.check import check_workspace
from specloom.quality.settings import CheckSettings
from specloom.spec.design import parse_design
from specloom.spec.requirements import parse_requirements
from specloom.spec.source import SourceText
from specloom.spec.tasks import parse_tasks
from specloom.spec.workspace import SPEC_DOCUMENTS, Workspace
from specloom.workflows.draft_gate import refusal_reason
from specloom.workflows.phases import Phase, phase_file
from specloom.workflows.state import CONFIG_FILE

FENCE = re.compile(r"^\s*```[\w-]*\s*\n(.*?)\n```\s*$", re.DOTALL)
MIN_DESIGN_SECTIONS = 4


@dataclass(frozen=True, slots=True)
class Candidate:
    """One answer of the model: its document text and what `check` says about it."""

    text: str
    unusable: str | None
    findings: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.findings if d.severity is Severity.ERROR)

    def rank(self) -> tuple[int, int, int]:
        """Lower is better: usable first, then fewer errors, then fewer findings."""
        return (self.unusable is not None, len(self.errors), len(self.findings))


def extract_document(answer: str) -> str:
    """The Markdown document inside an answer: fences and chatter before the title dropped."""
    text = answer.replace("\r\n", "\n").strip()
    fenced = FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    title = re.search(r"^# ", text, re.MULTILINE)
    if title and title.start() > 0:
        text = text[title.start():]
    return text + "\n" if text else ""


def unusable_reason(phase: Phase, text: str, idea: str | None = None) -> str | None:
    """Why `text` cannot serve as the phase's document at all (None when it can): no
    structure, or template, prompt text or empty responses (see `draft_gate`)."""
    if not text.strip():
        return "the answer is empty"
    source = SourceText.from_text(phase_file(phase), text)
    if phase in ("requirements", "bugfix"):
        doc = parse_requirements(source, phase)
        if not any(r.criteria for r in doc.requirements):
            return "no numbered requirement with acceptance criteria was found"
    elif phase == "design":
        design = parse_design(source)
        if len(design.sections) < MIN_DESIGN_SECTIONS:
            return "fewer than four of the seven design sections were found"
    elif not parse_tasks(source).tasks:
        return "no task (- [ ] 1. ...) was found"
    return refusal_reason(phase, text, idea)


def judge(workspace: Workspace, spec_name: str, phase: Phase, text: str,
          settings: CheckSettings | None, idea: str | None = None) -> Candidate:
    """Check `text` as the spec's `phase` document, beside the other documents now on disk;
    with the idea, a document about none of its words is unusable too."""
    reason = unusable_reason(phase, text, idea)
    with tempfile.TemporaryDirectory(prefix="specloom-candidate-") as scratch:
        copy = Workspace(Path(scratch))
        folder = copy.spec_dir(spec_name)
        folder.mkdir(parents=True)
        source = workspace.spec_dir(spec_name)
        for name in (*SPEC_DOCUMENTS, CONFIG_FILE):
            if (source / name).is_file() and name != phase_file(phase):
                shutil.copyfile(source / name, folder / name)
        (folder / phase_file(phase)).write_text(text, encoding="utf-8")
        report = check_workspace(copy, [spec_name], settings, jobs=1)
    own_path = f".kiro/specs/{spec_name}/{phase_file(phase)}"
    findings = tuple(d for d in report.diagnostics if d.path == own_path)
    return Candidate(text, reason, findings)
