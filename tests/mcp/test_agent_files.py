"""`agents install`: each agent's files, JSON merged, re-runs update ours and keep the user's."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest
from mcp_helpers import specloom_argv

from specloom.integrations.agents import AgentError, install_agent_files
from specloom.spec.workspace import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    (tmp_path / ".kiro" / "specs").mkdir(parents=True)
    return Workspace(tmp_path)


def actions(results: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {r.path: r.action for r in results}


@pytest.mark.req("mcp-and-integrations", "9.1", "9.2", "9.3")
def test_every_agent_writes_its_files(workspace: Workspace) -> None:
    root = workspace.root
    (root / ".mcp.json").write_text(json.dumps({"mcpServers": {"other": {"command": "x"}}}))
    (root / "AGENTS.md").write_text("# Agents\n\nOur rules.\n")
    results = install_agent_files(workspace, ["claude", "cursor", "copilot", "gemini",
                                              "codex", "kiro"])
    assert set(actions(results).values()) == {"created"}
    for name in ("spec-new", "spec-design", "spec-tasks", "spec-run", "spec-verify"):
        assert "$ARGUMENTS" in (root / f".claude/commands/{name}.md").read_text()
        assert (root / f".cursor/commands/{name}.md").is_file()
        assert "mode: " in (root / f".github/prompts/{name}.prompt.md").read_text()
        toml = tomllib.loads((root / f".gemini/commands/{name}.toml").read_text())
        assert "{{args}}" in toml["prompt"] and toml["description"]
    servers = json.loads((root / ".mcp.json").read_text())["mcpServers"]
    assert servers == {"other": {"command": "x"},
                       "specloom": {"command": "specloom", "args": ["mcp"]}}
    assert json.loads((root / ".vscode/mcp.json").read_text())["servers"]["specloom"]["type"] \
        == "stdio"
    assert "specloom" in json.loads((root / ".kiro/settings/mcp.json").read_text())["mcpServers"]
    agents_md = (root / "AGENTS.md").read_text()
    assert agents_md.startswith("# Agents\n\nOur rules.\n") and "### spec-run" in agents_md
    assert (root / ".kiro/steering/specloom.md").read_text().startswith("---\ninclusion:")
    manifest = json.loads((root / ".kiro/specloom/agent-files.json").read_text())["files"]
    assert ".claude/commands/spec-new.md" in manifest and "AGENTS.md#specloom" in manifest


@pytest.mark.req("mcp-and-integrations", "9.2", "9.4")
def test_rerun_updates_ours_and_keeps_user_edits(workspace: Workspace) -> None:
    root = workspace.root
    install_agent_files(workspace, ["claude", "codex"])
    edited = root / ".claude/commands/spec-run.md"
    edited.write_text(edited.read_text() + "\nAlso run the linters.\n")
    mcp = root / ".mcp.json"
    data = json.loads(mcp.read_text())
    data["mcpServers"]["specloom"]["args"] = ["--root", "sub", "mcp"]
    data["mcpServers"]["mine"] = {"command": "y"}
    mcp.write_text(json.dumps(data))
    ours = root / ".claude/commands/spec-new.md"
    ours.write_text(ours.read_text().replace("kebab-case", "KEBAB"))
    # simulate specloom's own older text: the manifest records what it wrote
    manifest_path = root / ".kiro/specloom/agent-files.json"
    manifest = json.loads(manifest_path.read_text())
    from specloom.integrations.agents import digest

    manifest["files"][".claude/commands/spec-new.md"] = digest(ours.read_text())
    manifest_path.write_text(json.dumps(manifest))

    results = install_agent_files(workspace, ["claude", "codex"])
    by_path = {r.path: r for r in results}
    assert by_path[".claude/commands/spec-run.md"].action == "kept"
    assert "+" in by_path[".claude/commands/spec-run.md"].diff
    assert "Also run the linters." in edited.read_text()
    assert by_path[".claude/commands/spec-new.md"].action == "updated"
    assert "kebab-case" in ours.read_text()
    assert by_path[".mcp.json#mcpServers.specloom"].action == "kept"
    assert json.loads(mcp.read_text())["mcpServers"]["mine"] == {"command": "y"}
    assert by_path["AGENTS.md#specloom"].action == "unchanged"
    assert by_path[".claude/commands/spec-tasks.md"].action == "unchanged"


@pytest.mark.req("mcp-and-integrations", "9.5")
def test_unknown_agent(workspace: Workspace) -> None:
    with pytest.raises(AgentError, match="unknown agent vim"):
        install_agent_files(workspace, ["vim"])


@pytest.mark.req("mcp-and-integrations", "9.4")
def test_cli_agents_install_twice(workspace: Workspace) -> None:
    argv = specloom_argv(workspace.root, "agents", "install", "claude", "kiro", "--json")
    first = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert first.returncode == 0, first.stderr
    assert {r["action"] for r in json.loads(first.stdout)} == {"created"}
    steering = workspace.root / ".kiro/steering/specloom.md"
    steering.write_text("mine\n")
    second = subprocess.run(argv[:-1], capture_output=True, text=True, timeout=60, check=False)
    assert second.returncode == 1
    assert "kept      .kiro/steering/specloom.md" in second.stdout
    assert "+++ .kiro/steering/specloom.md (specloom's)" in second.stdout
    assert steering.read_text() == "mine\n"
