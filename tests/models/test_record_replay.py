"""Recording any model's calls to the run dir and replaying them with no model, byte for byte."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic_ai import Agent
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.models.errors import ReplayError
from specloom.models.record import REDACTED, Recorder, RecordingModel
from specloom.models.session import ModelSession, open_model_session
from specloom.spec.workspace import Workspace

# Not shaped like a provider key (the pattern pass would redact an `sk-...` value even without
# the variable), so the byte-for-byte replay keeps it and only the variable makes it a secret.
SECRET = "example-value-abcdefghijklmnop1234"


class Summary(BaseModel):
    title: str
    count: int


def scripted(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """Calls the `word_count` tool once, then answers through the output tool."""
    if len(messages) == 1:
        return ModelResponse(parts=[ToolCallPart("word_count", {"text": "a b c"}, tool_call_id="c1")])
    return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name,
                                             {"title": f"key {SECRET}", "count": 3},
                                             tool_call_id="c2")])


def workflow(session: ModelSession, prompt: str = "Summarise the spec") -> str:
    """A small agent workflow whose whole output is a string, to compare byte for byte."""
    agent = Agent(session.model, output_type=Summary, instructions="You summarise specs.")

    @agent.tool_plain
    def word_count(text: str) -> int:
        return len(text.split())

    result = asyncio.run(agent.run(prompt))
    return result.output.model_dump_json() + "\n" + session.usage_line()


def recorded_session(tmp_path: Path) -> ModelSession:
    run_dir = tmp_path / ".kiro/specloom/runs/r1"
    recorder = Recorder(run_dir, "function", free=False)
    model = RecordingModel(FunctionModel(scripted, model_name="scripted"), recorder)
    recorder.write_meta({"run_id": "r1", "model": "function", "model_name": "scripted",
                         "system": "function", "profile": {"supports_json_schema_output": True,
                                                           "supports_json_object_output": True}})
    return ModelSession("function", model, "r1", run_dir, is_local=False, replaying=False,
                        recorder=recorder)


@pytest.mark.req("model-layer", "6.1", "6.2", "7.1", "8.4")
def test_record_then_replay_byte_for_byte(tmp_path: Path) -> None:
    session = recorded_session(tmp_path)
    first = workflow(session)
    session.close()
    calls = sorted(session.run_dir.glob("0*.json"))
    assert [p.name for p in calls] == ["0001.json", "0002.json"]
    record = json.loads(calls[0].read_text())
    assert set(record) >= {"messages", "model", "settings", "parameters", "response", "usage",
                           "seconds", "started"}
    assert record["model"] == "function:scripted"
    meta = json.loads((session.run_dir / "meta.json").read_text())
    assert meta["usage"]["requests"] == 2

    replay = open_model_session(Workspace(tmp_path), replay="r1", command="test")
    assert replay.replaying
    second = workflow(replay)
    assert second.splitlines()[0] == first.splitlines()[0]
    assert "(replayed, no model called)" in second


@pytest.mark.req("model-layer", "7.2")
def test_replay_fails_clearly_when_the_workflow_changed(tmp_path: Path) -> None:
    session = recorded_session(tmp_path)
    workflow(session)
    session.close()
    replay = open_model_session(Workspace(tmp_path), replay="r1", command="test")
    with pytest.raises(ReplayError, match=r"request 1 differs from the record at messages\[0\]"):
        workflow(replay, prompt="Something else")


@pytest.mark.req("model-layer", "7.3")
def test_replay_fails_when_asked_for_more_than_recorded(tmp_path: Path) -> None:
    session = recorded_session(tmp_path)
    workflow(session)
    session.close()
    for extra in session.run_dir.glob("0002.json"):
        extra.unlink()
    replay = open_model_session(Workspace(tmp_path), replay="r1", command="test")
    with pytest.raises(ReplayError, match="made request 2 but the record holds only 1"):
        workflow(replay)


@pytest.mark.req("model-layer", "7.4")
def test_unknown_run_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="no recorded run 'nope'"):
        open_model_session(Workspace(tmp_path), replay="nope", command="test")


@pytest.mark.req("model-layer", "6.3")
def test_secrets_are_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    session = recorded_session(tmp_path)
    workflow(session)
    session.close()
    texts = [p.read_text() for p in session.run_dir.glob("*.json")]
    assert not any(SECRET in text for text in texts)
    assert any(REDACTED in text for text in texts)


@pytest.mark.req("model-layer", "8.1", "8.3")
def test_usage_line_for_unknown_model_says_cost_unknown(tmp_path: Path) -> None:
    session = recorded_session(tmp_path)
    line = workflow(session).splitlines()[-1]
    assert line.startswith("model function: 2 requests, ")
    assert line.endswith("cost unknown")
    assert session.note() is None


@pytest.mark.req("model-layer", "7.1")
def test_text_answers_round_trip(tmp_path: Path) -> None:
    run_dir = tmp_path / ".kiro/specloom/runs/r2"
    recorder = Recorder(run_dir, "function")
    model = RecordingModel(FunctionModel(lambda m, i: ModelResponse(parts=[TextPart("hello")])),
                           recorder)
    recorder.write_meta({"run_id": "r2", "model": "function"})
    assert asyncio.run(Agent(model).run("hi")).output == "hello"
    replay = open_model_session(Workspace(tmp_path), replay="r2", command="t")
    assert asyncio.run(Agent(replay.model).run("hi")).output == "hello"
