"""`parse_ears`: classify one criterion and report what is wrong with its EARS grammar."""

from __future__ import annotations

import re

from specloom.core.rule import TextFinding
from specloom.quality.ears.cjk import is_cjk, parse_cjk
from specloom.quality.ears.clauses import (
    LEADING_KEYWORD_RE,
    fallback_separator,
    find_separator,
    find_system_span,
    sentence_start,
    split_clauses,
    trailing_clauses,
)
from specloom.quality.ears.result import (
    EarsClause,
    EarsResult,
    ParsedClause,
    Separator,
    pattern_of,
)
from specloom.quality.ears.rules import finding
from specloom.quality.lexicon import SHALL_SUBSTITUTES, lower_keeping_offsets, word_pattern

_SHALL_RE = re.compile(r"shall(?<![\w-]shall)(?![\w-])")
_SUBSTITUTE_RE = re.compile(word_pattern(SHALL_SUBSTITUTES))
# A ubiquitous subject is a short noun phrase; a long head without a comma is prose.
_MAX_UBIQUITOUS_SUBJECT_WORDS = 8
_CLAUSE_RANK = {"precondition": 0, "state": 1, "trigger": 2, "condition": 2}


def shall_substitute_span(text: str) -> tuple[int, int] | None:
    """Span of the word E004 reports in place of SHALL, or None when SHALL is present.

    The smell rules call this so that a weak modal already reported as E004 is not reported
    again as A009.
    """
    lowered = lower_keeping_offsets(text)
    if _SHALL_RE.search(lowered) is not None:
        return None
    substitute = _SUBSTITUTE_RE.search(lowered)
    return None if substitute is None else substitute.span()


def parse_ears(text: str) -> EarsResult:
    """Classify one criterion and report its EARS grammar findings. Never raises."""
    lowered = lower_keeping_offsets(text)
    findings: list[TextFinding] = []
    modal = _SHALL_RE.search(lowered)
    if modal is None:
        modal = _SUBSTITUTE_RE.search(lowered)
        if modal is None:
            if is_cjk(text):
                return parse_cjk(text, lowered)
            return _not_ears(text, "no SHALL: the criterion matches no EARS pattern")
        word = text[modal.start() : modal.end()]
        findings.append(finding("E004", *modal.span(), f'"{word}" used instead of SHALL'))
    head_start = sentence_start(text, modal.start())
    lead = LEADING_KEYWORD_RE.match(lowered, head_start)
    separator = find_separator(text, lowered, head_start, modal.start())

    if lead is None:
        return _parse_without_clauses(text, lowered, head_start, modal, separator, findings)

    if separator is None:
        separator = fallback_separator(lowered, lead.end(), modal.start())
    prefix_end = separator.start if separator else modal.start()
    subject_start = separator.end if separator else modal.start()
    clauses = split_clauses(text, lowered, lead.start(1), prefix_end)
    return _build(text, lowered, clauses, subject_start, modal, separator, findings)


def _parse_without_clauses(
    text: str,
    lowered: str,
    head_start: int,
    modal: re.Match[str],
    separator: Separator | None,
    findings: list[TextFinding],
) -> EarsResult:
    """A criterion that does not open with a clause keyword: ubiquitous or not EARS."""
    if separator is not None:
        message = "the text before the system name does not start with WHERE, WHILE, WHEN or IF"
        return _not_ears(text, message, findings)
    subject = text[head_start : modal.start()]
    if len(subject.split()) > _MAX_UBIQUITOUS_SUBJECT_WORDS:
        return _not_ears(text, "no EARS keyword and no short system name before SHALL", findings)
    return _build(text, lowered, [], head_start, modal, None, findings)


def _build(
    text: str,
    lowered: str,
    clauses: list[ParsedClause],
    subject_start: int,
    modal: re.Match[str],
    separator: Separator | None,
    findings: list[TextFinding],
) -> EarsResult:
    system_span = find_system_span(text, lowered, subject_start, modal.start())
    response = text[modal.end() :].strip().removesuffix(".").rstrip()
    if system_span is None or not response:
        problem = "no system name before SHALL" if system_span is None else "nothing after SHALL"
        return _not_ears(text, problem, findings, tuple(c.clause for c in clauses))

    trailing = trailing_clauses(text, lowered, modal.end())
    if len(clauses) > 1 or trailing:
        findings.extend(_order_findings(clauses, trailing))
    for parsed in clauses:
        if parsed.clause.kind == "condition":
            if not (separator and separator.is_then):
                message = f'"{parsed.clause.keyword}" condition without THEN'
                findings.append(finding("E002", parsed.keyword_start, parsed.keyword_end, message))
            break
    all_clauses = tuple([c.clause for c in clauses + trailing])
    legacy = separator is not None and separator.is_then and not separator.comma_before_then
    dialect = "legacy" if legacy else "strict"
    if _is_lower_case_dialect(text, clauses, separator, modal):
        # cc-sdd's template "When <event>, the <system> shall <response>": lower-case keywords
        # throughout are a dialect, not a slip; E003 is for criteria that mix the cases.
        dialect = "cc-sdd"
    else:
        _add_lowercase_findings(findings, text, clauses, separator, modal)
    if len(findings) > 1:
        findings.sort(key=lambda f: (f.start, f.code))
    return EarsResult(
        pattern=pattern_of(all_clauses),
        dialect=dialect,
        clauses=all_clauses,
        system=text[system_span[0] : system_span[1]],
        system_span=system_span,
        response=response,
        findings=tuple(findings),
    )



def _is_lower_case_dialect(
    text: str, clauses: list[ParsedClause], separator: Separator | None, modal: re.Match[str]
) -> bool:
    """True when no EARS keyword of the criterion is written in upper case (cc-sdd's template
    ``When <event>, the <system> shall <response>``)."""
    if text[modal.start() : modal.end()].isupper():
        return False
    is_then = separator is not None and separator.is_then
    if is_then and separator is not None and text[separator.start : separator.end].isupper():
        return False
    return not any(c.clause.keyword.isupper() for c in clauses)


def _order_findings(clauses: list[ParsedClause], trailing: list[ParsedClause]) -> list[TextFinding]:
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


def _add_lowercase_findings(
    findings: list[TextFinding],
    text: str,
    clauses: list[ParsedClause],
    separator: Separator | None,
    modal: re.Match[str],
) -> None:
    spans = [(c.keyword_start, c.keyword_end) for c in clauses]
    if separator is not None and separator.is_then:
        spans.append((separator.start, separator.end))
    if modal.group() == "shall":
        spans.append(modal.span())
    for start, end in spans:
        word = text[start:end]
        if not word.isupper():
            message = f'EARS keyword "{word}" is not upper-case'
            findings.append(finding("E003", start, end, message))


def _not_ears(
    text: str,
    message: str,
    findings: list[TextFinding] | None = None,
    clauses: tuple[EarsClause, ...] = (),
) -> EarsResult:
    stripped_start = len(text) - len(text.lstrip())
    stripped_end = len(text.rstrip())
    all_findings = list(findings or [])
    stripped_end = max(stripped_start, stripped_end)
    all_findings.append(finding("E001", stripped_start, stripped_end, message))
    all_findings.sort(key=lambda f: (f.start, f.code))
    return EarsResult(
        pattern="unknown",
        dialect="none",
        clauses=clauses,
        system=None,
        system_span=None,
        response=None,
        findings=tuple(all_findings),
    )
