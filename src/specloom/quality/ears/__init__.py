"""EARS grammar classifier for acceptance criteria (the E rules).

`parse_ears` reads one criterion and says which EARS pattern (Mavin et al., RE 2009) it follows,
which dialect it is written in, where its clauses, system name and response are, and what is
wrong with its grammar. It accepts both Kiro dialects:

- strict: ``WHEN <trigger>, THE <System_Name> SHALL <response>``, ``IF <condition>, THEN THE
  <System_Name> SHALL ...``, ``WHILE``/``WHERE`` likewise, ubiquitous ``THE <System_Name> SHALL``;
- legacy: ``WHEN <event> THEN <system> SHALL <response>``, ``IF <precondition> THEN <system>
  SHALL ...``, with triggers joined by AND.

The parser is a few precompiled regex searches, no tokenizer: the criterion's first SHALL (or
the word used in its place) splits it into a head and a response; in the head, the last comma or
THEN before SHALL separates the clauses from the system name; clause keywords are recognised at
the start, after a comma, semicolon, AND or OR, or anywhere when written in upper case. Commas
inside conditions are therefore harmless. Deviations (lower-case keywords, "should" for SHALL,
IF without THEN, clauses out of order) are reported as findings, and the pattern is still
classified where the structure allows.

The modules: `parser` (`parse_ears`: a criterion's head and its response), `head` (everything up
to SHALL and the findings about it, read once per distinct head), `clauses` (where the sentence,
clauses, separator and system name are), `cjk` (criteria written in Japanese or Chinese),
`result` (the records) and `rules` (the E rules).
"""

from specloom.quality.ears.parser import (
    SHALL_RE,
    parse_ears,
    parse_lowered,
    shall_substitute_span,
    substitute_span_in,
)
from specloom.quality.ears.result import PATTERNS, EarsClause, EarsResult
from specloom.quality.ears.rules import RULES

__all__ = [
    "PATTERNS",
    "RULES",
    "SHALL_RE",
    "EarsClause",
    "EarsResult",
    "parse_ears",
    "parse_lowered",
    "shall_substitute_span",
    "substitute_span_in",
]
