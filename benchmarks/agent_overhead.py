"""specloom's own time per agent turn, model time excluded, on a generated repository.

A turn is: a checkpoint snapshot, one read_file, one search, one edit_file, and hook dispatch
for postToolUse and fileEdited with no matching hooks (AgentTools dispatches preToolUse,
postToolUse and file events on every call, so those are inside the tool timings; the
"dispatch" line times one extra postToolUse + fileEdited dispatch on its own). Target: 10 ms or
less per turn. Two snapshot strategies are measured:

- incremental: the shadow index is kept between turns, so `git add -A` only re-hashes files
  whose stat data changed (the default in CheckpointStore);
- full: the shadow index is deleted before each snapshot, so every file is hashed again.

It prints figures and never asserts.

    .venv/bin/python benchmarks/agent_overhead.py [--files 500] [--turns 30]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from specloom.agent.checkpoints import CheckpointStore
from specloom.agent.hooks import HookDispatcher, HookEvent
from specloom.agent.permissions import Permissions
from specloom.agent.tools import AgentTools, ToolResult
from specloom.spec.workspace import Workspace

MODULE = '''"""Generated module {n}."""


def function_{n}(value: int) -> int:
    """Return value plus {n}."""
    total = value
    for step in range({n} % 7 + 1):
        total += step
    return total + {n}


class Thing{n}:
    def __init__(self) -> None:
        self.counter = {n}

    def bump(self) -> int:
        self.counter += 1
        return self.counter
'''


def generate(root: Path, files: int) -> None:
    (root / ".kiro" / "specs").mkdir(parents=True)
    (root / ".gitignore").write_text("__pycache__/\n*.log\nbuild/\n")
    for n in range(files):
        folder = root / "src" / f"pkg{n % 20}" / f"sub{n % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod{n}.py").write_text(MODULE.format(n=n) * 3 + "MARKER = -1\n")


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def check(result: ToolResult) -> None:
    if not result.ok:
        raise SystemExit(f"benchmark tool call failed: {result.error}")


def one_turn(tools: AgentTools, hooks: HookDispatcher, target: str, turn: int) -> dict[str, float]:
    old, new = f"MARKER = {turn - 1}\n", f"MARKER = {turn}\n"
    return {
        "snapshot": timed(lambda: tools.begin_turn(f"turn {turn}")),
        "read": timed(lambda: check(tools.read_file(target, 1, 40))),
        "search": timed(lambda: check(tools.search(r"def function_42\b"))),
        "edit": timed(lambda: check(tools.edit_file(target, old, new))),
        "dispatch": timed(lambda: (hooks.dispatch(HookEvent("postToolUse", target, "edit_file",
                                                            "write")),
                                   hooks.dispatch(HookEvent("fileEdited", target)))),
    }


def run_turns(root: Path, turns: int, incremental: bool) -> dict[str, list[float]]:
    workspace = Workspace(root)
    store = CheckpointStore(workspace, incremental=incremental)
    hooks = HookDispatcher(workspace, [], redactor=lambda text: text)
    tools = AgentTools(workspace, permissions=Permissions(), hooks=hooks, approver=None,
                       checkpoints=store)
    store.snapshot("warm-up")  # the first snapshot creates the shadow repo and hashes everything
    target = "src/pkg3/sub3/mod3.py"
    times: dict[str, list[float]] = {k: [] for k in
                                     ("snapshot", "read", "search", "edit", "dispatch", "turn")}
    for turn in range(turns):
        parts = one_turn(tools, hooks, target, turn)
        for key, value in parts.items():
            times[key].append(value)
        times["turn"].append(sum(parts.values()))
    return times


def report(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"  {'part':<10} {'median ms':>10} {'best ms':>9}")
    for key, values in times.items():
        print(f"  {key:<10} {statistics.median(values):>10.2f} {min(values):>9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--turns", type=int, default=30)
    args = parser.parse_args()
    print(f"{args.files} generated Python files, {args.turns} turns per strategy")
    for incremental in (True, False):
        root = Path(tempfile.mkdtemp(prefix="specloom-agent-bench-"))
        try:
            generate(root, args.files)
            name = "incremental snapshot (shadow index kept)" if incremental else \
                "full snapshot (shadow index rebuilt every turn)"
            report(name, run_turns(root, args.turns, incremental))
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
