"""`specloom init`: the gate on model prose, and the embedded model that is never asked for it.

A scripted pydantic-ai `FunctionModel` stands in for a remote model; the model layer's session
opener is replaced as in test_init_steering.py, and one test runs the real embedded-model session.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.cli import steering_cmds
from specloom.project.init import (
    ECHO_WORDS,
    PROSE_INSTRUCTIONS,
    PROSE_MARKER,
    SteeringProse,
    fact_terms,
    parse_prose,
    review_prose,
)
from specloom.project.scan import RepoFacts, scan_repository

GOOD_ANSWER = """=== product ===
cart is a small shopping-cart service: shoppers add items and check out.
=== tech ===
Written in Python; the tests run with pytest and the metadata lives in pyproject.toml.
=== structure ===
The code lives in src/ and nowhere else; the repository root holds only the manifest.
"""


def make_repo(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text("print('hi')\n")
    (root / "pyproject.toml").write_text('[project]\nname = "cart"\n[tool.pytest.ini_options]\n')
    return root


@pytest.fixture(scope="module")
def cart_facts(tmp_path_factory: pytest.TempPathFactory) -> RepoFacts:
    return scan_repository(make_repo(tmp_path_factory.mktemp("cart")))


def run_cli(root: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    steering_cmds.register(commands)
    args = parser.parse_args(list(argv))
    args.root = str(root)
    code: int = args.handler(args)
    return code


class ScriptedSession:
    """What `open_model_session` returns, with a scripted model that counts its calls."""

    def __init__(self, answer: str, *, is_local: bool = False) -> None:
        self.calls = 0
        self.is_local = is_local
        self.closed = False

        def reply(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
            self.calls += 1
            return ModelResponse(parts=[TextPart(answer)])

        self.model = FunctionModel(reply)

    def usage_line(self) -> str:
        return f"model: scripted, {self.calls} call(s)"

    def close(self) -> None:
        self.closed = True


def use_session(monkeypatch: pytest.MonkeyPatch, session: ScriptedSession) -> None:
    """Replace the model layer's session opener for one test."""
    from specloom.models import session as sessions

    monkeypatch.setattr(sessions, "open_model_session", lambda *a, **k: session)


def steering(root: Path) -> str:
    return "".join((root / ".kiro/steering" / name).read_text()
                   for name in ("product.md", "tech.md", "structure.md"))


# -- the CLI --------------------------------------------------------------------------------

@pytest.mark.req("steering-and-init", "8.7")
def test_prose_that_echoes_the_instructions_is_not_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # what Gemma 3 270M answered: the prompt's own instructions, section by section
    session = ScriptedSession(PROSE_INSTRUCTIONS.split("Answer with", 1)[1].split("\n", 1)[1])
    use_session(monkeypatch, session)
    root = make_repo(tmp_path)
    assert run_cli(root, "init", "--model", "anthropic:claude-x", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert session.calls == 1 and session.closed
    assert data["model_prose"] is False
    assert data["usage"] == "model: scripted, 1 call(s)"
    assert data["notes"] == ["the model's product overview echoed the prompt's instructions "
                             '("(2-5 sentences: what the project is for, who uses it, its..."); '
                             "wrote the facts only"]
    text = steering(root)
    assert PROSE_MARKER not in text and "2-5 sentences" not in text
    assert "- Name: cart" in text


@pytest.mark.req("steering-and-init", "8.8")
def test_the_refusal_note_goes_to_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    use_session(monkeypatch, ScriptedSession(
        "=== product ===\ncart: <one line about the project>\n=== tech ===\nPython.\n"))
    root = make_repo(tmp_path)
    assert run_cli(root, "init", "--model", "anthropic:claude-x") == 0
    out, err = capsys.readouterr()
    assert "note: the model's product overview held a placeholder " \
           '("<one line about the project>"); wrote the facts only' in err
    assert "created   .kiro/steering/product.md" in out and "model: scripted" in out
    assert PROSE_MARKER not in steering(root)


@pytest.mark.req("steering-and-init", "8.1", "8.8")
def test_good_prose_naming_the_facts_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    use_session(monkeypatch, ScriptedSession(GOOD_ANSWER))
    root = make_repo(tmp_path)
    assert run_cli(root, "init", "--model", "anthropic:claude-x", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model_prose"] is True and data["notes"] == []
    product = (root / ".kiro/steering/product.md").read_text()
    assert product.startswith(f"# Product\n\n{PROSE_MARKER}\n\ncart is a small shopping-cart")
    assert "Written in Python" in (root / ".kiro/steering/tech.md").read_text()


@pytest.mark.req("steering-and-init", "8.9")
def test_embedded_model_opens_no_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    # the real model layer: `local` is recognised from the configuration alone, so neither a
    # session (with its run record) nor the model is made
    monkeypatch.delenv("SPECLOOM_MODEL", raising=False)
    root = make_repo(tmp_path)
    assert run_cli(root, "init", "--model", "local", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model_prose"] is False and data["usage"] is None
    assert len(data["notes"]) == 1
    assert "too small to write steering prose" in data["notes"][0]
    assert "--model anthropic:<model>" in data["notes"][0]
    assert not (root / ".kiro/specloom/runs").exists()
    assert PROSE_MARKER not in steering(root)


@pytest.mark.req("steering-and-init", "8.9")
def test_embedded_model_is_the_default_and_never_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    session = ScriptedSession(GOOD_ANSWER)
    use_session(monkeypatch, session)  # an opened session would write prose: it is not opened
    monkeypatch.delenv("SPECLOOM_MODEL", raising=False)
    root = make_repo(tmp_path)
    assert run_cli(root, "init") == 0
    assert "too small to write steering prose" in capsys.readouterr().err
    assert session.calls == 0 and not session.closed
    assert PROSE_MARKER not in steering(root)


@pytest.mark.req("steering-and-init", "8.9")
def test_replayed_embedded_model_run_is_not_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    session = ScriptedSession(GOOD_ANSWER, is_local=True)
    use_session(monkeypatch, session)
    root = make_repo(tmp_path)
    assert run_cli(root, "init", "--replay", "some-run", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert session.calls == 0 and session.closed
    assert data["model_prose"] is False and data["usage"] is None
    assert "too small to write steering prose" in data["notes"][0]
    assert PROSE_MARKER not in steering(root)


# -- review_prose ---------------------------------------------------------------------------

@pytest.mark.req("steering-and-init", "8.7", "8.8")
@pytest.mark.parametrize(("product", "reason"), [
    ("(2-5 sentences: what the project is for, who uses it, its goals)",
     "echoed the prompt's instructions"),
    ("cart: 2-5 sentences about it.", "echoed the prompt's instructions"),
    ("cart (describe the project here).", "echoed the prompt's instructions"),
    ("cart. Use only the facts given; do not invent features.",
     "echoed the prompt's instructions"),
    ("cart <!-- specloom: facts from a scan of the repository -->",
     "echoed the prompt's instructions"),
    ("<project name> is a Python service.", "held a placeholder"),
    ("cart does TODO: fill this in.", "held a placeholder"),
    ("cart. Lorem ipsum dolor sit amet.", "held a placeholder"),
    ("[Project Name] is written in Python.", "held a placeholder"),
    ("cart", "was empty or nearly empty"),
    ("N/A", "was empty or nearly empty"),
    ("This project helps its users reach their goals quickly.",
     "named none of the scanned facts"),
    ("Go ahead and read it: it is a C-like thing.", "named none of the scanned facts"),
])
def test_review_refuses(cart_facts: RepoFacts, product: str, reason: str) -> None:
    review = review_prose(SteeringProse(product, "Python with pytest.", None), cart_facts)
    assert review.prose is None
    assert review.refusal is not None
    assert review.refusal.startswith(f"the model's product overview {reason}")
    assert review.refusal.endswith("; wrote the facts only")


@pytest.mark.req("steering-and-init", "8.4", "8.8")
@pytest.mark.parametrize("product", [
    "A cart service for shoppers.",
    "CART keeps a todo list of orders in Python.",
    "Its Python API returns a List<String> of item names from src.",
    "Read the <code>pyproject.toml</code> first.",
])
def test_review_accepts(cart_facts: RepoFacts, product: str) -> None:
    prose = SteeringProse(product, "Python with pytest.", None)
    assert review_prose(prose, cart_facts).prose == prose
    assert review_prose(prose, cart_facts).refusal is None


@pytest.mark.req("steering-and-init", "8.8")
def test_review_refuses_an_answer_without_sections(cart_facts: RepoFacts) -> None:
    review = review_prose(parse_prose("I cannot help with that."), cart_facts)
    assert review.prose is None
    assert review.refusal == ("the model's answer had no product, tech or structure section; "
                              "wrote the facts only")


@pytest.mark.req("steering-and-init", "8.8")
def test_fact_terms_leave_out_the_instruction_words(cart_facts: RepoFacts) -> None:
    assert fact_terms(cart_facts) == {"cart", "Python", "pytest", "pyproject.toml", "src"}
    tools = RepoFacts("product", None, 1, False, (), (), (), (), ())
    assert fact_terms(tools) == frozenset()  # "product" is a word of the prompt: no proof


# -- Property 6 -----------------------------------------------------------------------------

INSTRUCTION_WORDS = re.findall(r"[a-z0-9]+", PROSE_INSTRUCTIONS.lower())
fragments = st.builds(
    lambda start, length: PROSE_INSTRUCTIONS[start:start + length],
    st.integers(0, len(PROSE_INSTRUCTIONS) - 1), st.integers(1, 80))
glue = st.sampled_from([" ", "\n", ", ", ". ", "; ", " - ", "\n\n"])
copied_runs = st.builds(
    lambda start, extra: " ".join(INSTRUCTION_WORDS[start:start + ECHO_WORDS + extra]),
    st.integers(0, len(INSTRUCTION_WORDS) - ECHO_WORDS), st.integers(0, 10))
fact_sentences = st.sampled_from(["cart is a shop.", "It is written in Python.",
                                  "Tests run with pytest.", "The code is in src/."])


def joined(parts: list[str], separators: list[str]) -> str:
    return "".join(part + separators[i % len(separators)] for i, part in enumerate(parts))


# Feature: steering-and-init, Property 6: Prose made of the prompt's instructions is refused
@pytest.mark.req("steering-and-init", "8.7", "8.8")
@settings(max_examples=150, deadline=None)
@given(st.lists(fragments, min_size=1, max_size=12), st.lists(glue, min_size=1, max_size=4))
def test_text_built_from_instruction_fragments_is_refused(
        cart_facts: RepoFacts, parts: list[str], separators: list[str]) -> None:
    text = joined(parts, separators)
    answer = "".join(f"=== {name} ===\n{text}\n" for name in ("product", "tech", "structure"))
    for prose in (SteeringProse(text, text, text), parse_prose(answer), parse_prose(text)):
        review = review_prose(prose, cart_facts)
        assert review.prose is None and review.refusal is not None


# Feature: steering-and-init, Property 6: Prose made of the prompt's instructions is refused
@pytest.mark.req("steering-and-init", "8.7")
@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(copied_runs, fact_sentences), min_size=1, max_size=6),
       copied_runs, st.sampled_from(["product", "tech", "structure"]))
def test_copied_instructions_between_facts_are_refused(
        cart_facts: RepoFacts, parts: list[str], copied: str, section: str) -> None:
    text = " ".join([*parts, copied, "cart uses Python in src."])
    prose = SteeringProse(**{name: text if name == section else "cart is written in Python."
                             for name in ("product", "tech", "structure")})
    review = review_prose(prose, cart_facts)
    assert review.prose is None
    assert review.refusal is not None
    assert review.refusal.startswith(f"the model's {section} overview echoed the prompt's")
