"""The E rules (family "ears"): what each EARS grammar finding means, and how to fix it."""

from __future__ import annotations

from specloom.core.rule import Rule, Severity, TextFinding

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


def finding(code: str, start: int, end: int, message: str) -> TextFinding:
    return TextFinding(code, start, end, message, _RULE_BY_CODE[code].hint)
