"""The command line end to end: in-process for detail, one real subprocess for the script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from specloom import __version__
from specloom.cli.main import main

from spec_fixtures import GOOD_TASKS, MakeWorkspace, good_spec


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_version_as_a_real_process() -> None:
    result = subprocess.run([sys.executable, "-m", "specloom.cli.main", "--version"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.strip() == f"specloom {__version__}"


@pytest.mark.req("spec-check", "9.1")
def test_check_clean_spec_exits_zero(make_workspace: MakeWorkspace,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    workspace = make_workspace(good_spec())
    code, out, _ = run(capsys, "--root", str(workspace.root), "check", "--select", "C,S")
    assert code == 0
    assert "All checks passed (1 spec, 3 files)." in out


@pytest.mark.req("spec-check", "6.1", "8.2", "9.2")
def test_check_errors_exit_one_with_marked_words(make_workspace: MakeWorkspace,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    files = good_spec()
    files[".kiro/specs/cart/tasks.md"] = GOOD_TASKS.replace("_Requirements: 2.1_",
                                                            "_Requirements: 2.1, 7.2_")
    workspace = make_workspace(files)
    code, out, _ = run(capsys, "--root", str(workspace.root), "check")
    assert code == 1
    assert ".kiro/specs/cart/tasks.md" in out
    assert "C001 error task 2.2 cites 7.2" in out
    assert "    10 |     - _Requirements: 2.1, 7.2_" in out
    assert "\n       |                           ^^^\n" in out
    assert "= hint:" in out


@pytest.mark.req("spec-check", "9.1", "9.2", "9.4")
def test_fail_on_warning(make_workspace: MakeWorkspace,
                         capsys: pytest.CaptureFixture[str]) -> None:
    files = good_spec()
    files[".kiro/specs/cart/tasks.md"] = GOOD_TASKS + "\n- [ ] 4. Tidy up\n"
    workspace = make_workspace(files)
    assert run(capsys, "--root", str(workspace.root), "check", "--select", "C")[0] == 0
    code, _, _ = run(capsys, "--root", str(workspace.root), "check", "--select", "C",
                     "--fail-on", "warning")
    assert code == 1


@pytest.mark.req("spec-check", "8.4", "9.2")
def test_json_schema(make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]) -> None:
    files = good_spec()
    files[".kiro/specs/cart/tasks.md"] = GOOD_TASKS.replace("_Requirements: 2.1_",
                                                            "_Requirements: 7.2_")
    workspace = make_workspace(files)
    code, out, _ = run(capsys, "--root", str(workspace.root), "check", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["schema_version"] == 1
    assert data["summary"]["failed"] is True
    first = next(d for d in data["diagnostics"] if d["code"] == "C001")
    assert set(first) == {"code", "rule", "severity", "spec", "path", "line", "column",
                          "end_line", "end_column", "message", "hint"}
    assert first["rule"] == "unknown-criterion"
    assert (first["path"], first["line"], first["spec"]) == (".kiro/specs/cart/tasks.md", 10,
                                                             "cart")


@pytest.mark.req("spec-check", "8.5")
def test_sarif_output(make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str],
                      tmp_path: Path) -> None:
    files = good_spec()
    files[".kiro/specs/cart/tasks.md"] = GOOD_TASKS.replace("_Requirements: 2.1_",
                                                            "_Requirements: 7.2_")
    workspace = make_workspace(files)
    target = tmp_path / "out.sarif"
    code, out, _ = run(capsys, "--root", str(workspace.root), "check", "--format", "sarif",
                       "--output", str(target))
    assert code == 1 and out == ""
    sarif = json.loads(target.read_text())
    assert sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    result = next(r for r in run_["results"] if r["ruleId"] == "C001")
    assert rule_ids[result["ruleIndex"]] == "C001"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == ".kiro/specs/cart/tasks.md"
    assert location["region"]["startLine"] == 10


@pytest.mark.req("spec-check", "9.3")
def test_unknown_spec_suggests_names(make_workspace: MakeWorkspace,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    workspace = make_workspace(good_spec("cart-service"))
    code, _, err = run(capsys, "--root", str(workspace.root), "check", "cart-servce")
    assert code == 2
    assert "did you mean cart-service?" in err


@pytest.mark.req("spec-check", "9.3")
def test_no_workspace_is_a_clear_usage_error(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--root", str(tmp_path), "check")
    assert code == 2
    assert "no .kiro/ folder there" in err
    assert "Traceback" not in err


@pytest.mark.req("spec-check", "9.3")
def test_unreadable_file_exits_two(make_workspace: MakeWorkspace,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    files = good_spec()
    files[".kiro/specs/cart/design.md"] = b"\x89PNG\r\n\x1a\n\x00\x00"
    workspace = make_workspace(files)
    code, out, _ = run(capsys, "--root", str(workspace.root), "check")
    assert code == 2
    assert "S001 error file is binary" in out


@pytest.mark.req("spec-check", "7.1", "7.2", "9.3")
def test_rules_list_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    for code_ in ("S001", "E001", "A001", "A013", "C001"):
        assert code_ in out
    code, out, _ = run(capsys, "rules", "C006")
    assert code == 0
    assert "parent-done-with-open-subtask" in out and "Bad:" in out and "Good:" in out
    code, _, err = run(capsys, "rules", "Z999")
    assert code == 2 and "no rule 'Z999'" in err


@pytest.mark.req("spec-check", "3.1", "3.2", "3.3", "3.5", "8.6")
def test_list_show_and_task(make_workspace: MakeWorkspace,
                            capsys: pytest.CaptureFixture[str]) -> None:
    workspace = make_workspace(good_spec())
    root = str(workspace.root)
    code, out, _ = run(capsys, "--root", root, "list")
    assert code == 0
    assert "cart" in out and "implementing" in out and "2/4" in out
    code, out, _ = run(capsys, "--root", root, "show", "cart", "--json")
    data = json.loads(out)
    assert data["criteria"] == 3
    assert data["next_task"]["id"] == "2.2"
    assert data["ears_patterns"] == {"event": 2, "unwanted": 1}

    tasks_file = workspace.root / ".kiro/specs/cart/tasks.md"
    before = tasks_file.read_bytes()
    # 2.2 cites 2.1: the task gate wants a linked test that passes before it ticks the box
    code, _, err = run(capsys, "--root", root, "task", "cart", "2.2", "--status", "done")
    assert code == 1 and "2.1 has no linked test" in err
    assert tasks_file.read_bytes() == before
    (workspace.root / "tests").mkdir()
    (workspace.root / "tests/test_remove.py").write_text(
        'import pytest\n\n\n@pytest.mark.req("cart", "2.1")\ndef test_remove():\n'
        '    assert {"a": 1}.pop("a") == 1\n')
    code, out, _ = run(capsys, "--root", root, "task", "cart", "2.2", "--status", "done")
    assert code == 0
    assert "task 2.2 todo -> done" in out
    assert "parent task 2 todo -> done" in out
    after = tasks_file.read_bytes()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True)
               if a != b]
    assert changed == [(b"- [ ] 2. Implement add and remove", b"- [x] 2. Implement add and remove"),
                       (b"  - [ ] 2.2 Implement remove", b"  - [x] 2.2 Implement remove")]
    code, _, err = run(capsys, "--root", root, "task", "cart", "9.9", "--status", "done")
    assert code == 2 and "no task '9.9'" in err


@pytest.mark.req("spec-check", "1.1")
def test_check_discovers_workspace_from_a_subfolder(make_workspace: MakeWorkspace,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    workspace = make_workspace(good_spec())
    nested = workspace.root / "src" / "deep"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    assert json.loads(out)["root"] == str(workspace.root)
