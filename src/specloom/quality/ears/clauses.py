"""Where the parts of a criterion are: its sentence, the clauses before SHALL, the separator
before the system name, the system name itself and clauses written after the response.

Each function takes the text and its lower-cased copy (same offsets) and returns offsets or
`ParsedClause` records; none of them decides what is wrong with the grammar.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from specloom.quality.ears.result import EarsClause, ParsedClause, Separator
from specloom.quality.lexicon import EARS_CLAUSE_KINDS, word_pattern

# The keyword patterns run on a lower-cased copy of the text and start with a literal, so that
# `re` can skip ahead quickly (see `lexicon.word_pattern`). The upper-case keyword and the
# sentence patterns need the original case and run on the text itself.
_KEYWORD_RE = re.compile(word_pattern(EARS_CLAUSE_KINDS))
# An optional list marker ("1.", "-", "*") may precede the first keyword.
LEADING_KEYWORD_RE = re.compile(
    r"\s*(?:(?:\d+(?:\.\d+)*[.)]?|[-*•])\s+)?(" + "|".join(EARS_CLAUSE_KINDS) + r")(?![\w-])"
)
# After SHALL only upper-case keywords are clauses: lower-case "if"/"when" there are prose.
_TRAILING_KEYWORD_RE = re.compile(r"(?:W(?<![\w-]W)H(?:ERE|ILE|EN)|I(?<![\w-]I)F)(?![\w-])")
_THE_RE = re.compile(r"the(?<![\w-]the)\s+")
_SENTENCE_BREAK_RE = re.compile(r"[.!?]\s+(?=[A-Z])")
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)")
_CLAUSE_TRIM = " \t\r\n,;"
# Abbreviations whose period does not end a sentence.
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "approx", "vs", "cf", "fig", "no", "ref", "dr",
                            "mr", "mrs", "ms", "st", "prof", "inc", "ltd", "co", "jr", "sr"})


def sentence_start(text: str, modal_start: int) -> int:
    """Start of the sentence that holds the modal verb, skipping abbreviations like "e.g."."""
    first = _SENTENCE_BREAK_RE.search(text, 0, modal_start)
    if first is None:
        return 0  # the usual case: one sentence
    start = 0
    for match in _SENTENCE_BREAK_RE.finditer(text, first.start(), modal_start):
        word_start = text.rfind(" ", 0, match.start()) + 1
        word = text[word_start : match.start()].lower().lstrip("(")
        if word and word not in _ABBREVIATIONS and "." not in word:
            start = match.end()
    return start


def find_separator(
    text: str, lowered: str, head_start: int, modal_start: int
) -> Separator | None:
    """The last comma or THEN between the head start and SHALL."""
    comma = text.rfind(",", head_start, modal_start)
    while comma >= 0:  # "THE X operations (a, b) SHALL": a comma in parentheses is a list
        opened = text.rfind("(", head_start, comma)
        if opened < 0 or text.find(")", opened, comma) >= 0:
            break
        comma = text.rfind(",", head_start, opened)  # skip the whole parenthesis at once
    then = last_word(lowered, "then", max(head_start, comma + 1), modal_start)
    if then >= 0:
        comma_before = text[head_start:then].rstrip().endswith(",")
        return Separator(then, then + 4, True, comma_before)  # is_then, comma_before_then
    if comma >= 0:
        return Separator(comma, comma + 1, False, False)
    return None


def last_word(lowered: str, word: str, start: int, end: int) -> int:
    """Offset of the last whole-word occurrence of `word` in lowered[start:end], or -1."""
    position = lowered.rfind(word, start, end)
    while position >= 0:
        after = position + len(word)
        if _is_word_edge(lowered, position - 1) and _is_word_edge(lowered, after):
            return position
        position = lowered.rfind(word, start, position)
    return -1


def _is_word_edge(text: str, index: int) -> bool:
    """True when the character at `index` (or the text's end) does not continue a word."""
    if index < 0 or index >= len(text):
        return True
    char = text[index]
    return not (char.isalnum() or char in "_-")


def fallback_separator(lowered: str, after: int, modal_start: int) -> Separator | None:
    """Without a comma or THEN, the system name starts at the last "the" before SHALL."""
    last_the = None
    for last_the in _THE_RE.finditer(lowered, after, modal_start):  # noqa: B007 - keep the last
        pass
    if last_the is None:
        return None
    return Separator(last_the.start(), last_the.start(), is_then=False, comma_before_then=False)


def split_clauses(
    text: str, lowered: str, first_keyword: int, prefix_end: int
) -> Sequence[ParsedClause]:
    """Split the text before the system name into clauses at clause keywords.

    What it finds depends on text[first_keyword:prefix_end] alone (a joiner before a keyword
    is read inside it), and criteria share their clauses, so each distinct run of clauses is
    split once; its clauses are kept with offsets from `first_keyword`.
    """
    region = text[first_keyword:prefix_end]
    if not region.isascii():  # the lower-cased copy then depends on the whole text
        return _split(text, lowered, first_keyword, prefix_end)
    clauses = _REGIONS.get(region)
    if clauses is None:
        if len(_REGIONS) >= MAX_REGIONS:
            _REGIONS.clear()
        clauses = _REGIONS[region] = tuple(_split(region, region.lower(), 0, len(region)))
    if not first_keyword:
        return clauses
    return [_shifted(parsed, first_keyword) for parsed in clauses]


#: Distinct runs of clauses kept; when full, the memo starts again empty.
MAX_REGIONS = 1 << 15
_REGIONS: dict[str, tuple[ParsedClause, ...]] = {}


def _split(text: str, lowered: str, first_keyword: int, prefix_end: int) -> list[ParsedClause]:
    keywords: list[re.Match[str]] = []
    for match in _KEYWORD_RE.finditer(lowered, first_keyword, prefix_end):
        start, end = match.span()
        starts_clause = start == first_keyword or text[start:end].isupper()
        if starts_clause or _follows_joiner(lowered, start):
            keywords.append(match)
    clauses = []
    for index, keyword in enumerate(keywords):
        end = keywords[index + 1].start() if index + 1 < len(keywords) else prefix_end
        clauses.append(make_clause(text, keyword.start(), keyword.end(), end))
    return clauses


def _shifted(parsed: ParsedClause, offset: int) -> ParsedClause:
    clause = parsed.clause
    moved = clause._replace(start=clause.start + offset, end=clause.end + offset)
    return ParsedClause(moved, parsed.keyword_start + offset)


def _follows_joiner(lowered: str, position: int) -> bool:
    """True when a keyword at `position` starts a new clause (after , ; AND OR)."""
    before = lowered[max(0, position - 8) : position].rstrip()
    return before.endswith((",", ";", " and", " or"))


def make_clause(text: str, keyword_start: int, keyword_end: int, end: int) -> ParsedClause:
    start = keyword_end
    end = _clause_end(text, start, end)
    while start < end and text[start].isspace():
        start += 1
    word = text[keyword_start:keyword_end]
    clause = EarsClause(EARS_CLAUSE_KINDS[word.lower()], word, text[start:end], start, end)
    return ParsedClause(clause, keyword_start)


def _clause_end(text: str, start: int, end: int) -> int:
    """End of the clause text without trailing spaces, commas and a joining AND/OR.

    Walks back from the end, so a long run of "and and and" costs linear time.
    """
    while end > start:
        if text[end - 1] in _CLAUSE_TRIM:
            end -= 1
            continue
        tail = text[max(start, end - 4) : end].lower()
        if tail.endswith(" and"):
            end -= 4
        elif tail.endswith(" or"):
            end -= 3
        else:
            break
    return end


def trailing_clauses(text: str, lowered: str, response_start: int) -> list[ParsedClause]:
    """Upper-case clause keywords after SHALL, in the same sentence: clauses written after the
    response. Each ends at the next keyword or at the end of the sentence."""
    if text.find("WH", response_start) < 0 and text.find("IF", response_start) < 0:
        return []  # the usual case: no WHERE, WHILE, WHEN or IF at all
    if _TRAILING_KEYWORD_RE.search(text, response_start) is None:
        return []
    found_end = _SENTENCE_END_RE.search(text, response_start)
    sentence_end = found_end.start() if found_end else len(text)
    keywords = list(_TRAILING_KEYWORD_RE.finditer(text, response_start, sentence_end))
    clauses = []
    for index, keyword in enumerate(keywords):
        end = keywords[index + 1].start() if index + 1 < len(keywords) else sentence_end
        clauses.append(make_clause(text, keyword.start(), keyword.end(), end))
    return clauses


def find_system_span(text: str, lowered: str, start: int, end: int) -> tuple[int, int] | None:
    """Span of the system name between `start` and SHALL, without a leading "the"."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    the = _THE_RE.match(lowered, start, end)
    if the is not None and the.end() < end:
        start = the.end()
    return (start, end) if start < end else None
