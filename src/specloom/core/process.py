"""The one way specloom runs a program and waits for it: its own process group, a timeout.

Hooks, the agent's shell tool, the task's test command, `verify`'s pytest runs, the probes of
the project's interpreter and of the sandbox, and git all run through `run`. The program starts
in a new session with stdin closed (or fed `input`), so that a timeout, or specloom being
interrupted, stops it together with everything it started: the whole group is killed, then
what it wrote until then is collected. Output is captured as bytes, stderr apart or merged into
stdout; with `max_output`, each stream keeps its first and last `max_output // 2` bytes and
notes how many fell between, so a runaway program cannot fill memory. POSIX only (process
groups). Nothing here decodes output, interprets an exit status or raises for one; a program
that cannot start raises OSError.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_CHUNK = 65536
_PIPE_BUF = 512  # a write this small to a pipe ready for writing never blocks
DRAIN_AFTER_KILL = 5.0  # seconds to collect output after a kill (a child may escape the group)


@dataclass(frozen=True, slots=True)
class Finished:
    returncode: int | None  # None: timed out, and the group was killed
    stdout: bytes
    stderr: bytes            # empty when merged into stdout
    duration: float          # seconds, from start to exit (or kill)

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def run(command: Sequence[str] | str, *, timeout: float | None, cwd: Path | None = None,
        env: Mapping[str, str] | None = None, input: bytes | None = None,
        shell: bool = False, merge_stderr: bool = True,
        max_output: int | None = None) -> Finished:
    """Run `command` (a string only with `shell`) in `cwd` and wait at most `timeout` seconds."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=dict(env) if env is not None else None, shell=shell,
        stdin=subprocess.PIPE if input else subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE, start_new_session=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    streams = _Streams(process, input, max_output)
    try:
        finished = streams.collect(deadline) and _wait(process, deadline)
    except BaseException:  # interrupted: leave nothing running
        kill_group(process)
        process.wait()
        raise
    if not finished:
        kill_group(process)
        streams.collect(time.monotonic() + DRAIN_AFTER_KILL)
    streams.close()
    process.wait()
    return Finished(process.returncode if finished else None, streams.output(streams.stdout),
                    streams.output(streams.stderr), time.perf_counter() - started)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the process group `process` leads (to the process alone if that fails)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def _wait(process: subprocess.Popen[bytes], deadline: float | None) -> bool:
    try:
        process.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return False
    return True


class _Capture:
    """The bytes of one stream: all of them, or the first and last `limit // 2`."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def add(self, chunk: bytes) -> None:
        if self.limit is None:
            self.head += chunk
            return
        room = self.limit // 2 - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        self.tail += chunk
        excess = len(self.tail) - (self.limit - self.limit // 2)
        if excess > 0:
            del self.tail[:excess]
            self.dropped += excess

    def value(self) -> bytes:
        if not self.dropped:
            return bytes(self.head + self.tail)
        note = f"\n[... {self.dropped} bytes of output dropped ...]\n".encode()
        return bytes(self.head) + note + bytes(self.tail)


class _Streams:
    """Feeds stdin and reads stdout and stderr without blocking on any of them."""

    def __init__(self, process: subprocess.Popen[bytes], input: bytes | None,
                 limit: int | None) -> None:
        self.selector = selectors.DefaultSelector()
        self.open: dict[int, IO[bytes]] = {}
        self.captures: dict[int, _Capture] = {}
        self.pending = memoryview(input or b"")
        for stream, event in ((process.stdout, selectors.EVENT_READ),
                              (process.stderr, selectors.EVENT_READ),
                              (process.stdin, selectors.EVENT_WRITE)):
            if stream is not None:
                self.open[stream.fileno()] = stream
                self.selector.register(stream.fileno(), event)
                if event == selectors.EVENT_READ:
                    self.captures[stream.fileno()] = _Capture(limit)
        self.stdout = process.stdout.fileno() if process.stdout is not None else -1
        self.stderr = process.stderr.fileno() if process.stderr is not None else -1

    def collect(self, deadline: float | None) -> bool:
        """Read until every stream is closed (True), or until `deadline` (False)."""
        while self.open:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            for key, _events in self.selector.select(remaining):
                fd = key.fd
                if fd in self.captures:
                    data = os.read(fd, _CHUNK)
                    if data:
                        self.captures[fd].add(data)
                        continue
                else:
                    try:
                        written = os.write(fd, self.pending[:_PIPE_BUF])
                    except BrokenPipeError:  # the program stopped reading: drop the rest
                        written = len(self.pending)
                    self.pending = self.pending[written:]
                    if self.pending:
                        continue
                self._close(fd)
        return True

    def close(self) -> None:
        for fd in list(self.open):
            self._close(fd)
        self.selector.close()

    def _close(self, fd: int) -> None:
        self.selector.unregister(fd)
        self.open.pop(fd).close()

    def output(self, fd: int) -> bytes:
        capture = self.captures.get(fd)
        return capture.value() if capture is not None else b""
