"""Shared fixtures: temporary workspaces built from literal files (see spec_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from specloom.spec.workspace import Workspace

from spec_fixtures import MakeWorkspace


@pytest.fixture
def make_workspace(tmp_path: Path) -> MakeWorkspace:
    """Build a workspace: keys are paths relative to the root, values the file contents."""

    def build(files: dict[str, str | bytes]) -> Workspace:
        (tmp_path / ".kiro" / "specs").mkdir(parents=True, exist_ok=True)
        for relative, content in files.items():
            file = tmp_path / relative
            file.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                file.write_bytes(content)
            else:
                file.write_bytes(content.encode("utf-8"))
        return Workspace(tmp_path)

    return build
