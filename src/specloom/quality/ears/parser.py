"""`parse_ears`: classify one criterion and report what is wrong with its EARS grammar.

A criterion is read in two parts: its head, up to and including SHALL (`head.read_head`: the
clauses, the system name and every finding about them), and the response after SHALL. The
criteria of a spec often share a head ("WHEN the user saves the form, THE Editor SHALL ..."),
so each distinct head is read once and kept; only the response is read for every criterion.
"""

from __future__ import annotations

import re

from specloom.core.rule import TextFinding
from specloom.quality.ears.cjk import is_cjk, parse_cjk
from specloom.quality.ears.clauses import trailing_clauses
from specloom.quality.ears.head import Head, finding_order, order_findings, read_head
from specloom.quality.ears.result import EarsClause, EarsResult, pattern_of
from specloom.quality.ears.rules import finding
from specloom.quality.lexicon import SHALL_SUBSTITUTES, lower_keeping_offsets, word_pattern

#: SHALL as a word, in the lower-cased text.
SHALL_RE = re.compile(r"shall(?<![\w-]shall)(?![\w-])")
_SUBSTITUTE_RE = re.compile(word_pattern(SHALL_SUBSTITUTES))
#: Distinct heads kept; when full, the memo starts again empty.
MAX_HEADS = 1 << 15
_HEADS: dict[str, Head] = {}


def shall_substitute_span(text: str) -> tuple[int, int] | None:
    """Span of the word E004 reports in place of SHALL, or None when SHALL is present.

    The smell rules call this so that a weak modal already reported as E004 is not reported
    again as A009.
    """
    return substitute_span_in(lower_keeping_offsets(text))


def substitute_span_in(lowered: str) -> tuple[int, int] | None:
    """`shall_substitute_span` on the lower-cased text (`lexicon.lower_keeping_offsets`)."""
    if SHALL_RE.search(lowered) is not None:
        return None
    substitute = _SUBSTITUTE_RE.search(lowered)
    return None if substitute is None else substitute.span()


def parse_ears(text: str) -> EarsResult:
    """Classify one criterion and report its EARS grammar findings. Never raises."""
    lowered = lower_keeping_offsets(text)
    return parse_lowered(text, lowered, SHALL_RE.search(lowered))


def parse_lowered(text: str, lowered: str, shall: re.Match[str] | None) -> EarsResult:
    """`parse_ears` on a text, its lower-cased copy (`lexicon.lower_keeping_offsets`) and its
    first SHALL (`SHALL_RE.search(lowered)`), which the smell rules need too."""
    modal = shall
    substitute = modal is None
    if modal is None:
        modal = _SUBSTITUTE_RE.search(lowered)
        if modal is None:
            if is_cjk(text):
                return parse_cjk(text, lowered)
            return _not_ears(text, "no SHALL: the criterion matches no EARS pattern")
    response_start = modal.end()
    if text.isascii():  # the lower-cased head then depends on the head alone
        key = text[:response_start]
        head = _HEADS.get(key)
        if head is None:
            if len(_HEADS) >= MAX_HEADS:
                _HEADS.clear()
            head = _HEADS[key] = read_head(text, lowered, modal, substitute)
    else:
        head = read_head(text, lowered, modal, substitute)
    return _with_response(text, lowered, head, response_start)


def _with_response(text: str, lowered: str, head: Head, response_start: int) -> EarsResult:
    """The whole criterion: its head and the response after SHALL."""
    if head.problem is not None:
        return _not_ears(text, head.problem, head.findings, head.clauses)
    response = text[response_start:].strip().removesuffix(".").rstrip()
    if not response:
        return _not_ears(text, "nothing after SHALL", head.findings, head.clauses)
    trailing = trailing_clauses(text, lowered, response_start)
    if not trailing:  # the usual case: everything but the response comes from the head
        return EarsResult(head.pattern, head.dialect, head.clauses, head.system,
                          head.system_span, response, head.checked)
    clauses = head.clauses + tuple([parsed.clause for parsed in trailing])
    findings = head.checked + tuple(order_findings([], trailing))
    return EarsResult(pattern_of(clauses), head.dialect, clauses, head.system,
                      head.system_span, response, findings)


def _not_ears(
    text: str,
    message: str,
    findings: tuple[TextFinding, ...] = (),
    clauses: tuple[EarsClause, ...] = (),
) -> EarsResult:
    stripped_start = len(text) - len(text.lstrip())
    stripped_end = len(text.rstrip())
    all_findings = list(findings)
    stripped_end = max(stripped_start, stripped_end)
    all_findings.append(finding("E001", stripped_start, stripped_end, message))
    all_findings.sort(key=finding_order)
    return EarsResult(
        pattern="unknown",
        dialect="none",
        clauses=clauses,
        system=None,
        system_span=None,
        response=None,
        findings=tuple(all_findings),
    )
