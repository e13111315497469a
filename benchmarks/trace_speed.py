"""Benchmark: `trace` over a generated 100,000-line repository with 2,000 links, against
`git grep` finding the same tags; and `verify`'s overhead over a bare pytest run.

Run: `.venv/bin/python benchmarks/trace_speed.py`. Prints figures; asserts nothing.
Targets (docs/trace.md): trace <= 1 s and within 2x of git grep; verify overhead <= 10%.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from specloom.spec.workspace import Workspace
from specloom.trace.matrix import build_trace
from specloom.trace.verify import verify

REQUIREMENTS = 50
CRITERIA = 10
SOURCE_FILES = 500
LINES_PER_FILE = 200
LINKS = 2000
VERIFY_TESTS = 300
CLI = "import sys; from specloom.cli.main import main; sys.exit(main(sys.argv[1:]))"
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.invalid",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.invalid"}


def write_spec(root: Path) -> None:
    folder = root / ".kiro" / "specs" / "bench"
    folder.mkdir(parents=True)
    lines = ["# Requirements Document", "", "## Requirements", ""]
    for r in range(1, REQUIREMENTS + 1):
        lines += [f"### Requirement {r}: Part {r}", "**User Story:** As a user, I want it.", "",
                  "#### Acceptance Criteria"]
        lines += [f"{c}. WHEN event {r}.{c} occurs, THE System SHALL respond {c}."
                  for c in range(1, CRITERIA + 1)]
        lines.append("")
    (folder / "requirements.md").write_text("\n".join(lines))


def criterion(index: int) -> str:
    return f"{index % REQUIREMENTS + 1}.{index // REQUIREMENTS % CRITERIA + 1}"


def write_sources(root: Path) -> int:
    """SOURCE_FILES files of LINES_PER_FILE lines; half tests with markers, half code tags."""
    per_file = LINKS // SOURCE_FILES
    link = 0
    total = 0
    for number in range(SOURCE_FILES):
        is_test = number % 2 == 0
        folder = root / ("tests" if is_test else "src") / f"pkg{number // 50}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"test_mod{number}.py" if is_test else f"mod{number}.py"
        lines = ["import pytest", ""] if is_test else ['"""Generated module."""', ""]
        for block in range(per_file):
            cid = criterion(link)
            link += 1
            if is_test:
                lines += [f'@pytest.mark.req("bench", "{cid}")', f"def test_f{block}():"]
            else:
                lines += [f"# specloom: bench {cid}", f"def f{block}(x):"]
            lines += ["    value = x if False else 0" for _ in range(20)] + ["    assert True", ""]
        while len(lines) < LINES_PER_FILE:
            lines.append(f"CONSTANT_{len(lines)} = {len(lines)}  # filler")
        total += len(lines)
        (folder / name).write_text("\n".join(lines) + "\n")
    return total


def git_init(root: Path) -> None:
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True)


def best_of(runs: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def process_cost(command: list[str], cwd: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of `command`: user + system time from `wait4`,
    which counts the processes it started and waited for (git, for specloom)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - started


def compare_processes(commands: dict[str, list[str]], cwd: Path,
                      runs: int) -> dict[str, tuple[float, float]]:
    """Median (CPU, wall) seconds of each command, run alternately `runs` times after one
    warm-up run each (page cache, bytecode)."""
    for command in commands.values():
        process_cost(command, cwd)
    costs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            costs[name].append(process_cost(command, cwd))
    return {name: (statistics.median(c for c, _ in found), statistics.median(w for _, w in found))
            for name, found in costs.items()}


def in_process_cpu(runs: int, action: Callable[[], object]) -> float:
    """Median CPU seconds of `action` in this process."""
    timings = []
    for _ in range(runs):
        started = time.process_time()
        action()
        timings.append(time.process_time() - started)
    return statistics.median(timings)


def bench_trace(root: Path, runs: int = 9) -> None:
    lines = write_sources(root)
    write_spec(root)
    git_init(root)
    workspace = Workspace(root)
    report = build_trace(workspace)
    grep = ["git", "grep", "-n", "-E", r"specloom:|mark\.req\(|Feature:"]
    grep_hits = len(subprocess.run(grep, cwd=root, capture_output=True, text=True,
                                   check=False).stdout.splitlines())
    cli = [sys.executable, "-c", CLI, "--root", str(root), "trace", "--json", "--fail-on",
           "never"]
    costs = compare_processes({"trace": [*cli, "--no-cache"], "warm": cli, "grep": grep}, root,
                              runs)
    (trace_cpu, trace_wall), (grep_cpu, grep_wall) = costs["trace"], costs["grep"]
    warm_cpu, warm_wall = costs["warm"]
    library_cpu = in_process_cpu(runs, lambda: build_trace(workspace))
    library_wall = best_of(5, lambda: build_trace(workspace))
    ratio = trace_cpu / grep_cpu
    print(f"repository: {lines} lines in {SOURCE_FILES} files, {report.link_count} links "
          f"(git grep lines: {grep_hits})")
    print(f"CPU (user+sys, median of {runs} alternating runs; wall in brackets):")
    print(f"  specloom trace --json --no-cache:      {trace_cpu * 1000:.0f} ms "
          f"[{trace_wall * 1000:.0f} ms]")
    print(f"  specloom trace --json (link cache warm): {warm_cpu * 1000:.0f} ms "
          f"[{warm_wall * 1000:.0f} ms]; ratio to grep {warm_cpu / grep_cpu:.1f}x")
    print(f"  git grep -n -E (same tags):           {grep_cpu * 1000:.0f} ms "
          f"[{grep_wall * 1000:.0f} ms]")
    print(f"  ratio trace/grep: {ratio:.1f}x (target <= 2x: {'met' if ratio <= 2 else 'NOT met'})")
    print(f"build_trace in this process (scan + matrix): CPU median {library_cpu * 1000:.0f} ms, "
          f"wall best of 5 {library_wall * 1000:.0f} ms")


def bench_verify(root: Path) -> None:
    folder = root / ".kiro" / "specs" / "bench"
    folder.mkdir(parents=True)
    lines = ["# Requirements", "", "### Requirement 1: Speed", "", "#### Acceptance Criteria"]
    lines += [f"{c}. THE System SHALL do thing {c}." for c in range(1, 21)]
    (folder / "requirements.md").write_text("\n".join(lines) + "\n")
    tests = root / "tests"
    tests.mkdir()
    for file_number in range(VERIFY_TESTS // 30):
        body = ["import pytest", ""]
        for test in range(30):
            body += [f'@pytest.mark.req("bench", "1.{(test % 20) + 1}")',
                     f"def test_t{test}():", "    assert sum(range(100)) == 4950", ""]
        (tests / f"test_file{file_number}.py").write_text("\n".join(body))
    workspace = Workspace(root)
    verify(workspace)  # warm-up (bytecode caches)
    nodeids = sorted({f"tests/test_file{f}.py::test_t{t}" for f in range(VERIFY_TESTS // 30)
                      for t in range(30)})
    bare = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    timings = {}
    for _ in range(5):  # interleaved, best of 5 each, to share the machine's noise
        for name, action in (
                ("bare pytest tests/", lambda: subprocess.run([*bare, "tests"], cwd=root,
                                                              capture_output=True, check=False)),
                ("bare pytest <node ids>", lambda: subprocess.run([*bare, *nodeids], cwd=root,
                                                                  capture_output=True,
                                                                  check=False)),
                ("verify", lambda: verify(workspace, record=False))):
            timings[name] = min(timings.get(name, 1e9), best_of(1, action))
    verify_time = timings.pop("verify")
    print(f"verify: {VERIFY_TESTS} linked tests, verify {verify_time * 1000:.0f} ms (best of 5)")
    for name, bare_time in timings.items():
        overhead = (verify_time - bare_time) / bare_time * 100
        print(f"  vs {name}: {bare_time * 1000:.0f} ms, overhead {overhead:+.1f}%")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="specloom-bench-") as folder:
        bench_trace(Path(folder))
    with tempfile.TemporaryDirectory(prefix="specloom-bench-") as folder:
        bench_verify(Path(folder))


if __name__ == "__main__":
    main()
