"""Run a shell command at the workspace root with a timeout, killing its whole process group.

Used by the run_command tool and the hook dispatcher: the command runs through bash inside the
OS sandbox (`specloom.agent.os_sandbox`) unless the user opted out with SPECLOOM_SANDBOX=off;
when the sandbox cannot run, the command is not run and the result says why (exit 126).
Output is returned as bytes and never interpreted here.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from specloom.agent.os_sandbox import SandboxConfig, SandboxUnavailable, command_argv

NOT_RUN = 126  # the exit code reported when the sandbox refuses to start


@dataclass(frozen=True, slots=True)
class ShellResult:
    code: int | None  # None: timed out and killed
    output: bytes


def start_shell(command: str, cwd: Path, sandbox: SandboxConfig, *,
                env: Mapping[str, str] | None = None,
                separate_stderr: bool = False) -> subprocess.Popen[bytes]:
    """Start `command` (sandboxed as configured) in a new session; SandboxUnavailable if not."""
    argv = command_argv(command, cwd, sandbox)
    return subprocess.Popen(argv, cwd=cwd, env=dict(env) if env is not None else None,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE if separate_stderr else subprocess.STDOUT,
                            start_new_session=True)


def run_shell(command: str, cwd: Path, timeout: float,
              sandbox: SandboxConfig | None = None) -> ShellResult:
    """stdout and stderr together; stdin closed; the process group is killed on timeout.

    `sandbox` is the run's configuration, read once when the run starts; None means the
    default (sandbox on, network off)."""
    try:
        process = start_shell(command, cwd, sandbox or SandboxConfig())
    except SandboxUnavailable as exc:
        return ShellResult(NOT_RUN, f"{exc}\n".encode())
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
