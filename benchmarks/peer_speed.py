"""specloom against its peers, side by side in one run: CPU seconds and peak memory.

- `specloom check` against OpenSpec's `openspec validate --all --strict --json` on equivalent
  corpora of N specs (the workspace of `check_speed.py`: 10 requirements of 4 EARS criteria per
  spec; the OpenSpec corpus has the same requirements, each criterion a WHEN/THEN scenario):
  cold (no cache), warm (nothing changed) and with one changed spec;
- `specloom --version` and `specloom list` on the bundled example against a bare
  `python -c pass`.

CPU is user + system time of the process and everything it started (`os.wait4`), the median
of --runs runs, alternating the tools so that load on this shared machine hits both; peak
memory is the largest resident set of one process of the run (`ru_maxrss`).

OpenSpec is installed by this script with npm, at a pinned version, into a cache folder
(`--peer-dir`, default `~/.cache/specloom-bench/openspec-VERSION`); without node and npm the
OpenSpec rows are skipped with a message. Prints figures and never asserts.

    .venv/bin/python benchmarks/peer_speed.py [--specs 1000 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from check_speed import generate_workspace, specloom_command
from specloom.spec.requirements import parse_requirements
from specloom.spec.source import SourceText

OPENSPEC_VERSION = "1.13.2"
OPENSPEC_PACKAGE = f"@fission-ai/openspec@{OPENSPEC_VERSION}"
PROJECT = Path(__file__).resolve().parent.parent
QUIET_NODE = {**os.environ, "OPENSPEC_TELEMETRY": "0", "DO_NOT_TRACK": "1", "NO_COLOR": "1",
              "CI": "1"}


@dataclass(frozen=True, slots=True)
class Usage:
    cpu: float
    peak_mib: float


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    ours: Usage
    theirs: Usage | None
    theirs_label: str
    target: float

    def ratio(self) -> float | None:
        return None if self.theirs is None else self.ours.cpu / self.theirs.cpu


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    openspec = install_openspec(Path(args.peer_dir).expanduser())
    rows: list[Row] = []
    for count in args.specs:
        rows += compare_check(count, args.runs, openspec)
    rows += compare_start_up(args.runs * 4)
    print_rows(rows)
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--specs", type=int, nargs="+", default=[1000, 5000],
                        help="corpus sizes (1000 5000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (5)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed for the wording")
    parser.add_argument("--peer-dir",
                        default=f"~/.cache/specloom-bench/openspec-{OPENSPEC_VERSION}",
                        help="where OpenSpec is installed")
    return parser.parse_args(argv)


# The peer.

def install_openspec(folder: Path) -> list[str] | None:
    """The command that runs the pinned OpenSpec, installing it first; None without npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        print("OpenSpec rows skipped: node and npm are not on PATH (install Node.js 20 or newer)")
        return None
    script = folder / "node_modules" / "@fission-ai" / "openspec" / "bin" / "openspec.js"
    if not script.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder),
                               OPENSPEC_PACKAGE], capture_output=True, text=True, check=False)
        if done.returncode != 0 or not script.is_file():
            print(f"OpenSpec rows skipped: npm install {OPENSPEC_PACKAGE} failed: "
                  f"{done.stderr.strip()[-300:]}")
            return None
    return [node, str(script)]


def write_openspec_corpus(kiro_root: Path, target: Path) -> None:
    """The same requirements as OpenSpec capability specs: one scenario per criterion."""
    for folder in sorted((kiro_root / ".kiro" / "specs").iterdir()):
        path = folder / "requirements.md"
        document = parse_requirements(SourceText.from_text(str(path), path.read_text()))
        lines = [f"# {folder.name} Specification", "", "## Purpose",
                 f"The {folder.name.replace('-', ' ')} capability, as its requirements state.",
                 "", "## Requirements"]
        for requirement in document.requirements:
            lines += ["", f"### Requirement: {requirement.title}",
                      f"The system SHALL meet requirement {requirement.number}."]
            for criterion in requirement.criteria:
                when, _, then = criterion.text.partition(", THE ")
                if not then:
                    when, then = "the system runs", criterion.text
                lines += ["", f"#### Scenario: Criterion {criterion.id}",
                          f"- **WHEN** {when}", f"- **THEN** THE {then}"]
        out = target / "openspec" / "specs" / folder.name
        out.mkdir(parents=True)
        (out / "spec.md").write_text("\n".join(lines) + "\n")


# Measuring a process.

def run_measured(command: Sequence[str], cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> Usage:
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return Usage(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median_usage(samples: list[Usage]) -> Usage:
    return Usage(statistics.median(s.cpu for s in samples),
                 statistics.median(s.peak_mib for s in samples))


def alternate(ours: Sequence[str], theirs: Sequence[str] | None, runs: int,
              prepare_ours: object = None, cwd_theirs: Path | None = None,
              ) -> tuple[Usage, Usage | None]:
    mine: list[Usage] = []
    peer: list[Usage] = []
    for _ in range(runs):
        if callable(prepare_ours):
            prepare_ours()
        mine.append(run_measured(ours))
        if theirs is not None:
            peer.append(run_measured(theirs, cwd=cwd_theirs, env=QUIET_NODE))
    return median_usage(mine), (median_usage(peer) if peer else None)


def compare_check(count: int, runs: int, openspec: list[str] | None) -> list[Row]:
    scratch = Path(tempfile.mkdtemp(prefix="specloom-peer-"))
    try:
        kiro, peer_root = scratch / "kiro", scratch / "openspec"
        kiro.mkdir()
        peer_root.mkdir()
        generate_workspace(kiro, count, random.Random(2025))
        write_openspec_corpus(kiro, peer_root)
        theirs = None if openspec is None else [*openspec, "validate", "--all", "--strict",
                                                "--json", "--no-interactive"]
        check = [*specloom_command(), "--root", str(kiro), "check", "--format", "json"]
        cache = kiro / ".kiro" / "specloom" / "cache"
        run_measured(check)  # warms the file system cache for both, untimed
        rows = []
        cold, peer = alternate(check, theirs, runs,
                               prepare_ours=lambda: shutil.rmtree(cache, ignore_errors=True),
                               cwd_theirs=peer_root)
        rows.append(Row(f"check, cold ({count} specs)", cold, peer, "openspec validate", 1.0))
        run_measured(check)
        warm, _ = alternate(check, None, runs)
        rows.append(Row(f"check, warm ({count} specs)", warm, peer, "openspec validate", 0.2))
        changed = sorted((kiro / ".kiro" / "specs").iterdir())[count // 2] / "requirements.md"
        original = changed.read_text()

        def change_one() -> None:
            run_measured(check)
            changed.write_text(original + f"\n<!-- edit {random.random()} -->\n")

        one, _ = alternate(check, None, runs, prepare_ours=change_one)
        rows.append(Row(f"check, 1 spec changed ({count})", one, peer, "openspec validate", 0.25))
        return rows
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def compare_start_up(runs: int) -> list[Row]:
    bare = [sys.executable, "-c", "pass"]
    example = PROJECT / "examples" / "bookshelf"
    version, python = alternate([*specloom_command(), "--version"], bare, runs)
    listing, python_again = alternate([*specloom_command(), "--root", str(example), "list"],
                                      bare, runs)
    return [Row("--version", version, python, "python -c pass", 2.0),
            Row("list (bundled example)", listing, python_again, "python -c pass", 3.0)]


def print_rows(rows: list[Row]) -> None:
    print()
    print(f"{'figure':<32} {'specloom CPU':>12} {'peak':>8}   {'peer':<18} {'CPU':>8} "
          f"{'peak':>8} {'ratio':>7} {'target':>7}  verdict")
    for row in rows:
        ratio = row.ratio()
        theirs = row.theirs
        verdict = "no peer" if ratio is None else ("met" if ratio <= row.target else "NOT MET")
        print(f"{row.label:<32} {row.ours.cpu:>11.2f}s {row.ours.peak_mib:>6.0f}Mi   "
              f"{row.theirs_label:<18} "
              f"{'-' if theirs is None else f'{theirs.cpu:.2f}s':>8} "
              f"{'-' if theirs is None else f'{theirs.peak_mib:.0f}Mi':>8} "
              f"{'-' if ratio is None else f'{ratio:.2f}x':>7} {row.target:>6.2f}x  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
