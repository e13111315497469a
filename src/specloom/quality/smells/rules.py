"""The A rules (family "ambiguity"): what each smell is, and the finding that reports it.

Nothing here searches text; the detectors live in the sibling modules and build their findings
with `finding`.
"""

from __future__ import annotations

from specloom.core.rule import Rule, Severity, TextFinding

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


def finding(code: str, start: int, end: int, words: str, variant: str = "") -> TextFinding:
    message = _MESSAGES[code].format(words)
    if variant == "another":
        message = f'another "{words}" in the same criterion: more than one requirement'
    elif variant == "coordinated":
        message = f'coordinated response "{words}": more than one requirement'
    return TextFinding(code, start, end, message, _RULE_BY_CODE[code].hint)
