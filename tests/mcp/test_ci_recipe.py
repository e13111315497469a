"""The GitHub Actions recipe in docs/ci.md: its specloom steps run and their outputs parse."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp_helpers import REPO, copy_bookshelf, specloom_argv


def workflow() -> dict[str, Any]:
    text = (REPO / "docs" / "ci.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    data: dict[str, Any] = yaml.safe_load(block.group(1))
    return data


def specloom_steps() -> list[list[str]]:
    steps = workflow()["jobs"]["specs"]["steps"]
    return [shlex.split(s["run"])[1:] for s in steps
            if str(s.get("run", "")).startswith("specloom ")]


def test_workflow_shape() -> None:
    steps = workflow()["jobs"]["specs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert [args[0] for args in specloom_steps()] == ["check", "verify", "trace"]


@pytest.mark.req("mcp-and-integrations", "9.6")
def test_workflow_commands_on_bookshelf(tmp_path: Path) -> None:
    root = copy_bookshelf(tmp_path)
    for args in specloom_steps():
        done = subprocess.run(specloom_argv(root, *args), cwd=root, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    sarif = json.loads((root / "specloom.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "specloom"
    markdown = (root / "specloom-trace.md").read_text()
    assert markdown.startswith("## specloom trace")
    assert "| criterion | status |" in markdown
