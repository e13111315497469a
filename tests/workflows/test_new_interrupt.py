"""Ctrl-C during `specloom new` with the real embedded model: out within 2 s, nothing half-made."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

IDEA = ("Members can place a hold on a book that is out on loan; when the book is returned, "
        "the first member in the queue gets it for three days. Librarians can cancel a hold. "
        "Send an email reminder to borrowers two days before a loan is due.")


@pytest.mark.req("first-run", "4.2", "4.3")
def test_sigint_during_new_exits_within_two_seconds_and_removes_the_half_made_spec(
        tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp", reason="the embedded model needs specloom[local]")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    with subprocess.Popen(
            [sys.executable, "-m", "specloom.cli.main", "new", "loan-holds", IDEA, "--model",
             "local", "--no-input"], cwd=tmp_path, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}) as process:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # the phase line is printed before the first model call
            seen.append(line)
            if line.startswith("writing requirements"):
                break
        assert seen and seen[-1].startswith("writing requirements"), "".join(seen)
        assert (tmp_path / ".kiro" / "specs" / "loan-holds").is_dir()
        time.sleep(1.0)  # the model is loading or writing its first slot
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("specloom new did not exit within 2 s of SIGINT")
        rest = process.stderr.read()
    assert process.returncode == 130, "".join(seen) + rest
    assert "removed .kiro/specs/loan-holds/" in rest, "".join(seen) + rest
    assert not (tmp_path / ".kiro" / "specs" / "loan-holds").exists()
    assert (tmp_path / ".kiro").is_dir()  # created at the repository root by `new`
