"""Benchmark: `specloom verify` reading the outcomes of a pytest run it did not start, against
that pytest run; and, for comparison, `verify` running the linked tests itself.

A generated project (one spec, 20 criteria, 300 linked tests in 10 files, committed to git) is
run with pytest writing specloom's record (`--specloom-report`) or JUnit XML (`--junitxml`);
then `specloom verify --pytest-report FILE` and `specloom verify --junit FILE` read them. Every
figure is the CPU time (user + sys, from `os.wait4`, children included) of a whole process,
the median of alternating runs, so the machine's noise falls on every command alike.

Run: `.venv/bin/python benchmarks/verify_speed.py [--rounds N]`. Prints figures; asserts
nothing. Target (issue 14, docs/trace.md): verify from a record costs <= 5% of the pytest run
it reads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CRITERIA = 20
FILES = 10
TESTS_PER_FILE = 30
TARGET = 5.0  # percent
BIN = Path(sys.executable).parent
GIT_ENV = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.invalid",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.invalid",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def write_project(root: Path) -> None:
    folder = root / ".kiro" / "specs" / "bench"
    folder.mkdir(parents=True)
    lines = ["# Requirements", "", "### Requirement 1: Speed", "", "#### Acceptance Criteria"]
    lines += [f"{c}. THE System SHALL do thing {c}." for c in range(1, CRITERIA + 1)]
    (folder / "requirements.md").write_text("\n".join(lines) + "\n")
    tests = root / "tests"
    tests.mkdir()
    for number in range(FILES):
        body = ["import pytest", ""]
        for test in range(TESTS_PER_FILE):
            body += [f'@pytest.mark.req("bench", "1.{test % CRITERIA + 1}")',
                     f"def test_t{test}():", "    assert sum(range(100)) == 4950", ""]
        (tests / f"test_file{number}.py").write_text("\n".join(body))
    env = {**os.environ, **GIT_ENV}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
        subprocess.run(["git", *command], cwd=root, env=env, check=True)


def cpu_seconds(command: list[str], root: Path, env: dict[str, str]) -> float:
    """User + sys CPU seconds of one whole process (and the children it waited for)."""
    child = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited with {child.returncode}")
    return usage.ru_utime + usage.ru_stime


def commands(root: Path) -> dict[str, list[str]]:
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    record, junit = root / "record.json", root / "junit.xml"
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "specloom verify --help": [str(BIN / "specloom"), "verify", "--help"],
        "bare pytest tests/": [*pytest, "tests"],
        "pytest --specloom-report": [*pytest, f"--specloom-report={record}", "tests"],
        "pytest --junitxml": [*pytest, f"--junitxml={junit}", "tests"],
        "verify --pytest-report": [str(BIN / "specloom"), "verify", "--pytest-report",
                                   str(record)],
        "verify --junit": [str(BIN / "specloom"), "verify", "--junit", str(junit)],
        "verify (runs the tests)": [str(BIN / "specloom"), "verify", "--python",
                                    sys.executable],
    }


def measure(root: Path, rounds: int) -> dict[str, float]:
    env = {**os.environ, "VIRTUAL_ENV": sys.prefix}
    plan = commands(root)
    for command in plan.values():  # warm-up: bytecode caches, and the record and XML exist
        cpu_seconds(command, root, env)
    samples: dict[str, list[float]] = {name: [] for name in plan}
    for _ in range(rounds):  # alternating: each round runs every command once
        for name, command in plan.items():
            samples[name].append(cpu_seconds(command, root, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def percent(part: float, whole: float) -> str:
    return f"{part / whole * 100:+.1f}%"


def report(m: dict[str, float], rounds: int) -> None:
    tests = FILES * TESTS_PER_FILE
    print(f"verify from a recorded run: {tests} linked tests, {CRITERIA} criteria; CPU seconds "
          f"(user+sys) of whole processes, medians of {rounds} alternating runs")
    for name, value in m.items():
        print(f"  {name:<26} {value * 1000:7.0f} ms")
    for verify, run in (("verify --pytest-report", "pytest --specloom-report"),
                        ("verify --junit", "pytest --junitxml")):
        share = m[verify] / m[run] * 100
        verdict = "met" if share <= TARGET else "NOT met"
        print(f"{verify} over the pytest run it reads: {share:.1f}% "
              f"(target <= {TARGET:g}%: {verdict})")
    bare = m["bare pytest tests/"]
    record, junit = m["pytest --specloom-report"], m["pytest --junitxml"]
    print(f"recording in pytest: --specloom-report {percent(record - bare, bare)}, "
          f"--junitxml {percent(junit - bare, bare)} over bare pytest")
    once = m["pytest --specloom-report"] + m["verify --pytest-report"]
    print(f"test command now (pytest with the record, then verify from it): "
          f"{percent(once - bare, bare)} over bare pytest")
    own = m["verify (runs the tests)"]
    print(f"old figure: verify running the linked tests itself vs bare pytest tests/: "
          f"{percent(own - bare, bare)}; the old test command (bare pytest, then that verify): "
          f"{percent(own, bare)} over bare pytest")
    floor = m["specloom verify --help"]
    print(f"of verify --pytest-report, {floor * 1000:.0f} ms is the CLI before verify starts "
          f"(interpreter {m['python -c pass'] * 1000:.0f} ms, imports, argument parser)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="specloom-bench-") as folder:
        root = Path(folder)
        write_project(root)
        report(measure(root, args.rounds), args.rounds)


if __name__ == "__main__":
    main()
