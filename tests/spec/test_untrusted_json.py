"""JSON files from a repository: deep nesting and huge numbers are malformed input, not bugs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from specloom.cli.main import main
from specloom.core import jsontext

from spec_fixtures import MakeWorkspace, good_spec

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  '{"specType": ' + "9" * 10_000 + "}",
                                  '{"a": -' + "1" * 5_000 + "}"])
def test_hostile_json_is_a_decode_error(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        jsontext.loads(text)


def test_ordinary_json_is_read_as_json() -> None:
    assert jsontext.loads('{"n": 12, "x": [1.5, -3]}') == {"n": 12, "x": [1.5, -3]}


@pytest.mark.req("spec-check", "4.1")
@pytest.mark.parametrize("content", ["[" * 50_000 + "]" * 50_000,
                                     '{"specType": ' + "9" * 10_000 + "}"])
def test_commands_report_a_hostile_config_as_a_finding(
        make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str], content: str) -> None:
    files = good_spec()
    files[".kiro/specs/cart/.config.kiro"] = content
    files[".kiro/settings/mcp.json"] = content
    files[".kiro/hooks/x.kiro.hook"] = content
    root = str(make_workspace(files).root)
    for command in (["check", "--format", "json"], ["list", "--json"], ["mcp", "list"],
                    ["hook", "list"]):
        code = main(["--root", root, *command])
        captured = capsys.readouterr()
        assert code in (0, 1, 2), captured.err
        assert "internal error" not in captured.err


def test_a_short_fuzz_run_finds_no_internal_error_hang_or_bad_json() -> None:
    """200 hostile workspaces through seven read commands (the full run is in benchmarks/)."""
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "fuzz_hostile.py"), "--cases", "200",
         "--seed", "7", "--json"], capture_output=True, text=True, check=True, timeout=900)
    result = json.loads(done.stdout)
    assert result["failure_count"] == 0, result["failures"][:5]
    assert result["worker_hangs"] == 0
    assert all(row["runs"] == 200 for row in result["commands"].values())
