"""A012: a measured quantity given as a bare number ("within 5").

The scan finds each number not glued to a unit; it counts only after a measuring word (within,
at most, timeout of ...) and when no unit or counted noun follows.
"""

from __future__ import annotations

import re

from specloom.core.rule import TextFinding
from specloom.quality import lexicon
from specloom.quality.smells.rules import finding

# Searched over the few characters before a number: the word-start check after each first letter
# lets `re` skip the letters no measuring word starts with.
_MEASURE_BEFORE_RE = re.compile(
    "(" + lexicon.word_start_pattern(lexicon.MEASURE_CONTEXT) + r")\s*$"
)
_NON_UNIT_FOLLOWER_RE = re.compile(
    r"\s*(?:[.,;:!?)\]]|$|(?:" + "|".join(lexicon.NON_UNIT_FOLLOWERS) + r")\b)"
)
# "the number of votes is at least 3": the counted noun came first.
_COUNT_BEFORE_RE = re.compile(r"\b(?:number|count|quantity|amount|total)\s+of\b")
_YEAR_CONTEXT = ("before", "after", "until")


def add_number(findings: list[TextFinding], text: str, lowered: str, start: int, end: int) -> None:
    number = lowered[start:end]
    if ":" in number or number.strip("0") == "":  # a time of day; zero needs no unit
        return
    if not _NON_UNIT_FOLLOWER_RE.match(lowered, end):
        return  # a unit or counted noun follows (the cheaper test first)
    context = _MEASURE_BEFORE_RE.search(lowered, max(0, start - 24), start)
    if context is None:
        return  # not a measured quantity
    if _COUNT_BEFORE_RE.search(lowered, max(0, start - 80), start):
        return
    if context.group(1) in _YEAR_CONTEXT and len(number) == 4 and number[:2] in ("19", "20"):
        return
    findings.append(finding("A012", start, end, text[start:end]))
