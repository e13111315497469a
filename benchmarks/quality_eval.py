"""Measure the EARS classifier and the smell rules against public labelled data.

Reads `../shared/data/` relative to the project root (see its README) and prints a table:

1. EARS pattern accuracy on the EARS-template rows of Großer, Rukavitsyna, Jürjens, "A Comparative
   Evaluation of Requirement Template Systems", RE 2023 (CC BY 4.0); the expected pattern comes
   from each row's leading keyword.
2. Precision and recall per smell family against the rule columns of the same data (label 0 =
   the rule is broken = a positive). The labels are silver: the authors computed them with word
   lists and spaCy, so a disagreement is not automatically our error (`--disagreements`).
3. Precision and recall against the hand-checked Universal Dependencies trees of
   UD_English-CTeTex (Hassert et al., UDW 2021, CC BY-SA 4.0): passive voice, pronouns,
   coordination.
4. Speed of parse_ears + find_smells per criterion.

Usage: python benchmarks/quality_eval.py [--json] [--disagreements CODE] [--check-mode]
Writes nothing; exits 0 with a message when the data folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"
CSV_PATH = DATA_DIR / "ears-templates" / "requirements.csv"
CONLLU_PATH = DATA_DIR / "ud-ctetex" / "en_ctetex-ud-test.conllu"

try:
    from specloom.quality.ears import parse_ears
    from specloom.quality.smells import find_smells
except ImportError:  # run from a checkout without installing the package
    sys.path.insert(0, str(PROJECT_ROOT / "src"))
    from specloom.quality.ears import parse_ears
    from specloom.quality.smells import find_smells

# CSV rule column -> our rule code. The column names carry two spaces before the rule number.
CSV_FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("vague terms", "no_vague_terms  (R17)", "A001"),
    ("escape clauses", "no_escape_clause  (R18)", "A002"),
    ("open-ended", "no_open_end  (R19)", "A003"),
    ("comparatives", "no_comparison  (R13)", "A004"),
    ("absolutes", "no_absolutes  (R30)", "A005"),
    ("pronouns", "no_pronouns  (R28)", "A006"),
    ("passive voice", "active_voice  (R8)", "A007"),
    ("negation", "no_negation  (R22)", "A008"),
    ("combinators", "no_combinators  (R24)", "A010"),
)

EARS_TEMPLATES = ("EARS", "50 EARS")
LEADING_PATTERN = {
    "the": "ubiquitous",
    "when": "event",
    "while": "state",
    "if": "unwanted",
    "where": "optional",
}
_LEADING_WORD_RE = re.compile(r"\s*(\w+)")
_CLAUSE_AFTER_COMMA_RE = re.compile(r",\s*(when|while|if|where)\b", re.IGNORECASE)
_SHALL_RE = re.compile(r"\bshall\b", re.IGNORECASE)

# Gold-side word forms, kept apart from the package lexicon so that the gold does not depend on
# the code under test.
_PERSONAL_LISTING = (
    "i me my mine myself you your yours yourself we us our ours ourselves he him his himself "
    "she her hers herself it its itself they them their theirs themselves"
)
PERSONAL_FORMS = frozenset(_PERSONAL_LISTING.split())
DEMONSTRATIVE_FORMS = frozenset(("this", "that", "these", "those"))


@dataclass
class Counts:
    """Confusion counts for one binary detector."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    disagreements: list[tuple[str, str]] = field(default_factory=list)

    def add(self, gold: bool, predicted: bool, text: str) -> None:
        if gold and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
            self.disagreements.append(("FP", text))
        elif gold:
            self.fn += 1
            self.disagreements.append(("FN", text))
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        found = self.tp + self.fp
        return self.tp / found if found else None

    @property
    def recall(self) -> float | None:
        relevant = self.tp + self.fn
        return self.tp / relevant if relevant else None

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "n": self.n,
            "precision": self.precision,
            "recall": self.recall,
        }


@dataclass
class EarsOutcome:
    """Pattern accuracy on the EARS-template rows."""

    n: int
    correct: int
    by_expected: dict[str, int]
    misses: list[tuple[str, str, str]]

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.n if self.n else None

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "correct": self.correct,
            "accuracy": self.accuracy,
            "by_expected": self.by_expected,
        }


@dataclass
class UdToken:
    index: int
    form: str
    upos: str
    head: int
    deprel: str


@dataclass
class UdSentence:
    text: str
    tokens: list[UdToken]


# --- data loading ------------------------------------------------------------------------------


def load_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_conllu(path: Path) -> list[UdSentence]:
    """Minimal CoNLL-U reader: sentence text and the basic tree (multiword and empty nodes
    are skipped, they carry no relation)."""
    sentences: list[UdSentence] = []
    text = ""
    tokens: list[UdToken] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text = "):
            text = line[len("# text = ") :]
        elif not line.strip():
            if tokens:
                sentences.append(UdSentence(text, tokens))
            text, tokens = "", []
        elif not line.startswith("#"):
            columns = line.split("\t")
            if len(columns) == 10 and columns[0].isdigit():
                tokens.append(
                    UdToken(int(columns[0]), columns[1], columns[3], int(columns[6]), columns[7])
                )
    if tokens:
        sentences.append(UdSentence(text, tokens))
    return sentences


# --- 1. EARS -------------------------------------------------------------------------------------


def expected_pattern(text: str) -> str | None:
    """Pattern named by the leading keyword; "complex" when a second keyword opens a clause
    after a comma before SHALL."""
    match = _LEADING_WORD_RE.match(text)
    if match is None:
        return None
    pattern = LEADING_PATTERN.get(match.group(1).lower())
    if pattern in (None, "ubiquitous"):
        return pattern
    shall = _SHALL_RE.search(text)
    head = text[: shall.start()] if shall else text
    kinds = {match.group(1).lower()} | {
        m.group(1).lower() for m in _CLAUSE_AFTER_COMMA_RE.finditer(head)
    }
    return "complex" if len(kinds) > 1 else pattern


def evaluate_ears(rows: Sequence[dict[str, str]]) -> EarsOutcome:
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[tuple[str, str, str]] = []
    for row in rows:
        if row["template"] not in EARS_TEMPLATES:
            continue
        expected = expected_pattern(row["Text"])
        if expected is None:
            continue
        got = parse_ears(row["Text"]).pattern
        confusion[(expected, got)] += 1
        if got != expected:
            misses.append((expected, got, row["Text"]))
    by_expected: Counter[str] = Counter()
    for (expected, _), count in confusion.items():
        by_expected[expected] += count
    correct = sum(count for (expected, got), count in confusion.items() if expected == got)
    return EarsOutcome(sum(confusion.values()), correct, dict(by_expected), misses)


# --- 2. CSV smell families -----------------------------------------------------------------------


# --check-mode: measure what `check` reports (only the words that make the obligation itself
# ambiguous) instead of the sentence-level detector the linguistic labels describe.
OBLIGATION_ONLY = False


def codes_found(text: str) -> set[str]:
    return {finding.code for finding in find_smells(text, obligation_only=OBLIGATION_ONLY)}


def evaluate_csv(rows: Sequence[dict[str, str]]) -> dict[str, Counts]:
    results = {name: Counts() for name, _, _ in CSV_FAMILIES}
    cache: dict[str, set[str]] = {}
    for row in rows:
        text = row["Text"]
        found = cache.get(text)
        if found is None:
            found = cache[text] = codes_found(text)
        for name, column, code in CSV_FAMILIES:
            label = row.get(column, "").strip()
            if label not in ("0", "1"):
                continue  # this sheet has no rule values
            results[name].add(label == "0", code in found, text)
    return results


# --- 3. UD gold trees ----------------------------------------------------------------------------


def is_passive(sentence: UdSentence) -> bool:
    return any(t.deprel in ("aux:pass", "nsubj:pass", "csubj:pass") for t in sentence.tokens)


def has_agentless_passive(sentence: UdSentence) -> bool:
    """A passive verb (head of aux:pass or nsubj:pass) without an obl:agent dependent."""
    passive_heads = {
        t.head for t in sentence.tokens if t.deprel in ("aux:pass", "nsubj:pass", "csubj:pass")
    }
    with_agent = {t.head for t in sentence.tokens if t.deprel == "obl:agent"}
    return bool(passive_heads - with_agent)


def has_pronoun(sentence: UdSentence) -> bool:
    return any(t.upos == "PRON" for t in sentence.tokens)


def has_referring_pronoun(sentence: UdSentence) -> bool:
    """PronType=Prs/Dem pronouns. The treebank has no FEATS, so the type is read from the form:
    personal/possessive forms, and demonstratives that are not relative pronouns (a relative
    "that"/"which" heads nothing and hangs off an acl/acl:relcl verb)."""
    by_index = {t.index: t for t in sentence.tokens}
    for token in sentence.tokens:
        if token.upos != "PRON":
            continue
        form = token.form.lower()
        if form in PERSONAL_FORMS:
            return True
        if form in DEMONSTRATIVE_FORMS:
            head = by_index.get(token.head)
            if head is None or head.deprel not in ("acl", "acl:relcl"):
                return True
    return False


def has_coordination(sentence: UdSentence) -> bool:
    return any(t.deprel == "cc" for t in sentence.tokens)


def has_verb_coordination(sentence: UdSentence) -> bool:
    """Two predicates joined: a VERB in a conj relation to a VERB (coordinated responses)."""
    by_index = {t.index: t for t in sentence.tokens}
    for token in sentence.tokens:
        if token.deprel == "conj" and token.upos == "VERB":
            head = by_index.get(token.head)
            if head is not None and head.upos == "VERB":
                return True
    return False


UD_FAMILIES: tuple[tuple[str, Callable[[UdSentence], bool], str], ...] = (
    ("passive voice (any passive)", is_passive, "A007"),
    ("passive voice (agentless)", has_agentless_passive, "A007"),
    ("pronouns (any PRON)", has_pronoun, "A006"),
    ("pronouns (Prs/Dem, no relatives)", has_referring_pronoun, "A006"),
    ("combinators (any cc)", has_coordination, "A010"),
    ("combinators (VERB conj VERB)", has_verb_coordination, "A010"),
)


def evaluate_ud(sentences: Sequence[UdSentence]) -> dict[str, Counts]:
    results = {name: Counts() for name, _, _ in UD_FAMILIES}
    for sentence in sentences:
        found = codes_found(sentence.text)
        for name, gold, code in UD_FAMILIES:
            results[name].add(gold(sentence), code in found, sentence.text)
    return results


# --- 4. speed ------------------------------------------------------------------------------------


def measure_speed(texts: Sequence[str], repeats: int = 5) -> dict[str, float]:
    """Best of `repeats` passes over all texts, in microseconds per text."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for text in texts:
            parse_ears(text)
            find_smells(text)
        best = min(best, time.perf_counter() - started)
    words = sum(len(text.split()) for text in texts) / len(texts)
    per_text = best / len(texts) * 1e6
    return {
        "texts": len(texts),
        "mean_words": words,
        "us_per_text": per_text,
        "us_per_20_words": per_text * 20 / words,
        "seconds_for_40000": per_text * 40_000 / 1e6,
    }


# --- output --------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def counts_table(title: str, results: dict[str, Counts], codes: dict[str, str]) -> list[str]:
    lines = [
        title,
        f"  {'family':36} {'code':5} {'n':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>5}"
        f"  {'P':>5}  {'R':>5}",
    ]
    for name, counts in results.items():
        lines.append(
            f"  {name:36} {codes[name]:5} {counts.n:5d} {counts.tp:4d} {counts.fp:4d} "
            f"{counts.fn:4d} {counts.tn:5d}  {_fmt(counts.precision)}  {_fmt(counts.recall)}"
        )
    return lines


def print_report(
    ears: EarsOutcome,
    csv_results: dict[str, Counts],
    ud_results: dict[str, Counts] | None,
    speed: dict[str, float],
) -> None:
    lines = [
        "specloom quality evaluation",
        f"data: {DATA_DIR}",
        "",
        "1. EARS pattern classification (templates 'EARS' and '50 EARS', "
        "expected = leading keyword)",
        f"  accuracy {_fmt(ears.accuracy)}  ({ears.correct}/{ears.n})  "
        f"by expected pattern: {ears.by_expected}",
    ]
    for expected, got, text in ears.misses[:10]:
        lines.append(f"    expected {expected}, got {got}: {text[:100]}")
    lines.append("")
    csv_codes = {name: code for name, _, code in CSV_FAMILIES}
    lines += counts_table(
        "2. Smells vs. the CSV rule columns (silver labels; label 0 = rule broken = positive)",
        csv_results,
        csv_codes,
    )
    lines.append("")
    if ud_results is not None:
        ud_codes = {name: code for name, _, code in UD_FAMILIES}
        lines += counts_table(
            "3. Smells vs. gold UD trees (UD_English-CTeTex test)", ud_results, ud_codes
        )
        lines.append("")
    lines += [
        "4. Speed (parse_ears + find_smells, best of 5 passes over all texts)",
        f"  {speed['texts']} texts, mean {speed['mean_words']:.1f} words: "
        f"{speed['us_per_text']:.1f} us per text, {speed['us_per_20_words']:.1f} us per 20 words; "
        f"40,000 criteria in {speed['seconds_for_40000']:.2f} s",
    ]
    print("\n".join(lines))


def print_disagreements(code: str, *groups: dict[str, Counts]) -> None:
    for results in groups:
        for name, counts in results.items():
            if not _family_has_code(name, code):
                continue
            print(f"== {name}: {counts.fp} FP, {counts.fn} FN")
            seen: set[tuple[str, str]] = set()
            for kind, text in counts.disagreements:
                if (kind, text) in seen:
                    continue
                seen.add((kind, text))
                marks = [
                    f"{f.code}:{text[f.start : f.end]!r}"
                    for f in find_smells(text)
                    if f.code == code
                ]
                print(f"{kind} {' '.join(marks)} | {' '.join(text.split())}")


def _family_has_code(name: str, code: str) -> bool:
    codes = {n: c for n, _, c in CSV_FAMILIES} | {n: c for n, _, c in UD_FAMILIES}
    return codes.get(name) == code


def _counts_json(results: dict[str, Counts]) -> dict[str, object]:
    return {name: counts.as_dict() for name, counts in results.items()}


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--disagreements", metavar="CODE", help="list every FP/FN text for one rule code"
    )
    parser.add_argument("--check-mode", action="store_true",
                        help="measure what check reports (obligation only), not the detector")
    args = parser.parse_args(list(argv) if argv is not None else None)
    global OBLIGATION_ONLY
    OBLIGATION_ONLY = args.check_mode

    if not CSV_PATH.is_file():
        print(f"skipped: labelled data not found at {DATA_DIR} (see the project README)")
        return 0
    rows = load_csv(CSV_PATH)
    sentences = load_conllu(CONLLU_PATH) if CONLLU_PATH.is_file() else None

    ears = evaluate_ears(rows)
    csv_results = evaluate_csv(rows)
    ud_results = evaluate_ud(sentences) if sentences is not None else None
    if args.disagreements:
        print_disagreements(args.disagreements.upper(), csv_results, ud_results or {})
        return 0
    texts = [row["Text"] for row in rows] + [s.text for s in sentences or ()]
    speed = measure_speed(texts)

    if args.json:
        report = {
            "ears": ears.as_dict(),
            "csv": _counts_json(csv_results),
            "ud": _counts_json(ud_results) if ud_results is not None else None,
            "speed": speed,
        }
        print(json.dumps(report, indent=2))
    else:
        print_report(ears, csv_results, ud_results, speed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
