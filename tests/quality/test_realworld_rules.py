"""The E and A rules on the shapes real Kiro specs take (sentences written for these tests).

Each behaviour is tested from both sides: the shape that is no finding, and the nearby shape
that still is one. `find_smells(..., obligation_only=True)` is what `check` runs.
"""

from __future__ import annotations

import time

import pytest

from specloom.quality import glossary
from specloom.quality.ears import parse_ears
from specloom.quality.engine import check_criteria_text, mask_code_spans
from specloom.quality.smells import find_smells
from specloom.spec.requirements import parse_requirements
from specloom.spec.source import SourceText


def flagged(text: str, code: str) -> list[str]:
    """The words `check` reports under `code` in `text`."""
    return [text[f.start : f.end] for f in find_smells(text, obligation_only=True) if f.code == code]


# --- 11.5 passive voice only in the obligation ---------------------------------------------------


@pytest.mark.req("spec-check", "11.5")
@pytest.mark.parametrize(
    "text",
    [
        "WHEN a booking request is received, THE Booking_Service SHALL reserve the seat.",
        "IF the parcel is not delivered within 3 days, THEN THE Courier_Service SHALL refund it.",
        "WHILE the sensor is disabled, THE Monitor SHALL show a grey icon.",
        "WHEN the report is exported THEN the Report_Service SHALL write a PDF file.",
        "THE Mailer SHALL log a warning when the relay is not configured.",
        "THE Config_Loader SHALL verify that all keys are defined at start-up.",
        "THE Linter SHALL list the rules that should be merged.",
    ],
)
def test_passive_in_a_condition_or_checked_clause_is_no_finding(text: str) -> None:
    assert flagged(text, "A007") == []


@pytest.mark.req("spec-check", "11.5")
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("WHEN a booking request arrives, the seat SHALL be reserved.", ["be reserved"]),
        ("THE Export_Button SHALL be disabled.", ["be disabled"]),
        ("WHEN a file is uploaded, the thumbnail SHALL be generated.", ["be generated"]),
    ],
)
def test_passive_in_the_response_without_an_actor_is_a_finding(text: str, words: list[str]) -> None:
    assert flagged(text, "A007") == words


def test_the_detector_mode_still_sees_every_passive() -> None:
    text = "WHEN a booking request is received, THE Booking_Service SHALL reserve the seat."
    assert [f.code for f in find_smells(text)] == ["A007"]


# --- 11.6 negatives ------------------------------------------------------------------------------


@pytest.mark.req("spec-check", "11.6")
@pytest.mark.parametrize(
    "text",
    [
        "THE Vault SHALL NOT store the password in plain text.",
        "THE Logger SHALL never write the access token to the log.",
        "IF the user is not signed in, THEN THE Portal SHALL show the login page.",
        "WHEN no order exists, THE Shop SHALL show an empty list.",
        "THE Prompt_Builder SHALL tell the model to never invent prices.",
        'WHEN the inbox is empty, THE Mail_View SHALL show "No messages".',
        "WHEN a pet is created, THE Pet_Form SHALL set the breed to None by default.",
    ],
)
def test_negative_in_a_condition_or_a_clear_prohibition_is_no_finding(text: str) -> None:
    assert flagged(text, "A008") == []


@pytest.mark.req("spec-check", "11.6")
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("THE Portal SHALL show no stale data.", ["no"]),
        ("THE Portal SHALL NOT only log the error.", ["NOT"]),
        ("THE Parser SHALL reject files that are not valid.", ["not"]),
    ],
)
def test_negative_in_the_response_is_a_finding(text: str, words: list[str]) -> None:
    assert flagged(text, "A008") == words


# --- 11.7 pronouns -------------------------------------------------------------------------------


@pytest.mark.req("spec-check", "11.7")
@pytest.mark.parametrize(
    "text",
    [
        "WHEN a Tasks_File numbers its tasks, THE Parser SHALL keep the numbers.",
        "THE Cart_Service SHALL log its state on shutdown.",
        "WHEN a shopper changes their address, THE Shop SHALL update the invoice.",
        "THE Router SHALL use the model us.vendor.model-v1 for routing.",
    ],
)
def test_pronoun_with_a_referent_in_the_same_clause_is_no_finding(text: str) -> None:
    assert flagged(text, "A006") == []


@pytest.mark.req("spec-check", "11.7")
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("WHEN an order is placed, THE Shop SHALL archive it.", ["it"]),
        ("WHEN the import ends THEN it SHALL notify the admin.", ["it"]),
        ("WHEN the job fails, THE Scheduler SHALL retry. Its log SHALL be kept.", ["Its"]),
    ],
)
def test_pronoun_with_several_candidates_is_a_finding(text: str, words: list[str]) -> None:
    assert flagged(text, "A006") == words


# --- 11.8 any / all ------------------------------------------------------------------------------


@pytest.mark.req("spec-check", "11.8")
@pytest.mark.parametrize(
    "text",
    [
        "THE Api SHALL NOT expose any secret in a response.",
        "THE Checkout SHALL total all items in the cart.",
        "THE Form SHALL validate all fields of the form on submit.",
        "THE Checker SHALL report all criteria listed above.",
        "THE Scorer SHALL rate the project in all four categories.",
        "THE Labeler SHALL apply all platform labels: linux, mac, windows.",
        "THE Editor SHALL keep any changes made to the draft.",
        "WHEN any upload fails, THE Uploader SHALL show the error.",
        "THE Theme SHALL define shadow tokens (none, small, large).",
    ],
)
def test_any_and_all_in_a_prohibition_bounded_scope_or_condition_are_no_finding(
    text: str,
) -> None:
    assert flagged(text, "A005") == []


@pytest.mark.req("spec-check", "11.8")
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("THE Sync_Service SHALL deliver all messages.", ["all"]),
        ("THE Upload_Service SHALL accept any file.", ["any"]),
        ("THE Sync_Service SHALL always respond.", ["always"]),
    ],
)
def test_unbounded_absolutes_are_findings(text: str, words: list[str]) -> None:
    assert flagged(text, "A005") == words


def test_or_between_prohibited_actions_is_one_prohibition() -> None:
    assert flagged("THE Web_App SHALL NOT import or use server classes.", "A010") == []
    assert flagged("THE Web_App SHALL import or use server classes.", "A010") == ["or use"]


# --- weak modals in notes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "THE Planner SHALL show the next step (the user can skip it).",
        "THE Planner SHALL show the next step. Users may skip it.",
        "IF the file cannot be read, THEN THE Loader SHALL report the path.",
    ],
)
def test_weak_modal_in_a_note_or_condition_is_no_finding(text: str) -> None:
    assert flagged(text, "A009") == []


def test_weak_modal_in_the_obligation_is_a_finding() -> None:
    assert flagged("THE Planner SHALL show steps that the user can reorder.", "A009") == ["can"]


# --- the wider vague-term lexicon ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("THE Parser SHALL read dates correctly.", ["correctly"]),
        ("THE Wizard SHALL open the correct page.", ["correct"]),
        ("THE Codebase SHALL follow clean code.", ["clean"]),
        ("THE Plugin SHALL be compatible.", ["compatible"]),
        ("THE Player SHALL respect the user settings.", ["respect"]),
        ("THE Report SHALL be available.", ["available"]),
        ("THE Cache SHALL potentially hold stale data.", ["potentially"]),
    ],
)
def test_newly_listed_vague_terms_are_flagged_where_vague(text: str, words: list[str]) -> None:
    assert flagged(text, "A001") == words


@pytest.mark.parametrize(
    "text",
    [
        "THE Editor SHALL correct the spelling of the title.",
        "THE Build SHALL clean up the temporary folder.",
        "THE Plugin SHALL be compatible with Python 3.11.",
        "THE Server SHALL support PDF uploads.",
        "In order to respect the quota, THE Server SHALL queue uploads.",
        "THE Report SHALL be available via the CLI.",
        "WHEN no slots are available, THE Planner SHALL show a notice.",
    ],
)
def test_newly_listed_vague_terms_stay_quiet_where_precise(text: str) -> None:
    assert flagged(text, "A001") == []


# --- 11.9 CJK criteria with English keywords ----------------------------------------------------


@pytest.mark.req("spec-check", "11.9")
@pytest.mark.parametrize(
    ("text", "pattern", "system"),
    [
        ("When ユーザーが保存ボタンを押した場合、the Note アプリはメモを保存する", "event", "Note アプリ"),
        ("If 通信が失敗した場合、then the Sync サービスはエラーを表示する", "unwanted", "Sync サービス"),
        ("The Note アプリは、メモの一覧を表示する", "ubiquitous", "Note アプリ"),
        ("当用户点击保存时，the 笔记服务应保存笔记", "ubiquitous", "笔记服务"),
    ],
)
def test_cjk_criteria_are_classified_by_their_english_keywords(
    text: str, pattern: str, system: str
) -> None:
    result = parse_ears(text)
    assert (result.pattern, result.dialect, result.system) == (pattern, "cjk", system)
    assert result.findings == ()


@pytest.mark.req("spec-check", "11.9")
def test_english_text_without_shall_is_still_not_ears() -> None:
    result = parse_ears("On each save the note is written to disk.")
    assert [f.code for f in result.findings] == ["E001"]


# --- 10.10 the cc-sdd lower-case dialect --------------------------------------------------------


@pytest.mark.req("spec-check", "10.10")
def test_cc_sdd_template_is_a_dialect_without_e003() -> None:
    result = parse_ears("When a note is saved, the Note_App shall show a toast.")
    assert (result.pattern, result.dialect) == ("event", "cc-sdd")
    assert result.findings == ()


@pytest.mark.req("spec-check", "10.10")
def test_mixed_case_keywords_are_still_e003() -> None:
    text = "When a note is saved, THE Note_App SHALL show a toast."
    result = parse_ears(text)
    assert [(f.code, text[f.start : f.end]) for f in result.findings] == [("E003", "When")]


# --- A013 glossary matching and check_criteria_text ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "terms"),
    [
        ("Score_Gauge", ["**Score Gauge**"]),
        ("ScoreGauge component", ["Score Gauge"]),
        ("Order Handler functions", ["Order_Handler"]),
        ("Pull Requests", ["Pull Request (PR)"]),
        ("PR", ["Pull Request (PR)"]),
        ("Billing API route", ["API routes"]),
        ("Frontend", []),
    ],
)
def test_glossary_terms_written_differently_match(name: str, terms: list[str]) -> None:
    assert not glossary.is_undefined(name, glossary.defined_names(terms or ["Other"]))


@pytest.mark.parametrize(
    ("name", "terms"),
    [("Warehouse Robot", ["Order Handler"]), ("CI Pipeline", ["CI/CD Pipeline"])],
)
def test_names_the_glossary_lacks_are_undefined(name: str, terms: list[str]) -> None:
    assert glossary.is_undefined(name, glossary.defined_names(terms))


DOC = """# Requirements

## Glossary

- **Order Handler**: handles orders.

## Requirements

### Requirement 1: Orders

#### Acceptance Criteria

1. WHEN an order arrives, THE Stock_Robot SHALL reserve the items.
2. WHEN an order is paid, THE Stock_Robot SHALL ship the items.
3. WHEN a refund arrives THEN `RefundRouter` SHALL credit the card.
4. THE OrderHandler component SHALL log each order.
"""


def test_check_reports_an_undefined_name_once_and_keeps_code_span_names() -> None:
    found: list[tuple[str, int, str]] = []

    def emit(code: str, path: str, line: int, column: int, end: int, message: str,
             hint: str) -> None:
        found.append((code, line, message))

    check_criteria_text(emit, parse_requirements(SourceText.from_text("r.md", DOC)))
    assert [(code, line) for code, line, _ in found] == [("A013", 13)]
    assert mask_code_spans("THEN `Router` SHALL") == "THEN ________ SHALL"


# --- linear time --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "THE X SHALL " + "its all not any is stored (a, " * 170,
        "THE X SHALL log " + "their " * 900,
        "THE X SHALL be " + '"' + "that is stored when " * 260,
        "When " + "ユーザー" * 1300 + " the",
    ],
)
def test_adversarial_5000_character_criteria_return_quickly(text: str) -> None:
    assert len(text) >= 5000
    started = time.perf_counter()
    find_smells(text, obligation_only=True)
    parse_ears(text)
    assert time.perf_counter() - started < 0.5


# --- A001/A002/A003/A010/A013: general false-positive shapes (sentences written for these tests) --


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("THE Cache SHALL recover from a lost connection gracefully by reconnecting within 5 s.",
         "A001"),
        ("THE Importer SHALL read RFC 3339 timestamps correctly.", "A001"),
        ("THE Store SHALL keep a hash index on the order number for efficient lookups.", "A001"),
        ("THE Badge SHALL show the level (low/normal/high) of the alert.", "A001"),
        ("THE Guide SHALL include a quick start section.", "A001"),
        ("THE Mailer SHALL tell the user they can retry later if needed.", "A002"),
        ("THE Builder SHALL emit the bundle - Ask the team if required", "A002"),
        ('THE Form SHALL label the field clearly (e.g., "Billing address").', "A003"),
        ("THE Theme SHALL use a spacing scale (e.g., 4px, 8px, 16px).", "A003"),
        ("WHEN a parcel (e.g. a letter) arrives, THE Desk SHALL log the arrival.", "A003"),
        ("THE Gateway SHALL route all payment providers (Stripe, Adyen, etc.) through one port.",
         "A003"),
        ("THE Exporter SHALL fetch and attach the invoice to the email.", "A010"),
        ("THE Api SHALL offer endpoints for create and delete operations.", "A010"),
        ("THE Parser SHALL validate the header and raise an error for malformed input.", "A010"),
        ("THE Portal SHALL allow members to rename, archive, and restore the folder.", "A010"),
        ("THE Resolver SHALL look in the memory cache first, then the disk store.", "A010"),
        ("THE Token SHALL be signed and carry the issuer name.", "A010"),
    ],
)
def test_general_false_positive_shapes_are_no_finding(text: str, code: str) -> None:
    assert flagged(text, code) == []


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("THE Cache SHALL recover from a lost connection gracefully.", "A001", ["gracefully"]),
        ("THE Importer SHALL read the dates correctly.", "A001", ["correctly"]),
        ("THE Layout SHALL adapt the grid for small screens.", "A001", ["small"]),
        ("THE Banner SHALL display the warning prominently.", "A001", ["prominently"]),
        ("THE Mailer SHALL retry the delivery if needed.", "A002", ["if needed"]),
        ("THE Exporter SHALL round totals consistently (e.g., two decimals).", "A003", ["e.g."]),
        ("THE Exporter SHALL fetch the invoice and notify the accountant.", "A010",
         ["and notify"]),
        ("THE Store SHALL clamp or reject the quantity.", "A010", ["or reject"]),
        ("THE Wizard SHALL display a toast or a dialog after saving.", "A010", ["or"]),
        ("THE Lookup SHALL return null or an empty list for an unknown key.", "A010", ["or"]),
    ],
)
def test_general_true_shapes_are_still_findings(text: str, code: str, words: list[str]) -> None:
    assert flagged(text, code) == words


def test_accepting_alternatives_is_a_set_not_an_open_choice() -> None:
    assert flagged("THE Uploader SHALL accept PNG or JPEG files.", "A010") == []
    assert flagged("THE Feed SHALL show one or more posts.", "A010") == []


@pytest.mark.parametrize(
    "name",
    ["OrderSummary", "OrderDto interface", "Invoice entity", "README.md", "API routes",
     "Test suite", "____ column"],
)
def test_code_names_files_and_generic_artifacts_are_not_undefined(name: str) -> None:
    assert not glossary.is_undefined(name, glossary.defined_names(["Cart_Service"]))


def test_an_entity_introduced_in_the_trigger_is_not_a_system_name() -> None:
    assert glossary.is_instance_in_trigger("Invoice", "WHEN an Invoice is issued, ")
    assert not glossary.is_instance_in_trigger("Invoice", "WHEN the month ends, ")
    assert glossary.is_undefined("Billing Engine", glossary.defined_names(["Cart_Service"]))


def test_an_entity_introduced_in_the_trigger_matches_across_markup_and_line_breaks() -> None:
    assert glossary.is_instance_in_trigger("Cart_Service", "WHEN a **Cart\n  Service** fails, ")
    assert glossary.is_instance_in_trigger("Pull Requests", "WHEN a pull request is merged, ")
    assert not glossary.is_instance_in_trigger("Cart_Service", "WHEN a Cart fails, ")
    assert not glossary.is_instance_in_trigger("Cart_Service", "WHEN a")


def test_a_name_longer_than_the_term_bound_is_never_an_instance_in_the_trigger() -> None:
    words = [f"Part{chr(ord('a') + i)}" for i in range(glossary.MAX_TERM_WORDS + 1)]
    at_bound = " ".join(words[:-1])
    assert glossary.is_instance_in_trigger(at_bound, f"WHEN a {at_bound} arrives, ")
    too_long = " ".join(words)
    assert not glossary.is_instance_in_trigger(too_long, f"WHEN a {too_long} arrives, ")


def test_a013_on_a_200_kb_trigger_full_of_articles_takes_linear_time() -> None:
    # Each article used to start a scan over the rest of the condition: about 20 s here.
    clause = "the a " * 34_000  # 204 KB, 34,000 articles
    assert len(clause) > 200_000
    assert not glossary.is_instance_in_trigger("Stock_Robot", f"WHEN {clause}arrives, ")
    assert glossary.is_instance_in_trigger("Order", f"WHEN {clause}an Order arrives, ")
    doc = DOC.replace("1. WHEN an order arrives,", f"1. WHEN {clause}arrives,")
    found: list[tuple[str, int]] = []

    def emit(code: str, path: str, line: int, column: int, end: int, message: str,
             hint: str) -> None:
        found.append((code, line))

    check_criteria_text(emit, parse_requirements(SourceText.from_text("r.md", doc)))
    assert found == [("A013", 13)]
