"""`find_smells`: every A-rule finding of one criterion, from one scan of its text.

See the package docstring for how it stays fast. The scan (`candidates`) finds lexicon phrases,
passives, coordinated responses and numbers; each hands its candidate to its own module here.
SHALLs, a joining "then", open choices and placeholders are literal searches outside the scan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from specloom.core.rule import TextFinding
from specloom.quality import lexicon
from specloom.quality.ears import SHALL_RE, substitute_span_in
from specloom.quality.smells.candidates import Candidate, candidates
from specloom.quality.smells.combinators import (
    add_coordinated,
    add_open_choices,
    combinator_findings,
    joins_one_operation,
)
from specloom.quality.smells.criterion import (
    Context,
    find_modal,
    in_prohibition,
)
from specloom.quality.smells.numbers import add_number
from specloom.quality.smells.obligation import CONTEXT_CODES, applies_here
from specloom.quality.smells.passive import add_passive
from specloom.quality.smells.placeholders import placeholder_findings
from specloom.quality.smells.rules import finding
from specloom.quality.smells.words import CHECKS, LEXICON, normalise


def find_smells(text: str, *, obligation_only: bool = False) -> list[TextFinding]:
    """All A-rule findings for one criterion or requirement sentence, sorted by start.

    By default this is a sentence-level detector: every agentless passive, negative, absolute,
    pronoun and weak modal in the text is reported (what the linguistic labels of
    `benchmarks/quality_eval.py` count). With `obligation_only` (what `check` uses) only the
    words that make the obligation itself ambiguous are reported; not reported are:

    - passives, negatives, absolutes and weak modals in a condition: the EARS clauses before
      SHALL (``WHEN a request is received``) and a subordinate clause in the response
      (``... when the key is not configured``);
    - a prohibition with a clear action (``SHALL NOT store the password``, ``SHALL never
      log the token``), ``any``/``all`` inside a prohibition (``SHALL NOT expose any
      secret``), ``or`` joining the prohibited actions, and a bounded ``all`` (``all items
      in the cart``, ``all four categories``, ``all labels: a, b``);
    - a possessive whose antecedent is a noun of the same clause (``WHEN a user exceeds
      their limit``, ``THE Cart_Service SHALL log its state``);
    - weak modals in a note after the response (a later sentence, a parenthesis);
    - single words listed as values in a parenthesis (``(none, small, large)``).

    Pure and total: never raises, whatever the text.
    """
    lowered = lexicon.lower_keeping_offsets(text)
    return smells_in(text, lowered, obligation_only, SHALL_RE.search(lowered))


def smells_in(
    text: str, lowered: str, obligation_only: bool, shall: re.Match[str] | None
) -> list[TextFinding]:
    """`find_smells` on a text, its lower-cased copy (`lexicon.lower_keeping_offsets`) and its
    first SHALL (`SHALL_RE.search(lowered)`), which the EARS parser needs too."""
    modal = shall
    shalls: list[re.Match[str]]
    if modal is None:
        shalls = []
        modal = find_modal(lowered, shalls)
    elif lowered.find("shall", modal.end()) >= 0:
        shalls = list(SHALL_RE.finditer(lowered))
    else:  # the usual case: one SHALL, one search
        shalls = [modal]
    found, placeholder = candidates(lowered)
    choices = obligation_only and modal is not None and " or " in lowered
    context = Context(text, lowered, modal, obligation_only) if found or choices else None
    findings = _scan(context, found, bool(shalls)) if context is not None and found else []
    if len(shalls) > 1 or ("then" in lowered and modal is not None):
        response_start = modal.end() if modal is not None else len(lowered) + 1
        findings.extend(
            combinator_findings(text, lowered, shalls, response_start, obligation_only)
        )
    if choices and context is not None:
        add_open_choices(findings, context)
    if placeholder:
        findings.extend(placeholder_findings(text, lowered))
    if len(findings) > 1:
        findings.sort(key=_finding_order)
    return findings


def _finding_order(finding: TextFinding) -> tuple[int, str, int]:
    return finding.start, finding.code, finding.end


def _scan(
    context: Context, found: Sequence[Candidate], has_shall: bool
) -> list[TextFinding]:
    text, lowered, response_start = context.text, context.lowered, context.response_start
    findings: list[TextFinding] = []
    # E004's word, computed only when needed; without SHALL there is none
    substitute: tuple[int, int] | bool | None = None if has_shall else False
    for kind, start, end in found:
        if kind == "lex":
            entries = LEXICON.get(lowered[start:end])  # else "can’t", "at  least"
            if entries is None:
                entries = LEXICON.get(normalise(lowered[start:end]), ())
            for code, check in entries:
                if check and not CHECKS[check](text, lowered, start, end):
                    continue
                if (
                    context.obligation_only
                    and code in CONTEXT_CODES
                    and not applies_here(code, context, start, end)
                ):
                    continue
                if code == "A009":
                    if substitute is False:
                        substitute = substitute_span_in(lowered)
                    if substitute == (start, end):
                        continue  # E004 already reports this word as used instead of SHALL
                findings.append(finding(code, start, end, text[start:end]))
        elif kind == "pas":
            if not (context.in_condition(start) or context.in_embedded_clause(start)):
                add_passive(findings, text, lowered, start, end)
        elif kind == "crd":
            # "SHALL NOT import or use X" forbids both: one prohibition, not two responses
            if start >= response_start and not (
                context.obligation_only
                and (
                    (lowered[start:end] == "or" and in_prohibition(lowered, start, response_start))
                    or joins_one_operation(lowered, start, end, response_start)
                )
            ):
                add_coordinated(findings, text, lowered, start, end)
        else:
            add_number(findings, text, lowered, start, end)
    return findings
