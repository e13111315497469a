"""Benchmark: tests `specloom extract` links on itsdangerous, against a hand-made reference.

Run: `.venv/bin/python benchmarks/extract_links.py PATH_TO_ITSDANGEROUS_CHECKOUT
[--before-src DIR]`. Prints figures; asserts nothing; needs no model and no network.

The checkout is copied to a temporary folder (its tests are never edited) and extracted
without a model twice: `src/itsdangerous` as a whole and `src/itsdangerous/signer.py` alone.
The tests linked to any criterion are compared with `labels/itsdangerous-test-links.csv`,
written by reading every test of the package: per extracted module, each test pytest collects
(inherited test methods under the subclass's node id; a test class imported into another test
module, which pytest collects there again, is listed once, where it is defined) and whether it
exercises the module, that is calls a function, class or method defined there, in its body,
its parametrisation or its fixtures (a method a subclass inherits from the module counts).

recall = linked and in the reference / in the reference; precision = linked and in the
reference / linked. `--before-src DIR` runs the same measurement with another specloom
source tree (e.g. `git -C . archive HEAD src | tar -x -C /tmp/old`, then `--before-src
/tmp/old/src`) in a subprocess and prints both.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCES = {"itsdangerous": "src/itsdangerous", "itsdangerous.signer": "src/itsdangerous/signer.py"}
LABELS = Path(__file__).parent / "labels" / "itsdangerous-test-links.csv"
TARGET_RECALL = 0.80


def reference() -> dict[str, dict[str, bool]]:
    """Extracted module -> test node id -> exercises it."""
    table: dict[str, dict[str, bool]] = {}
    with LABELS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["extracted_module"], {})[row["test"]] = row["exercises"] == "yes"
    return table


def linked_tests(checkout: Path) -> dict[str, list[str]]:
    """Extracted module -> the tests linked to any criterion (skeleton, no model)."""
    from specloom.extract.pipeline import extract_spec
    from specloom.spec.workspace import Workspace

    found: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "itsdangerous"
        shutil.copytree(checkout, copy, ignore=shutil.ignore_patterns(
            ".git", ".venv", "venv", ".tox", "__pycache__", ".kiro"))
        (copy / ".kiro" / "specs").mkdir(parents=True)
        for module, source in SOURCES.items():
            result = extract_spec(Workspace(copy), copy / source,
                                  "links-" + module.replace(".", "-"), None)
            found[module] = sorted({test for link in result.links for test in link.tests})
    return found


def scores(linked: list[str], labels: dict[str, bool]) -> dict[str, float | int]:
    expected = {test for test, yes in labels.items() if yes}
    hits = expected.intersection(linked)
    return {"linked": len(linked), "reference": len(expected), "hits": len(hits),
            "recall": len(hits) / len(expected) if expected else 1.0,
            "precision": len(hits) / len(linked) if linked else 1.0}


def measure_before(checkout: Path, src: Path) -> dict[str, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, __file__, str(checkout), "--json"], env=env,
                          capture_output=True, text=True, check=True)
    data: dict[str, list[str]] = json.loads(done.stdout)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkout", type=Path, help="a checkout of pallets/itsdangerous")
    parser.add_argument("--before-src", type=Path, metavar="DIR",
                        help="another specloom src/ to measure first (the code before)")
    parser.add_argument("--json", action="store_true", help="print the linked tests as JSON")
    args = parser.parse_args()
    if not (args.checkout / "src" / "itsdangerous" / "signer.py").is_file():
        parser.error(f"{args.checkout}: not an itsdangerous checkout (no src/itsdangerous)")
    after = linked_tests(args.checkout.resolve())
    if args.json:
        print(json.dumps(after))
        return 0
    before = measure_before(args.checkout.resolve(), args.before_src.resolve()) \
        if args.before_src else None
    labels = reference()
    print(f"{'extracted module':<22} {'tests':>5} {'ref':>4}  "
          + ("before: linked recall precision   " if before else "")
          + "after: linked recall precision")
    for module in SOURCES:
        now = scores(after[module], labels[module])
        line = f"{module:<22} {len(labels[module]):>5} {now['reference']:>4}  "
        if before:
            old = scores(before[module], labels[module])
            line += f"{old['linked']:>14} {old['recall']:>6.2f} {old['precision']:>9.2f}   "
        line += f"{now['linked']:>13} {now['recall']:>6.2f} {now['precision']:>9.2f}"
        print(line)
    for module in SOURCES:
        expected = {t for t, yes in labels[module].items() if yes}
        missed = sorted(expected - set(after[module]))
        wrong = sorted(set(after[module]) - expected)
        reached = scores(after[module], labels[module])["recall"] >= TARGET_RECALL
        print(f"\n{module}: recall >= {TARGET_RECALL:.2f}: {'yes' if reached else 'NO'}")
        for test in missed:
            print(f"  missed  {test}")
        for test in wrong:
            print(f"  extra   {test}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
