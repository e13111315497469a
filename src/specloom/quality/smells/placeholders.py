"""A011: placeholders (TBD, TODO, ???, <placeholder>, [NEEDS CLARIFICATION]).

A pass of its own, skipped when the text holds none of the substrings a placeholder needs.
Matched case-sensitively on purpose: "todo list" and "xxx" in a format mask are not
placeholders; "tbd" is one in any case.
"""

from __future__ import annotations

from specloom.core.rule import TextFinding
from specloom.quality import lexicon
from specloom.quality.smells.rules import finding

_HTML_TAGS = frozenset(
    lexicon.split_phrases(
        "a | abbr | audio | b | body | br | button | canvas | code | div | em | footer | form | "
        "h1 | h2 | h3 | h4 | h5 | h6 | head | header | html | i | iframe | img | input | label | "
        "li | link | main | meta | nav | ol | option | p | pre | script | section | select | "
        "span | strong | style | svg | table | tbody | td | textarea | th | thead | tr | ul | video"
    )
)
# Case-sensitive on purpose: "todo list" and "xxx" in a format mask are not placeholders.
_PLACEHOLDER_RE = lexicon.lazy_regex(
    r"T(?<![\w-]T)(?:B[DCA]|ODO)(?![\w-])"
    r"|F(?<![\w-]F)IXME(?![\w-])"
    r"|X(?<![\w-]X)XX+(?![\w-])"
    r"|\?\?+"
    r"|\[\s*NEEDS\s+CLARIFICATION[^\]\n]*\]?"
    r"|<([A-Za-z_][\w \-]{0,40})>"
)
_LOWER_PLACEHOLDER_RE = lexicon.lazy_regex(r"tb(?<![\w-]tb)[dc](?![\w-])")  # "tbd" in any case


def may_hold_placeholder(lowered: str) -> bool:
    """Substrings of the lower-cased text without which no placeholder can match: checking them
    is cheaper than a scan. None of them holds ", ", so a text may hold a placeholder only
    where one of its pieces between commas may (`candidates`)."""
    return (
        "tb" in lowered
        or "todo" in lowered
        or "fixme" in lowered
        or "xxx" in lowered
        or "??" in lowered
        or "[" in lowered
        or "<" in lowered
    )


def placeholder_findings(text: str, lowered: str) -> list[TextFinding]:
    findings = []
    for match in _PLACEHOLDER_RE().finditer(text):
        tag = match.group(1)
        if tag is not None and tag.strip().lower() in _HTML_TAGS:
            continue
        findings.append(finding("A011", match.start(), match.end(), match.group()))
    for match in _LOWER_PLACEHOLDER_RE().finditer(lowered):
        if not text[match.start() : match.end()].isupper():  # upper case found above
            findings.append(finding("A011", match.start(), match.end(), match.group()))
    return findings
