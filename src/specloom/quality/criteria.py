"""The EARS and smell rules on one criterion's text, computed once per distinct text.

`check` reads every criterion of every spec, and specs written from one template repeat many
criteria word for word. `criterion_rules` lower-cases a text and finds its first SHALL once,
gives both to the EARS parser and to the smell scan, and keeps the result for the rest of the
process: the result is immutable (tuples of named tuples and frozen records), so a repeated
text costs one dictionary lookup. The memo is bounded; when full it starts again empty.
"""

from __future__ import annotations

from specloom.core.rule import TextFinding
from specloom.quality.ears import SHALL_RE, EarsResult, parse_lowered
from specloom.quality.lexicon import lower_keeping_offsets
from specloom.quality.smells.scan import smells_in

#: What the text rules found in one criterion: the EARS findings (sorted by start) then the
#: smell findings (sorted by start), and the EARS parse (None when not read as EARS).
CriterionRules = tuple[tuple[TextFinding, ...], EarsResult | None]

#: Distinct texts kept per memo; a workspace of 1,000 generated specs has about 25,000.
MAX_MEMO = 1 << 16
_WITH_EARS: dict[str, CriterionRules] = {}
_WITHOUT_EARS: dict[str, CriterionRules] = {}


def criterion_rules(text: str, ears: bool = True) -> CriterionRules:
    """The EARS findings (when `ears`) and the check-mode smell findings of `text`."""
    memo = _WITH_EARS if ears else _WITHOUT_EARS
    found = memo.get(text)
    if found is not None:
        return found
    if len(memo) >= MAX_MEMO:
        memo.clear()
    lowered = lower_keeping_offsets(text)
    shall = SHALL_RE.search(lowered)
    smells = tuple(smells_in(text, lowered, True, shall))
    if ears:
        parsed = parse_lowered(text, lowered, shall)
        found = (parsed.findings + smells if smells else parsed.findings), parsed
    else:
        found = smells, None
    memo[text] = found
    return found
