"""Hostile-input fuzz run: thousands of malformed `.kiro/` workspaces through the read commands.

Each case is a workspace built deterministically from a seed: spec documents, `.config.kiro`,
`spec.json`, steering, hook and MCP files, taken from well-formed seeds and then mutated
(pathological lines, long runs of spaces and markers, unterminated comments and fences, deep
nesting, binary bytes, invalid UTF-8, odd line endings, huge numbers, deep JSON, citations built
to make a regex backtrack, files that are folders). Every case goes through the commands a CI job
or an MCP client runs on a repository it did not write:

    check --select ALL --format json, list --json, show SPEC --json, trace --json,
    steering show --json, hook list --json, mcp list --json

and the run counts, per command: internal errors (exit 3, or an exception escaping `main`: what
a user would see as a traceback), hangs (a command over 5 s, or a worker that stops answering), and
stdout that is not valid JSON. The commands run in a worker process that the parent kills and
restarts when it hangs, so one bad case cannot stop the run.

Usage: python benchmarks/fuzz_hostile.py [--cases 5000] [--seed 1] [--jobs 2] [--json]
Writes only under a temporary folder. Prints the figures that docs/security.md carries.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
HANG_SECONDS = 5.0

try:
    import specloom  # noqa: F401
except ImportError:  # run from a checkout without installing the package
    sys.path.insert(0, str(PROJECT_ROOT / "src"))

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("check", "--select", "ALL", "--format", "json"),
    ("list", "--json"),
    ("show", "s", "--json"),
    ("trace", "--json"),
    ("steering", "show", "--json"),
    ("hook", "list", "--json"),
    ("mcp", "list", "--json"),
)

SEED_REQUIREMENTS = """\
# Requirements Document

## Introduction
Members borrow books.

## Glossary
- **Loan_Service**: the component that records loans.

## Requirements

### Requirement 1: Borrow
**User Story:** As a member, I want to borrow a book, so that I can read it.

#### Acceptance Criteria
1. WHEN a member borrows an available book, THE Loan_Service SHALL record the loan.
2. IF the book is on loan, THEN THE Loan_Service SHALL reject the request.

### Requirement 2: Return
#### Acceptance Criteria
1. WHEN a member returns a book, THE Loan_Service SHALL close the loan within 2 seconds.
"""
SEED_DESIGN = """\
# Design Document

## Overview
Loans.

## Correctness Properties

### Property 1: One open loan per book
*For any* sequence of loans, each book has at most one open loan.
**Validates: Requirements 1.1, 1.2**
"""
SEED_TASKS = """\
# Implementation Plan

- [x] 1. Loan store
  - _Requirements: 1.1_
- [ ] 2. Borrow and return
  - [-] 2.1 Borrow
    - _Requirements: 1.1-1.2, FR-1_
  - [ ]* 2.2 Property test
    - **Property 1: One open loan per book**
    - **Validates: Requirements 1.1**
  - [ ] 2.3 Return
    - _Requirements: 2.1_
    - _Depends: 2.1_
"""
SEED_STEERING = """\
---
inclusion: fileMatch
fileMatchPattern: "src/**/*.py"
---
# Python style
#[[file:README.md]]
"""
SEED_HOOK = json.dumps({"name": "lint", "version": "1", "enabled": True,
                        "when": {"type": "fileEdited", "patterns": ["src/**/*.py"]},
                        "then": {"type": "runCommand", "command": "ruff check .",
                                 "timeout": 60}})
SEED_MCP = json.dumps({"mcpServers": {"docs": {"command": "uvx", "args": ["x"],
                                               "env": {"T": "${TOKEN}"}},
                                      "remote": {"url": "https://example.invalid/mcp"}}})
SEED_CONFIG = json.dumps({"specId": "0b1c", "workflowType": "requirements-first",
                          "specType": "feature"})
SEED_SPEC_JSON = json.dumps({"feature_name": "s", "phase": "tasks-generated",
                             "approvals": {"requirements": {"approved": True}}})

# Fragments that broke parsers somewhere: long runs, unterminated constructs, ReDoS shapes.
PATHOLOGICAL = (
    lambda r: "# a" + " " * r.choice((1500, 20000, 100000)) + "x",
    lambda r: "#" * r.randint(1, 200) + " " * r.randint(0, 5000) + "#" * r.randint(0, 5000),
    lambda r: "<!--" + " x" * r.randint(1, 5000),
    lambda r: "```" + "\n- [ ] 1. hidden" * r.randint(1, 50),
    lambda r: "    - [ ] 1. indented code?" * r.randint(1, 3),
    lambda r: "- " * r.randint(100, 20000) + "[ ] 1. deep",
    lambda r: "  " * r.randint(100, 5000) + "- [x] 1.1.1.1.1 deep",
    lambda r: "- [ ] " + ".".join(str(r.randint(0, 10**9)) for _ in range(r.randint(2, 400))),
    lambda r: "_Requirements: " + "1.1-" * r.randint(100, 20000) + "_",
    lambda r: "_Requirements: " + ", ".join("FR-" + "9" * r.randint(1, 400)
                                            for _ in range(r.randint(1, 300))) + "_",
    lambda r: "**Validates: Requirements " + "1.1 to " * r.randint(100, 5000) + "**",
    lambda r: "1. WHEN " + "a, " * r.randint(100, 20000) + "THE X SHALL y",
    lambda r: "1. " + "WHEN IF WHILE WHERE " * r.randint(100, 3000) + "SHALL",
    lambda r: "1. THE X SHALL " + "and then " * r.randint(100, 10000),
    lambda r: "1. " + "(" * r.randint(100, 20000) + "a, b" + ")" * r.randint(0, 100) + " SHALL",
    lambda r: "1. " + "is being " * r.randint(100, 10000) + "done",
    lambda r: "| " + " | ".join("x" * r.randint(0, 30) for _ in range(r.randint(100, 3000))),
    lambda r: "### Requirement " + "9" * r.randint(10, 5000),
    lambda r: "### 要件 " + str(r.randint(0, 10**6)) + "\n#### 受け入れ基準\n1. " + "は" * 5000,
    lambda r: "\u202e\u200b\ufeff" * r.randint(1, 3000),
    lambda r: "İ" * r.randint(1, 5000) + " SHALL quickly",
    lambda r: "\r" * r.randint(1, 5000) + "\r\n" * r.randint(1, 100),
    lambda r: "`" * r.randint(1, 20000),
    lambda r: "*" * r.randint(1, 20000) + "Property 1" + "*" * r.randint(1, 20000),
    lambda r: "#[[file:" + "../" * r.randint(1, 500) + "etc/passwd]]",
    lambda r: "#[[file:" + "a/" * r.randint(1, 3000) + "]]",
    lambda r: "---\n" + "inclusion: " + "x" * r.randint(1, 1000),
    lambda r: "<" + "a" * r.randint(1, 40) + ">" + " TBD" * r.randint(1, 2000),
    lambda r: "\\" * r.randint(1, 20000) + "[ ]\\* 1. x",
)


def build_case(index: int, seed: int, root: Path) -> None:
    """Write case `index`: the seeds, some files mutated, some replaced by hostile content."""
    rng = random.Random(seed * 1_000_003 + index)
    spec = root / ".kiro" / "specs" / "s"
    spec.mkdir(parents=True)
    files: dict[Path, str | bytes] = {
        spec / "requirements.md": SEED_REQUIREMENTS,
        spec / "design.md": SEED_DESIGN,
        spec / "tasks.md": SEED_TASKS,
        spec / ".config.kiro": SEED_CONFIG,
        spec / "spec.json": SEED_SPEC_JSON,
        root / ".kiro" / "steering" / "python.md": SEED_STEERING,
        root / ".kiro" / "hooks" / "lint.kiro.hook": SEED_HOOK,
        root / ".kiro" / "settings" / "mcp.json": SEED_MCP,
    }
    targets = list(files)
    for _ in range(rng.randint(1, 4)):
        target = rng.choice(targets)
        files[target] = mutate(files[target], rng)
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == "<folder>":
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8", "surrogatepass"))
    if rng.random() < 0.05:  # an archived folder and a nested spec, sometimes empty
        (root / ".kiro" / "specs" / "_archived" / "old").mkdir(parents=True)


def mutate(content: str | bytes, rng: random.Random) -> str | bytes:
    if isinstance(content, bytes):
        return content
    kind = rng.random()
    if kind < 0.55:  # insert pathological lines
        lines = content.split("\n")
        for _ in range(rng.randint(1, 3)):
            lines.insert(rng.randint(0, len(lines)), rng.choice(PATHOLOGICAL)(rng))
        return "\n".join(lines)
    if kind < 0.65:  # bytes: binary, invalid UTF-8, a BOM, a NUL
        raw = bytearray(content.encode("utf-8"))
        for _ in range(rng.randint(1, 20)):
            raw.insert(rng.randint(0, len(raw)), rng.choice((0x00, 0xFF, 0xC3, 0x80, 0xEF)))
        return bytes(raw)
    if kind < 0.72:  # JSON-shaped trouble: deep nesting, huge numbers, wrong types
        depth = rng.choice((10, 1000, 100000))
        return rng.choice((
            "[" * depth + "]" * depth,
            '{"a":' * depth + "1" + "}" * depth,
            '{"mcpServers": {"x": {"url": "' + "h" * 50000 + '"}}}',
            '{"specType": ' + "9" * 10000 + "}",
            '{"name": null, "when": [], "then": "x", "trigger": {"type": {"type": 1}}}',
            '{"version": "v1", "hooks": [' + '{"trigger": "PostFileSave", "matcher": "(a+)+$"},'
            * 50 + "{}]}",
            "",
        ))
    if kind < 0.77:
        return "<folder>"
    if kind < 0.87:  # truncate, duplicate or shuffle lines
        lines = content.split("\n")
        choice = rng.random()
        if choice < 0.3:
            return "\n".join(lines[: rng.randint(0, len(lines))])
        if choice < 0.6:
            return "\n".join(lines * rng.randint(2, 200))
        rng.shuffle(lines)
        return "\n".join(lines)
    # replace a line ending style or add random characters
    noise = "".join(chr(rng.choice((rng.randint(0x20, 0x7E), rng.randint(0x80, 0x10FFFF))))
                    for _ in range(rng.randint(1, 400)))
    noise = "".join(c for c in noise if not 0xD800 <= ord(c) <= 0xDFFF)
    return content.replace("\n", rng.choice(("\r\n", "\r", "\n\n", "\u2028"))) + noise


# --- the worker: builds and runs cases, answers one JSON line per case ---------------------------


def run_command(root: Path, command: tuple[str, ...]) -> dict[str, Any]:
    from specloom.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    escaped = ""
    code = -1
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--root", str(root), *command])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException as exc:  # a traceback is exactly what is measured
        escaped = f"{type(exc).__name__}: {str(exc)[:200]}"
    seconds = time.perf_counter() - started
    json_ok = True
    if code in (0, 1) and not escaped:
        try:
            json.loads(out.getvalue())
        except ValueError:
            json_ok = False
    internal = escaped or ("internal error" in err.getvalue() and code == 3)
    return {"command": " ".join(command[:2]), "code": code, "seconds": round(seconds, 4),
            "json_ok": json_ok, "internal": bool(internal),
            "detail": escaped or (err.getvalue()[-300:] if internal else "")}


def worker(seed: int) -> int:
    import gc

    os.environ.pop("SPECLOOM_DEBUG", None)
    for line in sys.stdin:
        index = int(line)
        with tempfile.TemporaryDirectory(prefix="specloom-fuzz-") as scratch:
            root = Path(scratch)
            build_case(index, seed, root)
            results = []
            for command in COMMANDS:
                results.append(run_command(root, command))
                gc.enable()  # `check` turns the collector off for its own short process
        print(json.dumps({"case": index, "results": results}), flush=True)
    return 0


# --- the parent: feeds cases, enforces the hang limit, restarts a hung worker ---------------------


class Worker:
    def __init__(self, seed: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", "--seed", str(seed)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src")})

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def run(cases: int, seed: int, jobs: int) -> dict[str, Any]:
    budget = HANG_SECONDS * len(COMMANDS) + 10
    workers = [Worker(seed) for _ in range(jobs)]
    totals: dict[str, dict[str, int]] = {
        " ".join(c[:2]): {"runs": 0, "internal": 0, "hangs": 0, "bad_json": 0}
        for c in COMMANDS}
    failures: list[dict[str, Any]] = []
    slowest = 0.0
    worker_hangs = 0  # a case whose commands together never answered
    started = time.perf_counter()
    pending = list(range(cases))
    # One case per worker at a time, round robin (simple and enough for 2 cores).
    while pending:
        batch = [(w, pending.pop(0)) for w in range(len(workers)) if pending]
        for slot, index in batch:
            worker_ = workers[slot]
            assert worker_.process.stdin is not None
            worker_.process.stdin.write(f"{index}\n")
            worker_.process.stdin.flush()
        for slot, index in batch:
            answer = _read_answer(workers[slot], budget)
            if answer is None:
                workers[slot].kill()
                workers[slot] = Worker(seed)
                failures.append({"case": index, "command": "(worker)", "kind": "hang",
                                 "detail": f"no answer within {budget:.0f} s"})
                worker_hangs += 1
                continue
            for result in answer["results"]:
                row = totals[result["command"]]
                row["runs"] += 1
                slowest = max(slowest, result["seconds"])
                for kind, flagged in (("internal", result["internal"]),
                                      ("hangs", result["seconds"] > HANG_SECONDS),
                                      ("bad_json", not result["json_ok"])):
                    if flagged:
                        row[kind] += 1
                        failures.append({"case": index, "command": result["command"],
                                         "kind": kind, "seconds": result["seconds"],
                                         "detail": result["detail"]})
    for worker_ in workers:
        worker_.kill()
    return {"cases": cases, "seed": seed, "commands": totals, "failures": failures[:50],
            "failure_count": len(failures), "slowest_command_seconds": round(slowest, 3),
            "worker_hangs": worker_hangs,
            "seconds": round(time.perf_counter() - started, 1)}


def _read_answer(worker_: Worker, timeout: float) -> dict[str, Any] | None:
    assert worker_.process.stdout is not None
    ready, _, _ = select.select([worker_.process.stdout], [], [], timeout)
    if not ready:
        return None
    line = worker_.process.stdout.readline()
    return json.loads(line) if line else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.seed)
    if shutil.which("git") is None:
        print("note: git is not installed; trace runs without it")
    result = run(args.cases, args.seed, max(1, args.jobs))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['cases']} hostile workspaces (seed {result['seed']}), "
          f"{len(COMMANDS)} commands each, {result['seconds']} s")
    print(f"{'command':<18} {'runs':>6} {'internal errors':>16} {'hangs > 5 s':>12} "
          f"{'invalid JSON':>13}")
    for command, row in result["commands"].items():
        print(f"{command:<18} {row['runs']:>6} {row['internal']:>16} {row['hangs']:>12} "
              f"{row['bad_json']:>13}")
    print(f"slowest command: {result['slowest_command_seconds']} s; cases that never answered: "
          f"{result['worker_hangs']}; failures: {result['failure_count']}")
    for failure in result["failures"][:20]:
        print(f"  case {failure['case']} {failure['command']}: {failure['kind']} "
              f"{failure.get('detail', '')[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
