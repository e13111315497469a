"""EARS grammar classifier for acceptance criteria (the E rules).

`parse_ears` reads one criterion and says which EARS pattern (Mavin et al., RE 2009) it follows,
which dialect it is written in, where its clauses, system name and response are, and what is
wrong with its grammar. It accepts both Kiro dialects:

- strict: ``WHEN <trigger>, THE <System_Name> SHALL <response>``, ``IF <condition>, THEN THE
  <System_Name> SHALL ...``, ``WHILE``/``WHERE`` likewise, ubiquitous ``THE <System_Name> SHALL``;
- legacy: ``WHEN <event> THEN <system> SHALL <response>``, ``IF <precondition> THEN <system>
  SHALL ...``, with triggers joined by AND.

The parser is a few precompiled regex searches, no tokenizer: the criterion's first SHALL (or
the word used in its place) splits it into a head and a response; in the head, the last comma or
THEN before SHALL separates the clauses from the system name; clause keywords are recognised at
the start, after a comma, semicolon, AND or OR, or anywhere when written in upper case. Commas
inside conditions are therefore harmless. Deviations (lower-case keywords, "should" for SHALL,
IF without THEN, clauses out of order) are reported as findings, and the pattern is still
classified where the structure allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specloom.core.rule import Rule, Severity, TextFinding
from specloom.quality.lexicon import (
    EARS_CLAUSE_KINDS,
    SHALL_SUBSTITUTES,
    lower_keeping_offsets,
    word_pattern,
)

#: Every value `EarsResult.pattern` can take.
PATTERNS: tuple[str, ...] = (
    "ubiquitous",
    "event",
    "state",
    "unwanted",
    "optional",
    "complex",
    "unknown",
)

RULES: tuple[Rule, ...] = (
    Rule(
        code="E001",
        name="not-ears",
        family="ears",
        severity=Severity.WARNING,
        summary="The criterion matches no EARS pattern.",
        explanation=(
            "EARS criteria have a fixed shape: optional WHERE, WHILE, WHEN or IF clauses, then "
            "THE <system> SHALL <response>. A criterion without that shape is harder to review "
            "and cannot be traced to a system or turned into a test mechanically."
        ),
        bad="On the last day of the month, a reminder is sent to the employee.",
        good="WHEN the last day of the month begins, THE Timesheet_Service SHALL send a reminder "
        "to the employee.",
        hint="Rewrite as [WHERE/WHILE/WHEN/IF <clause>,] THE <System_Name> SHALL <response>.",
    ),
    Rule(
        code="E002",
        name="missing-then",
        family="ears",
        severity=Severity.WARNING,
        summary="An IF condition is not followed by THEN.",
        explanation=(
            "The unwanted-behaviour pattern is IF <condition>, THEN THE <system> SHALL "
            "<response>. Without THEN the reader has to guess where the condition ends, and "
            "tools that split the criterion into condition and response may split it wrongly."
        ),
        bad="IF the item is out of stock, THE Cart_Service SHALL reject the request.",
        good="IF the item is out of stock, THEN THE Cart_Service SHALL reject the request.",
        hint="Add THEN after the condition: IF <condition>, THEN THE <system> SHALL ...",
    ),
    Rule(
        code="E003",
        name="lowercase-keyword",
        family="ears",
        severity=Severity.INFO,
        summary="An EARS keyword is not written in upper case.",
        explanation=(
            "Upper-case WHEN, WHILE, IF, WHERE, THEN and SHALL make the structure of a "
            "criterion visible at a glance and tell readers that the word is a keyword, not "
            "ordinary prose. Kiro writes them in upper case. A criterion that writes every "
            "keyword in lower or sentence case follows cc-sdd's template (When <event>, the "
            "<system> shall <response>) and is not reported; mixing the cases is."
        ),
        bad="WHEN a shopper adds an item, the Cart_Service shall store it.",
        good="WHEN a shopper adds an item, THE Cart_Service SHALL store the item.",
        hint="Write the keyword in upper case.",
    ),
    Rule(
        code="E004",
        name="missing-shall",
        family="ears",
        severity=Severity.WARNING,
        summary="The criterion uses another verb (should, must, will, may) instead of SHALL.",
        explanation=(
            "EARS states every obligation with SHALL. 'Should' and 'may' read as optional, "
            "'will' as a statement of fact, and mixing 'must' with SHALL suggests two levels of "
            "obligation that the spec never defines."
        ),
        bad="WHEN a shopper adds an item, THE Cart_Service should store the item.",
        good="WHEN a shopper adds an item, THE Cart_Service SHALL store the item.",
        hint="Replace the word with SHALL, or drop the criterion if it is not an obligation.",
    ),
    Rule(
        code="E005",
        name="clause-order",
        family="ears",
        severity=Severity.WARNING,
        summary="Clauses are out of the EARS order WHERE, WHILE, WHEN/IF, then THE ... SHALL.",
        explanation=(
            "Complex EARS requirements combine clauses in a fixed order: the feature "
            "precondition (WHERE), then the state (WHILE), then the trigger or condition "
            "(WHEN or IF), and only then the system and its response. A fixed order lets a "
            "reader compare criteria line by line."
        ),
        bad="WHEN the shopper pays, WHILE the cart is locked, THE Cart_Service SHALL ...",
        good="WHILE the cart is locked, WHEN the shopper pays, THE Cart_Service SHALL ...",
        hint="Reorder the clauses: WHERE, WHILE, WHEN or IF, then THE <system> SHALL.",
    ),
)

_RULE_BY_CODE = {rule.code: rule for rule in RULES}

_PATTERN_BY_KIND = {
    "precondition": "optional",
    "state": "state",
    "trigger": "event",
    "condition": "unwanted",
}
_CLAUSE_RANK = {"precondition": 0, "state": 1, "trigger": 2, "condition": 2}

# The keyword patterns run on a lower-cased copy of the text and start with a literal, so that
# `re` can skip ahead quickly (see `lexicon.word_pattern`). The upper-case keyword and the
# sentence patterns need the original case and run on the text itself.
_SHALL_RE = re.compile(r"shall(?<![\w-]shall)(?![\w-])")
_SUBSTITUTE_RE = re.compile(word_pattern(SHALL_SUBSTITUTES))
_KEYWORD_RE = re.compile(word_pattern(EARS_CLAUSE_KINDS))
# An optional list marker ("1.", "-", "*") may precede the first keyword.
_LEADING_KEYWORD_RE = re.compile(
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
# A ubiquitous subject is a short noun phrase; a long head without a comma is prose.
_MAX_UBIQUITOUS_SUBJECT_WORDS = 8


@dataclass(frozen=True, slots=True)
class EarsClause:
    """One EARS clause: `kind` is precondition, state, trigger or condition."""

    kind: str
    keyword: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class EarsResult:
    """What `parse_ears` read from one criterion; offsets index the text it was given."""

    pattern: str
    dialect: str
    clauses: tuple[EarsClause, ...]
    system: str | None
    system_span: tuple[int, int] | None
    response: str | None
    findings: tuple[TextFinding, ...]


# The two internal records are not frozen: a frozen dataclass costs four times as much to
# create, and they never leave this module.
@dataclass(slots=True)
class _Clause:
    """A clause with the offset of its keyword, which `EarsClause` does not carry."""

    clause: EarsClause
    keyword_start: int

    @property
    def keyword_end(self) -> int:
        return self.keyword_start + len(self.clause.keyword)


@dataclass(slots=True)
class _Separator:
    """Where the clauses end and the system name begins."""

    start: int
    end: int
    is_then: bool
    comma_before_then: bool


def shall_substitute_span(text: str) -> tuple[int, int] | None:
    """Span of the word E004 reports in place of SHALL, or None when SHALL is present.

    The smell rules call this so that a weak modal already reported as E004 is not reported
    again as A009.
    """
    lowered = lower_keeping_offsets(text)
    if _SHALL_RE.search(lowered) is not None:
        return None
    substitute = _SUBSTITUTE_RE.search(lowered)
    return None if substitute is None else substitute.span()


def parse_ears(text: str) -> EarsResult:
    """Classify one criterion and report its EARS grammar findings. Never raises."""
    lowered = lower_keeping_offsets(text)
    findings: list[TextFinding] = []
    modal = _SHALL_RE.search(lowered)
    if modal is None:
        modal = _SUBSTITUTE_RE.search(lowered)
        if modal is None:
            if _is_cjk(text):
                return _parse_cjk(text, lowered)
            return _not_ears(text, "no SHALL: the criterion matches no EARS pattern")
        word = text[modal.start() : modal.end()]
        findings.append(_finding("E004", *modal.span(), f'"{word}" used instead of SHALL'))
    head_start = _sentence_start(text, modal.start())
    lead = _LEADING_KEYWORD_RE.match(lowered, head_start)
    separator = _find_separator(text, lowered, head_start, modal.start())

    if lead is None:
        return _parse_without_clauses(text, lowered, head_start, modal, separator, findings)

    if separator is None:
        separator = _fallback_separator(lowered, lead.end(), modal.start())
    prefix_end = separator.start if separator else modal.start()
    subject_start = separator.end if separator else modal.start()
    clauses = _split_clauses(text, lowered, lead.start(1), prefix_end)
    return _build(text, lowered, clauses, subject_start, modal, separator, findings)


def _parse_without_clauses(
    text: str,
    lowered: str,
    head_start: int,
    modal: re.Match[str],
    separator: _Separator | None,
    findings: list[TextFinding],
) -> EarsResult:
    """A criterion that does not open with a clause keyword: ubiquitous or not EARS."""
    if separator is not None:
        message = "the text before the system name does not start with WHERE, WHILE, WHEN or IF"
        return _not_ears(text, message, findings)
    subject = text[head_start : modal.start()]
    if len(subject.split()) > _MAX_UBIQUITOUS_SUBJECT_WORDS:
        return _not_ears(text, "no EARS keyword and no short system name before SHALL", findings)
    return _build(text, lowered, [], head_start, modal, None, findings)


def _build(
    text: str,
    lowered: str,
    clauses: list[_Clause],
    subject_start: int,
    modal: re.Match[str],
    separator: _Separator | None,
    findings: list[TextFinding],
) -> EarsResult:
    system_span = _system_span(text, lowered, subject_start, modal.start())
    response = text[modal.end() :].strip().removesuffix(".").rstrip()
    if system_span is None or not response:
        problem = "no system name before SHALL" if system_span is None else "nothing after SHALL"
        return _not_ears(text, problem, findings, tuple(c.clause for c in clauses))

    trailing = _trailing_clauses(text, lowered, modal.end())
    if len(clauses) > 1 or trailing:
        findings.extend(_order_findings(clauses, trailing))
    for parsed in clauses:
        if parsed.clause.kind == "condition":
            if not (separator and separator.is_then):
                message = f'"{parsed.clause.keyword}" condition without THEN'
                findings.append(_finding("E002", parsed.keyword_start, parsed.keyword_end, message))
            break
    all_clauses = tuple([c.clause for c in clauses + trailing])
    legacy = separator is not None and separator.is_then and not separator.comma_before_then
    dialect = "legacy" if legacy else "strict"
    if _is_lower_case_dialect(text, clauses, separator, modal):
        # cc-sdd's template "When <event>, the <system> shall <response>": lower-case keywords
        # throughout are a dialect, not a slip; E003 is for criteria that mix the cases.
        dialect = "cc-sdd"
    else:
        _add_lowercase_findings(findings, text, clauses, separator, modal)
    if len(findings) > 1:
        findings.sort(key=lambda f: (f.start, f.code))
    return EarsResult(
        pattern=_pattern_of(all_clauses),
        dialect=dialect,
        clauses=all_clauses,
        system=text[system_span[0] : system_span[1]],
        system_span=system_span,
        response=response,
        findings=tuple(findings),
    )


# Hiragana, katakana, CJK ideographs (with extension A) and the CJK punctuation block.
_CJK_RE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]")
# The system name in a CJK criterion: "the AI Coach システムは", "THE Dashboard UI は、",
# "the 报表服务应" (topic or subject particle, or a Chinese modal verb, after the name).
_CJK_SYSTEM_RE = re.compile(
    r"(?<![\w-])the\s+([^\s、，。,]+(?:\s+[^\s、，。,]+)*?)\s*"
    r"(?:は|が|では|应当|应该|应|必须|将|会|需要)",
    re.IGNORECASE,
)


def _is_cjk(text: str) -> bool:
    """True for a Japanese sentence (any hiragana: its particles and verb endings carry the
    grammar, however many English identifiers it names), or when CJK characters make up at
    least a quarter of the non-space characters (Chinese)."""
    if _HIRAGANA_RE.search(text):
        return True
    cjk = len(_CJK_RE.findall(text))
    return cjk > 0 and cjk * 4 >= len(text) - text.count(" ")


_HIRAGANA_RE = re.compile(r"[\u3041-\u309f]")


def _parse_cjk(text: str, lowered: str) -> EarsResult:
    """A criterion written mainly in Japanese or Chinese with English EARS keywords.

    The obligation is carried by the sentence-final verb (``...を表示する``), so a missing
    SHALL is no finding; the pattern comes from the English keywords and the system name is
    the noun phrase after "the" that the particle は/が (or a Chinese modal) closes.
    """
    lead = _LEADING_KEYWORD_RE.match(lowered)
    system = _CJK_SYSTEM_RE.search(text, lead.end() if lead else 0)
    clauses: tuple[EarsClause, ...] = ()
    if lead is not None:
        end = system.start() if system else len(text)
        clause = _clause(text, lead.start(1), lead.end(1), _cjk_clause_end(text, lead.end(1), end))
        clauses = (clause.clause,)
    known = lead is not None or system is not None
    return EarsResult(
        pattern=_pattern_of(clauses) if known else "unknown",
        dialect="cjk" if known else "none",
        clauses=clauses,
        system=system.group(1) if system else None,
        system_span=system.span(1) if system else None,
        response=text[system.end() :].strip(" 、，。.") if system else None,
        findings=(),
    )


def _cjk_clause_end(text: str, start: int, end: int) -> int:
    """The clause ends before a trailing "then" or the CJK comma that closes it."""
    then = _last_word(text.lower(), "then", start, end)
    end = then if then >= 0 else end
    while end > start and text[end - 1] in " \t、，,":
        end -= 1
    return end


def _is_lower_case_dialect(
    text: str, clauses: list[_Clause], separator: _Separator | None, modal: re.Match[str]
) -> bool:
    """True when no EARS keyword of the criterion is written in upper case (cc-sdd's template
    ``When <event>, the <system> shall <response>``)."""
    if text[modal.start() : modal.end()].isupper():
        return False
    is_then = separator is not None and separator.is_then
    if is_then and separator is not None and text[separator.start : separator.end].isupper():
        return False
    return not any(c.clause.keyword.isupper() for c in clauses)


def _pattern_of(clauses: tuple[EarsClause, ...]) -> str:
    if not clauses:
        return "ubiquitous"
    kinds = {clause.kind for clause in clauses}
    if len(kinds) > 1:
        return "complex"
    return _PATTERN_BY_KIND[clauses[0].kind]


def _sentence_start(text: str, modal_start: int) -> int:
    """Start of the sentence that holds the modal verb, skipping abbreviations like "e.g."."""
    start = 0
    for match in _SENTENCE_BREAK_RE.finditer(text, 0, modal_start):
        word_start = text.rfind(" ", 0, match.start()) + 1
        word = text[word_start : match.start()].lower().lstrip("(")
        if word and word not in _ABBREVIATIONS and "." not in word:
            start = match.end()
    return start


def _find_separator(
    text: str, lowered: str, head_start: int, modal_start: int
) -> _Separator | None:
    """The last comma or THEN between the head start and SHALL."""
    comma = text.rfind(",", head_start, modal_start)
    while comma >= 0:  # "THE X operations (a, b) SHALL": a comma in parentheses is a list
        opened = text.rfind("(", head_start, comma)
        if opened < 0 or text.find(")", opened, comma) >= 0:
            break
        comma = text.rfind(",", head_start, opened)  # skip the whole parenthesis at once
    then = _last_word(lowered, "then", max(head_start, comma + 1), modal_start)
    if then >= 0:
        comma_before = text[head_start:then].rstrip().endswith(",")
        return _Separator(then, then + 4, is_then=True, comma_before_then=comma_before)
    if comma >= 0:
        return _Separator(comma, comma + 1, is_then=False, comma_before_then=False)
    return None


def _last_word(lowered: str, word: str, start: int, end: int) -> int:
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


def _fallback_separator(lowered: str, after: int, modal_start: int) -> _Separator | None:
    """Without a comma or THEN, the system name starts at the last "the" before SHALL."""
    last_the = None
    for last_the in _THE_RE.finditer(lowered, after, modal_start):  # noqa: B007 - keep the last
        pass
    if last_the is None:
        return None
    return _Separator(last_the.start(), last_the.start(), is_then=False, comma_before_then=False)


def _split_clauses(text: str, lowered: str, first_keyword: int, prefix_end: int) -> list[_Clause]:
    """Split the text before the system name into clauses at clause keywords."""
    keywords: list[re.Match[str]] = []
    for match in _KEYWORD_RE.finditer(lowered, first_keyword, prefix_end):
        start, end = match.span()
        starts_clause = start == first_keyword or text[start:end].isupper()
        if starts_clause or _follows_joiner(lowered, start):
            keywords.append(match)
    clauses = []
    for index, keyword in enumerate(keywords):
        end = keywords[index + 1].start() if index + 1 < len(keywords) else prefix_end
        clauses.append(_clause(text, keyword.start(), keyword.end(), end))
    return clauses


def _follows_joiner(lowered: str, position: int) -> bool:
    """True when a keyword at `position` starts a new clause (after , ; AND OR)."""
    before = lowered[max(0, position - 8) : position].rstrip()
    return before.endswith((",", ";", " and", " or"))


def _clause(text: str, keyword_start: int, keyword_end: int, end: int) -> _Clause:
    start = keyword_end
    end = _clause_end(text, start, end)
    while start < end and text[start].isspace():
        start += 1
    word = text[keyword_start:keyword_end]
    clause = EarsClause(EARS_CLAUSE_KINDS[word.lower()], word, text[start:end], start, end)
    return _Clause(clause, keyword_start)


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


def _trailing_clauses(text: str, lowered: str, response_start: int) -> list[_Clause]:
    """Upper-case clause keywords after SHALL, in the same sentence: clauses written after the
    response. Each ends at the next keyword or at the end of the sentence."""
    if _TRAILING_KEYWORD_RE.search(text, response_start) is None:
        return []  # the usual case: nothing to split
    found_end = _SENTENCE_END_RE.search(text, response_start)
    sentence_end = found_end.start() if found_end else len(text)
    keywords = list(_TRAILING_KEYWORD_RE.finditer(text, response_start, sentence_end))
    clauses = []
    for index, keyword in enumerate(keywords):
        end = keywords[index + 1].start() if index + 1 < len(keywords) else sentence_end
        clauses.append(_clause(text, keyword.start(), keyword.end(), end))
    return clauses


def _system_span(text: str, lowered: str, start: int, end: int) -> tuple[int, int] | None:
    """Span of the system name between `start` and SHALL, without a leading "the"."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    the = _THE_RE.match(lowered, start, end)
    if the is not None and the.end() < end:
        start = the.end()
    return (start, end) if start < end else None


def _order_findings(clauses: list[_Clause], trailing: list[_Clause]) -> list[TextFinding]:
    findings = []
    highest = -1
    for parsed in clauses:
        rank = _CLAUSE_RANK[parsed.clause.kind]
        if rank < highest:
            message = f'"{parsed.clause.keyword}" clause comes after a clause that belongs later'
            findings.append(_finding("E005", parsed.keyword_start, parsed.keyword_end, message))
        highest = max(highest, rank)
    for parsed in trailing:
        message = f'"{parsed.clause.keyword}" clause comes after SHALL'
        findings.append(_finding("E005", parsed.keyword_start, parsed.keyword_end, message))
    return findings


def _add_lowercase_findings(
    findings: list[TextFinding],
    text: str,
    clauses: list[_Clause],
    separator: _Separator | None,
    modal: re.Match[str],
) -> None:
    spans = [(c.keyword_start, c.keyword_end) for c in clauses]
    if separator is not None and separator.is_then:
        spans.append((separator.start, separator.end))
    if modal.group() == "shall":
        spans.append(modal.span())
    for start, end in spans:
        word = text[start:end]
        if not word.isupper():
            message = f'EARS keyword "{word}" is not upper-case'
            findings.append(_finding("E003", start, end, message))


def _not_ears(
    text: str,
    message: str,
    findings: list[TextFinding] | None = None,
    clauses: tuple[EarsClause, ...] = (),
) -> EarsResult:
    stripped_start = len(text) - len(text.lstrip())
    stripped_end = len(text.rstrip())
    all_findings = list(findings or [])
    stripped_end = max(stripped_start, stripped_end)
    all_findings.append(_finding("E001", stripped_start, stripped_end, message))
    all_findings.sort(key=lambda f: (f.start, f.code))
    return EarsResult(
        pattern="unknown",
        dialect="none",
        clauses=clauses,
        system=None,
        system_span=None,
        response=None,
        findings=tuple(all_findings),
    )


def _finding(code: str, start: int, end: int, message: str) -> TextFinding:
    return TextFinding(code, start, end, message, _RULE_BY_CODE[code].hint)
