"""`specloom init --agent NAME`: the steering trio, then each agent's files, reported per file;
a re-run keeps (and reports) what the user changed and exits 1, as `agents install` does."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from specloom.cli import steering_cmds


def init(root: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    steering_cmds.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["init", *argv])
    args.root = str(root)
    code: int = args.handler(args)
    return code


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("print('hi')\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "cart"\n')
    return tmp_path


@pytest.mark.req("steering-and-init", "9.6")
def test_init_with_agents_twice_keeps_a_user_edit(repo: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert init(repo, "--no-llm", "--agent", "claude", "--agent", "kiro") == 0
    out = capsys.readouterr().out
    assert "created   .kiro/steering/tech.md" in out
    assert "created   .claude/commands/spec-new.md" in out
    assert "created   .mcp.json#mcpServers.specloom" in out
    assert "created   .kiro/steering/specloom.md" in out
    assert "created   .kiro/settings/mcp.json#mcpServers.specloom" in out
    assert json.loads((repo / ".mcp.json").read_text())["mcpServers"]["specloom"] == {
        "command": "specloom", "args": ["mcp"]}

    command = repo / ".claude/commands/spec-run.md"
    edited = command.read_text() + "\nAlso run the linters.\n"
    command.write_text(edited)

    assert init(repo, "--no-llm", "--agent", "claude", "--agent", "kiro", "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert {f["action"] for f in data["files"]} == {"unchanged"}
    actions = {r["path"]: r["action"] for r in data["agent_files"]}
    assert actions[".claude/commands/spec-run.md"] == "kept"
    assert actions[".claude/commands/spec-new.md"] == "unchanged"
    assert actions[".kiro/steering/specloom.md"] == "unchanged"
    kept = next(r for r in data["agent_files"] if r["action"] == "kept")
    assert "-Also run the linters." in kept["diff"]
    assert command.read_text() == edited

    assert init(repo, "--no-llm", "--agent", "claude") == 1
    out = capsys.readouterr().out
    assert "kept      .claude/commands/spec-run.md" in out
    assert "-Also run the linters." in out
    assert "unchanged .claude/commands/spec-new.md" in out
    assert command.read_text() == edited


def test_init_without_agents_writes_no_agent_files(repo: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert init(repo, "--no-llm", "--json") == 0
    assert json.loads(capsys.readouterr().out)["agent_files"] == []
    assert not (repo / ".claude").exists() and not (repo / ".kiro/specloom/agent-files.json") \
        .exists()


def test_init_rejects_an_unknown_agent(repo: Path) -> None:
    with pytest.raises(SystemExit):
        init(repo, "--no-llm", "--agent", "vim")
