"""Generate or revise one phase's document: prompt, stream, check, repair, then save.

Earlier documents are re-read from disk for every prompt, so a person's hand edits always
win over anything remembered. The model returns document text only; this module alone
decides the path, always `<spec folder>/<phase file>`. The document is written atomically
once the phase has finished (Ctrl-C before that leaves the old file untouched), and an
unusable best attempt is kept beside the file as `<file>.rejected`, never over it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextPart,
    UserPromptPart,
)
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings

from specloom.core.diagnostic import Diagnostic
from specloom.models.phase_stream import request_text
from specloom.quality.settings import CheckSettings
from specloom.spec.files import replace_if_unchanged, write_atomic
from specloom.spec.source import read_text_bounded
from specloom.spec.workspace import Workspace
from specloom.workflows import prompts
from specloom.workflows.documents import Candidate, extract_document, judge
from specloom.workflows.grammars import grammar_for
from specloom.workflows.phases import Phase, Workflow, earlier_phases, phase_file
from specloom.workflows.state import NO_IDEA

PhaseProgress = Callable[[Phase, int, int], None]
"""Called while the model writes: (phase, characters so far, output tokens so far)."""

REJECTED_SUFFIX = ".rejected"


@dataclass(frozen=True, slots=True)
class Authoring:
    """Everything a phase needs; the model is passed in (tests pass scripted models)."""

    workspace: Workspace
    spec_name: str
    workflow: Workflow
    model: Model
    idea: str
    steering_text: str = ""
    max_repairs: int = 2
    settings: CheckSettings | None = None
    use_grammar: bool = False
    progress: PhaseProgress | None = None

    @property
    def spec_dir(self) -> Path:
        return self.workspace.spec_dir(self.spec_name)


@dataclass(frozen=True, slots=True)
class PhaseOutcome:
    """What one phase produced: saved or rejected, with the findings that remain."""

    phase: Phase
    path: Path
    candidate: Candidate
    rounds: int
    previous_text: str | None
    rejected_path: Path | None = None

    @property
    def written(self) -> bool:
        return self.rejected_path is None

    @property
    def findings(self) -> tuple[Diagnostic, ...]:
        return self.candidate.findings

    @property
    def repairs(self) -> int:
        return self.rounds - 1


def document_path(authoring: Authoring, phase: Phase) -> Path:
    """The only place a phase's document may be written: directly in the spec folder."""
    name = authoring.spec_name
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise ValueError(f"refusing to write outside .kiro/specs/: spec name {name!r}")
    return authoring.spec_dir / phase_file(phase)


def read_earlier(authoring: Authoring, phase: Phase) -> list[tuple[Phase, str]]:
    """The earlier documents as they are on disk now (hand edits included)."""
    found = []
    for earlier in earlier_phases(authoring.workflow, phase):
        path = authoring.spec_dir / phase_file(earlier)
        if path.is_file():
            try:
                found.append((earlier, read_text_bounded(path)))
            except OSError:  # oversized or unreadable: `check` reports it (S001)
                continue
    return found


def build_messages(authoring: Authoring, phase: Phase, request: str) -> list[ModelMessage]:
    """System instructions, steering, idea and earlier documents first; the request last."""
    earlier = read_earlier(authoring, phase)
    context = prompts.context_text(authoring.steering_text, authoring.idea, earlier)
    return [ModelRequest(parts=[SystemPromptPart(prompts.SYSTEM_INSTRUCTIONS),
                                UserPromptPart(context), UserPromptPart(request)])]


def generate_phase(authoring: Authoring, phase: Phase) -> PhaseOutcome:
    """Write the phase's document from the idea and the earlier documents."""
    if authoring.progress is not None:  # the phase's line shows before the first model call
        authoring.progress(phase, 0, 0)
    if authoring.use_grammar:  # the embedded model: read the idea, fill slots, assemble
        from specloom.drafting.offline import draft_offline

        before = _on_disk(authoring, phase)
        drafted = draft_offline(authoring.spec_dir, authoring.spec_name, phase,
                                known_idea(authoring), authoring.model,
                                _progress_for(authoring, phase))
        if drafted is not None:
            candidate = judge(authoring.workspace, authoring.spec_name, phase, drafted,
                              authoring.settings, known_idea(authoring))
            return _save(authoring, phase, before, candidate, 1)
    has_requirements = (authoring.spec_dir / "requirements.md").is_file()
    request = prompts.phase_request(phase, authoring.spec_name, has_requirements)
    return _run(authoring, phase, build_messages(authoring, phase, request))


def refine_phase(authoring: Authoring, phase: Phase, feedback: str) -> PhaseOutcome:
    """Revise the document now on disk according to the reviewer's feedback."""
    current = read_text_bounded(document_path(authoring, phase))
    request = prompts.refine_request(phase, current, feedback)
    return _run(authoring, phase, build_messages(authoring, phase, request))


def _run(authoring: Authoring, phase: Phase, messages: list[ModelMessage]) -> PhaseOutcome:
    before = _on_disk(authoring, phase)
    best, rounds = draft_with_repairs(authoring, phase, messages)
    return _save(authoring, phase, before, best, rounds)


def _on_disk(authoring: Authoring, phase: Phase) -> bytes | None:
    path = document_path(authoring, phase)
    return path.read_bytes() if path.exists() else None


def _save(authoring: Authoring, phase: Phase, before: bytes | None, best: Candidate,
          rounds: int) -> PhaseOutcome:
    """Write a usable draft over the document unless it changed on disk while drafting (then
    refuse, keeping the person's edit), else keep the draft beside it."""
    path = document_path(authoring, phase)
    previous = before.decode("utf-8", errors="replace") if before is not None else None
    if best.unusable is not None:
        rejected = path.with_name(path.name + REJECTED_SUFFIX)
        write_atomic(rejected, best.text.encode("utf-8"))
        return PhaseOutcome(phase, path, best, rounds, previous, rejected)
    replace_if_unchanged(path, before or b"", best.text.encode("utf-8"))
    return PhaseOutcome(phase, path, best, rounds, previous)


def draft_with_repairs(authoring: Authoring, phase: Phase,
                       messages: list[ModelMessage]) -> tuple[Candidate, int]:
    """Ask, check, and send error-level findings back up to `max_repairs` times."""
    history = list(messages)
    best: Candidate | None = None
    settings = phase_settings(authoring, phase)
    rounds = 0
    for _ in range(authoring.max_repairs + 1):
        rounds += 1
        answer, _ = request_text(authoring.model, history, settings,
                                 _progress_for(authoring, phase))
        candidate = judge(authoring.workspace, authoring.spec_name, phase,
                          extract_document(answer), authoring.settings, known_idea(authoring))
        if best is None or candidate.rank() <= best.rank():
            best = candidate
        if candidate.unusable is None and not candidate.errors:
            break
        history.append(ModelResponse(parts=[TextPart(answer)]))
        history.append(ModelRequest(parts=[UserPromptPart(_repair_text(phase, candidate))]))
    assert best is not None
    return best, rounds


def known_idea(authoring: Authoring) -> str | None:
    """The user's idea, or None when the spec recorded none (then nothing is off-topic)."""
    return None if authoring.idea in ("", NO_IDEA) else authoring.idea


def phase_settings(authoring: Authoring, phase: Phase) -> ModelSettings | None:
    """For the embedded model, a grammar that only admits a parseable document."""
    if not authoring.use_grammar:
        return None
    return {"extra_body": {"grammar": grammar_for(phase)}}


def _repair_text(phase: Phase, candidate: Candidate) -> str:
    if candidate.unusable is not None:
        return prompts.unparseable_request(phase, candidate.unusable)
    return prompts.repair_request(phase, candidate.errors)


def _progress_for(authoring: Authoring, phase: Phase) -> Callable[[int, int], None] | None:
    report = authoring.progress
    if report is None:
        return None
    return lambda characters, tokens: report(phase, characters, tokens)
