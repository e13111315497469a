"""Property-based tests for the authoring spec's correctness properties (design.md)."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from itertools import pairwise
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_ai.messages import ModelMessage, ModelRequest, SystemPromptPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.core.diagnostic import Diagnostic
from specloom.core.rule import Severity
from specloom.spec.loader import load_spec
from specloom.spec.workspace import Workspace
from specloom.workflows import authoring as authoring_module
from specloom.workflows.approval import approval_state, record_approval
from specloom.workflows.authoring import Authoring, build_messages, draft_with_repairs
from specloom.workflows.documents import Candidate
from specloom.workflows.naming import suggest_kebab_case, validate_spec_name
from specloom.workflows.phases import WORKFLOWS, phase_file, phase_order
from specloom.workflows.state import new_config_text

SPEC = "demo"


def _diag(severity: Severity) -> Diagnostic:
    return Diagnostic(code="X001", severity=severity, path=f".kiro/specs/{SPEC}/requirements.md",
                      line=1, column=1, end_line=1, end_column=2, message="m")


candidates = st.builds(
    lambda unusable, errors, warnings: Candidate(
        "text", unusable,
        tuple(_diag(Severity.ERROR) for _ in range(errors))
        + tuple(_diag(Severity.WARNING) for _ in range(warnings))),
    st.one_of(st.none(), st.just("the answer is empty")),
    st.integers(0, 3), st.integers(0, 3))


def _answering_model() -> FunctionModel:
    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "# Requirements Document\n"

    return FunctionModel(stream_function=stream, model_name="scripted")


# Feature: authoring, Property 1: The kept attempt has the lowest rank
@settings(max_examples=100, deadline=None)
@given(st.lists(candidates, min_size=1, max_size=5), st.integers(0, 4))
def test_kept_attempt_has_lowest_rank(script: list[Candidate], max_repairs: int) -> None:
    judged: list[Candidate] = []

    def fake_judge(*args: object, **kwargs: object) -> Candidate:
        candidate = script[min(len(judged), len(script) - 1)]
        judged.append(candidate)
        return candidate

    with tempfile.TemporaryDirectory() as root:
        authoring = Authoring(Workspace(Path(root)), SPEC, "requirements-first",
                              _answering_model(), "idea", max_repairs=max_repairs)
        with mock.patch.object(authoring_module, "judge", fake_judge):
            best, rounds = draft_with_repairs(authoring, "requirements", [
                ModelRequest(parts=[UserPromptPart("write it")])])
    assert rounds == len(judged)
    assert best.rank() == min(c.rank() for c in judged)
    if any(c.unusable is None for c in judged):
        assert best.unusable is None


def _prompt_text(messages: list[ModelMessage]) -> list[str]:
    parts: list[str] = []
    for message in messages:
        assert isinstance(message, ModelRequest)
        for part in message.parts:
            assert isinstance(part, SystemPromptPart | UserPromptPart)
            assert isinstance(part.content, str)
            parts.append(part.content)
    return parts


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


# Feature: authoring, Property 2: Prompts share their prefix across phases
@settings(max_examples=100, deadline=None)
@given(st.sampled_from(WORKFLOWS), texts, texts.filter(lambda s: s.strip() != ""),
       st.lists(texts, min_size=3, max_size=3))
def test_prompts_share_prefix(workflow, steering: str, idea: str, documents: list[str]) -> None:
    with tempfile.TemporaryDirectory() as root:
        workspace = Workspace(Path(root))
        authoring = Authoring(workspace, SPEC, workflow, _answering_model(), idea,
                              steering_text=steering)
        authoring.spec_dir.mkdir(parents=True)
        order = phase_order(workflow)
        for before, after in pairwise(order):
            for phase, text in zip(order, documents, strict=False):
                path = authoring.spec_dir / phase_file(phase)
                if order.index(phase) < order.index(after):
                    path.write_bytes(text.encode("utf-8"))
            system_a, context_a, _ = _prompt_text(build_messages(authoring, before, "A"))
            prompt_b = "".join(_prompt_text(build_messages(authoring, after, "B")))
            assert prompt_b.startswith(system_a + context_a)


def _write_docs(spec_dir: Path, workflow, contents: dict[str, str]) -> None:
    for phase in phase_order(workflow):
        (spec_dir / phase_file(phase)).write_bytes(contents[phase].encode("utf-8"))


# Feature: authoring, Property 3: Review state follows the hashes
@settings(max_examples=100, deadline=None)
@given(st.sampled_from(WORKFLOWS), st.lists(texts, min_size=3, max_size=3),
       st.lists(st.booleans(), min_size=3, max_size=3), texts)
def test_review_state_follows_hashes(workflow, bodies: list[str], edited: list[bool],
                                     extra: str) -> None:
    order = phase_order(workflow)
    with tempfile.TemporaryDirectory() as root:
        workspace = Workspace(Path(root))
        spec_dir = workspace.spec_dir(SPEC)
        spec_dir.mkdir(parents=True)
        (spec_dir / ".config.kiro").write_text(new_config_text(workflow, "idea"),
                                               encoding="utf-8")
        contents = {phase: f"# {phase}\n{body}\n" for phase, body in zip(order, bodies,
                                                                          strict=True)}
        _write_docs(spec_dir, workflow, contents)
        record_approval(load_spec(workspace, SPEC), order)
        assert set(approval_state(load_spec(workspace, SPEC)).values()) == {"approved"}
        for phase, change in zip(order, edited, strict=True):
            if change:
                contents[phase] += f"edited: {extra}\n"
        _write_docs(spec_dir, workflow, contents)
        states = approval_state(load_spec(workspace, SPEC))
    seen_edit = False
    for phase, change in zip(order, edited, strict=True):
        if change:
            assert states[phase] == "edited"
        elif seen_edit:
            assert states[phase] == "stale"
        else:
            assert states[phase] == "approved"
        seen_edit = seen_edit or change


ascii_alnum = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


# Feature: authoring, Property 4: Suggested names are valid names
@settings(max_examples=100, deadline=None)
@given(st.text(max_size=100), ascii_alnum, st.text(max_size=100))
def test_suggested_names_are_valid(before: str, letter: str, after: str) -> None:
    name = suggest_kebab_case(before + letter + after)
    assert validate_spec_name(name) == name
