"""Regex sources shared by the one scan (`scan.py`) and the branches that read a match again.

The scan needs each tail as a lookahead without groups; the branch handlers compile the same
source with capturing groups to read the participle or the verb.
"""

from __future__ import annotations

from specloom.quality import lexicon

_ADVERBS = r"(?:\s+(?:not|also|only|always|never|then|still|already|again|first|just|[a-z]+ly))*"
_PARTICIPLE = (
    r"(?:[a-z]+-)*(?:[a-z]+ed|" + lexicon.trie_pattern(lexicon.IRREGULAR_PARTICIPLES) + r")"
)
_DETERMINERS = (
    "the|a|an|all|each|every|its|their|his|her|our|your|this|these|those|any|some|no|"
    "other|more|less|such|both|either|neither|one|two|three|four|five"
)


def _group(pattern: str, capture: bool) -> str:
    return ("(" if capture else "(?:") + pattern + ")"


def passive_tail(capture: bool) -> str:
    """Adverbs and the participle after a form of "be"; group 1 is the participle."""
    return _ADVERBS + r"\s+" + _group(_PARTICIPLE, capture) + r"(?![\w-])"


def coordinated_tail(capture: bool) -> str:
    """The verb after "and"/"or"/"but": a known response verb, or any word directly followed by
    an object ("and keep the cart"). Adverbs (-ly) and gerunds (-ing) are not responses."""
    verb = lexicon.trie_pattern(lexicon.RESPONSE_VERBS)
    not_a_verb = "|".join((_DETERMINERS, "not|to|in|on|at|by|for|from|with|of|then"))
    return (
        r"\s+(?:then\s+|also\s+)?(?:"
        + _group(verb, capture)
        + r"(?![\w-])|(?!(?:"
        + not_a_verb
        + r")\b|[a-z]+(?:ly|ing)\b)"
        + _group("[a-z]+", capture)
        + r"\s+(?:the|a|an|all|each|every|its|their|it|them|this|these|those)\b)"
    )


NUMBER = r"\d+(?:[.,:]\d+)*(?:\s*(?:-|–|to|and|or)\s*\d+(?:[.,]\d+)*)?(?![\w%°'’])"
