"""Run a shell command at the workspace root with a timeout, killing its whole process group.

Used by the run_command tool; output is returned as bytes and never interpreted here.
"""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ShellResult:
    code: int | None  # None: timed out and killed
    output: bytes


def run_shell(command: str, cwd: Path, timeout: float) -> ShellResult:
    """stdout and stderr together; stdin closed; the process group is killed on timeout."""
    process = subprocess.Popen(command, shell=True, cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        out, _ = process.communicate(timeout=timeout)
        return ShellResult(process.returncode, out)
    except subprocess.TimeoutExpired:
        kill_group(process)
        out, _ = process.communicate()
        return ShellResult(None, out)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def truncate(text: str, limit: int) -> str:
    """Keep the head and the tail of long output, with a note saying how much was cut."""
    if len(text) <= limit:
        return text
    head, tail = limit * 2 // 3, limit // 3
    cut = len(text) - head - tail
    return (f"{text[:head]}\n[... {cut} characters of output cut; narrow the command "
            f"(e.g. with grep, head or tail) to see them ...]\n{text[-tail:]}")
