"""A007: a passive verb without an actor ("the invoice shall be generated").

The scan finds a form of "be" followed by a participle; this module reads the participle again
and drops the passive when it is no participle ("is open") or an agent follows ("by the
Billing_Service").
"""

from __future__ import annotations

import re

from specloom.core.rule import TextFinding
from specloom.quality import lexicon
from specloom.quality.smells.patterns import passive_tail
from specloom.quality.smells.rules import finding

_PASSIVE_TAIL_RE = re.compile(passive_tail(capture=True))
_NOT_PARTICIPLES = frozenset(lexicon.NOT_PARTICIPLES)
# "by" after the participle names the actor, except in fixed phrases about manner.
_AGENT_RE = re.compile(
    r"(?:\s+[a-z]+ly)?\s+by\s+(?!means\b|default\b|way\b|hand\b|using\b|design\b|itself\b)"
)


def add_passive(
    findings: list[TextFinding], text: str, lowered: str, start: int, end: int
) -> None:
    tail = _PASSIVE_TAIL_RE.match(lowered, end)
    if tail is None or tail.group(1) in _NOT_PARTICIPLES:
        return
    if _AGENT_RE.match(lowered, tail.end()):
        return  # "by the Billing_Service": the actor is named
    findings.append(finding("A007", start, tail.end(), text[start : tail.end()]))
