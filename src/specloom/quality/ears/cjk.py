"""Criteria written mainly in Japanese or Chinese, with English EARS keywords."""

from __future__ import annotations

import re

from specloom.quality.ears.clauses import LEADING_KEYWORD_RE, last_word, make_clause
from specloom.quality.ears.result import EarsClause, EarsResult, pattern_of
from specloom.quality.lexicon import lazy_regex

# Hiragana, katakana, CJK ideographs (with extension A) and the CJK punctuation block.
_CJK_RE = lazy_regex(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]")
# The system name in a CJK criterion: "the AI Coach システムは", "THE Dashboard UI は、",
# "the 报表服务应" (topic or subject particle, or a Chinese modal verb, after the name).
_CJK_SYSTEM_RE = lazy_regex(
    r"(?<![\w-])the\s+([^\s、，。,]+(?:\s+[^\s、，。,]+)*?)\s*"
    r"(?:は|が|では|应当|应该|应|必须|将|会|需要)",
    re.IGNORECASE,
)


def is_cjk(text: str) -> bool:
    """True for a Japanese sentence (any hiragana: its particles and verb endings carry the
    grammar, however many English identifiers it names), or when CJK characters make up at
    least a quarter of the non-space characters (Chinese)."""
    if _HIRAGANA_RE().search(text):
        return True
    cjk = len(_CJK_RE().findall(text))
    return cjk > 0 and cjk * 4 >= len(text) - text.count(" ")


_HIRAGANA_RE = lazy_regex(r"[\u3041-\u309f]")


def parse_cjk(text: str, lowered: str) -> EarsResult:
    """A criterion written mainly in Japanese or Chinese with English EARS keywords.

    The obligation is carried by the sentence-final verb (``...を表示する``), so a missing
    SHALL is no finding; the pattern comes from the English keywords and the system name is
    the noun phrase after "the" that the particle は/が (or a Chinese modal) closes.
    """
    lead = LEADING_KEYWORD_RE.match(lowered)
    system = _CJK_SYSTEM_RE().search(text, lead.end() if lead else 0)
    clauses: tuple[EarsClause, ...] = ()
    if lead is not None:
        end = system.start() if system else len(text)
        clause_end = _cjk_clause_end(text, lead.end(1), end)
        clause = make_clause(text, lead.start(1), lead.end(1), clause_end)
        clauses = (clause.clause,)
    known = lead is not None or system is not None
    return EarsResult(
        pattern=pattern_of(clauses) if known else "unknown",
        dialect="cjk" if known else "none",
        clauses=clauses,
        system=system.group(1) if system else None,
        system_span=system.span(1) if system else None,
        response=text[system.end() :].strip(" 、，。.") if system else None,
        findings=(),
    )


def _cjk_clause_end(text: str, start: int, end: int) -> int:
    """The clause ends before a trailing "then" or the CJK comma that closes it."""
    then = last_word(text.lower(), "then", start, end)
    end = then if then >= 0 else end
    while end > start and text[end - 1] in " \t、，,":
        end -= 1
    return end
