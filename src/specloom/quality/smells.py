"""Requirement-smell rules (the A rules, family "ambiguity") for one criterion or requirement.

`find_smells` returns a `TextFinding` for every word or phrase that makes a requirement
ambiguous or untestable: vague terms, escape clauses, open-ended lists, comparatives without a
reference, absolutes, pronouns, agentless passives, negatives, weak modals, combinators,
placeholders and numbers without units. The word lists (INCOSE Guide for Writing Requirements)
live in `lexicon.py`.

How it stays fast: the text is lower-cased once and scanned once, by a single regex whose
branches cover the word lists (merged into a prefix tree), passive verbs, coordinated responses
and numbers. Each lexicon match is looked up in a dict that says which rules the phrase belongs
to and which context check (if any) must pass; the checks are short anchored regexes around the
match. Only placeholders, a second SHALL and a joining "then" need a pass of their own, and each
of those is a literal search. There is no tokenizer and no per-word Python loop: a 20-word
criterion takes about 8 µs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from specloom.core.rule import Rule, Severity, TextFinding
from specloom.quality import lexicon
from specloom.quality.ears import shall_substitute_span

RULES: tuple[Rule, ...] = (
    Rule(
        code="A001",
        name="vague-term",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="A vague or subjective term that cannot be verified.",
        explanation=(
            "Words like 'user-friendly', 'fast', 'appropriate' or 'several' mean different "
            "things to different readers, so no test can decide whether the requirement is met. "
            "INCOSE rule R7 asks for a measurable or enumerated statement instead."
        ),
        bad="THE Search_Service SHALL return results quickly.",
        good="THE Search_Service SHALL return the first page of results within 500 ms.",
        hint="Replace the term with a measurable value or an explicit list.",
    ),
    Rule(
        code="A002",
        name="escape-clause",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="An escape clause lets the implementer decide whether the requirement applies.",
        explanation=(
            "Phrases such as 'if possible', 'as appropriate' or 'where applicable' make the "
            "obligation optional: any outcome can be argued to comply. State the condition under "
            "which the requirement applies, or drop the clause."
        ),
        bad="THE Export_Service SHALL compress the archive if possible.",
        good="WHERE the archive exceeds 10 MB, THE Export_Service SHALL compress the archive.",
        hint="State the exact condition as a WHERE/WHEN/IF clause, or remove the escape clause.",
    ),
    Rule(
        code="A003",
        name="open-ended",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="An open-ended list ('etc.', 'such as', 'including but not limited to').",
        explanation=(
            "An open list leaves the full scope unstated: the implementer and the tester have to "
            "guess which further items are meant. Each requirement should name the complete set, "
            "or refer to a defined list."
        ),
        bad="THE Upload_Service SHALL accept image files such as PNG, JPEG, etc.",
        good="THE Upload_Service SHALL accept PNG, JPEG and WebP files.",
        hint="List every item, or reference a glossary entry that does.",
    ),
    Rule(
        code="A004",
        name="comparative-without-reference",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="A comparative or superlative with nothing to compare against.",
        explanation=(
            "'Faster', 'better' or 'the most' need a reference point: faster than what, best by "
            "which measure? Without one the requirement cannot be verified. A comparative "
            "followed by 'than' in the same clause is not reported."
        ),
        bad="THE Search_Service SHALL return results faster.",
        good="THE Search_Service SHALL return results in less than 200 ms.",
        hint="Add the reference ('than ...') or state an absolute measurable value.",
    ),
    Rule(
        code="A005",
        name="absolute",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="An absolute ('all', 'always', 'never', '100%', 'any') that may be unachievable.",
        explanation=(
            "Absolutes claim something for every case, forever; they are often unachievable "
            "and can only be verified exhaustively. INCOSE asks to state the real bound or to "
            "use 'each' over an enumerated set."
        ),
        bad="THE Sync_Service SHALL always deliver all messages.",
        good="THE Sync_Service SHALL deliver each queued message within 5 s in 99.9% of cases.",
        hint="Replace with the actual bound or with 'each' over a defined set.",
    ),
    Rule(
        code="A006",
        name="pronoun",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="A pronoun whose referent the reader has to guess.",
        explanation=(
            "'It', 'they', 'its' or a stand-alone 'this' force the reader to work out what is "
            "meant; once requirements are reordered or quoted alone the referent can be lost. "
            "Relative 'that'/'which' and demonstratives before a noun ('this value') are not "
            "reported."
        ),
        bad="WHEN the cart changes, THE Cart_Service SHALL save it.",
        good="WHEN the cart changes, THE Cart_Service SHALL save the cart.",
        hint="Repeat the noun the pronoun stands for.",
    ),
    Rule(
        code="A007",
        name="passive-voice",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="A passive verb without an actor: who does it?",
        explanation=(
            "'The record shall be stored' does not say which component stores it, so nobody "
            "owns the behaviour. A passive with an explicit actor ('by the Cart_Service') is "
            "not reported."
        ),
        bad="WHEN a shopper places an order, the invoice shall be generated.",
        good="WHEN a shopper places an order, THE Billing_Service SHALL generate the invoice.",
        hint="Name the actor and use the active voice: THE <System> SHALL <verb> ...",
    ),
    Rule(
        code="A008",
        name="negative",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="A negative statement ('SHALL NOT', 'never', 'no').",
        explanation=(
            "A negative requirement describes what must not happen, which is open-ended and "
            "hard to verify: a test cannot show that something never occurs. Prefer stating the "
            "behaviour that must happen instead."
        ),
        bad="THE Auth_Service SHALL NOT allow weak passwords.",
        good="IF a password has fewer than 12 characters, THEN THE Auth_Service SHALL reject it.",
        hint="Rephrase as the positive behaviour the system shall show.",
    ),
    Rule(
        code="A009",
        name="weak-modal",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="A weak modal verb ('may', 'can', 'should', 'could', 'might', 'would').",
        explanation=(
            "Weak modals do not state an obligation: 'the user can export' describes a "
            "possibility, not a required behaviour. Requirements state what the system SHALL "
            "do; permissions are stated as SHALL allow."
        ),
        bad="THE Report_Service can export reports as PDF.",
        good="THE Report_Service SHALL export reports as PDF on request.",
        hint="Use SHALL (or SHALL allow <actor> to ...) instead of the weak modal.",
    ),
    Rule(
        code="A010",
        name="combinator",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="More than one requirement in one statement (several SHALLs, 'and/or', ...).",
        explanation=(
            "A criterion with two responses ('store the item and notify the user'), two SHALLs "
            "or 'and/or' bundles several requirements that pass or fail separately. Split it so "
            "that each criterion can be traced and tested on its own. Nouns joined by 'and' "
            "are fine and are not reported."
        ),
        bad="THE Cart_Service SHALL store the item and notify the user.",
        good="THE Cart_Service SHALL store the item.",
        hint="Split the statement into one criterion per response.",
    ),
    Rule(
        code="A011",
        name="placeholder",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="A placeholder (TBD, TODO, ???, <placeholder>, [NEEDS CLARIFICATION]).",
        explanation=(
            "A placeholder marks an unfinished requirement. It cannot be implemented or "
            "verified until the missing decision is made."
        ),
        bad="THE Session_Service SHALL expire idle sessions after TBD minutes.",
        good="THE Session_Service SHALL expire idle sessions after 30 minutes.",
        hint="Make the decision and replace the placeholder with the actual value.",
    ),
    Rule(
        code="A012",
        name="number-without-unit",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="A measured quantity given as a bare number without a unit.",
        explanation=(
            "'Within 5' could mean 5 ms, 5 s or 5 retries. A number after a measuring word "
            "(within, at most, less than, timeout of ...) needs its unit or counted noun. "
            "Identifiers such as 'Requirement 1.2' or 'HTTP 404' are not reported."
        ),
        bad="THE Search_Service SHALL respond within 5.",
        good="THE Search_Service SHALL respond within 5 seconds.",
        hint="Add the unit (ms, s, MB, %) or the counted noun (attempts, items).",
    ),
    Rule(
        code="A014",
        name="unobservable-outcome",
        family="ambiguity",
        severity=Severity.WARNING,
        summary="The response 'ensures' or 'supports' something without an observable outcome.",
        explanation=(
            "'SHALL ensure data integrity' or 'SHALL support accessibility' names a goal, not a "
            "behaviour: no test can tell whether it holds. State what can be observed when the "
            "goal is met. 'SHALL ensure that each order has an id' and 'SHALL support PNG "
            "uploads' state it and are not reported."
        ),
        bad="THE Order_Service SHALL ensure data integrity.",
        good="THE Order_Service SHALL reject an order whose total differs from the sum of its "
        "lines.",
        hint="State the observable outcome: what the system does, returns or keeps.",
    ),
)

_RULE_BY_CODE = {rule.code: rule for rule in RULES}

# --- The lexicon: phrase -> (rule code, context check) -------------------------------------------

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


_LEXICON = _build_lexicon()

# --- The one scan ------------------------------------------------------------------------------
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


def _passive_tail(capture: bool) -> str:
    """Adverbs and the participle after a form of "be"; group 1 is the participle."""
    return _ADVERBS + r"\s+" + _group(_PARTICIPLE, capture) + r"(?![\w-])"


def _coordinated_tail(capture: bool) -> str:
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


_NUMBER = r"\d+(?:[.,:]\d+)*(?:\s*(?:-|–|to|and|or)\s*\d+(?:[.,]\d+)*)?(?![\w%°'’])"


_SCAN_RE = re.compile(
    r"[^\w-](?:"
    + r"(?P<lex>"
    + lexicon.trie_pattern(_LEXICON)
    + r")(?![\w-])"
    + r"|(?P<pas>"
    + lexicon.trie_pattern(lexicon.BE_FORMS)
    + r")(?![\w-])(?="
    + _passive_tail(capture=False)
    + r")"
    + r"|(?P<crd>and|or|but)(?="
    + _coordinated_tail(capture=False)
    + r")"
    + r"|(?P<num>"
    + _NUMBER
    + r")"
    + r")"
)
_PASSIVE_TAIL_RE = re.compile(_passive_tail(capture=True))
_COORDINATED_TAIL_RE = re.compile(_coordinated_tail(capture=True))

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

_NOT_PARTICIPLES = frozenset(lexicon.NOT_PARTICIPLES)
# "by" after the participle names the actor, except in fixed phrases about manner.
_AGENT_RE = re.compile(
    r"(?:\s+[a-z]+ly)?\s+by\s+(?!means\b|default\b|way\b|hand\b|using\b|design\b|itself\b)"
)

_MEASURE_BEFORE_RE = re.compile(
    r"(?<![\w-])(" + lexicon.trie_pattern(lexicon.MEASURE_CONTEXT) + r")\s*$"
)
_NON_UNIT_FOLLOWER_RE = re.compile(
    r"\s*(?:[.,;:!?)\]]|$|(?:" + "|".join(lexicon.NON_UNIT_FOLLOWERS) + r")\b)"
)
# "the number of votes is at least 3": the counted noun came first.
_COUNT_BEFORE_RE = re.compile(r"\b(?:number|count|quantity|amount|total)\s+of\b")
_YEAR_CONTEXT = ("before", "after", "until")

_HTML_TAGS = frozenset(
    lexicon.split_phrases(
        "a | abbr | audio | b | body | br | button | canvas | code | div | em | footer | form | "
        "h1 | h2 | h3 | h4 | h5 | h6 | head | header | html | i | iframe | img | input | label | "
        "li | link | main | meta | nav | ol | option | p | pre | script | section | select | "
        "span | strong | style | svg | table | tbody | td | textarea | th | thead | tr | ul | video"
    )
)
# Case-sensitive on purpose: "todo list" and "xxx" in a format mask are not placeholders.
_PLACEHOLDER_RE = re.compile(
    r"T(?<![\w-]T)(?:B[DCA]|ODO)(?![\w-])"
    r"|F(?<![\w-]F)IXME(?![\w-])"
    r"|X(?<![\w-]X)XX+(?![\w-])"
    r"|\?\?+"
    r"|\[\s*NEEDS\s+CLARIFICATION[^\]\n]*\]?"
    r"|<([A-Za-z_][\w \-]{0,40})>"
)
_LOWER_PLACEHOLDER_RE = re.compile(r"tb(?<![\w-]tb)[dc](?![\w-])")  # "tbd" in any case

_SHALL_RE = re.compile(r"shall(?<![\w-]shall)(?![\w-])")
_RESPONSE_START_RE = re.compile(lexicon.word_pattern(("should", "must", "will", "may", "can")))
_THEN_RE = re.compile(r"then(?<![\w-]then)(?![\w-])")
_THEN_JOINERS = (",", ";", " and", " or")


# --- Entry point -------------------------------------------------------------------------------


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
    shalls = list(_SHALL_RE.finditer(lowered))
    response_start = _response_start(lowered, shalls)
    context = _Context(text, lowered, response_start, obligation_only)
    findings = _scan(context)
    findings.extend(_combinator_findings(text, lowered, shalls, response_start, obligation_only))
    if obligation_only and " or " in lowered and response_start <= len(lowered):
        _add_open_choices(findings, context)
    if _may_hold_placeholder(text, lowered):
        findings.extend(_placeholder_findings(text, lowered))
    findings.sort(key=lambda f: (f.start, f.code, f.end))
    return findings


def _response_start(lowered: str, shalls: list[re.Match[str]]) -> int:
    """Offset after the first SHALL (or the modal used instead); past the end when none."""
    if shalls:
        return shalls[0].end()
    modal = _RESPONSE_START_RE.search(lowered)
    return modal.end() if modal else len(lowered) + 1


class _Context:
    """The text of one criterion and where its obligation is.

    `response_start` is the offset after the first SHALL (or the modal used instead). The
    conditions are the EARS clauses before it (``WHEN a request is received``) and the
    subordinate clauses inside the response (``... when the key is missing``): a passive, a
    negative, an absolute or a modal there describes when the requirement applies, not what
    the system shall do. Without any modal verb the text has no known response, and nothing
    is treated as a condition.
    """

    __slots__ = (
        "_notes",
        "_subordinates",
        "head_end",
        "lowered",
        "obligation_only",
        "response_start",
        "text",
    )

    def __init__(self, text: str, lowered: str, response_start: int, obligation_only: bool) -> None:
        self.text = text
        self.lowered = lowered
        self.response_start = response_start
        self.obligation_only = obligation_only
        has_response = obligation_only and response_start <= len(lowered)
        self.head_end = _head_end(lowered, response_start) if has_response else 0
        self._subordinates: list[tuple[int, int]] | None = None if has_response else []
        self._notes: int | None = None if has_response else len(lowered) + 1

    def in_condition(self, position: int) -> bool:
        """True inside the EARS clauses before SHALL or a subordinate clause after it."""
        if position < self.head_end:
            return True
        if self._subordinates is None:
            self._subordinates = _subordinate_clauses(self.lowered, self.response_start)
        return any(start <= position < end for start, end in self._subordinates)

    def in_embedded_clause(self, position: int) -> bool:
        """True in a that/which/whether/what clause of the response: "SHALL verify that the
        flags are set" (what is checked, not who acts)."""
        if not self.obligation_only or position < self.response_start:
            return False
        clause = _clause_start(self.lowered, position)
        found = _EMBEDDED_RE.search(self.lowered, max(clause, self.response_start), position)
        return found is not None

    def in_parenthesis(self, position: int) -> bool:
        """True inside an unclosed "(" or "（" before `position` (bounded look-back)."""
        low = max(0, position - _LOOKBACK)
        for opening, closing in (("(", ")"), ("（", "）")):
            opened = self.lowered.rfind(opening, low, position)
            if opened >= 0 and self.lowered.find(closing, opened, position) < 0:
                return True
        return False

    def in_note(self, position: int) -> bool:
        """True in a parenthesis or in a sentence after the one that holds the response."""
        if self._notes is None:
            found = _NOTE_BREAK_RE.search(self.text, self.response_start)
            self._notes = found.start() if found else len(self.lowered) + 1
        if position >= self._notes:
            return True
        opened = self.lowered.rfind("(", 0, position)
        return opened >= 0 and self.lowered.find(")", opened, position) < 0


def _head_end(lowered: str, response_start: int) -> int:
    """Offset where the modal verb that opens the response starts."""
    before = lowered[:response_start]
    return len(before.rstrip()) - len(before.rstrip().split()[-1]) if before.strip() else 0


# A subordinate clause in the response runs from its conjunction to the next comma, semicolon
# or sentence end: "SHALL log a warning when the key is not configured".
_SUBORDINATE_RE = re.compile(
    r"(?<![\w-])(?:when|whenever|if|unless|while|once|until|where|wherever|in case|provided|"
    r"as long as|so long as)(?![\w-])[^,;.()]*"
)
_EMBEDDED_RE = re.compile(
    r"(?<![\w-])(?:that|which|whether|what|who|whom|how|why)(?![\w-])"
)
# A note after the response: a new sentence, or a clause after a semicolon.
_NOTE_BREAK_RE = re.compile(r"[.!?;]\s+(?=\S)|\s[-–—]\s+(?=[A-Z])")


def _subordinate_clauses(lowered: str, response_start: int) -> list[tuple[int, int]]:
    return [m.span() for m in _SUBORDINATE_RE.finditer(lowered, response_start)]


def _scan(context: _Context) -> list[TextFinding]:
    text, lowered, response_start = context.text, context.lowered, context.response_start
    findings: list[TextFinding] = []
    substitute: tuple[int, int] | bool | None = False  # E004's word, computed only when needed
    for match in _SCAN_RE.finditer(" " + lowered):
        kind = match.lastgroup or ""
        start, end = match.span(kind)
        start -= 1  # offsets in the padded text are one too high
        end -= 1
        if kind == "lex":
            for code, check in _LEXICON.get(_normalise(lowered[start:end]), ()):
                if check and not _CHECKS[check](text, lowered, start, end):
                    continue
                if (
                    context.obligation_only
                    and code in _CONTEXT_CODES
                    and not _applies_here(code, context, start, end)
                ):
                    continue
                if code == "A009":
                    if substitute is False:
                        substitute = shall_substitute_span(text)
                    if substitute == (start, end):
                        continue  # E004 already reports this word as used instead of SHALL
                findings.append(_finding(code, start, end, text[start:end]))
        elif kind == "pas":
            if not (context.in_condition(start) or context.in_embedded_clause(start)):
                _add_passive(findings, text, lowered, start, end)
        elif kind == "crd":
            # "SHALL NOT import or use X" forbids both: one prohibition, not two responses
            if start >= response_start and not (
                context.obligation_only
                and (
                    (lowered[start:end] == "or" and _in_prohibition(lowered, start, response_start))
                    or _joins_one_operation(lowered, start, end, response_start)
                )
            ):
                _add_coordinated(findings, text, lowered, start, end)
        else:
            _add_number(findings, text, lowered, start, end)
    return findings


def _normalise(phrase: str) -> str:
    if phrase in _LEXICON:
        return phrase
    return " ".join(phrase.replace("’", "'").split())


# --- Lexicon context checks --------------------------------------------------------------------


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


_CHECKS: dict[str, _Check] = {
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


# --- Where the obligation is: conditions, prohibitions, notes ----------------------------------

_CONTEXT_CODES = frozenset({"A001", "A002", "A003", "A005", "A006", "A008", "A009"})
_MODAL_BEFORE_RE = re.compile(r"\b(?:shall|must|will|to)\s+$")
# After "SHALL NOT" / "SHALL never" a verb names the prohibited action.
_PROHIBITED_ACTION_RE = re.compile(
    r"\s+(?:(?!only\b)[a-z]+ly\s+)?(?!(?:the|a|an|any|all|only|just|to)\b)[a-z]"
)
_NEGATION_RE = re.compile(
    r"(?<![\w-])(?:not|never|no|without|nor|neither|cannot|prevent|prevents)(?![\w-])|n't(?![\w-])"
)
_CLAUSE_PUNCTUATION = ",;.:("
_LOOKBACK = 160
# "all items in the cart", "all fields of the form", "all criteria listed above", "all four
# categories", "all labels: a, b, c": a bounded set, not an unachievable universal claim.
_BOUNDED_ALL_RE = re.compile(
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


def _applies_here(code: str, context: _Context, start: int, end: int) -> bool:
    """Context rules that need the criterion's structure (see `_Context`)."""
    lowered = context.lowered
    if code == "A006":
        if lowered[start:end] not in _POSSESSIVES:
            return True
        # "WHEN a user exceeds their limit", "THE Cart_Service SHALL log its state": the
        # antecedent is the subject of the same clause.
        clause = _clause_start(lowered, start)
        return _NOUN_LIKE_RE.search(lowered, clause, start) is None
    if _in_quotes(context.text, start):
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
    if context.in_condition(start) or _is_listed_value(lowered, start, end):
        return False
    if context.text[start:end] == "None" and start > 0:
        return False  # the value None: "Firepower is None, 2d8 or 2d10"
    word = lowered[start:end]
    if word in ("not", "never") and _is_prohibition(lowered, start, end):
        return False  # "SHALL NOT store the password": a clear prohibited action
    if code == "A005":
        if word in _PROHIBITABLE and _in_prohibition(lowered, start, context.head_end):
            return False  # "SHALL NOT expose any secret"
        if word in ("all", "any") and _BOUNDED_ALL_RE.match(lowered, end):
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


def _is_vague_here(context: _Context, start: int, end: int) -> bool:
    """A001 in check mode: not a listed value "(low/normal/high)", not a note in parentheses,
    not a manner that the sentence states, not "correct" under a named standard, not a
    purpose phrase after the testable part."""
    lowered = context.lowered
    if _is_listed_value(lowered, start, end) or context.in_parenthesis(start):
        return False
    word = lowered[start:end]
    if word in _MANNER_ADVERBS and _MANNER_STATED_RE.match(lowered, end):
        return False
    clause = _clause_start(lowered, start)
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
    clause = _clause_start(lowered, start)
    return _REPORTED_CONTENT_RE.search(lowered, max(clause, start - 120), start) is not None


# After "e.g."/"such as"/"like": a quoted string, a code span (masked to "_"), an identifier
# (CamelCase, "--token") or a value with its unit illustrates a format or a name.
_ILLUSTRATION_AHEAD_RE = re.compile(
    r"[\s,:]*(?:[\"“'‘`_]|--|\d[\d.]*[a-z%]+(?![\w-])|[A-Za-z][a-z]+[A-Z]\w*)"
)
_ALL_RE = re.compile(r"(?<![\w-])(?:all|every|each)(?![\w-])")
_EARS_KEYWORD_RE = re.compile(r"(?<![\w-])(when|whenever|if|while|where)(?![\w-])")


def _leaves_set_open(context: _Context, start: int, end: int) -> bool:
    """A003 in check mode: an example of a format or a name, an example in a WHEN/IF/WHILE
    trigger, and examples of a set already bounded by "all" leave nothing open. Examples in a
    WHERE clause still do: they name the optional feature."""
    text, lowered = context.text, context.lowered
    if _ILLUSTRATION_AHEAD_RE.match(text, end):
        return False
    if start < context.head_end:
        keywords = _EARS_KEYWORD_RE.findall(lowered, max(0, start - _LOOKBACK), start)
        if keywords and keywords[-1] != "where":
            return False
    opened = lowered.rfind("(", max(0, start - _LOOKBACK), start)
    anchor = opened if opened >= 0 and lowered.find(")", opened, start) < 0 else start
    clause = _clause_start(lowered, anchor)
    return _ALL_RE.search(lowered, max(clause, anchor - 80), anchor) is None


def _in_quotes(text: str, position: int) -> bool:
    """True after an odd number of straight or opening double quotes on the criterion."""
    if '"' not in text and "“" not in text:
        return False
    before = text[max(0, position - _LOOKBACK) : position]
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def _is_prohibition(lowered: str, start: int, end: int) -> bool:
    if _MODAL_BEFORE_RE.search(lowered, max(0, start - 8), start) is None:
        return False
    return _PROHIBITED_ACTION_RE.match(lowered, end) is not None


def _clause_start(lowered: str, position: int) -> int:
    low = max(0, position - _LOOKBACK)
    return max(lowered.rfind(mark, low, position) for mark in _CLAUSE_PUNCTUATION) + 1 or low


def _list_clause_start(lowered: str, position: int) -> int:
    """Like `_clause_start`, but a comma between one-word list items ("view, delete, and
    share") or inside a closed parenthesis ("(A, B, C)") does not end the clause."""
    floor = max(0, position - _LOOKBACK)
    clause = _clause_start(lowered, position)
    while clause > floor + 1:
        mark = clause - 1
        opened = lowered.rfind("(", floor, mark)
        if opened >= 0 and lowered.find(")", mark, position) >= 0 and (
            lowered.find(")", opened, mark) < 0
        ):
            clause = _clause_start(lowered, opened)  # skip the whole parenthesis
            continue
        if lowered[mark] == "," and len(lowered[clause:position].split()) <= 2:
            clause = _clause_start(lowered, mark)  # a list item: "view, delete, and"
            continue
        break
    return clause


def _in_prohibition(lowered: str, start: int, floor: int) -> bool:
    """True when a negation precedes `start` in the same clause (and after `floor`)."""
    clause = max(_clause_start(lowered, start), floor)
    return _NEGATION_RE.search(lowered, clause, start) is not None


def _is_listed_value(lowered: str, start: int, end: int) -> bool:
    """A single word that is an item of a parenthesised list: "(none, small, large)"."""
    before = lowered[max(0, start - 3) : start].rstrip()
    after = lowered[end : end + 3].lstrip()
    if not before.endswith(("(", ",", "/", "（", "、")) or not after.startswith(
        (",", ")", "/", "）", "、")
    ):
        return False
    low = max(0, start - _LOOKBACK)
    for opening, closing in (("(", ")"), ("（", "）")):
        opened = lowered.rfind(opening, low, start)
        if opened >= 0 and lowered.find(closing, opened, start) < 0:
            return True
    return False


# --- The other branches of the scan ------------------------------------------------------------


def _add_passive(
    findings: list[TextFinding], text: str, lowered: str, start: int, end: int
) -> None:
    tail = _PASSIVE_TAIL_RE.match(lowered, end)
    if tail is None or tail.group(1) in _NOT_PARTICIPLES:
        return
    if _AGENT_RE.match(lowered, tail.end()):
        return  # "by the Billing_Service": the actor is named
    findings.append(_finding("A007", start, tail.end(), text[start : tail.end()]))


def _add_coordinated(
    findings: list[TextFinding], text: str, lowered: str, start: int, end: int
) -> None:
    tail = _COORDINATED_TAIL_RE.match(lowered, end)
    if tail is None:
        return
    tail_end = tail.end()
    if text[tail_end - 2 : tail_end] == " A":
        return  # "and Appendix A": a label, not the article
    findings.append(_finding("A010", start, tail_end, text[start:tail_end], "coordinated"))


def _add_number(findings: list[TextFinding], text: str, lowered: str, start: int, end: int) -> None:
    number = lowered[start:end]
    if ":" in number or number.strip("0") == "":  # a time of day; zero needs no unit
        return
    context = _MEASURE_BEFORE_RE.search(lowered, max(0, start - 24), start)
    if context is None or not _NON_UNIT_FOLLOWER_RE.match(lowered, end):
        return  # not a measured quantity, or a unit or counted noun follows
    if _COUNT_BEFORE_RE.search(lowered, max(0, start - 80), start):
        return
    if context.group(1) in _YEAR_CONTEXT and len(number) == 4 and number[:2] in ("19", "20"):
        return
    findings.append(_finding("A012", start, end, text[start:end]))


# --- Rules outside the scan --------------------------------------------------------------------


def _combinator_findings(
    text: str,
    lowered: str,
    shalls: list[re.Match[str]],
    response_start: int,
    obligation_only: bool = False,
) -> list[TextFinding]:
    """Every SHALL after the first, and "then" joining a second response (", then notify")."""
    findings = [
        _finding("A010", m.start(), m.end(), text[m.start() : m.end()], "another")
        for m in shalls[1:]
    ]
    if response_start <= len(lowered) and "then" in lowered:
        for match in _THEN_RE.finditer(lowered, response_start):
            start, end = match.span()
            # ", then notify" joins a second response; "is then owned" is an adverb.
            if not lowered[max(0, start - 6) : start].rstrip().endswith(_THEN_JOINERS):
                continue
            # "check the cache first, then the database": a noun after "then", one lookup order
            if obligation_only and _COORDINATED_TAIL_RE.match(lowered, end) is None:
                continue
            findings.append(_finding("A010", start, end, text[start:end], "coordinated"))
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
_COMPLEMENT_RE = re.compile(
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


def _joins_one_operation(lowered: str, start: int, end: int, response_start: int) -> bool:
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
    clause = max(_list_clause_start(lowered, start), response_start)
    if _COMPLEMENT_RE.search(lowered, max(clause, start - 120), start):
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
_CHOICE_RE = re.compile(
    r"(?<![\w-])(?:display|show|render|return|use|present|produce|emit|open|redirect\s+to|"
    r"navigate\s+to)(?:s)?\s+(?:(?:a|an|the)\s+)?"
    r"(?:(?!(?:or|and|to|in|on|at|by|for|from|with|of|when|if|that|which|while|where|after|"
    r"before|until|one|two|three|zero)(?![\w-]))[\w-]+\s+){0,2}?"
    r"(?!(?:or|and|to|in|on|at|by|for|from|with|of|when|if|one|two|three|zero)(?![\w-]))[\w-]+"
    r"\s+(or)\s+(?!(?:not|more|less|fewer|higher|lower|above|below|later|earlier|equal|"
    r"greater|smaller|larger)(?![\w-]))(?:(?:a|an|the)\s+)?[\w-]"
)


def _add_open_choices(findings: list[TextFinding], context: _Context) -> None:
    lowered, text = context.lowered, context.text
    for match in _CHOICE_RE.finditer(lowered, context.response_start):
        start, end = match.span(1)
        if context.in_condition(start) or _in_quotes(text, start):
            continue
        if _in_prohibition(lowered, start, context.response_start):
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


def _may_hold_placeholder(text: str, lowered: str) -> bool:
    """Substrings without which no placeholder can match: checking them is cheaper than a scan."""
    return (
        "tb" in lowered
        or "TODO" in text
        or "FIXME" in text
        or "XXX" in text
        or "??" in text
        or "[" in text
        or "<" in text
    )


def _placeholder_findings(text: str, lowered: str) -> list[TextFinding]:
    findings = []
    for match in _PLACEHOLDER_RE.finditer(text):
        tag = match.group(1)
        if tag is not None and tag.strip().lower() in _HTML_TAGS:
            continue
        findings.append(_finding("A011", match.start(), match.end(), match.group()))
    for match in _LOWER_PLACEHOLDER_RE.finditer(lowered):
        if not text[match.start() : match.end()].isupper():  # upper case found above
            findings.append(_finding("A011", match.start(), match.end(), match.group()))
    return findings


_MESSAGES = {
    "A001": 'vague term "{}"',
    "A002": 'escape clause "{}"',
    "A003": 'open-ended clause "{}"',
    "A004": 'comparative "{}" without a reference',
    "A005": 'absolute "{}"',
    "A006": 'pronoun "{}"',
    "A007": 'passive voice "{}" without an actor',
    "A008": 'negative "{}"',
    "A009": 'weak modal "{}"',
    "A010": 'combinator "{}"',
    "A011": 'placeholder "{}"',
    "A012": 'number "{}" without a unit',
    "A014": '"{}" without an observable outcome',
}


def _finding(code: str, start: int, end: int, words: str, variant: str = "") -> TextFinding:
    message = _MESSAGES[code].format(words)
    if variant == "another":
        message = f'another "{words}" in the same criterion: more than one requirement'
    elif variant == "coordinated":
        message = f'coordinated response "{words}": more than one requirement'
    return TextFinding(code, start, end, message, _RULE_BY_CODE[code].hint)
