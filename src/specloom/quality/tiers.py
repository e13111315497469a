"""Which rules run by default: the precision tier of each rule, measured on real specs.

Like ruff's default selection, `check` runs only the rules a requirements engineer rarely
disagrees with. The figures below come from `benchmarks/realworld.py`, which compares the
findings on the eight public `.kiro/` trees in `../shared/data/realworld/` with the verdicts
committed in `benchmarks/labels/realworld-findings.csv`. A rule is in the default tier when its
measured precision is at least `DEFAULT_MIN_PRECISION`; every other rule is opt-in (`--select
ALL`, a family prefix or its code). Rules that never fired on the sample either report a fact read
from the files (an unreadable file, an unknown dependency) or belong to other commands (trace,
steering, MCP and hook files): they stay in the default tier and say "not measured". Wording
rules that never fired are opt-in (`OPT_IN_BY_JUDGEMENT`): without evidence, no default.

`tests/quality/test_tiers.py` recomputes the figures from the labels and fails when this table
and the labels disagree, so the table cannot drift from the measurement.
"""

from __future__ import annotations

DEFAULT_MIN_PRECISION = 0.90

#: code -> (findings judged true, findings judged), from benchmarks/realworld.py --tiers.
MEASURED: dict[str, tuple[int, int]] = {
    "A001": (32, 50),
    "A002": (7, 7),
    "A003": (5, 6),
    "A004": (0, 10),
    "A005": (1, 53),
    "A006": (2, 55),
    "A007": (3, 26),
    "A008": (2, 34),
    "A009": (0, 11),
    "A010": (24, 40),
    "A012": (0, 2),
    "A013": (9, 14),
    "A014": (0, 1),
    "C001": (21, 21),
    "C002": (56, 56),
    "C004": (1, 1),
    "C005": (5, 6),
    "C006": (4, 4),
    "C007": (20, 45),
    "C008": (26, 26),
    "C011": (17, 42),
    "E005": (3, 7),
    "S007": (7, 7),
}

#: Wording rules that no longer fire on the sample, so their precision is unknown: a wording
#: rule (EARS grammar, a smell, a missing user story) joins the default tier only on evidence.
#: Structure and consistency rules that never fired report facts and stay in the default tier.
OPT_IN_BY_JUDGEMENT: frozenset[str] = frozenset({"E001", "E002", "E003", "E004", "A011", "S009"})


def tier_of(code: str) -> str:
    measured = MEASURED.get(code)
    if measured is None:
        return "opt-in" if code in OPT_IN_BY_JUDGEMENT else "default"
    true, judged = measured
    return "default" if judged and true / judged >= DEFAULT_MIN_PRECISION else "opt-in"


def precision_of(code: str) -> tuple[float | None, int]:
    measured = MEASURED.get(code)
    if measured is None or not measured[1]:
        return None, 0
    true, judged = measured
    return true / judged, judged
