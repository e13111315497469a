"""`find_smells`: every A-rule finding of one criterion, from one scan of its text.

See the package docstring for how it stays fast. The lexicon branch, the passive, the
coordinated response and the number each hand their match to their own module; SHALLs, a
joining "then", open choices and placeholders are literal searches outside the scan.
"""

from __future__ import annotations

import re

from specloom.core.rule import TextFinding
from specloom.quality import lexicon
from specloom.quality.ears import shall_substitute_span
from specloom.quality.smells.combinators import (
    add_coordinated,
    add_open_choices,
    combinator_findings,
    joins_one_operation,
)
from specloom.quality.smells.criterion import (
    SHALL_RE,
    Context,
    find_response_start,
    in_prohibition,
)
from specloom.quality.smells.numbers import add_number
from specloom.quality.smells.obligation import CONTEXT_CODES, applies_here
from specloom.quality.smells.passive import add_passive
from specloom.quality.smells.patterns import NUMBER, coordinated_tail, passive_tail
from specloom.quality.smells.placeholders import may_hold_placeholder, placeholder_findings
from specloom.quality.smells.rules import finding
from specloom.quality.smells.words import CHECKS, LEXICON, normalise

# A single regex finds every candidate in one pass over the lower-cased text, because each
# separate pass costs about as much as the matching itself. It starts with the non-word character
# before a word (the text gets a leading space), not with a lookbehind: `re` then skips over the
# letters inside words in its fast loop instead of trying a match at each of them. Its branches,
# tried in this order at each word start:
#   lex   any lexicon phrase (longest first);
#   pas   a form of "be" followed by a past participle (only "be" is consumed, so that words
#         inside the passive, such as "not", are still seen by the lexicon branch);
#   crd   "and"/"or"/"but" that start a second response (again only the conjunction is consumed);
#   num   a number not glued to a unit ("5s", "10%").
_SCAN_RE = re.compile(
    r"[^\w-](?:"
    + r"(?P<lex>"
    + lexicon.trie_pattern(LEXICON)
    + r")(?![\w-])"
    + r"|(?P<pas>"
    + lexicon.trie_pattern(lexicon.BE_FORMS)
    + r")(?![\w-])(?="
    + passive_tail(capture=False)
    + r")"
    + r"|(?P<crd>and|or|but)(?="
    + coordinated_tail(capture=False)
    + r")"
    + r"|(?P<num>"
    + NUMBER
    + r")"
    + r")"
)


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
    shalls = list(SHALL_RE.finditer(lowered))
    response_start = find_response_start(lowered, shalls)
    context = Context(text, lowered, response_start, obligation_only)
    findings = _scan(context)
    findings.extend(combinator_findings(text, lowered, shalls, response_start, obligation_only))
    if obligation_only and " or " in lowered and response_start <= len(lowered):
        add_open_choices(findings, context)
    if may_hold_placeholder(text, lowered):
        findings.extend(placeholder_findings(text, lowered))
    findings.sort(key=lambda f: (f.start, f.code, f.end))
    return findings


def _scan(context: Context) -> list[TextFinding]:
    text, lowered, response_start = context.text, context.lowered, context.response_start
    findings: list[TextFinding] = []
    substitute: tuple[int, int] | bool | None = False  # E004's word, computed only when needed
    for match in _SCAN_RE.finditer(" " + lowered):
        kind = match.lastgroup or ""
        start, end = match.span(kind)
        start -= 1  # offsets in the padded text are one too high
        end -= 1
        if kind == "lex":
            for code, check in LEXICON.get(normalise(lowered[start:end]), ()):
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
                        substitute = shall_substitute_span(text)
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
