"""The first run in a repository: `.kiro/` created where it belongs, messages that name the fix,
suggestions for typos, truthful repair summaries and a live progress line."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from specloom.cli import author_cmds
from specloom.cli.author_cmds import repair_summary
from specloom.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.req("first-run", "1.1")
def test_extract_and_init_create_kiro_at_the_repository_root(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    package = tmp_path / "src" / "calc"
    package.mkdir(parents=True)
    (package / "ops.py").write_text("def add(a, b):\n    return a + b\n")
    monkeypatch.chdir(package)
    code, _, err = run(capsys, "extract", str(package), "--name", "calc", "--no-llm")
    assert code == 0, err
    assert f"created .kiro/ in {tmp_path} " in err
    assert (tmp_path / ".kiro/specs/calc/requirements.md").is_file()
    assert not (package / ".kiro").exists()

    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    (other / "docs").mkdir()
    monkeypatch.chdir(other / "docs")
    code, _, err = run(capsys, "init", "--no-llm")
    assert code == 0, err
    assert f"creating .kiro/ in {other} (the repository root)" in err
    assert (other / ".kiro" / "steering").is_dir() and not (other / "docs" / ".kiro").exists()


@pytest.mark.req("first-run", "1.2")
def test_a_missing_workspace_names_specloom_init(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (["list"], ["check"], ["trace"], ["next", "x"]):
        code, _, err = run(capsys, *command)
        assert code == 2 and "run 'specloom init'" in err, (command, err)
        assert not (tmp_path / ".kiro").exists()


@pytest.mark.req("first-run", "1.3")
def test_typos_get_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, word in ((["chek"], "check"), (["verfy"], "verify"),
                       (["task", "cart", "1", "--status", "dnoe"], "done")):
        with pytest.raises(SystemExit) as raised:
            main(argv)
        assert raised.value.code == 2
        assert f"did you mean '{word}'?" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["zzzzzz"])
    assert "did you mean" not in capsys.readouterr().err


@pytest.mark.req("first-run", "2.6")
def test_no_repair_needed_only_when_nothing_was_found() -> None:
    assert repair_summary(0, 0) == "no finding, no repair needed"
    assert repair_summary(0, 3) == "first draft, 3 finding(s) remain"
    assert repair_summary(2, 1) == "2 repair round(s), 1 finding(s) remain"


@pytest.mark.req("first-run", "4.1")
def test_the_progress_line_counts_tokens_over_calls_with_rate_and_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(author_cmds.sys, "stderr", err)
    clock = iter([100.0, 101.0, 102.0, 104.0])
    monkeypatch.setattr(author_cmds.time, "monotonic", lambda: next(clock))
    session = author_cmds.ProgressLine()
    session.tty = True
    session.progress("requirements", 0, 0)
    session.progress("requirements", 40, 10)
    session.progress("requirements", 8, 2)  # a second model call starts from zero
    session.progress("requirements", 40, 10)
    assert err.getvalue().split("\r")[-1] == (
        "writing requirements: 20 tokens, 5.0 tokens/s, 4 s")


@pytest.mark.req("first-run", "4.3", "4.4")
def test_an_interrupted_new_keeps_written_documents_and_removes_an_empty_spec(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from specloom.spec.workspace import Workspace

    workspace = Workspace(tmp_path)
    written = workspace.spec_dir("loan-holds")
    written.mkdir(parents=True)
    (written / ".config.kiro").write_text("{}")
    (written / "requirements.md").write_text("# Requirements Document\n")
    author_cmds._interrupted_new(workspace, "loan-holds")
    assert "kept .kiro/specs/loan-holds/ with requirements.md; continue with 'specloom next " \
           "loan-holds'" in capsys.readouterr().err
    assert (written / "requirements.md").is_file()
    (written / "requirements.md").unlink()
    author_cmds._interrupted_new(workspace, "loan-holds")
    assert "removed .kiro/specs/loan-holds/" in capsys.readouterr().err
    assert not written.exists()
