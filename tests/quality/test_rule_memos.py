"""The memos of the fast rule pass give what a fresh computation gives (issue 14).

`criteria.criterion_rules` keeps each distinct criterion's findings, `ears.parser` each distinct
head (up to SHALL), `ears.clauses` each distinct run of clauses, and `smells.candidates` each
distinct piece of text between ", ". Each test compares a memoised answer with the one computed
from scratch, on texts built to share those parts.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specloom.quality import criteria
from specloom.quality.ears import SHALL_RE, parse_ears
from specloom.quality.ears import clauses as ears_clauses
from specloom.quality.ears import parser as ears_parser
from specloom.quality.lexicon import lazy_regex, lower_keeping_offsets
from specloom.quality.smells import candidates as smell_candidates
from specloom.quality.smells import find_smells
from specloom.quality.smells.placeholders import may_hold_placeholder


@pytest.fixture(autouse=True)
def _empty_memos() -> None:
    _clear()


def _clear() -> None:
    criteria._WITH_EARS.clear()
    criteria._WITHOUT_EARS.clear()
    ears_parser._HEADS.clear()
    ears_clauses._REGIONS.clear()
    smell_candidates._PIECES.clear()


VOCABULARY = (
    "WHEN When when WHILE IF if THEN then WHERE THE the SHALL shall should may is are be stored "
    "sent and or but not no all any every within at least 5 1,000 10.5 5-10 seconds than faster "
    "it its etc e.g. such as including including, but not limited to TBD ??? <div> [NEEDS "
    "Cart_Service user adds item İ ß ’ ( ) - 1."
)
SEPARATORS = (", ", " ", " ", ",", ",  ", ",\n", ". ", "; ", " , ")
PIECES = st.lists(
    st.tuples(st.sampled_from(VOCABULARY.split()), st.sampled_from(SEPARATORS)), max_size=30
).map(lambda parts: "".join(word + separator for word, separator in parts))


@settings(max_examples=400)
@given(PIECES)
def test_the_scan_cut_at_commas_finds_what_the_scan_of_the_whole_text_finds(text: str) -> None:
    lowered = lower_keeping_offsets(text)
    whole = (list(smell_candidates._scan_piece(lowered)[0]), may_hold_placeholder(lowered))
    for _ in range(2):  # from scratch, then from the memo
        found, placeholder = smell_candidates.candidates(lowered)
        assert (list(found), placeholder) == whole


def test_a_lexicon_phrase_with_a_comma_is_still_found() -> None:
    for text in ("THE X SHALL accept files, including, but not limited to PNG.",
                 "THE X SHALL accept files, including,  but not limited to PNG."):
        assert "A003" in [f.code for f in find_smells(text)]


SHARED_HEADS = (
    "WHEN a user saves the form, THE Editor SHALL",
    "IF the token is missing THEN THE Auth_Service shall",
    "When the user logs in, the system shall",
    "1. WHERE the audit module is enabled, WHEN a guest pays, THE Cart SHALL",
    "THE Cart_Service should",
    "WHEN the upload ends. THE Store SHALL",
    "WHEN the user (e.g. an admin) saves, THE Editor SHALL",
    "WHEN İstanbul is chosen, THE Map SHALL",
)
RESPONSES = (
    " store the item.", " store the item WHEN it arrives.", "", " .", " log it IF it fails, "
    "WHILE busy.", " show the ß result.",
)


@pytest.mark.parametrize("head", SHARED_HEADS)
def test_a_kept_head_gives_what_a_fresh_parse_gives(head: str) -> None:
    texts = [head + response for response in RESPONSES]
    fresh = []
    for text in texts:
        _clear()
        fresh.append(parse_ears(text))
    _clear()
    assert [parse_ears(text) for text in texts] == fresh  # the head read once, then kept


def test_kept_clauses_move_with_the_offset_of_their_first_keyword() -> None:
    clauses = "WHEN a user saves the form and IF the draft is stale"
    texts = [f"{clauses}, THEN THE Editor SHALL warn.", f"1. {clauses}, THEN THE Editor SHALL warn.",
             f"Note. {clauses}, THEN THE Editor SHALL warn."]
    fresh = []
    for text in texts:
        _clear()
        fresh.append(parse_ears(text))
    _clear()
    kept = [parse_ears(text) for text in texts]
    assert kept == fresh
    for text, result in zip(texts, kept, strict=True):
        for clause in result.clauses:
            assert text[clause.start : clause.end] == clause.text


@settings(max_examples=200)
@given(st.sampled_from(SHARED_HEADS), st.sampled_from(RESPONSES), PIECES)
def test_criterion_rules_are_the_ears_and_smell_rules(head: str, response: str, tail: str) -> None:
    text = head + response + tail
    expected = parse_ears(text)
    smells = tuple(find_smells(text, obligation_only=True))
    rules = criteria.criterion_rules(text)
    assert rules == (expected.findings + smells, expected)
    assert criteria.criterion_rules(text) is rules  # kept
    assert criteria.criterion_rules(text, False) == (smells, None)
    lowered = lower_keeping_offsets(text)
    assert ears_parser.parse_lowered(text, lowered, SHALL_RE.search(lowered)) == expected


def test_the_memos_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(criteria, "MAX_MEMO", 8)
    monkeypatch.setattr(ears_parser, "MAX_HEADS", 8)
    monkeypatch.setattr(ears_clauses, "MAX_REGIONS", 8)
    monkeypatch.setattr(smell_candidates, "MAX_PIECES", 8)
    for number in range(50):
        text = f"WHEN event {number} occurs, THE Svc_{number} SHALL log entry {number}, and more."
        criteria.criterion_rules(text)
    assert len(criteria._WITH_EARS) <= 8
    assert len(ears_parser._HEADS) <= 8
    assert len(ears_clauses._REGIONS) <= 8
    assert len(smell_candidates._PIECES) <= 8


def test_a_lazy_regex_is_compiled_once() -> None:
    pattern = lazy_regex(r"sha(ll)")
    assert pattern() is pattern()
    assert pattern().search("it shall").group(1) == "ll"  # type: ignore[union-attr]
