"""A010: more than one requirement in one statement.

Three sources: a second SHALL, a conjunction that starts a second response ("store the item and
notify the user", found by the scan) and a "then" that joins one (", then notify"). In check
mode "and"/"or" that join one operation ("load and display the report", a check and its
outcome, the content of a permission) are not reported, and a response that leaves a choice
between alternatives open ("display a toast or a dialog") is.
"""

from __future__ import annotations

import re

from specloom.core.rule import TextFinding
from specloom.quality.lexicon import lazy_regex
from specloom.quality.smells.criterion import (
    Context,
    in_prohibition,
    in_quotes,
    list_clause_start,
)
from specloom.quality.smells.patterns import coordinated_tail
from specloom.quality.smells.rules import finding

_COORDINATED_TAIL_RE = lazy_regex(coordinated_tail(capture=True))
_THEN_RE = re.compile(r"then(?<![\w-]then)(?![\w-])")
_THEN_JOINERS = (",", ";", " and", " or")


def add_coordinated(
    findings: list[TextFinding], text: str, lowered: str, start: int, end: int
) -> None:
    tail = _COORDINATED_TAIL_RE().match(lowered, end)
    if tail is None:
        return
    tail_end = tail.end()
    if text[tail_end - 2 : tail_end] == " A":
        return  # "and Appendix A": a label, not the article
    findings.append(finding("A010", start, tail_end, text[start:tail_end], "coordinated"))


def combinator_findings(
    text: str,
    lowered: str,
    shalls: list[re.Match[str]],
    response_start: int,
    obligation_only: bool = False,
) -> list[TextFinding]:
    """Every SHALL after the first, and "then" joining a second response (", then notify")."""
    findings = [
        finding("A010", m.start(), m.end(), text[m.start() : m.end()], "another")
        for m in shalls[1:]
    ]
    if response_start <= len(lowered) and "then" in lowered:
        for match in _THEN_RE.finditer(lowered, response_start):
            start, end = match.span()
            # ", then notify" joins a second response; "is then owned" is an adverb.
            if not lowered[max(0, start - 6) : start].rstrip().endswith(_THEN_JOINERS):
                continue
            # "check the cache first, then the database": a noun after "then", one lookup order
            if obligation_only and _COORDINATED_TAIL_RE().match(lowered, end) is None:
                continue
            findings.append(finding("A010", start, end, text[start:end], "coordinated"))
    return findings


# --- A010 in check mode: one operation, and a choice left open ----------------------------------

# "SHALL load and display the report": two verbs that share one object are one operation.
_FIRST_VERB_ONLY_RE = re.compile(r"\s+(?:[a-z]+ly\s+)?[a-z]+\s*$")
# "for save and load operations": nouns after a preposition, not two responses.
_PREPOSITION_WORD_RE = re.compile(
    r"(?<![\w-])(?:for|of|in|on|with|from|between|during|via|about|per)\s+[a-z-]+\s*$"
)
_FIRST_WORD_RE = re.compile(r"\s+(?:(?:not|also|only|then|[a-z]+ly)\s+)?([a-z]+)")
# A check and what happens on its outcome: "validate the token and reject it if expired",
# "deny access and return an authorisation error".
_CHECK_VERBS = frozenset({
    "check", "validate", "verify", "test", "detect", "deny", "reject", "refuse", "block",
    "authenticate", "authorize", "authorise", "confirm", "compare",
})
_OUTCOME_AHEAD_RE = re.compile(
    r"[^,;.]{0,80}?(?<![\w-])(?:when|if|unless|otherwise|invalid|fails?|failed|failure|errors?|"
    r"exceptions?|mismatch)(?![\w-])"
)
# "allow users to view and share", "instruct the model to assess and rate", "tell users they
# can reopen or create": the verbs are the content of a permission, an instruction or a message.
_COMPLEMENT_RE = lazy_regex(
    r"(?<![\w-])(?:(?:allow|allows|enable|enables|permit|permits|let|lets)\s+(?:the\s+|all\s+)?"
    r"(?:users?|admins?|administrators?|customers?|visitors?|players?|members?|developers?|"
    r"operators?|people|anyone|them)(?:\s+to)?|(?:instruct|instructs|instructions|ask|asks|"
    r"tell|tells|remind|reminds|prompt|prompts)(?![\w-])(?:\s+[\w'’-]+){0,4}?\s+to|"
    r"can|may|could)\s+[a-z]"
)
_OBJECT_AHEAD_RE = re.compile(
    r"\s+[a-z]+\s+(?:the|a|an|all|each|every|its|their|it|them|this|these|those)(?![\w-])"
)
_STATE_VERBS = frozenset({"be", "remain", "stay"})


def joins_one_operation(lowered: str, start: int, end: int, response_start: int) -> bool:
    """True when "and"/"or" in the response does not start a second requirement (check mode)."""
    word = lowered[start:end]
    before = lowered[response_start:start]
    if word == "and" and _FIRST_VERB_ONLY_RE.fullmatch(before):
        return True
    if (
        word != "but"
        and _PREPOSITION_WORD_RE.search(lowered, max(response_start, start - 30), start)
        and _OBJECT_AHEAD_RE.match(lowered, end) is None
    ):
        return True  # "for save and load operations"; not "in the log and notify the user"
    clause = max(list_clause_start(lowered, start), response_start)
    if _COMPLEMENT_RE().search(lowered, max(clause, start - 120), start):
        return True
    first = _FIRST_WORD_RE.match(lowered, response_start, start)
    if first is None:
        return False
    verb = first.group(1)
    if word == "and" and verb in _STATE_VERBS:
        return True  # "SHALL be immutable and reject writes": constraints on one subject
    return verb in _CHECK_VERBS and _OUTCOME_AHEAD_RE.match(lowered, end) is not None


# "SHALL display a toast or a dialog", "SHALL return null or an empty list": the response
# names alternatives and leaves the choice to the implementer. Only after a verb that produces
# one result; "accept PNG or JPEG" names a set.
_CHOICE_RE = lazy_regex(
    r"(?<![\w-])(?:display|show|render|return|use|present|produce|emit|open|redirect\s+to|"
    r"navigate\s+to)(?:s)?\s+(?:(?:a|an|the)\s+)?"
    r"(?:(?!(?:or|and|to|in|on|at|by|for|from|with|of|when|if|that|which|while|where|after|"
    r"before|until|one|two|three|zero)(?![\w-]))[\w-]+\s+){0,2}?"
    r"(?!(?:or|and|to|in|on|at|by|for|from|with|of|when|if|one|two|three|zero)(?![\w-]))[\w-]+"
    r"\s+(or)\s+(?!(?:not|more|less|fewer|higher|lower|above|below|later|earlier|equal|"
    r"greater|smaller|larger)(?![\w-]))(?:(?:a|an|the)\s+)?[\w-]"
)


def add_open_choices(findings: list[TextFinding], context: Context) -> None:
    lowered, text = context.lowered, context.text
    for match in _CHOICE_RE().finditer(lowered, context.response_start):
        start, end = match.span(1)
        if context.in_condition(start) or in_quotes(text, start):
            continue
        if in_prohibition(lowered, start, context.response_start):
            continue
        if any(f.code == "A010" and f.start == start for f in findings):
            continue
        findings.append(
            TextFinding(
                "A010", start, end,
                f'"{text[match.start() : match.end() - 1].strip()}...": the response leaves '
                "a choice between alternatives open",
                "Decide which alternative the system shall use, or state when each applies.",
            )
        )
