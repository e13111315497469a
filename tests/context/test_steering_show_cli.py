"""`specloom steering show`: text and JSON output."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from specloom.cli import steering_cmds

from spec_fixtures import MakeWorkspace


def run_cli(root: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    steering_cmds.register(commands)
    args = parser.parse_args(list(argv))
    args.root = str(root)
    code: int = args.handler(args)
    return code


@pytest.fixture
def workspace(make_workspace: MakeWorkspace, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / ".kiro/steering").mkdir(parents=True)
    (home / ".kiro/steering/mine.md").write_text("---\ninclusion: manual\n---\nmine\n")
    monkeypatch.setenv("HOME", str(home))
    ws = make_workspace({
        "AGENTS.md": "agents\n",
        ".kiro/steering/tech.md": "tech " * 10,
        ".kiro/steering/api.md": "---\ninclusion: fileMatch\nfileMatchPattern: ['src/api/**']\n---\napi\n",
        ".kiro/steering/bad.md": "---\ninclusion: maybe\n---\n",
    })
    return ws.root


@pytest.mark.req("steering-and-init", "6.4", "6.6")
def test_text_output(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(workspace, "steering", "show", "--for", "src/api/x.py") == 0
    out = capsys.readouterr().out
    assert "Included: 3 file(s)" in out
    assert "fileMatch src/api/** matched src/api/x.py" in out
    assert "~/.kiro/steering/mine.md" in out and "#mine is not mentioned" in out
    assert ".kiro/steering/bad.md:2:1: error K002" in out
    assert "characters/4, rounded up" in out


@pytest.mark.req("steering-and-init", "6.5", "6.6")
def test_json_output(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(workspace, "steering", "show", "--prompt", "use #mine", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    included = {item["name"]: item for item in data["included"]}
    assert list(included) == ["AGENTS", "tech", "mine"]
    assert included["mine"]["reason"] == "manual: #mine" and included["mine"]["scope"] == "user"
    assert included["tech"]["tokens"] == 13
    assert data["total_tokens"] == sum(i["tokens"] for i in data["included"])
    assert [e["name"] for e in data["excluded"]] == ["api"]
    assert [p["code"] for p in data["problems"]] == ["K002"]
