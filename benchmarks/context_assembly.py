"""Time to assemble one task's agent context (done on every turn), on a generated project.

The project: 50 steering files (20 always, 20 fileMatch, 10 manual; about 1.5 KB each), a spec
with 30 requirements of 4 criteria, a design and a 20-task plan, and a git repository of
`--files` Python modules for the repository map. A build reads the spec documents, selects
and inlines steering, lists the repository (`git ls-files`) and renders everything. Measured:
the first build (cold symbol cache) and later builds (what every turn after the first costs).
Target: 50 ms or less with 50 steering files. It prints figures and never asserts.

    .venv/bin/python benchmarks/context_assembly.py [--files 300] [--builds 30]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from specloom.agent.context_builder import ContextBuilder
from specloom.spec.workspace import Workspace

PARAGRAPH = ("Prefer small functions with clear names. Keep modules focused on one job and "
             "document what each must not do. ")


def steering(index: int) -> str:
    body = f"# Steering {index}\n\n" + (PARAGRAPH * 12) + "\n"
    if index < 20:
        return body
    if index < 40:
        pattern = f"pkg/area{index}/**/*.py"
        return f"---\ninclusion: fileMatch\nfileMatchPattern: '{pattern}'\n---\n{body}"
    return f"---\ninclusion: manual\n---\n{body}"


def requirements(count: int) -> str:
    parts = ["# Requirements Document\n\n## Introduction\nGenerated.\n\n## Requirements\n"]
    for n in range(1, count + 1):
        parts.append(f"\n### Requirement {n}: Feature {n}\n**User Story:** As a user, I want "
                     f"feature {n}, so that I benefit.\n\n#### Acceptance Criteria\n")
        parts.extend(f"{m}. WHEN event {n}.{m} happens, THE System SHALL respond {m}.\n"
                     for m in range(1, 5))
    return "".join(parts)


def tasks(count: int) -> str:
    lines = ["# Implementation Plan\n"]
    for n in range(1, count + 1):
        lines.append(f"\n- [ ] {n}. Build feature {n} in `pkg/area{20 + n}/mod.py`\n"
                     f"  - _Requirements: {n}.1, {n}.2_\n")
    return "".join(lines)


def build_project(root: Path, files: int) -> None:
    written = {f".kiro/steering/s{i:02d}.md": steering(i) for i in range(50)}
    written[".kiro/specs/big/requirements.md"] = requirements(30)
    written[".kiro/specs/big/design.md"] = "# Design Document\n\n## Overview\n" + PARAGRAPH * 40
    written[".kiro/specs/big/tasks.md"] = tasks(20)
    for i in range(files):
        written[f"pkg/area{i % 60}/m{i:04d}.py"] = (
            f"class Thing{i}:\n    pass\n\n\ndef make_{i}():\n    return Thing{i}()\n")
    for relative, text in written.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--builds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        home = root / "home"
        home.mkdir()
        project = root / "project"
        build_project(project, args.files)
        builder = ContextBuilder(Workspace(project), "big", "3", home=home)
        builder.note_paths(["pkg/area23/m0003.py", "pkg/area30/m0010.py"])
        started = time.perf_counter()
        first = builder.build()
        cold = (time.perf_counter() - started) * 1000
        timings = []
        for _ in range(args.builds):
            started = time.perf_counter()
            context = builder.build()
            timings.append((time.perf_counter() - started) * 1000)
        print(f"steering files: 50, included: {len(context.steering.included)} "
              f"({sum(i.tokens for i in context.steering.included):,} tokens)")
        print(f"repository: {first.repo_map.files} files, map shows {first.repo_map.shown}"
              f" ({first.repo_map.cut or 'nothing cut'})")
        print(f"context: {len(context.instructions):,} characters, ~{context.tokens:,} tokens")
        print(f"first build (cold symbol cache): {cold:.1f} ms")
        print(f"per-turn build over {args.builds}: best {min(timings):.1f} ms, median "
              f"{statistics.median(timings):.1f} ms, worst {max(timings):.1f} ms "
              "(target: 50 ms or less)")


if __name__ == "__main__":
    main()
