"""The model-driven MCP tools (new_spec, next_phase, refine_phase, approve_phase) in-process.

Only the session opener is replaced: it returns a real `ModelSession` (recording to the run
folder, usage line, close) around pydantic-ai's `FunctionModel` answering from a script.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.mcp_server import tools
from specloom.models.errors import ModelConfigError
from specloom.models.record import Recorder, RecordingModel
from specloom.models.session import RUNS_DIR, ModelSession
from specloom.spec.workspace import Workspace

from spec_fixtures import GOOD_DESIGN, GOOD_REQUIREMENTS, GOOD_TASKS

IDEA = "Let shoppers add items to a cart and remove them."
REVISED_DESIGN = GOOD_DESIGN.replace("An in-memory cart.", "An in-memory cart, one per shopper.")


@dataclass
class Opener:
    """Stands in for `tools.open_model_session`: scripted answers, every call recorded."""

    root: Path
    answers: list[str | BaseException]
    calls: list[tuple[str | None, str]] = field(default_factory=list)
    sessions: list[ModelSession] = field(default_factory=list)
    prompts: list[list[ModelMessage]] = field(default_factory=list)

    async def _stream(self, messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        self.prompts.append(list(messages))
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        for start in range(0, len(answer), 50):
            yield answer[start:start + 50]

    def __call__(self, workspace: Workspace, *, model: str | None,
                 command: str) -> ModelSession:
        self.calls.append((model, command))
        run_id = f"run-{len(self.calls)}-{command}"
        run_dir = workspace.root / RUNS_DIR / run_id
        recorder = Recorder(run_dir, "function:scripted")
        inner = FunctionModel(stream_function=self._stream, model_name="scripted")
        session = ModelSession(name="function:scripted", model=RecordingModel(inner, recorder),
                               run_id=run_id, run_dir=run_dir, is_local=False,
                               replaying=False, recorder=recorder)
        self.sessions.append(session)
        return session


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    (tmp_path / ".kiro" / "specs").mkdir(parents=True)
    steering = tmp_path / ".kiro" / "steering" / "tech.md"
    steering.parent.mkdir(parents=True)
    steering.write_text("Use Python 3.11 and pytest.\n")
    return Workspace(tmp_path)


def refused(call: Callable[[], Any]) -> str:
    """The message the MCP client gets for an expected failure (as the server translates it)."""
    try:
        call()
    except Exception as exc:
        translated = tools.translate_errors(exc)
        assert translated is not None, f"not an expected failure: {exc!r}"
        return str(translated)
    raise AssertionError("the call succeeded")


def script(monkeypatch: pytest.MonkeyPatch, workspace: Workspace,
           answers: list[str | BaseException]) -> Opener:
    opener = Opener(workspace.root, answers)
    monkeypatch.setattr(tools, "open_model_session", opener)
    return opener


@pytest.mark.req("mcp-and-integrations", "5.1", "5.3", "5.4", "5.5", "5.6")
def test_new_approve_next_refine_round_trip(workspace: Workspace,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    opener = script(monkeypatch, workspace,
                    [GOOD_REQUIREMENTS, GOOD_DESIGN, REVISED_DESIGN, GOOD_TASKS])
    folder = workspace.spec_dir("cart-service")

    created = tools.new_spec(workspace, "cart-service", IDEA, model="anthropic:claude-x")
    assert opener.calls == [("anthropic:claude-x", "new")]
    assert created["workflow"] == "requirements-first"
    (outcome,) = created["outcomes"]
    assert outcome["path"] == ".kiro/specs/cart-service/requirements.md" and outcome["written"]
    assert isinstance(outcome["findings"], list)
    assert created["waiting"] == "requirements" and "awaits review" in created["waiting_reason"]
    assert created["approvals"] == {"requirements": "pending", "design": "pending",
                                    "tasks": "pending"}
    assert created["usage"].startswith("model function:scripted: 1 request, ")
    assert created["model_note"] is None
    assert (folder / "requirements.md").read_text() == GOOD_REQUIREMENTS
    assert json.loads((folder / ".config.kiro").read_text())["specloom"]["idea"] == IDEA
    assert opener.sessions[0].closed
    assert (opener.sessions[0].run_dir / "meta.json").is_file()
    prompt = "\n".join(str(p) for m in opener.prompts[0] for p in m.parts)  # type: ignore[attr-defined]
    assert "Use Python 3.11 and pytest." in prompt and IDEA in prompt
    json.dumps(created)  # the server sends it as JSON text

    # asynchronous review: nothing more is written until a person approves
    waiting = tools.next_phase(workspace, "cart-service")
    assert waiting["outcomes"] == [] and waiting["waiting"] == "requirements"
    assert opener.calls[-1] == (None, "next")

    approved = tools.approve_phase(workspace, "cart-service")
    assert set(approved["approved"]) == {"requirements"}
    assert approved["approvals"]["requirements"] == "approved"

    advanced = tools.next_phase(workspace, "cart-service")
    assert [o["phase"] for o in advanced["outcomes"]] == ["design"]
    assert advanced["waiting"] == "design"
    assert (folder / "design.md").read_text() == GOOD_DESIGN

    refined = tools.refine_phase(workspace, "cart-service", "one cart per shopper")
    assert refined["outcome"]["phase"] == "design" and refined["outcome"]["written"]
    assert "+An in-memory cart, one per shopper." in refined["diff"]
    assert "one cart per shopper" in str(opener.prompts[-1])
    assert (folder / "design.md").read_text() == REVISED_DESIGN

    tools.approve_phase(workspace, "cart-service", phase="design")
    last = tools.next_phase(workspace, "cart-service")
    assert last["waiting"] == "tasks" and last["outcomes"][0]["written"]
    assert all(s.closed for s in opener.sessions)
    assert [c[1] for c in opener.calls] == ["new", "next", "next", "refine", "next"]


@pytest.mark.req("mcp-and-integrations", "5.2")
def test_quick_writes_all_three_documents(workspace: Workspace,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    script(monkeypatch, workspace, [GOOD_REQUIREMENTS, GOOD_DESIGN, GOOD_TASKS])
    data = tools.new_spec(workspace, "cart-service", IDEA, workflow="quick")
    assert [o["phase"] for o in data["outcomes"]] == ["requirements", "design", "tasks"]
    approved = tools.approve_phase(workspace, "cart-service")
    assert set(approved["approved"]) == {"requirements", "design", "tasks"}


@pytest.mark.req("mcp-and-integrations", "6.1")
def test_bad_input_is_refused_before_a_session_opens(workspace: Workspace,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    opener = script(monkeypatch, workspace, [GOOD_REQUIREMENTS])
    new = tools.new_spec
    assert "workflow must be one of" in refused(
        lambda: new(workspace, "cart-service", IDEA, workflow="waterfall"))
    assert "../escape" in refused(lambda: new(workspace, "../escape", IDEA))
    assert "the idea is empty" in refused(lambda: new(workspace, "cart-service", "   "))
    workspace.spec_dir("cart-service").mkdir()
    assert refused(lambda: new(workspace, "cart-service", IDEA)) == (
        "a spec named 'cart-service' already exists at .kiro/specs/cart-service; continue it "
        "with 'specloom next cart-service' or choose another name")
    assert "no spec named 'cart-servce'; did you mean cart-service?" in refused(
        lambda: tools.next_phase(workspace, "cart-servce"))
    assert "phase must be one of" in refused(
        lambda: tools.approve_phase(workspace, "cart-service", phase="everything"))
    assert "the feedback is empty" in refused(
        lambda: tools.refine_phase(workspace, "cart-service", " "))
    assert "has no document yet" in refused(
        lambda: tools.refine_phase(workspace, "cart-service", "more detail"))
    assert opener.calls == []


@pytest.mark.req("mcp-and-integrations", "6.2")
def test_model_config_error_creates_nothing(workspace: Workspace,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(workspace: Workspace, *, model: str | None, command: str) -> ModelSession:
        raise ModelConfigError("ANTHROPIC_API_KEY is not set; export it")

    monkeypatch.setattr(tools, "open_model_session", refuse)
    assert refused(lambda: tools.new_spec(workspace, "cart-service", IDEA)) == \
        "ANTHROPIC_API_KEY is not set; export it"
    assert not workspace.spec_dir("cart-service").exists()


@pytest.mark.req("mcp-and-integrations", "6.2")
def test_unknown_model_string_names_the_forms(workspace: Workspace) -> None:
    message = refused(lambda: tools.new_spec(workspace, "cart-service", IDEA,
                                             model="no-such-provider:x"))
    assert "unknown model provider 'no-such-provider'" in message
    assert "anthropic:<model>" in message and "openai-compatible:<model>@<base_url>" in message
    assert not workspace.spec_dir("cart-service").exists()


@pytest.mark.req("mcp-and-integrations", "6.3")
def test_model_fault_is_the_cli_message_and_closes_the_session(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    fault = ModelHTTPError(status_code=429, model_name="scripted", body="slow down")
    opener = script(monkeypatch, workspace, [fault])
    message = refused(lambda: tools.new_spec(workspace, "cart-service", IDEA))
    assert message.startswith("the model failed: ") and "429" in message
    assert message.endswith("Nothing was written; run 'specloom next cart-service' to try "
                            "again.")
    assert opener.sessions[0].closed
    assert not (workspace.spec_dir("cart-service") / "requirements.md").exists()


@pytest.mark.req("mcp-and-integrations", "6.4")
def test_unusable_answer_is_reported_not_written(workspace: Workspace,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    garbage = "Sure! Here are some thoughts, but no document."
    script(monkeypatch, workspace, [garbage, garbage, garbage])
    data = tools.new_spec(workspace, "cart-service", IDEA)
    assert data["rejected"] == "requirements" and not data["done"]
    (outcome,) = data["outcomes"]
    assert not outcome["written"]
    assert outcome["rejected_path"] == ".kiro/specs/cart-service/requirements.md.rejected"
    assert not (workspace.spec_dir("cart-service") / "requirements.md").exists()


@pytest.mark.req("mcp-and-integrations", "6.5")
def test_approve_refuses_error_findings(workspace: Workspace,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    citing_missing = GOOD_TASKS.replace("_Requirements: 2.1_", "_Requirements: 9.9_")
    script(monkeypatch, workspace,
           [GOOD_REQUIREMENTS, GOOD_DESIGN, citing_missing, citing_missing, citing_missing])
    data = tools.new_spec(workspace, "cart-service", IDEA, workflow="quick")
    tasks = data["outcomes"][2]
    assert tasks["written"] and tasks["rounds"] == 3  # two repair rounds, best attempt kept
    assert [f["code"] for f in tasks["findings"] if f["severity"] == "error"] == ["C001"]
    message = refused(lambda: tools.approve_phase(workspace, "cart-service"))
    assert message.startswith("not approved: check finds 1 error(s)")
    assert "C001" in message
