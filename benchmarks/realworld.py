"""`check` on the specs real users wrote: parse coverage, noise and per-rule precision.

Reads the eight public `.kiro/` trees in `../shared/data/realworld/` (relative to the project
root; see its README) and prints, per folder:

1. criteria parsed by specloom against an independent count (`../shared/tools/count_kiro.py`,
   which shares no code with specloom), capped per spec as `realworld_figures.py` does;
2. findings (errors and warnings) per 100 criteria with the default selection and with `ALL`;

then, over all folders:

3. per-rule precision from the hand-judged findings in `benchmarks/labels/realworld-findings.csv`
   (folder, file, line, column, code, verdict, reason; no quoted text). A label counts when
   specloom still reports that finding; findings of a rule that nobody judged are listed as
   unjudged, so a rule change that adds findings shows up;
4. recall on the criteria judged ambiguous in `benchmarks/labels/realworld-ambiguity.csv`
   (folder, file, line, verdict, codes, reason): the share of them on which specloom reports at
   least one of the codes the judge named, with `ALL` and with the default selection.

Usage:
  python benchmarks/realworld.py [--json]
  python benchmarks/realworld.py --tiers          # the MEASURED table for quality/tiers.py
  python benchmarks/realworld.py --sample N --out FILE [--per-rule K]
      write up to K unjudged findings per rule (N in all, seeded) with their text to FILE
      (outside the repository: the text of the data must not be committed) for judging
  python benchmarks/realworld.py --sample-criteria N --out FILE
      write N random criteria with their text to FILE for the ambiguity labels
Exits 0 with a message when the data folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT.parent / "shared" / "data" / "realworld"
TOOLS_DIR = PROJECT_ROOT.parent / "shared" / "tools"
LABELS_DIR = Path(__file__).resolve().parent / "labels"
FINDING_LABELS = LABELS_DIR / "realworld-findings.csv"
AMBIGUITY_LABELS = LABELS_DIR / "realworld-ambiguity.csv"

try:
    import specloom  # noqa: F401
except ImportError:  # run from a checkout without installing the package
    sys.path.insert(0, str(PROJECT_ROOT / "src"))

from specloom.core.diagnostic import Diagnostic  # noqa: E402
from specloom.core.rule import Severity  # noqa: E402
from specloom.quality.check import check_workspace  # noqa: E402
from specloom.quality.settings import CheckSettings  # noqa: E402
from specloom.quality.tiers import DEFAULT_MIN_PRECISION  # noqa: E402
from specloom.spec.loader import load_spec  # noqa: E402
from specloom.spec.workspace import Workspace  # noqa: E402

ALL = CheckSettings(select=("ALL",))
DEFAULT = CheckSettings()
FindingKey = tuple[str, str, int, int, str]  # folder, file, line, column, code


@dataclass
class FolderFigures:
    folder: str
    expected: int
    parsed: int
    default_findings: int
    all_findings: int

    def per_100(self, findings: int) -> float:
        return 100 * findings / max(self.expected, 1)


def independent_counter() -> Any:
    sys.path.insert(0, str(TOOLS_DIR))
    import count_kiro  # type: ignore[import-not-found]

    return count_kiro


def folders() -> list[Path]:
    return sorted(p for p in DATA_DIR.iterdir() if (p / ".kiro").is_dir())


def reported(diagnostics: tuple[Diagnostic, ...]) -> list[Diagnostic]:
    """Errors and warnings: what a user reads (info is not counted, as in realworld_figures)."""
    return [d for d in diagnostics if d.severity >= Severity.WARNING]


def measure_folder(root: Path, counter: Any) -> tuple[FolderFigures, list[Diagnostic],
                                                      list[Diagnostic]]:
    workspace = Workspace(root)
    expected = parsed = 0
    for name, path in counter.specs(str(root)):
        count = counter.count(path)[1]
        spec = load_spec(workspace, name)
        got = len(spec.requirements.criteria()) if spec.requirements is not None else 0
        expected += count
        parsed += min(got, count)
    everything = reported(check_workspace(workspace, settings=ALL, jobs=1).diagnostics)
    default = reported(check_workspace(workspace, settings=DEFAULT, jobs=1).diagnostics)
    return (FolderFigures(root.name, expected, parsed, len(default), len(everything)),
            everything, default)


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row.get("folder")]


def label_index(rows: list[dict[str, str]]) -> dict[FindingKey, dict[str, str]]:
    return {(r["folder"], r["file"], int(r["line"]), int(r["column"]), r["code"]): r
            for r in rows}


def key_of(folder: str, d: Diagnostic) -> FindingKey:
    return (folder, d.path, d.line, d.column, d.code)


def precision_table(findings: dict[str, list[Diagnostic]],
                    labels: dict[FindingKey, dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Per rule: findings now, judged among them, judged true, precision.

    A label counts once even where a rule reports several findings at one position (C007
    reports each missing section at line 1).
    """
    table: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"findings": 0, "judged": 0, "true": 0})
    counted: set[FindingKey] = set()
    for folder, diagnostics in findings.items():
        for d in diagnostics:
            row = table[d.code]
            row["findings"] += 1
            key = key_of(folder, d)
            label = labels.get(key)
            if label is not None and key not in counted:
                counted.add(key)
                row["judged"] += 1
                row["true"] += label["verdict"].strip().lower() == "true"
    for row in table.values():
        row["precision"] = row["true"] / row["judged"] if row["judged"] else None
    return dict(sorted(table.items()))


def criterion_lines(root: Path, file: str) -> dict[int, int]:
    """Each line of a criterion in `file` -> the criterion's first line."""
    workspace = Workspace(root)
    spec_folder = Path(file).parent.name
    spec = load_spec(workspace, spec_folder)
    lines: dict[int, int] = {}
    if spec.requirements is not None:
        for criterion in spec.requirements.criteria():
            for segment in criterion.segments:
                lines[segment.line] = criterion.line
    return lines


def recall_table(findings: dict[str, list[Diagnostic]], rows: list[dict[str, str]]
                 ) -> dict[str, Any]:
    """Share of the criteria judged ambiguous on which one of the named codes is reported."""
    by_criterion: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    line_maps: dict[tuple[str, str], dict[int, int]] = {}
    for folder, diagnostics in findings.items():
        for d in diagnostics:
            key = (folder, d.path)
            if key not in line_maps:
                line_maps[key] = criterion_lines(DATA_DIR / folder, d.path)
            start = line_maps[key].get(d.line, d.line)
            by_criterion[(folder, d.path, start)].add(d.code)
    ambiguous = [r for r in rows if r["verdict"].strip().lower() == "ambiguous"]
    hit = sum(1 for r in ambiguous if set(r["codes"].split()) &
              by_criterion.get((r["folder"], r["file"], int(r["line"])), set()))
    clear = [r for r in rows if r["verdict"].strip().lower() == "clear"]
    flagged_clear = sum(1 for r in clear if by_criterion.get(
        (r["folder"], r["file"], int(r["line"])), set()) & {c for c in _smell_codes()})
    return {"judged": len(rows), "ambiguous": len(ambiguous), "found": hit,
            "recall": hit / len(ambiguous) if ambiguous else None,
            "clear": len(clear), "clear_flagged": flagged_clear}


def _smell_codes() -> set[str]:
    return {f"A{n:03d}" for n in range(1, 14)} | {f"E{n:03d}" for n in range(1, 6)}


def run(as_json: bool) -> dict[str, Any]:
    counter = independent_counter()
    started = time.perf_counter()
    figures: list[FolderFigures] = []
    every: dict[str, list[Diagnostic]] = {}
    default: dict[str, list[Diagnostic]] = {}
    for root in folders():
        folder_figures, all_found, default_found = measure_folder(root, counter)
        figures.append(folder_figures)
        every[root.name] = all_found
        default[root.name] = default_found
    labels = label_index(read_csv(FINDING_LABELS))
    precision = precision_table(every, labels)
    ambiguity_rows = read_csv(AMBIGUITY_LABELS)
    result = {
        "folders": [vars(f) | {"default_per_100": round(f.per_100(f.default_findings), 1),
                               "all_per_100": round(f.per_100(f.all_findings), 1)}
                    for f in figures],
        "total": _totals(figures),
        "precision": precision,
        "labels_judged_now": sum(r["judged"] for r in precision.values()),
        "labels_in_file": len(labels),
        "recall_all": recall_table(every, ambiguity_rows),
        "recall_default": recall_table(default, ambiguity_rows),
        "seconds": round(time.perf_counter() - started, 2),
    }
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)
    return result


def _totals(figures: list[FolderFigures]) -> dict[str, Any]:
    expected = sum(f.expected for f in figures)
    parsed = sum(f.parsed for f in figures)
    default = sum(f.default_findings for f in figures)
    everything = sum(f.all_findings for f in figures)
    return {"expected": expected, "parsed": parsed, "parsed_share": round(parsed / expected, 4),
            "default_findings": default, "all_findings": everything,
            "default_per_100": round(100 * default / expected, 1),
            "all_per_100": round(100 * everything / expected, 1)}


def _print(result: dict[str, Any]) -> None:
    print(f"{'folder':<48} {'parsed':>11} {'default/100':>12} {'ALL/100':>8}")
    for f in result["folders"]:
        print(f"{f['folder']:<48} {f['parsed']:>5}/{f['expected']:<5} "
              f"{f['default_per_100']:>12} {f['all_per_100']:>8}")
    t = result["total"]
    print(f"{'all folders':<48} {t['parsed']:>5}/{t['expected']:<5} "
          f"{t['default_per_100']:>12} {t['all_per_100']:>8}   "
          f"(parsed share {t['parsed_share']:.4f}; {t['default_findings']} findings by "
          f"default, {t['all_findings']} with ALL)")
    print()
    print(f"{'rule':<6} {'findings':>8} {'judged':>7} {'true':>5} {'precision':>9}  tier by "
          f"measurement (>= {DEFAULT_MIN_PRECISION:.2f})")
    for code, row in result["precision"].items():
        p = row["precision"]
        tier = "-" if p is None else ("default" if p >= DEFAULT_MIN_PRECISION else "opt-in")
        print(f"{code:<6} {row['findings']:>8} {row['judged']:>7} {row['true']:>5} "
              f"{'-' if p is None else f'{p:.2f}':>9}  {tier}")
    print(f"judged findings still reported: {result['labels_judged_now']} "
          f"(labels in file: {result['labels_in_file']})")
    for name in ("recall_all", "recall_default"):
        r = result[name]
        recall = "-" if r["recall"] is None else f"{r['recall']:.2f}"
        print(f"{name}: {r['found']}/{r['ambiguous']} criteria judged ambiguous get a named "
              f"code (recall {recall}); {r['clear_flagged']}/{r['clear']} judged clear get an "
              "A or E finding")
    print(f"({result['seconds']} s)")


def tiers() -> None:
    """The MEASURED table for quality/tiers.py, from the labels and today's findings."""
    counter = independent_counter()
    every = {root.name: measure_folder(root, counter)[1] for root in folders()}
    precision = precision_table(every, label_index(read_csv(FINDING_LABELS)))
    print("MEASURED: dict[str, tuple[int, int]] = {")
    for code, row in precision.items():
        if row["judged"]:
            print(f'    "{code}": ({row["true"]}, {row["judged"]}),')
    print("}")
    for code, row in precision.items():
        if not row["judged"]:  # a rule that fires but nobody judged: run --sample
            print(f"# unjudged: {code} ({row['findings']} findings)")


def sample_findings(total: int, per_rule: int, out: Path) -> None:
    counter = independent_counter()
    labels = label_index(read_csv(FINDING_LABELS))
    by_rule: dict[str, list[tuple[str, Diagnostic]]] = defaultdict(list)
    for root in folders():
        for d in measure_folder(root, counter)[1]:
            if key_of(root.name, d) not in labels:
                by_rule[d.code].append((root.name, d))
    rng = random.Random(12)
    chosen: list[tuple[str, Diagnostic]] = []
    for code in sorted(by_rule):
        candidates = by_rule[code]
        rng.shuffle(candidates)
        chosen.extend(candidates[:per_rule])
    chosen = chosen[:total]
    with out.open("w", encoding="utf-8") as handle:
        for folder, d in chosen:
            text = _line_text(DATA_DIR / folder / d.path, d.line)
            handle.write(json.dumps({"folder": folder, "file": d.path, "line": d.line,
                                     "column": d.column, "code": d.code, "message": d.message,
                                     "text": text}, ensure_ascii=False) + "\n")
    print(f"wrote {len(chosen)} findings to judge to {out} "
          f"({Counter(d.code for _, d in chosen)})")


def sample_criteria(total: int, out: Path) -> None:
    everything = []
    for root in folders():
        workspace = Workspace(root)
        for name in workspace.spec_names():
            spec = load_spec(workspace, name)
            if spec.requirements is None:
                continue
            for criterion in spec.requirements.criteria():
                everything.append((root.name, spec.requirements.source.path, criterion))
    rng = random.Random(7)
    chosen = rng.sample(everything, min(total, len(everything)))
    with out.open("w", encoding="utf-8") as handle:
        for folder, path, criterion in chosen:
            handle.write(json.dumps({"folder": folder, "file": path, "line": criterion.line,
                                     "id": criterion.id, "text": criterion.text},
                                    ensure_ascii=False) + "\n")
    print(f"wrote {len(chosen)} criteria to judge to {out}")


def _line_text(path: Path, line: int) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1] if 0 < line <= len(lines) else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--tiers", action="store_true")
    parser.add_argument("--sample", type=int, metavar="N")
    parser.add_argument("--per-rule", type=int, default=15, metavar="K")
    parser.add_argument("--sample-criteria", type=int, metavar="N")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if not DATA_DIR.is_dir():
        print(f"skipped: {DATA_DIR} is absent (see the brief's data README)")
        return 0
    if args.tiers:
        tiers()
    elif args.sample is not None:
        sample_findings(args.sample, args.per_rule, args.out or Path("/tmp/to-judge.jsonl"))
    elif args.sample_criteria is not None:
        sample_criteria(args.sample_criteria, args.out or Path("/tmp/criteria.jsonl"))
    else:
        run(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
