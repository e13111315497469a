"""The one scan of the smell rules: every candidate word or phrase in a lower-cased text.

A single regex finds every candidate in one pass, because each separate pass costs about as
much as the matching itself. It starts with the non-word character before a word (the text
gets a leading space), not with a lookbehind: `re` then skips over the letters inside words in
its fast loop instead of trying a match at each of them. Its branches, tried in this order at
each word start:

- lex: any lexicon phrase (longest first);
- pas: a form of "be" followed by a past participle (only "be" is consumed, so that words
  inside the passive, such as "not", are still seen by the lexicon branch);
- crd: "and"/"or"/"but" that start a second response (again only the conjunction is consumed);
- num: a number not glued to a unit ("5s", "10%").

No candidate, and nothing the regex looks at to decide one, reaches across a comma followed by
a space: a lexicon phrase holds no comma (except the ones in `_COMMA_PHRASE_STARTS`, checked
for), a number's "1,000" needs a digit after its comma, and every look-ahead stops at
punctuation. So the text is cut at each ", " and each piece is scanned on its own, once per
distinct piece: criteria share their clauses ("WHEN the user saves the form") and their
"THE <system> SHALL ..." parts, and a repeated piece costs one dictionary lookup. The memo also
keeps whether a piece may hold a placeholder, which no piece of the text may when none does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from specloom.quality import lexicon
from specloom.quality.smells.patterns import NUMBER, coordinated_tail, passive_tail
from specloom.quality.smells.placeholders import may_hold_placeholder
from specloom.quality.smells.words import LEXICON

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
# What a text holds when a lexicon phrase with a comma may match in it: the word before the
# comma and the comma ("including," of "including, but not limited to"). Such a text is
# scanned whole.
_COMMA_PHRASE_STARTS = tuple(sorted({
    word.replace("'", apostrophe)
    for word in (phrase[: phrase.index(",") + 1].rsplit(" ", 1)[-1] for phrase in LEXICON
                 if "," in phrase)
    for apostrophe in "'’"
}))

#: A candidate: its branch (lex, pas, crd or num), start and end in the lower-cased text.
Candidate = tuple[str, int, int]
#: What one scan found: the candidates, and whether the text may hold a placeholder (see
#: `placeholders.may_hold_placeholder`).
Scan = tuple[Sequence[Candidate], bool]
#: Distinct pieces kept; when full, the memo starts again empty.
MAX_PIECES = 1 << 15
_PIECES: dict[str, tuple[tuple[Candidate, ...], bool]] = {}


def candidates(lowered: str) -> Scan:
    """Every candidate of the scan in `lowered`, in order (`lexicon.lower_keeping_offsets`),
    and whether `lowered` may hold a placeholder."""
    if ", " not in lowered:
        return _scan_piece(lowered)
    for start in _COMMA_PHRASE_STARTS:
        if start in lowered:
            return _scan_piece(lowered)
    found: list[Candidate] = []
    placeholder = False
    offset = 0
    for piece in lowered.split(", "):
        scanned = _PIECES.get(piece)
        if scanned is None:
            if len(_PIECES) >= MAX_PIECES:
                _PIECES.clear()
            scanned = _PIECES[piece] = _scan_piece(piece)
        matches, in_piece = scanned
        if matches:
            if offset:
                found += [(kind, start + offset, end + offset) for kind, start, end in matches]
            else:
                found += matches
        placeholder = placeholder or in_piece
        offset += len(piece) + 2
    return found, placeholder


def _scan_piece(piece: str) -> tuple[tuple[Candidate, ...], bool]:
    found = []
    for match in _SCAN_RE.finditer(" " + piece):
        kind = match.lastgroup or ""
        start, end = match.span(kind)
        found.append((kind, start - 1, end - 1))  # offsets in the padded text are one too high
    return tuple(found), may_hold_placeholder(piece)
