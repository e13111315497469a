"""`checkpoint`, `hook` and `watch` commands, driven through their own argument parser."""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path

import pytest

from specloom.cli import agent_cmds
from specloom.cli.errors import CliError
from specloom.core.errors import SpecloomError


def run(root: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    agent_cmds.register(sub)
    args = parser.parse_args(list(argv))
    args.root = str(root)
    code: int = args.handler(args)
    return code


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / ".kiro" / "hooks").mkdir(parents=True)
    (tmp_path / "a.txt").write_text("one\n")
    return tmp_path


@pytest.mark.req("task-runner", "9.2", "9.3")
def test_checkpoint_commands(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(root, "checkpoint", "create", "first", "--json") == 0
    first = json.loads(capsys.readouterr().out)["id"]
    (root / "a.txt").write_text("two\n")
    (root / "b.txt").write_text("new\n")
    assert run(root, "checkpoint", "diff", first) == 0
    assert "+two" in capsys.readouterr().out
    with pytest.raises(CliError, match="--yes"):
        run(root, "checkpoint", "restore", first)
    assert run(root, "checkpoint", "restore", first, "--yes") == 0
    assert "Undo with: specloom checkpoint restore" in capsys.readouterr().out
    assert (root / "a.txt").read_text() == "one\n" and not (root / "b.txt").exists()
    assert run(root, "checkpoint", "list", "--json") == 0
    labels = [c["label"] for c in json.loads(capsys.readouterr().out)["checkpoints"]]
    assert labels[-1] == "first" and labels[0].startswith("before restoring")
    with pytest.raises(SpecloomError, match="no checkpoint"):
        run(root, "checkpoint", "diff", "nope")


@pytest.mark.req("task-runner", "8.2", "8.3")
def test_hook_list_and_run(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hook = {"name": "hello", "enabled": True, "when": {"type": "userTriggered"},
            "then": {"type": "runCommand", "command": "echo hello from $SPECLOOM_HOOK_EVENT"}}
    (root / ".kiro/hooks/hello.kiro.hook").write_text(json.dumps(hook))
    (root / ".kiro/hooks/off.kiro.hook").write_text(json.dumps({**hook, "name": "off",
                                                                "enabled": False}))
    (root / ".kiro/hooks/broken.json").write_text('{"version": "v1",\n "hooks": [}\n')
    assert run(root, "hook", "list") == 1
    captured = capsys.readouterr()
    assert "hello  [enabled ]  userTriggered" in captured.out and "off  [disabled]" in captured.out
    assert ".kiro/hooks/broken.json:2:" in captured.err and "H001" in captured.err
    assert run(root, "hook", "run", "hello") == 0
    assert capsys.readouterr().out.strip() == "hook 'hello' output:\nhello from userTriggered"
    with pytest.raises(CliError, match="no hook named"):
        run(root, "hook", "run", "missing")


@pytest.mark.req("task-runner", "9.6")
def test_watch_command_with_duration(root: Path, tmp_path_factory: pytest.TempPathFactory,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = root / "ran.log"  # inside the workspace: hooks run in the sandbox
    hook = {"name": "on-edit", "when": {"type": "fileEdited", "patterns": ["*.txt"]},
            "then": {"type": "runCommand", "command": f"echo $SPECLOOM_FILE >> {out}"}}
    (root / ".kiro/hooks/edit.kiro.hook").write_text(json.dumps(hook))
    thread = threading.Thread(target=run, args=(root, "watch", "--duration", "1.5"))
    thread.start()
    try:
        time.sleep(0.3)
        (root / "a.txt").write_text("edited\n")
        deadline = time.monotonic() + 5
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert out.read_text().strip() == "a.txt"
    assert "fileEdited a.txt: ran on-edit" in capsys.readouterr().out
