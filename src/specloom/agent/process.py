"""Run a shell command at the workspace root with a timeout, killing its whole process group.

Used by the run_command tool and the hook dispatcher: the command runs through bash inside the
OS sandbox (`specloom.agent.os_sandbox`) unless the user opted out with SPECLOOM_SANDBOX=off;
when the sandbox cannot run, the command is not run and the result says why (exit 126). The
process itself runs through `specloom.core.process`. Output is returned as bytes (the first and
last `MAX_CAPTURED // 2` bytes of each stream) and never interpreted here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from specloom.agent.os_sandbox import SandboxConfig, SandboxUnavailable, command_argv
from specloom.core import process

NOT_RUN = 126  # the exit code reported when the sandbox refuses to start
MAX_CAPTURED = 16 * 2**20  # bytes kept of each stream: far more than a tool result or hook shows


@dataclass(frozen=True, slots=True)
class ShellResult:
    code: int | None  # None: timed out and killed
    output: bytes     # stdout, with stderr unless it was asked for apart
    errors: bytes = b""


def run_shell(command: str, cwd: Path, timeout: float, sandbox: SandboxConfig | None = None,
              *, env: Mapping[str, str] | None = None,
              separate_stderr: bool = False) -> ShellResult:
    """stdin closed; stderr with stdout unless `separate_stderr`; the process group is killed
    on timeout.

    `sandbox` is the run's configuration, read once when the run starts; None means the
    default (sandbox on, network off)."""
    try:
        argv = command_argv(command, cwd, sandbox or SandboxConfig())
    except SandboxUnavailable as exc:
        return ShellResult(NOT_RUN, b"" if separate_stderr else f"{exc}\n".encode(),
                           f"{exc}\n".encode() if separate_stderr else b"")
    done = process.run(argv, cwd=cwd, timeout=timeout, env=env,
                       merge_stderr=not separate_stderr, max_output=MAX_CAPTURED)
    return ShellResult(done.returncode, done.stdout, done.stderr)


def truncate(text: str, limit: int) -> str:
    """Keep the head and the tail of long output, with a note saying how much was cut."""
    if len(text) <= limit:
        return text
    head, tail = limit * 2 // 3, limit // 3
    cut = len(text) - head - tail
    return (f"{text[:head]}\n[... {cut} characters of output cut; narrow the command "
            f"(e.g. with grep, head or tail) to see them ...]\n{text[-tail:]}")
