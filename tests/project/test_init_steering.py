"""`specloom init`: rendering, model prose with a scripted model, and the CLI's write rules."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.cli import steering_cmds
from specloom.project.init import (
    PROSE_MARKER,
    SteeringProse,
    parse_prose,
    render_steering_files,
    write_prose,
)
from specloom.project.scan import scan_repository

ANSWER = """=== product ===
A cart service for shoppers.
=== tech ===
Python with pytest.
=== structure ===
Code in src, tests in tests.
"""


def make_repo(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text("print('hi')\n")
    (root / "pyproject.toml").write_text('[project]\nname = "cart"\n[tool.pytest.ini_options]\n')
    return root


def run_cli(root: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    steering_cmds.register(commands)
    args = parser.parse_args(list(argv))
    args.root = str(root)
    code: int = args.handler(args)
    return code


def scripted(answer: str) -> FunctionModel:
    def reply(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart(answer)])
    return FunctionModel(reply)


@pytest.mark.req("steering-and-init", "7.1")
def test_render_facts_only_is_deterministic(tmp_path: Path) -> None:
    facts = scan_repository(make_repo(tmp_path))
    files = render_steering_files(facts)
    assert files == render_steering_files(facts)
    assert set(files) == {"product.md", "tech.md", "structure.md"}
    assert "- Name: cart" in files["product.md"]
    assert "- test: `pytest`" in files["tech.md"]
    assert "- `src/` (1 files): source code" in files["structure.md"]
    assert PROSE_MARKER not in files["tech.md"]


@pytest.mark.req("steering-and-init", "8.1")
def test_write_prose_with_scripted_model(tmp_path: Path) -> None:
    facts = scan_repository(make_repo(tmp_path))
    seen: list[str] = []

    def reply(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(str(messages))
        return ModelResponse(parts=[TextPart(ANSWER)])

    prose = write_prose(FunctionModel(reply), facts)
    assert prose == SteeringProse("A cart service for shoppers.", "Python with pytest.",
                                  "Code in src, tests in tests.")
    assert "Name: cart" in seen[0]
    files = render_steering_files(facts, prose)
    assert files["product.md"].startswith(f"# Product\n\n{PROSE_MARKER}\n\nA cart service")


@pytest.mark.req("steering-and-init", "8.4")
def test_parse_prose_tolerates_missing_sections() -> None:
    assert parse_prose("=== tech ===\nGo.\n") == SteeringProse(None, "Go.", None)
    assert parse_prose("no markers at all") == SteeringProse()


@pytest.mark.req("steering-and-init", "7.1", "9.2")
def test_init_no_llm_creates_then_is_a_no_op(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(tmp_path)
    assert run_cli(root, "init", "--no-llm") == 0
    assert "created   .kiro/steering/tech.md" in capsys.readouterr().out
    manifest = root / ".kiro/specloom/manifest.json"
    before = {p: p.stat().st_mtime_ns for p in [manifest, *(root / ".kiro/steering").iterdir()]}
    assert run_cli(root, "init", "--no-llm") == 0
    assert capsys.readouterr().out.count("unchanged") == 3
    assert {p: p.stat().st_mtime_ns for p in before} == before


@pytest.mark.req("steering-and-init", "9.3", "9.4", "9.5")
def test_init_updates_untouched_and_keeps_edited(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(tmp_path)
    run_cli(root, "init", "--no-llm")
    tech = root / ".kiro/steering/tech.md"
    tech.write_text(tech.read_text() + "My own note.\n")
    (root / "src" / "more.py").write_text("")
    capsys.readouterr()
    assert run_cli(root, "init", "--no-llm") == 1
    out = capsys.readouterr().out
    assert "updated   .kiro/steering/structure.md" in out
    assert "kept      .kiro/steering/tech.md" in out
    assert "-My own note." in out and "--force" in out
    assert tech.read_text().endswith("My own note.\n")
    assert run_cli(root, "init", "--no-llm", "--force") == 0
    assert "My own note." not in tech.read_text()


@pytest.mark.req("steering-and-init", "9.4")
def test_init_never_overwrites_a_hand_written_file(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(tmp_path)
    (root / ".kiro/steering").mkdir(parents=True)
    (root / ".kiro/steering/product.md").write_text("# Ours\n")
    assert run_cli(root, "init", "--no-llm", "--json") == 1
    data = json.loads(capsys.readouterr().out)
    product = next(f for f in data["files"] if f["path"].endswith("product.md"))
    assert product["action"] == "conflict" and not product["written"]
    assert "-# Ours" in product["diff"]
    assert (root / ".kiro/steering/product.md").read_text() == "# Ours\n"


def fake_model_layer(monkeypatch: pytest.MonkeyPatch, opener: Any) -> None:
    from specloom.models import session
    from specloom.models.errors import ModelConfigError

    monkeypatch.setattr(session, "open_model_session",
                        lambda *a, **k: opener(ModelConfigError, *a, **k))


class FakeSession:
    def __init__(self, answer: str = ANSWER, *, is_local: bool = False) -> None:
        self.model = scripted(answer)
        self.is_local = is_local
        self.closed = False

    def usage_line(self) -> str:
        return "model: scripted, 1 call"

    def note(self) -> str | None:
        return None

    def close(self) -> None:
        self.closed = True


@pytest.mark.req("steering-and-init", "8.1", "8.5")
def test_init_with_model_writes_prose_and_usage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    session = FakeSession()
    calls: list[dict[str, Any]] = []

    def opener(error: type[Exception], *args: Any, **kwargs: Any) -> FakeSession:
        calls.append(kwargs)
        return session

    fake_model_layer(monkeypatch, opener)
    root = make_repo(tmp_path)
    assert run_cli(root, "init", "--model", "test:x") == 0
    assert calls == [{"model": "test:x", "replay": None, "command": "init"}]
    assert session.closed
    assert "model: scripted, 1 call" in capsys.readouterr().out
    assert "Python with pytest." in (root / ".kiro/steering/tech.md").read_text()


@pytest.mark.req("steering-and-init", "8.3")
def test_init_model_config_error_falls_back_to_facts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def opener(error: type[Exception], *args: Any, **kwargs: Any) -> FakeSession:
        raise error("the anthropic provider needs an API key: set ANTHROPIC_API_KEY")

    fake_model_layer(monkeypatch, opener)
    root = make_repo(tmp_path)
    assert run_cli(root, "init", "--model", "anthropic:claude-x") == 0
    err = capsys.readouterr().err
    assert "set ANTHROPIC_API_KEY" in err and "facts only" in err
    assert PROSE_MARKER not in (root / ".kiro/steering/tech.md").read_text()
