"""Property-based tests for the model-layer spec's correctness properties (design.md)."""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic_ai.direct import model_request
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.core.redact import KEY_VARIABLES
from specloom.models.config import LOCAL, PROVIDERS, parse_model_string, resolve_model
from specloom.models.record import Recorder, RecordingModel, ReplayModel, secret_values

NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_/:"
model_names = st.text(NAME_CHARS, min_size=1, max_size=30)
hosts = st.from_regex(r"[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?", fullmatch=True)
base_urls = st.builds(
    lambda scheme, host, port, path, slash: f"{scheme}://{host}{port}{path}{slash}",
    st.sampled_from(["http", "https"]), hosts,
    st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}")),
    st.from_regex(r"(/[a-z0-9._-]{1,8}){0,3}", fullmatch=True),
    st.sampled_from(["", "/", "//"]))


@st.composite
def model_strings(draw: st.DrawFn) -> tuple[str, str | None]:
    """A valid Model_String and the config `base-url` it is parsed with (or None)."""
    provider = draw(st.sampled_from((LOCAL, *PROVIDERS, "bare")))
    if provider == LOCAL:
        return LOCAL, draw(st.one_of(st.none(), base_urls))
    if provider == "bare":  # a bare model name turned into openai-compatible by `base-url`
        return draw(st.text(NAME_CHARS.replace(":", ""), min_size=1, max_size=30)), draw(base_urls)
    if provider == "openai-compatible":
        name = draw(st.text(NAME_CHARS, min_size=1, max_size=30))
        if draw(st.booleans()):
            return f"openai-compatible:{name}", draw(base_urls)
        return f"openai-compatible:{name}@{draw(base_urls)}", draw(st.one_of(st.none(), base_urls))
    name = draw(st.text(NAME_CHARS + "@", min_size=1, max_size=30))
    return f"{provider}:{name}", draw(st.one_of(st.none(), base_urls))


# Feature: model-layer, Property 1: Canonical model strings round-trip
@settings(max_examples=100, deadline=None)
@given(model_strings())
def test_canonical_model_strings_round_trip(case: tuple[str, str | None]) -> None:
    text, base_url = case
    spec = parse_model_string(text, base_url=base_url)
    assert parse_model_string(spec.name) == spec
    assert parse_model_string(spec.name).name == spec.name


SOURCES = ("flag", "kiro", "pyproject", "env")


# Feature: model-layer, Property 2: The first source present wins
@settings(max_examples=100, deadline=None)
@given(st.sets(st.sampled_from(SOURCES)), st.dictionaries(
    st.sampled_from(SOURCES), st.from_regex(r"[a-z0-9][a-z0-9.-]{0,12}", fullmatch=True)))
def test_first_source_present_wins(present: set[str], names: dict[str, str]) -> None:
    values = {source: f"anthropic:{source}-{names.get(source, 'm')}" for source in SOURCES}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        kiro = root / ".kiro" / "settings" / "specloom.toml"
        pyproject = root / "pyproject.toml"
        kiro.parent.mkdir(parents=True)
        if "kiro" in present:
            kiro.write_text(f'model = "{values["kiro"]}"\n', encoding="utf-8")
        if "pyproject" in present:
            pyproject.write_text(f'[tool.specloom]\nmodel = "{values["pyproject"]}"\n',
                                 encoding="utf-8")
        env = {"SPECLOOM_MODEL": values["env"]} if "env" in present else {"HOME": "/nowhere"}
        flag = values["flag"] if "flag" in present else None
        resolved = resolve_model(root, flag, env)
        expected_source = {"flag": "--model", "kiro": str(kiro), "pyproject": str(pyproject),
                           "env": "SPECLOOM_MODEL"}
    first = next((source for source in SOURCES if source in present), None)
    if first is None:
        assert (resolved.spec.name, resolved.source) == (LOCAL, "default")
    else:
        assert resolved.spec.name == values[first]
        assert resolved.source == expected_source[first]


SECRET_NAMES = (*KEY_VARIABLES, "GITHUB_TOKEN", "MY_SERVICE_SECRET", "DB_PASSWORD")
secrets = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.",
                  min_size=8, max_size=48)
PLACES = ("system", "user", "response-text", "tool-arg-value", "tool-arg-key", "meta")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# Feature: model-layer, Property 3: No secret reaches the disk
# (was a strict xfail: a secret used as a key of a tool call's JSON args was written verbatim;
# mapping keys are now redacted too)
@example("ANTHROPIC_API_KEY", "00000000", ["tool-arg-key"], "", "")
@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SECRET_NAMES), secrets, st.lists(st.sampled_from(PLACES), min_size=1),
       st.text(max_size=20), st.text(max_size=20))
def test_no_secret_reaches_the_disk(variable: str, secret: str, places: list[str],
                                    before: str, after: str) -> None:
    embedded = before + secret + after

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        parts: list[TextPart | ToolCallPart] = [TextPart(
            embedded if "response-text" in places else "ok")]
        args: dict[str, Any] = {"path": "x"}
        if "tool-arg-value" in places:
            args["text"] = embedded
        if "tool-arg-key" in places:
            args[embedded] = 1
        parts.append(ToolCallPart("lookup", args))
        return ModelResponse(parts=parts)

    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        env = {variable: secret, "PATH": "/usr/bin"}
        recorder = Recorder(run_dir, "function", secrets=secret_values(env))
        model = RecordingModel(FunctionModel(answer, model_name="scripted"), recorder)
        request = ModelRequest(parts=[
            SystemPromptPart(embedded if "system" in places else "system"),
            UserPromptPart(embedded if "user" in places else "hello")])
        asyncio.run(model_request(model, [request]))
        recorder.write_meta({"run_id": "r", "command": embedded if "meta" in places else "c"})
        files = sorted(run_dir.iterdir())
        assert files
        for file in files:
            text = file.read_text(encoding="utf-8")
            assert secret not in text, file.name
            assert all(secret not in s for s in _strings(json.loads(text))), file.name


answers = st.lists(st.one_of(
    st.text(max_size=40).map(lambda t: [TextPart(t)]),
    st.tuples(st.text(max_size=20), st.from_regex(r"[a-z_]{1,10}", fullmatch=True),
              st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                              st.integers() | st.text(max_size=10), max_size=3)).map(
        lambda t: [TextPart(t[0]), ToolCallPart(t[1], t[2], tool_call_id=f"call-{t[1]}")])),
    min_size=1, max_size=5)


# Feature: model-layer, Property 4: Replay reproduces the recorded answers
@settings(max_examples=100, deadline=None)
@given(answers, st.data())
def test_replay_reproduces_recorded_answers(script: list[list[Any]], data: st.DataObject) -> None:
    prompts = data.draw(st.lists(st.text(max_size=30), min_size=len(script),
                                 max_size=len(script)))
    pending = iter(script)

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=next(pending))

    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        recorder = Recorder(run_dir, "function", secrets=[])
        recording = RecordingModel(FunctionModel(answer, model_name="scripted"), recorder)
        requests = [[ModelRequest(parts=[UserPromptPart(p)])] for p in prompts]
        recorded = [asyncio.run(model_request(recording, r)).parts for r in requests]
        replay = ReplayModel(run_dir)
        replayed = [asyncio.run(model_request(
            replay, [ModelRequest(parts=[UserPromptPart(p)])])).parts
                    for p in prompts]
    assert [list(p) for p in recorded] == [list(s) for s in script]
    assert [list(p) for p in replayed] == [list(s) for s in script]
