"""The head of a criterion: everything up to and including SHALL.

`read_head` finds the clauses, the separator and the system name before SHALL and every
grammar finding about them (E002, E003, E004 and the order of the clauses, E005). It reads
nothing after SHALL, so its result depends on the head's text alone and `parser` keeps it
for each distinct head.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from specloom.core.rule import TextFinding
from specloom.quality.ears.clauses import (
    LEADING_KEYWORD_RE,
    fallback_separator,
    find_separator,
    find_system_span,
    sentence_start,
    split_clauses,
)
from specloom.quality.ears.result import EarsClause, ParsedClause, Separator, pattern_of
from specloom.quality.ears.rules import finding

# A ubiquitous subject is a short noun phrase; a long head without a comma is prose.
_MAX_UBIQUITOUS_SUBJECT_WORDS = 8
_CLAUSE_RANK = {"precondition": 0, "state": 1, "trigger": 2, "condition": 2}


class Head(NamedTuple):
    """What the head of one criterion says; offsets index the whole criterion."""

    #: The E001 message when the head alone rules EARS out, else None.
    problem: str | None
    #: What is reported if the criterion turns out not to be EARS (E004).
    findings: tuple[TextFinding, ...]
    clauses: tuple[EarsClause, ...]
    system: str | None
    system_span: tuple[int, int] | None
    #: What is reported if it is EARS: the findings and those of the clauses, sorted by start.
    checked: tuple[TextFinding, ...]
    dialect: str
    #: The pattern when no clause follows the response.
    pattern: str


def read_head(text: str, lowered: str, modal: re.Match[str], substitute: bool) -> Head:
    """Read the head of `text` up to `modal`, its SHALL (or, with `substitute`, the word used
    instead of SHALL). Reads `text` and `lowered` before `modal.end()` only."""
    findings: list[TextFinding] = []
    if substitute:
        word = text[modal.start() : modal.end()]
        findings.append(finding("E004", *modal.span(), f'"{word}" used instead of SHALL'))
    modal_start = modal.start()
    head_start = sentence_start(text, modal_start)
    lead = LEADING_KEYWORD_RE.match(lowered, head_start)
    separator = find_separator(text, lowered, head_start, modal_start)
    clauses: Sequence[ParsedClause] = ()
    if lead is None:
        # A criterion that does not open with a clause keyword: ubiquitous or not EARS.
        if separator is not None:
            return _problem("the text before the system name does not start with WHERE, "
                            "WHILE, WHEN or IF", findings)
        if len(text[head_start:modal_start].split()) > _MAX_UBIQUITOUS_SUBJECT_WORDS:
            return _problem("no EARS keyword and no short system name before SHALL", findings)
        subject_start = head_start
    else:
        if separator is None:
            separator = fallback_separator(lowered, lead.end(), modal_start)
        prefix_end = separator.start if separator else modal_start
        subject_start = separator.end if separator else modal_start
        clauses = split_clauses(text, lowered, lead.start(1), prefix_end)
    system_span = find_system_span(text, lowered, subject_start, modal_start)
    if system_span is None:
        return _problem("no system name before SHALL", findings, clauses)
    return _checked(text, findings, clauses, separator, modal, system_span)


def _problem(
    message: str, findings: list[TextFinding], clauses: Sequence[ParsedClause] = ()
) -> Head:
    records = tuple([parsed.clause for parsed in clauses]) if clauses else ()
    return Head(message, tuple(findings), records, None, None, (), "none", "unknown")


def _checked(
    text: str,
    findings: list[TextFinding],
    clauses: Sequence[ParsedClause],
    separator: Separator | None,
    modal: re.Match[str],
    system_span: tuple[int, int],
) -> Head:
    """The head of an EARS criterion, with the findings about its clauses and keywords."""
    checked = list(findings)
    if len(clauses) > 1:
        checked.extend(order_findings(clauses, []))
    is_then = separator is not None and separator.is_then
    for parsed in clauses:
        if parsed.clause.kind == "condition":
            if not is_then:
                message = f'"{parsed.clause.keyword}" condition without THEN'
                checked.append(finding("E002", parsed.keyword_start, parsed.keyword_end, message))
            break
    legacy = separator is not None and separator.is_then and not separator.comma_before_then
    dialect = "legacy" if legacy else "strict"
    if _is_lower_case_dialect(text, clauses, separator, modal):
        # cc-sdd's template "When <event>, the <system> shall <response>": lower-case keywords
        # throughout are a dialect, not a slip; E003 is for criteria that mix the cases.
        dialect = "cc-sdd"
    else:
        _add_lowercase_findings(checked, text, clauses, separator, modal)
    if len(checked) > 1:
        checked.sort(key=finding_order)
    records = tuple([parsed.clause for parsed in clauses])
    return Head(None, tuple(findings), records, text[system_span[0] : system_span[1]],
                system_span, tuple(checked), dialect, pattern_of(records))


def finding_order(found: TextFinding) -> tuple[int, str]:
    return found.start, found.code


def order_findings(
    clauses: Sequence[ParsedClause], trailing: Sequence[ParsedClause]
) -> list[TextFinding]:
    """E005: a clause after one that belongs later, and each clause after SHALL."""
    findings = []
    highest = -1
    for parsed in clauses:
        rank = _CLAUSE_RANK[parsed.clause.kind]
        if rank < highest:
            message = f'"{parsed.clause.keyword}" clause comes after a clause that belongs later'
            findings.append(finding("E005", parsed.keyword_start, parsed.keyword_end, message))
        highest = max(highest, rank)
    for parsed in trailing:
        message = f'"{parsed.clause.keyword}" clause comes after SHALL'
        findings.append(finding("E005", parsed.keyword_start, parsed.keyword_end, message))
    return findings


def _is_lower_case_dialect(
    text: str, clauses: Sequence[ParsedClause], separator: Separator | None, modal: re.Match[str]
) -> bool:
    """True when no EARS keyword of the criterion is written in upper case (cc-sdd's template
    ``When <event>, the <system> shall <response>``)."""
    if text[modal.start() : modal.end()].isupper():
        return False
    is_then = separator is not None and separator.is_then
    if is_then and separator is not None and text[separator.start : separator.end].isupper():
        return False
    return not any(c.clause.keyword.isupper() for c in clauses)


def _add_lowercase_findings(
    findings: list[TextFinding],
    text: str,
    clauses: Sequence[ParsedClause],
    separator: Separator | None,
    modal: re.Match[str],
) -> None:
    """E003 for each keyword of a criterion that writes some of them in upper case."""
    for parsed in clauses:
        word = parsed.clause.keyword  # the text at the keyword's offsets
        if not word.isupper():
            _add_lowercase(findings, word, parsed.keyword_start, parsed.keyword_end)
    if separator is not None and separator.is_then:
        word = text[separator.start : separator.end]
        if not word.isupper():
            _add_lowercase(findings, word, separator.start, separator.end)
    if modal.group() == "shall":  # not a word used instead of SHALL (E004)
        word = text[modal.start() : modal.end()]
        if not word.isupper():
            _add_lowercase(findings, word, modal.start(), modal.end())


def _add_lowercase(findings: list[TextFinding], word: str, start: int, end: int) -> None:
    findings.append(finding("E003", start, end, f'EARS keyword "{word}" is not upper-case'))
