"""Where things are in the tokens of one statement, and the tags in a comment or a docstring."""

from __future__ import annotations

import tokenize
from collections.abc import Iterator
from itertools import pairwise
from token import OP

from specloom.trace.links import PROPERTY_TAG, TAG, criteria_of_tag

OPENING, CLOSING = "([{", ")]}"
Tokens = list[tokenize.TokenInfo]


def tags_in(text: str, first_line: int) -> Iterator[tuple[int, str, list[str], int | None, str]]:
    """(line, spec, criteria, property, via) of each tag in a comment's or docstring's text."""
    found = [(m, "tag") for m in TAG.finditer(text)] if "specloom:" in text else []
    if "Feature:" in text:
        found += [(m, "property-tag") for m in PROPERTY_TAG.finditer(text)]
    for match, via in sorted(found, key=lambda item: item[0].start()):
        line = first_line + text.count("\n", 0, match.start())
        if via == "tag":
            yield line, match.group(1), criteria_of_tag(match.group(2)), None, via
        else:
            yield line, match.group(1), [], int(match.group(2)), via


def _top_level(tokens: Tokens, operator: str) -> list[int]:
    """Where `operator` appears in `tokens` outside brackets."""
    depth, found = 0, []
    for index, token in enumerate(tokens):
        if token.type == OP:
            if token.string in OPENING:
                depth += 1
            elif token.string in CLOSING:
                depth -= 1
            elif token.string == operator and depth == 0:
                found.append(index)
    return found


def simple_statements(tokens: Tokens) -> Iterator[Tokens]:
    """The statements of a logical line, split at its top-level semicolons."""
    bounds = [-1, *_top_level(tokens, ";"), len(tokens)]
    for start, end in pairwise(bounds):
        if end > start + 1:
            yield tokens[start + 1:end]


def after_header_colon(tokens: Tokens) -> Tokens | None:
    """The tokens after the `:` ending a definition's header; None when the line ends there."""
    colons = _top_level(tokens, ":")
    return (tokens[colons[0] + 1:] or None) if colons else None
