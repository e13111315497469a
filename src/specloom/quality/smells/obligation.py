"""Check mode: whether a word found by the lexicon makes the obligation itself ambiguous.

With `obligation_only` (what `check` uses) a word in a condition, a note, a quotation or a
prohibition, a possessive with an antecedent, a bounded "all", a manner the sentence states or
an example of a format does not leave the requirement open, and is not reported.
"""

from __future__ import annotations

import re

from specloom.quality.lexicon import lazy_regex
from specloom.quality.smells.criterion import (
    LOOKBACK,
    Context,
    clause_start,
    in_prohibition,
    in_quotes,
    is_listed_value,
    is_prohibition,
)

CONTEXT_CODES = frozenset({"A001", "A002", "A003", "A005", "A006", "A008", "A009"})
# "all items in the cart", "all fields of the form", "all criteria listed above", "all four
# categories", "all labels: a, b, c": a bounded set, not an unachievable universal claim.
_BOUNDED_ALL_RE = lazy_regex(
    r"\s+(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|the\s+following)\b|"
    r"(?:existing|current|remaining|other|such|required|applicable|registered|configured)\b|"
    r"(?:[\w'’/.-]+\s+){0,4}?[\w'’/.-]+\s*(?::|\(|\s(?:of|in|on|from|inside|across|under|"
    r"listed|above|below|defined|specified|named|mentioned|described|shown|given|returned|"
    r"selected|configured|registered|provided|that|which|[a-z]+ing|[a-z]+ed|made)\b))"
)
_POSSESSIVES = frozenset({"its", "their", "his", "her"})
_PROHIBITABLE = frozenset({"any", "anything", "anyone", "anybody", "all", "every", "everything"})
# A word that can be the antecedent of a possessive in the same clause.
_NOUN_LIKE_RE = re.compile(
    r"(?<![\w-])(?!(?:the|a|an|when|whenever|if|while|where|then|and|or|shall|should|must|will|"
    r"may|can|not|is|are|was|were|be|to|of|in|on|for|with|by|at|from|that|which|it|they|them|"
    r"its|their|his|her|this|these|those|any|all|each|every)(?![\w-]))[a-z][\w-]+"
)


def applies_here(code: str, context: Context, start: int, end: int) -> bool:
    """Context rules that need the criterion's structure (see `Context`)."""
    lowered = context.lowered
    if code == "A006":
        if lowered[start:end] not in _POSSESSIVES:
            return True
        # "WHEN a user exceeds their limit", "THE Cart_Service SHALL log its state": the
        # antecedent is the subject of the same clause.
        clause = clause_start(lowered, start)
        return _NOUN_LIKE_RE.search(lowered, clause, start) is None
    if in_quotes(context.text, start):
        return False  # quoted UI text or a value: "No analyses yet"
    if code == "A001":
        return _is_vague_here(context, start, end)
    if code == "A002":
        # "- Ask for code if required": a note to the implementer; "inform the user they can
        # retry if needed": the wording of the message, not a condition on the obligation.
        return not (context.in_note(start) or _in_reported_content(lowered, start))
    if code == "A003":
        return _leaves_set_open(context, start, end)
    if code == "A009":
        return not (context.in_condition(start) or context.in_note(start))
    # A005 and A008
    if context.in_condition(start) or is_listed_value(lowered, start, end):
        return False
    if context.text[start:end] == "None" and start > 0:
        return False  # the value None: "Firepower is None, 2d8 or 2d10"
    word = lowered[start:end]
    if word in ("not", "never") and is_prohibition(lowered, start, end):
        return False  # "SHALL NOT store the password": a clear prohibited action
    if code == "A005":
        if word in _PROHIBITABLE and in_prohibition(lowered, start, context.head_end):
            return False  # "SHALL NOT expose any secret"
        if word in ("all", "any") and _BOUNDED_ALL_RE().match(lowered, end):
            return False  # "all items in the cart", "any changes made to the weirdo"
    return True



# --- A001, A002, A003: where the word does not leave the obligation open -------------------------

# A manner adverb followed by the manner itself: "handle the error gracefully without closing the
# form", "escape the value properly by doubling quotes".
_MANNER_ADVERBS = frozenset({"gracefully", "properly", "correctly", "appropriately", "cleanly"})
_MANNER_STATED_RE = re.compile(
    r"\s*,?\s*(?:(?:without|by|via|through|using|such\s+that|i\.e\.?)(?![\w-])|[(:—–])"
)
# A named standard fixes what "correct" or "proper" means: "parse RFC 3339 timestamps correctly".
_CORRECTNESS_WORDS = frozenset({"correct", "correctly", "proper", "properly"})
_STANDARD_RE = re.compile(r"(?<![\w-])(?:iso|rfc|ieee|iec|ansi|ecma|w3c|wcag|utf-8|semver)(?![\w])")
# A purpose phrase after the object: "use an index for efficient lookups", "cache the page to
# ensure smooth scrolling". "for" counts only before a gerund or a quality noun: "for small
# screens" names the scope, not the purpose.
_PURPOSE_BEFORE_RE = re.compile(
    r"(?<![\w-])(?:(so\s+that|to\s+ensure|in\s+order\s+to|to\s+(?:improve|maintain|keep|"
    r"enable|achieve|allow|support|guarantee))|(for))\s+(?:[\w-]+\s+){0,2}$"
)
_PURPOSE_NOUN_AHEAD_RE = re.compile(
    r"(?:\s+[\w-]+){0,1}\s+(?:[a-z]+ing|performance|efficiency|reuse|access|lookups?|"
    r"retrieval|maintainability|readability|throughput)(?![\w-])"
)
_VERB_AND_OBJECT_RE = re.compile(r"\s*(?:not\s+)?[a-z]+\s+\S+\s+\S")


def _is_vague_here(context: Context, start: int, end: int) -> bool:
    """A001 in check mode: not a listed value "(low/normal/high)", not a note in parentheses,
    not a manner that the sentence states, not "correct" under a named standard, not a
    purpose phrase after the testable part."""
    lowered = context.lowered
    if is_listed_value(lowered, start, end) or context.in_parenthesis(start):
        return False
    word = lowered[start:end]
    if word in _MANNER_ADVERBS and _MANNER_STATED_RE.match(lowered, end):
        return False
    clause = clause_start(lowered, start)
    if word in _CORRECTNESS_WORDS and _STANDARD_RE.search(lowered, clause, end + 60):
        return False
    if start <= context.response_start:
        return True
    purpose = _PURPOSE_BEFORE_RE.search(lowered, max(context.response_start, start - 40), start)
    if purpose is None:
        return True
    if not _VERB_AND_OBJECT_RE.match(lowered, context.response_start, purpose.start()):
        return True  # "SHALL work for typical ..." : the purpose is the whole response
    if purpose.group(2) is not None:  # "for": only before a gerund or a quality noun
        return _PURPOSE_NOUN_AHEAD_RE.match(lowered, end) is None
    return False


# "inform the user that they can retry if needed", "tell users they may reopen or create ...":
# the words after a verb of saying plus a modal are the message, not the obligation.
_REPORTED_CONTENT_RE = re.compile(
    r"(?<![\w-])(?:inform|informs|tell|tells|remind|reminds|advise|advises|explain|explains|"
    r"suggest|suggests|state|states|notify|notifies)(?![\w-])[^,;.()]{0,60}?(?<![\w-])"
    r"(?:can|may|could|might|should)(?![\w-])"
)


def _in_reported_content(lowered: str, start: int) -> bool:
    clause = clause_start(lowered, start)
    return _REPORTED_CONTENT_RE.search(lowered, max(clause, start - 120), start) is not None


# After "e.g."/"such as"/"like": a quoted string, a code span (masked to "_"), an identifier
# (CamelCase, "--token") or a value with its unit illustrates a format or a name.
_ILLUSTRATION_AHEAD_RE = re.compile(
    r"[\s,:]*(?:[\"“'‘`_]|--|\d[\d.]*[a-z%]+(?![\w-])|[A-Za-z][a-z]+[A-Z]\w*)"
)
_ALL_RE = re.compile(r"(?<![\w-])(?:all|every|each)(?![\w-])")
_EARS_KEYWORD_RE = re.compile(r"(?<![\w-])(when|whenever|if|while|where)(?![\w-])")


def _leaves_set_open(context: Context, start: int, end: int) -> bool:
    """A003 in check mode: an example of a format or a name, an example in a WHEN/IF/WHILE
    trigger, and examples of a set already bounded by "all" leave nothing open. Examples in a
    WHERE clause still do: they name the optional feature."""
    text, lowered = context.text, context.lowered
    if _ILLUSTRATION_AHEAD_RE.match(text, end):
        return False
    if start < context.head_end:
        keywords = _EARS_KEYWORD_RE.findall(lowered, max(0, start - LOOKBACK), start)
        if keywords and keywords[-1] != "where":
            return False
    opened = lowered.rfind("(", max(0, start - LOOKBACK), start)
    anchor = opened if opened >= 0 and lowered.find(")", opened, start) < 0 else start
    clause = clause_start(lowered, anchor)
    return _ALL_RE.search(lowered, max(clause, anchor - 80), anchor) is None
