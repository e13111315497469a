"""EARS grammar classifier: patterns, both Kiro dialects, the E rules, and robustness."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specloom.core.rule import Severity
from specloom.quality.ears import PATTERNS, RULES, EarsResult, parse_ears, shall_substitute_span


def codes(result: EarsResult) -> list[str]:
    return [finding.code for finding in result.findings]


# --- the five patterns, strict dialect ---------------------------------------------------------


@pytest.mark.req("spec-check", "5.1")
@pytest.mark.parametrize(
    ("text", "pattern", "kinds", "response"),
    [
        (
            "THE Cart_Service SHALL persist each cart for 30 days.",
            "ubiquitous",
            [],
            "persist each cart for 30 days",
        ),
        (
            "WHEN a shopper adds an in-stock item, THE Cart_Service SHALL store the item.",
            "event",
            ["trigger"],
            "store the item",
        ),
        (
            "WHILE the cart is locked, THE Cart_Service SHALL reject changes to the cart.",
            "state",
            ["state"],
            "reject changes to the cart",
        ),
        (
            "IF the item is out of stock, THEN THE Cart_Service SHALL reject the request.",
            "unwanted",
            ["condition"],
            "reject the request",
        ),
        (
            "WHERE gift wrapping is enabled, THE Cart_Service SHALL offer wrapping at checkout.",
            "optional",
            ["precondition"],
            "offer wrapping at checkout",
        ),
        (
            "WHILE the cart is locked, WHEN the shopper pays, THE Cart_Service SHALL charge the card.",
            "complex",
            ["state", "trigger"],
            "charge the card",
        ),
        (
            "WHERE the premium plan is active, WHILE the cart is open, IF payment fails, "
            "THEN THE Cart_Service SHALL retry the payment once.",
            "complex",
            ["precondition", "state", "condition"],
            "retry the payment once",
        ),
    ],
)
def test_strict_patterns(text: str, pattern: str, kinds: list[str], response: str) -> None:
    result = parse_ears(text)
    assert result.pattern == pattern
    assert result.dialect == "strict"
    assert [clause.kind for clause in result.clauses] == kinds
    assert result.system == "Cart_Service"
    assert result.response == response
    assert result.findings == ()


def test_system_span_points_at_the_name_without_the() -> None:
    text = "WHEN a shopper adds an item, THE Cart_Service SHALL store the item."
    result = parse_ears(text)
    assert result.system_span is not None
    start, end = result.system_span
    assert text[start:end] == "Cart_Service"


@pytest.mark.req("spec-check", "5.2")
def test_clause_offsets_point_at_the_clause_text() -> None:
    text = (
        "WHILE the cart is locked, WHEN the shopper pays, THE Cart_Service SHALL charge the card."
    )
    result = parse_ears(text)
    assert [(c.keyword, c.text) for c in result.clauses] == [
        ("WHILE", "the cart is locked"),
        ("WHEN", "the shopper pays"),
    ]
    for clause in result.clauses:
        assert text[clause.start : clause.end] == clause.text


def test_conditions_may_contain_commas() -> None:
    text = "WHEN a user, an admin, or a guest opens the page, THE Page_Service SHALL log the visit."
    result = parse_ears(text)
    assert result.pattern == "event"
    assert result.clauses[0].text == "a user, an admin, or a guest opens the page"
    assert result.system == "Page_Service"


def test_several_triggers_joined_by_and_are_one_event() -> None:
    text = "WHEN the form is valid AND the user clicks save, THE Form_Service SHALL store the form."
    result = parse_ears(text)
    assert result.pattern == "event"
    assert result.findings == ()


# --- the legacy dialect ------------------------------------------------------------------------


@pytest.mark.req("spec-check", "5.1")
@pytest.mark.parametrize(
    ("text", "pattern", "clause"),
    [
        (
            "WHEN a user submits the form THEN the system SHALL validate every field",
            "event",
            "a user submits the form",
        ),
        (
            "IF the user is not logged in THEN the system SHALL redirect to the login page",
            "unwanted",
            "the user is not logged in",
        ),
        (
            "WHEN the user clicks save AND the form is valid THEN the system SHALL store the record",
            "event",
            "the user clicks save AND the form is valid",
        ),
        (
            "WHILE an upload runs THEN the system SHALL show the progress",
            "state",
            "an upload runs",
        ),
    ],
)
def test_legacy_dialect(text: str, pattern: str, clause: str) -> None:
    result = parse_ears(text)
    assert result.pattern == pattern
    assert result.dialect == "legacy"
    assert result.system == "system"
    assert [c.text for c in result.clauses] == [clause]
    assert result.findings == ()


def test_sentence_case_keywords_with_a_short_system_name() -> None:
    result = parse_ears("When the token is verified, the EVS shall display the questions.")
    assert (result.pattern, result.system) == ("event", "EVS")
    assert result.dialect == "cc-sdd"
    assert codes(result) == []  # lower case throughout: the cc-sdd dialect, not a slip


def test_missing_comma_still_finds_the_system() -> None:
    result = parse_ears("WHEN the timer expires the Session_Service SHALL log the user out.")
    assert (result.pattern, result.system) == ("event", "Session_Service")


def test_list_marker_before_the_keyword_is_allowed() -> None:
    assert parse_ears("1. WHEN an order arrives, THE Shop SHALL confirm it.").pattern == "event"


def test_first_requirement_of_several_sentences_is_classified() -> None:
    text = "WHEN a user (e.g. Admin) logs in, THE Auth_Service SHALL record the time. It SHALL log."
    result = parse_ears(text)
    assert (result.pattern, result.system) == ("event", "Auth_Service")


# --- findings ----------------------------------------------------------------------------------


def test_e001_not_ears() -> None:
    for text in ("Store the item.", "On the last day, the TSS shall send a reminder.", ""):
        result = parse_ears(text)
        assert result.pattern == "unknown"
        assert result.dialect == "none"
        assert codes(result) == ["E001"]


def test_e002_if_without_then() -> None:
    text = "IF the item is out of stock, THE Cart_Service SHALL reject the request."
    result = parse_ears(text)
    assert result.pattern == "unwanted"
    assert codes(result) == ["E002"]
    finding = result.findings[0]
    assert text[finding.start : finding.end] == "IF"
    assert "THEN" in finding.message


def test_e003_lowercase_keywords_are_reported_each() -> None:
    text = "if the cart is empty, then the Cart_Service SHALL hide the checkout button."
    result = parse_ears(text)
    assert result.pattern == "unwanted"
    assert [text[f.start : f.end] for f in result.findings] == ["if", "then"]
    assert {f.code for f in result.findings} == {"E003"}


def test_e004_should_instead_of_shall_flags_the_word() -> None:
    text = "WHEN a shopper adds an item, THE Cart_Service should store the item."
    result = parse_ears(text)
    assert result.pattern == "event"
    assert codes(result) == ["E004"]
    finding = result.findings[0]
    assert text[finding.start : finding.end] == "should"
    assert '"should"' in finding.message
    assert shall_substitute_span(text) == (finding.start, finding.end)


@pytest.mark.parametrize("word", ["must", "will", "may"])
def test_e004_other_substitutes(word: str) -> None:
    result = parse_ears(f"THE Cart_Service {word} store the item.")
    assert result.pattern == "ubiquitous"
    assert codes(result) == ["E004"]


def test_shall_substitute_span_is_none_when_shall_is_present() -> None:
    assert shall_substitute_span("THE Cart_Service SHALL store what it may.") is None


def test_e005_clause_order() -> None:
    text = (
        "WHEN the shopper pays, WHILE the cart is locked, THE Cart_Service SHALL charge the card."
    )
    result = parse_ears(text)
    assert result.pattern == "complex"
    assert codes(result) == ["E005"]
    assert text[result.findings[0].start : result.findings[0].end] == "WHILE"


def test_e005_clause_after_the_response() -> None:
    text = "THE Cart_Service SHALL store the item WHEN the shopper adds it."
    result = parse_ears(text)
    assert result.pattern == "event"
    assert codes(result) == ["E005"]


def test_lowercase_if_after_shall_is_prose_not_a_clause() -> None:
    result = parse_ears("THE Cart_Service SHALL check if the item exists.")
    assert result.pattern == "ubiquitous"
    assert result.findings == ()


# --- rules metadata ----------------------------------------------------------------------------


def test_rules_metadata() -> None:
    assert [rule.code for rule in RULES] == ["E001", "E002", "E003", "E004", "E005"]
    names = [rule.name for rule in RULES]
    assert names == [
        "not-ears",
        "missing-then",
        "lowercase-keyword",
        "missing-shall",
        "clause-order",
    ]
    for rule in RULES:
        assert rule.family == "ears"
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
        assert all((rule.summary, rule.explanation, rule.bad, rule.good, rule.hint))
        assert "\n" not in rule.summary
    severities = {rule.code: rule.severity for rule in RULES}
    assert severities["E003"] is Severity.INFO
    assert severities["E001"] is Severity.WARNING


def test_good_examples_have_no_findings_and_bad_ones_do() -> None:
    for rule in RULES:
        assert parse_ears(rule.good).findings == (), rule.code
        assert rule.code in codes(parse_ears(rule.bad)), rule.code


# --- properties --------------------------------------------------------------------------------

EARS_VOCABULARY = (
    "WHEN When when WHILE IF if THEN then WHERE THE the SHALL shall should must , . AND and "
    "Cart_Service system a user adds item e.g. ( ) İ ß 1. -"
)
EARS_WORDS = st.sampled_from(EARS_VOCABULARY.split())
EARS_LIKE_TEXT = st.lists(EARS_WORDS, max_size=30).map(" ".join)


def check_invariants(text: str) -> None:
    result = parse_ears(text)
    assert result.pattern in PATTERNS
    assert result.dialect in ("strict", "legacy", "cc-sdd", "cjk", "none")
    assert (result.pattern == "unknown") == (result.dialect == "none")
    for finding in result.findings:
        assert 0 <= finding.start <= finding.end <= len(text)
    assert [f.start for f in result.findings] == sorted(f.start for f in result.findings)
    for clause in result.clauses:
        assert 0 <= clause.start <= clause.end <= len(text)
        assert text[clause.start : clause.end] == clause.text
    if result.system is not None:
        assert result.system_span is not None
        assert text[result.system_span[0] : result.system_span[1]] == result.system


@settings(max_examples=300)
@given(st.text())
def test_never_raises_and_offsets_stay_in_the_text(text: str) -> None:
    check_invariants(text)


@settings(max_examples=300)
@given(EARS_LIKE_TEXT)
def test_invariants_hold_on_ears_like_text(text: str) -> None:
    check_invariants(text)


@given(
    st.sampled_from(["WHEN", "WHILE", "IF", "WHERE"]),
    st.text(alphabet="abcdeghij ,", min_size=1, max_size=40).filter(lambda s: s.strip(" ,")),
)
def test_keyword_pattern_survives_any_condition_text(keyword: str, condition: str) -> None:
    then = " THEN" if keyword == "IF" else ""
    text = f"{keyword} {condition},{then} THE Cart_Service SHALL store the item."
    expected = {"WHEN": "event", "WHILE": "state", "IF": "unwanted", "WHERE": "optional"}
    result = parse_ears(text)
    assert result.pattern == expected[keyword]
    assert result.system == "Cart_Service"


def test_huge_pathological_inputs_stay_fast() -> None:
    # Each of these was quadratic in an earlier draft; all must stay linear.
    for text in (
        "WHEN x" + " and" * 20_000 + ", THE S SHALL y",
        "THE S SHALL y" + " WHEN x" * 20_000,
        "WHEN a, WHILE b, " * 5_000 + "THE S SHALL y",
        "A b. " * 20_000 + "THE S SHALL y",
    ):
        check_invariants(text)
