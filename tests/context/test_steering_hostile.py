"""Steering files from a repository: hostile front matter and references are findings."""

from __future__ import annotations

import pytest

from specloom.cli.main import main

from spec_fixtures import MakeWorkspace, good_spec


@pytest.mark.parametrize("steering", [
    "---\ninclusion: " + "[" * 5_000 + "\n---\n# Deep\n",
    "---\ninclusion: always\n---\n#[[file:a\x00b]]\n",
    "---\ninclusion: always\n---\n#[[file:" + "a/" * 3_000 + "]]\n",
])
def test_steering_show_reports_hostile_steering_as_findings(
        make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str], steering: str) -> None:
    files = good_spec()
    files[".kiro/steering/hostile.md"] = steering
    root = str(make_workspace(files).root)
    code = main(["--root", root, "steering", "show", "--json"])
    captured = capsys.readouterr()
    assert code in (0, 1, 2) and "internal error" not in captured.err
