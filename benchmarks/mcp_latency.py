"""Benchmark: the MCP `check` tool on examples/bookshelf over stdio against the same call
in-process (`specloom.mcp_server.tools.check`), and `list_specs` as a near-empty call.

Run: `.venv/bin/python benchmarks/mcp_latency.py [CALLS]`. Prints figures; asserts nothing.
Target (docs/mcp.md): under 20 ms of overhead per call (stdio median minus in-process median).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from specloom.mcp_server import tools
from specloom.spec.workspace import Workspace

BOOKSHELF = Path(__file__).resolve().parents[1] / "examples" / "bookshelf"
SERVE = "import sys; from specloom.cli.main import main; sys.exit(main())"


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


async def timed_async(call: Callable[[], Awaitable[Any]], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float]) -> float:
    median = statistics.median(times)
    p90 = statistics.quantiles(times, n=10)[-1]
    print(f"{label:<34} median {median:7.2f} ms   p90 {p90:7.2f} ms   ({len(times)} calls)")
    return median


async def over_stdio(root: Path, runs: int) -> tuple[list[float], list[float], float]:
    params = StdioServerParameters(command=sys.executable,
                                   args=["-c", SERVE, "--root", str(root), "mcp"])
    start = time.perf_counter()
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        started = (time.perf_counter() - start) * 1000
        await session.call_tool("check", {})  # warm-up: imports inside the server
        check = await timed_async(lambda: session.call_tool("check", {}), runs)
        listing = await timed_async(lambda: session.call_tool("list_specs", {}), runs)
    return check, listing, started


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "bookshelf"
        shutil.copytree(BOOKSHELF, root, ignore=shutil.ignore_patterns("__pycache__"))
        workspace = Workspace(root)
        tools.check(workspace)  # warm-up
        local_check = report("check, in-process", timed(lambda: tools.check(workspace), runs))
        local_list = report("list_specs, in-process",
                            timed(lambda: tools.list_specs(workspace), runs))
        check, listing, started = anyio.run(over_stdio, root, runs)
        remote_check = report("check over stdio", check)
        remote_list = report("list_specs over stdio", listing)
        print(f"{'server start + initialize':<34} {started:7.0f} ms")
        print(f"overhead per call: check {remote_check - local_check:.2f} ms, "
              f"list_specs {remote_list - local_list:.2f} ms (target < 20 ms)")


if __name__ == "__main__":
    main()
