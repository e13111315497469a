"""Where the obligation of one criterion is, and where a word stands in it.

`Context` holds a criterion's text and the offset after its first SHALL; it tells whether a
position is in a condition (the EARS clauses before SHALL or a subordinate clause after it), in
an embedded that/which clause, in a parenthesis or in a note. The functions below find clause
starts, quotes, listed values and prohibitions with bounded look-backs, so that no check costs
more than a few hundred characters.
"""

from __future__ import annotations

import re

from specloom.quality import lexicon

_RESPONSE_START_RE = re.compile(lexicon.word_pattern(("should", "must", "will", "may", "can")))
_MODAL_BEFORE_RE = re.compile(r"\b(?:shall|must|will|to)\s+$")
# After "SHALL NOT" / "SHALL never" a verb names the prohibited action.
_PROHIBITED_ACTION_RE = re.compile(
    r"\s+(?:(?!only\b)[a-z]+ly\s+)?(?!(?:the|a|an|any|all|only|just|to)\b)[a-z]"
)
_NEGATION_RE = re.compile(
    r"(?<![\w-])(?:not|never|no|without|nor|neither|cannot|prevent|prevents)(?![\w-])|n't(?![\w-])"
)
_CLAUSE_PUNCTUATION = ",;.:("
LOOKBACK = 160


def find_modal(lowered: str, shalls: list[re.Match[str]]) -> re.Match[str] | None:
    """The first SHALL, or the modal used instead; None when the text has neither."""
    if shalls:
        return shalls[0]
    return _RESPONSE_START_RE.search(lowered)


class Context:
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

    def __init__(
        self, text: str, lowered: str, modal: re.Match[str] | None, obligation_only: bool
    ) -> None:
        self.text = text
        self.lowered = lowered
        self.obligation_only = obligation_only
        if modal is None or not obligation_only:
            self.response_start = modal.end() if modal is not None else len(lowered) + 1
            self.head_end = 0
            self._subordinates: list[tuple[int, int]] | None = []
            self._notes: int | None = len(lowered) + 1
            return
        self.response_start = modal.end()
        start = modal.start()  # the usual case: a space before SHALL
        glued = start > 0 and not lowered[start - 1].isspace()
        self.head_end = _head_end(lowered, modal) if glued else start
        self._subordinates = None
        self._notes = None

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
        clause = clause_start(self.lowered, position)
        found = _EMBEDDED_RE.search(self.lowered, max(clause, self.response_start), position)
        return found is not None

    def in_parenthesis(self, position: int) -> bool:
        """True inside an unclosed "(" or "（" before `position` (bounded look-back)."""
        low = max(0, position - LOOKBACK)
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


def _head_end(lowered: str, modal: re.Match[str]) -> int:
    """Start of the whitespace-delimited word that holds the modal verb ("(shall")."""
    before = lowered[: modal.end()].rstrip()
    return len(before) - len(before.split()[-1]) if before else 0


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


def in_quotes(text: str, position: int) -> bool:
    """True after an odd number of straight or opening double quotes on the criterion."""
    if '"' not in text and "“" not in text:
        return False
    before = text[max(0, position - LOOKBACK) : position]
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def is_prohibition(lowered: str, start: int, end: int) -> bool:
    if _MODAL_BEFORE_RE.search(lowered, max(0, start - 8), start) is None:
        return False
    return _PROHIBITED_ACTION_RE.match(lowered, end) is not None


def clause_start(lowered: str, position: int) -> int:
    low = max(0, position - LOOKBACK)
    return max(lowered.rfind(mark, low, position) for mark in _CLAUSE_PUNCTUATION) + 1 or low


def list_clause_start(lowered: str, position: int) -> int:
    """Like `clause_start`, but a comma between one-word list items ("view, delete, and
    share") or inside a closed parenthesis ("(A, B, C)") does not end the clause."""
    floor = max(0, position - LOOKBACK)
    clause = clause_start(lowered, position)
    while clause > floor + 1:
        mark = clause - 1
        opened = lowered.rfind("(", floor, mark)
        if opened >= 0 and lowered.find(")", mark, position) >= 0 and (
            lowered.find(")", opened, mark) < 0
        ):
            clause = clause_start(lowered, opened)  # skip the whole parenthesis
            continue
        if lowered[mark] == "," and len(lowered[clause:position].split()) <= 2:
            clause = clause_start(lowered, mark)  # a list item: "view, delete, and"
            continue
        break
    return clause


def in_prohibition(lowered: str, start: int, floor: int) -> bool:
    """True when a negation precedes `start` in the same clause (and after `floor`)."""
    clause = max(clause_start(lowered, start), floor)
    return _NEGATION_RE.search(lowered, clause, start) is not None


def is_listed_value(lowered: str, start: int, end: int) -> bool:
    """A single word that is an item of a parenthesised list: "(none, small, large)"."""
    before = lowered[max(0, start - 3) : start].rstrip()
    after = lowered[end : end + 3].lstrip()
    if not before.endswith(("(", ",", "/", "（", "、")) or not after.startswith(
        (",", ")", "/", "）", "、")
    ):
        return False
    low = max(0, start - LOOKBACK)
    for opening, closing in (("(", ")"), ("（", "）")):
        opened = lowered.rfind(opening, low, start)
        if opened >= 0 and lowered.find(closing, opened, start) < 0:
            return True
    return False
