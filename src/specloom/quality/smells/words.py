"""The lexicon branch of the scan: which A rules a phrase belongs to, and its context checks.

`LEXICON` maps each phrase of the word lists (`quality/lexicon.py`) to (rule code, check name)
pairs; a check is a short anchored regex around the match that must pass for the phrase to
count ("faster" without "than", "every" that is not a period, "it" that is not "IT"). Each
check takes (text, lowered, start, end) and looks at no more than a few words around the match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from specloom.quality import lexicon

_Entry = tuple[str, str]
_Check = Callable[[str, str, int, int], bool]


def _build_lexicon() -> dict[str, tuple[_Entry, ...]]:
    entries: dict[str, list[_Entry]] = {}

    def add(phrases: Iterable[str], code: str, check: str = "") -> None:
        for phrase in phrases:
            entries.setdefault(phrase, []).append((code, check))

    add(lexicon.SHIELDS, "")
    add(lexicon.VAGUE_TERMS, "A001", "vague")
    add(lexicon.UNQUANTIFIED_VAGUE, "A001", "unquantified")
    add(lexicon.VAGUE_BEFORE_NUMBER, "A001", "number")
    add(lexicon.VAGUE_ADJECTIVES, "A001", "adjective")
    add(lexicon.VAGUE_WITHOUT_WITH, "A001", "without_with")
    add(lexicon.VAGUE_RESPONSE_VERBS, "A001", "response_verb")
    add(lexicon.VAGUE_AT_CLAUSE_END, "A001", "clause_end")
    add(lexicon.VAGUE_OUTCOME_VERBS, "A014", "outcome")
    add(lexicon.ESCAPE_CLAUSES, "A002")
    add((p for p in lexicon.OPEN_ENDED if p != "like"), "A003")
    add(("like",), "A003", "like")
    add(lexicon.COMPARATIVES, "A004", "comparative")
    add(lexicon.SUPERLATIVES, "A004")
    add((p for p in lexicon.ABSOLUTES if p != "every"), "A005")
    add(("every",), "A005", "every")
    add(lexicon.PERSONAL_PRONOUNS, "A006", "personal")
    add(lexicon.DEMONSTRATIVES, "A006", "demonstrative")
    add(lexicon.NEGATIVES, "A008", "negative")
    add(lexicon.WEAK_MODALS, "A009", "modal")
    add(("cannot", "can't", "can not", "couldn't", "shouldn't", "wouldn't"), "A009")
    add(("can not",), "A008")
    add(lexicon.COMBINATORS, "A010")
    # A shield only hides the words inside it; it has no code of its own.
    return {phrase: tuple(e for e in found if e[0]) for phrase, found in entries.items()}


LEXICON = _build_lexicon()


def normalise(phrase: str) -> str:
    if phrase in LEXICON:
        return phrase
    return " ".join(phrase.replace("’", "'").split())


# --- Context patterns (each run with .match or a short bounded .search) --------------------------

# What may follow a stand-alone demonstrative pronoun: punctuation, a verb or a preposition.
_PRONOUN_NEXT_RE = re.compile(
    r"\s*(?:[.,;:!?)\]]|$|(?:is|are|was|were|be|been|has|have|had|shall|will|must|should|can|"
    r"could|may|might|would|does|do|did|means|includes?|requires?|of|in|on|for|to|with|by|"
    r"from|at|and|or)\b)"
)
# "that" is a demonstrative before "of" ("that of the user"), or after punctuation, a
# preposition or a form of "be" ("after that", "shall be that"); after a noun it is a relative
# pronoun, after a verb a conjunction.
_THAT_PREVIOUS_RE = re.compile(
    r"(?:^|[.,;:(]|\b(?:of|in|on|for|to|with|by|from|at|after|before|than|like|about|upon|be|is|"
    r"are|was|were))\s*$"
)
_OF_AHEAD_RE = re.compile(r"\s+of\b")
_FIRST_PERSON_VERB_RE = re.compile(
    r" (?:am|want|need|can|could|should|shall|will|would|must|may|might|have|do|expect|see|get|"
    r"like|prefer|wish|know|think)\b"
)
# A vague adverb with an explicit comparison is measurable: "more frequently than once a day".
_COMPARED_BEFORE_RE = re.compile(r"\b(?:more|less|as|so)\s+$")
_COMPARED_AFTER_RE = re.compile(r"\s+(?:than|as)\b")
_NUMBER_IN_CLAUSE_RE = re.compile(r"[^.;,()]{0,30}?\d")
_LIMIT_PAIR_AHEAD_RE = re.compile(r"\s+(?:and|or)\s+(?:minimum|maximum)\b")
_LIMIT_NAMED_BEFORE_RE = re.compile(r"\b(?:the|(?:minimum|maximum)\s+(?:and|or))\s+$")
# "every 15 days", "every day": a period, not a universal claim.
_PERIOD_AHEAD_RE = re.compile(
    r"\s+(?:\d|other\b|(?:second|minute|hour|day|week|month|quarter|year|night|morning|time|"
    r"cycle|shift|run|tick|frame|iteration)s?\b)"
)
# "like" is a verb after a subject or modal ("users like", "would like to").
_LIKE_VERB_BEFORE_RE = re.compile(
    r"\b(?:i|we|you|they|users?|would|should|could|might|may|to|not|do|does|did|don't)\s+$"
)
_TO_AHEAD_RE = re.compile(r"\s+to\b")
_THAN_AHEAD_RE = re.compile(r"[^.;:()]{0,60}?\bthan\b")
_NUMBER_OR_RE = re.compile(
    r"(?:\d|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten))\s+(?:or|and)\s+$"
)
_NUMBER_AHEAD_RE = re.compile(r"\s*[\d.]*\d")
_NUMBERING_AHEAD_RE = re.compile(r"\.?\s*\d")


def _vague_without_comparison(text: str, lowered: str, start: int, end: int) -> bool:
    if _COMPARED_AFTER_RE.match(lowered, end) is None:
        return True
    return _COMPARED_BEFORE_RE.search(lowered, max(0, start - 6), start) is None


def _is_unquantified_limit(text: str, lowered: str, start: int, end: int) -> bool:
    """ "within minimum time" is vague; "the maximum length", "minimum and maximum" and
    "maximum of 5" name a parameter or give its value."""
    if _NUMBER_IN_CLAUSE_RE.match(lowered, end) or _LIMIT_PAIR_AHEAD_RE.match(lowered, end):
        return False
    return _LIMIT_NAMED_BEFORE_RE.search(lowered, max(0, start - 16), start) is None


def _precedes_number(text: str, lowered: str, start: int, end: int) -> bool:
    return _NUMBER_AHEAD_RE.match(lowered, end) is not None


def _is_preposition_like(text: str, lowered: str, start: int, end: int) -> bool:
    if _TO_AHEAD_RE.match(lowered, end):
        return False
    return _LIKE_VERB_BEFORE_RE.search(lowered, max(0, start - 12), start) is None


def _comparative_has_reference(text: str, lowered: str, start: int, end: int) -> bool:
    """False when "than" follows in the clause or a number precedes ("5 or more")."""
    if _THAN_AHEAD_RE.match(lowered, end):
        return False
    return _NUMBER_OR_RE.search(lowered, max(0, start - 12), start) is None


def _is_universal_every(text: str, lowered: str, start: int, end: int) -> bool:
    return _PERIOD_AHEAD_RE.match(lowered, end) is None


def _is_referring_personal(text: str, lowered: str, start: int, end: int) -> bool:
    word = text[start:end]
    if word in ("IT", "US"):  # the IT department, the US: not pronouns
        return False
    if lowered[start:end] == "i":  # only "I want", not a variable or a Roman numeral
        return word == "I" and _FIRST_PERSON_VERB_RE.match(text, end) is not None
    # "us.anthropic.model", "it.example.org": part of an identifier
    return not (text[end : end + 1] == "." and text[end + 1 : end + 2].isalnum())


def _is_standalone_demonstrative(text: str, lowered: str, start: int, end: int) -> bool:
    if not _PRONOUN_NEXT_RE.match(lowered, end):
        return False  # a determiner: "this value"
    if lowered[start:end] != "that" or _OF_AHEAD_RE.match(lowered, end):
        return True
    return _THAT_PREVIOUS_RE.search(lowered, max(0, start - 12), start) is not None


def _is_negation(text: str, lowered: str, start: int, end: int) -> bool:
    """False for "No. 5" and "no 5" (a number sign)."""
    if lowered[start:end] != "no":
        return True
    return _NUMBERING_AHEAD_RE.match(lowered, end) is None


def _is_modal(text: str, lowered: str, start: int, end: int) -> bool:
    """False for the month: "1 May", "May 2025"."""
    if text[start:end] != "May":
        return True
    if _NUMBER_AHEAD_RE.match(lowered, end):
        return False
    return not lowered[max(0, start - 3) : start].strip().isdigit()


_VERB_BEFORE_RE = re.compile(r"\b(?:shall|must|will|should|to|and|or|also)\s+$")
_VERB_USE_AHEAD_RE = re.compile(r"\s+(?:up|build|install|checkout|exit|shutdown|slate)\b")
_WITH_AHEAD_RE = re.compile(r"\s+(?:with|to)\s+\S")
_CLAUSE_END_AHEAD_RE = re.compile(r"\s*(?:[.,;:!?)]|$|(?:and|or|at\s+all\s+times)\b)")


def _is_vague_adjective(text: str, lowered: str, start: int, end: int) -> bool:
    if _VERB_USE_AHEAD_RE.match(lowered, end):
        return False
    return _VERB_BEFORE_RE.search(lowered, max(0, start - 8), start) is None


def _lacks_with(text: str, lowered: str, start: int, end: int) -> bool:
    return _WITH_AHEAD_RE.match(lowered, end) is None


def _is_response_verb(text: str, lowered: str, start: int, end: int) -> bool:
    """ "SHALL respect the settings" is vague; "SHALL respect 3 retries" is measured; "in order
    to respect" is a purpose, not the response."""
    if _NUMBER_IN_CLAUSE_RE.match(lowered, end):
        return False
    return _RESPONSE_VERB_BEFORE_RE.search(lowered, max(0, start - 8), start) is not None


_RESPONSE_VERB_BEFORE_RE = re.compile(r"\b(?:shall|must|will|should|and|also)\s+$")
_STATE_BEFORE_RE = re.compile(r"\b(?:be|remain|stay|always|readily)\s+$")


def _ends_clause(text: str, lowered: str, start: int, end: int) -> bool:
    """ "SHALL be available" (when? to whom?), not "available via the CLI" or "are available"
    in a description."""
    if _STATE_BEFORE_RE.search(lowered, max(0, start - 10), start) is None:
        return False
    return _CLAUSE_END_AHEAD_RE.match(lowered, end) is not None


_STATED_OUTCOME_RE = re.compile(
    r"\s+(?:that\b|[^.;:]{0,120}?\b(?:is|are|be|been|has|have|contains?|matches|equals?|"
    r"returns?|remains?|stays?|exists?|includes?|holds?|appears?|reaches|never|only|within|at "
    r"(?:least|most)|no more|no less|does|do|continues?|works?|passes|fails|\d))"
)
_SUPPORT_OBJECT_RE = re.compile(
    r"\s+(?:the\s+)?(?:" + lexicon.trie_pattern(lexicon.VAGUE_SUPPORT_OBJECTS) + r")(?![\w-])"
)


def _lacks_outcome(text: str, lowered: str, start: int, end: int) -> bool:
    """ "SHALL ensure data integrity" names no outcome; "SHALL ensure that ..." or "SHALL ensure
    the file is saved" does. "support" is vague only before an abstract object ("SHALL support
    scalability"), not before a named feature ("SHALL support PNG uploads")."""
    if _RESPONSE_VERB_BEFORE_RE.search(lowered, max(0, start - 8), start) is None:
        return False
    if lowered[start:end].startswith("support"):
        return _SUPPORT_OBJECT_RE.match(lowered, end) is not None
    return _STATED_OUTCOME_RE.match(lowered, end) is None


CHECKS: dict[str, _Check] = {
    "outcome": _lacks_outcome,
    "adjective": _is_vague_adjective,
    "without_with": _lacks_with,
    "response_verb": _is_response_verb,
    "clause_end": _ends_clause,
    "vague": _vague_without_comparison,
    "unquantified": _is_unquantified_limit,
    "number": _precedes_number,
    "like": _is_preposition_like,
    "comparative": _comparative_has_reference,
    "every": _is_universal_every,
    "personal": _is_referring_personal,
    "demonstrative": _is_standalone_demonstrative,
    "negative": _is_negation,
    "modal": _is_modal,
}
