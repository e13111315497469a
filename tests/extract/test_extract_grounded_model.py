"""The model path with scripted answers: grounding drops or flags criteria, repairs run, and
the CLI shows the local model's note."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from extract_shop_project import run_cli, write_project
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.extract.grounded import GroundingError, fact_prompt, write_grounded
from specloom.extract.pipeline import extract_spec
from specloom.extract.sheet import build_fact_sheet
from specloom.spec.workspace import Workspace


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A fresh copy of the shop project (with a `.kiro/` folder) in a temporary folder."""
    return write_project(tmp_path / "proj")


def fact_ids(shop: Path) -> dict[str, str]:
    sheet = build_fact_sheet(shop / "shop", shop, [shop / "tests"])
    return {f.name: f.id for f in sheet.facts}


def answer(ids: dict[str, str], extra_criteria: list[dict[str, Any]] = ()) -> str:  # type: ignore[assignment]
    get = ids["shop.store.Store.get"]
    return json.dumps({
        "introduction": "The shop keeps items.",
        "glossary": [{"term": "Store", "definition": "the item store"}],
        "requirements": [
            {"title": "Look up items", "user_story": "As a clerk, I want to find items, so that I can sell them.",
             "criteria": [
                 {"text": "WHEN a caller asks for a stored item by name, THE Store SHALL return that item.", "facts": [get]},
                 {"text": "IF no item has the name, THEN THE Store SHALL raise NotFound.", "facts": [get, "F999999"]},
                 {"text": "THE Store SHALL encrypt every item.", "facts": []},
                 *extra_criteria]},
            {"title": "Invented", "user_story": "",
             "criteria": [{"text": "THE Store SHALL send e-mail.", "facts": ["Fdeadbe"]}]},
        ],
        "design": {"overview": "A store behind an HTTP API.", "components": "- Store",
                   "error_handling": "NotFound when missing.", "testing_strategy": "pytest"},
        "properties": [{"title": "Lookup returns what was added",
                        "statement": "*For any* item added, get returns it.",
                        "validates": ["1.1", "1.3", "2.1"]}],
    })


def scripted(*answers: str) -> tuple[FunctionModel, list[list[ModelMessage]]]:
    seen: list[list[ModelMessage]] = []

    def reply(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(list(messages))
        return ModelResponse(parts=[TextPart(answers[len(seen) - 1])])

    return FunctionModel(reply), seen


@pytest.mark.req("extract-from-code", "4.1")
def test_prompt_holds_facts_not_source(shop: Path) -> None:
    sheet = build_fact_sheet(shop / "shop", shop, [shop / "tests"])
    prompt = fact_prompt(sheet, "shop")
    assert "GET /items/{name} (shop/api.py:23)" in prompt
    assert "STORE.get(name)" not in prompt  # no source text, only facts


@pytest.mark.req("extract-from-code", "4.2", "4.3", "6.1")
def test_ungrounded_criteria_are_dropped_or_flagged(shop: Path) -> None:
    ids = fact_ids(shop)
    model, _ = scripted(answer(ids))
    result = extract_spec(Workspace(shop), shop / "shop", "shop", model)
    text = (shop / ".kiro/specs/shop/requirements.md").read_text()
    assert "encrypt" not in text and "e-mail" not in text and "Invented" not in text
    assert "F999999" not in text
    assert f"raise NotFound. <!-- facts: {ids['shop.store.Store.get']} -->" in text
    reasons = sorted(d.reason for d in result.dropped)
    assert reasons == ["cites no fact; criterion dropped", "unknown facts F999999",
                       "unknown facts Fdeadbe; criterion dropped"]
    design = (shop / ".kiro/specs/shop/design.md").read_text()
    assert "**Validates: Requirements 1.1**" in design and "```mermaid" in design
    facts = json.loads((shop / ".kiro/specs/shop/facts.json").read_text())
    assert facts["written_by"] == "model" and len(facts["dropped_criteria"]) == 3
    linked = {link["criterion"]: link["tests"] for link in facts["links"]}
    assert "tests/test_store_behaviour.py::test_missing_item_raises" in linked["1.2"]


@pytest.mark.req("extract-from-code", "4.4")
def test_repair_rounds_send_findings_back(shop: Path) -> None:
    ids = fact_ids(shop)
    nothing_cited = json.dumps({"requirements": [
        {"title": "x", "criteria": [{"text": "THE Store SHALL work.", "facts": []}]}]})
    model, seen = scripted("not json at all", nothing_cited, answer(ids))
    result = extract_spec(Workspace(shop), shop / "shop", "shop", model, max_repairs=2)
    assert result.rounds == 3
    feedback = [p.content for m in seen[-1] if isinstance(m, ModelRequest) for p in m.parts
                if isinstance(p, UserPromptPart)]
    assert "could not be read" in str(feedback[1]) and "cites a fact" in str(feedback[2])


@pytest.mark.req("extract-from-code", "4.5")
def test_gives_up_after_max_repairs(shop: Path) -> None:
    model, _ = scripted("no", "still no")
    sheet = build_fact_sheet(shop / "shop", shop)
    with pytest.raises(GroundingError, match="after 2 rounds"):
        write_grounded(model, sheet, "shop", max_repairs=1)


class FakeSession:
    def __init__(self, model: FunctionModel) -> None:
        self.model = model
        self.is_local = True
        self.closed = False

    def note(self) -> str:
        return "note: the embedded model is tiny; real work wants a real model"

    def usage_line(self) -> str:
        return "usage: 1 request"

    def close(self) -> None:
        self.closed = True


@pytest.mark.req("extract-from-code", "5.1", "5.2", "5.3")
def test_cli_uses_the_session_and_shows_its_note(shop: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    model, _ = scripted(answer(fact_ids(shop)))
    session = FakeSession(model)
    opened: dict[str, Any] = {}

    def open_model_session(workspace: Workspace, *, model: str | None = None,
                           replay: str | None = None, command: str) -> FakeSession:
        opened.update(root=workspace.root, model=model, replay=replay, command=command)
        return session

    module = types.ModuleType("specloom.models.session")
    module.open_model_session = open_model_session  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "specloom.models.session", module)
    assert run_cli(shop, str(shop / "shop"), "--name", "shop", "--model", "local") == 0
    out, err = capsys.readouterr()
    assert "embedded model is tiny" in err and "usage: 1 request" in out
    assert opened["model"] == "local" and opened["command"] == "extract" and session.closed
