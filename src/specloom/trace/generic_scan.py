"""Links in files of any language, attached by a line heuristic.

The heuristic, documented in docs/trace.md: a tag (or marker) in a comment block directly
above a definition belongs to that definition; otherwise it belongs to the nearest preceding
line that looks like a definition (`def`/`func`/`fn`/`function`/`fun` lines, typed C-style
signatures, `const name = (...) =>`, and `test("name"` / `it("name"` calls); with none, to
the file.
"""

from __future__ import annotations

import ast
import re

from specloom.trace.links import (
    PROPERTY_TAG,
    TAG,
    Link,
    ScanProblem,
    criteria_of_tag,
    marker_targets,
)

KEYWORD_DEFINITION = re.compile(
    r"^\s*(?:(?:export|public|private|protected|internal|static|async|final|override|abstract"
    r"|open|suspend|inline|virtual|default|pub(?:\([^)]*\))?)\s+)*"
    r"(?:def|func|fn|function|fun|sub|proc)\b\s*\*?\s*(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)")
TYPED_DEFINITION = re.compile(
    r"^\s*(?:[A-Za-z_][\w<>\[\],.*&:]*\s+)+\**([A-Za-z_]\w*)\s*\([^;]*$")
ARROW_DEFINITION = re.compile(
    r"^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?"
    r"(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>")
TEST_CALL = re.compile(r"""^\s*(?:it|test|describe)\s*\(\s*(['"`])(.+?)\1""")
MARKER = re.compile(r"mark\.req\(([^)]*)\)")
STRING = re.compile(r"""(['"])(.*?)\1""")
TEST_PATH = re.compile(
    r"(?:^|/)(?:tests?|__tests__|spec)/|(?:^|/)test_[^/]*$|_test\.[^/]+$|\.(?:test|spec)\.[^/]+$"
    r"|Tests?\.[^/]+$")
COMMENT_STARTS = ("//", "#", "/*", "*", "--", ";", "@", "'''", '"""', "<!--")
NOT_NAMES = frozenset({"if", "for", "while", "switch", "return", "catch", "else", "new", "sizeof"})


def definition_name(line: str) -> str | None:
    """The name a line defines, if it looks like a function or test definition."""
    for pattern in (KEYWORD_DEFINITION, ARROW_DEFINITION):
        match = pattern.match(line)
        if match:
            return match.group(1)
    test = TEST_CALL.match(line)
    if test:
        return test.group(2)
    typed = TYPED_DEFINITION.match(line)
    if typed and typed.group(1) not in NOT_NAMES and not line.lstrip().startswith(
            COMMENT_STARTS):
        return typed.group(1)
    return None


def scan_generic(path: str, text: str,
                 python: bool = False) -> tuple[list[Link], list[ScanProblem]]:
    """Links in one file by the line heuristic (also the fallback for unparsable Python)."""
    lines = text.splitlines()
    definitions = [(number, name) for number, line in enumerate(lines, start=1)
                   if (name := definition_name(line)) is not None]
    is_test = bool(TEST_PATH.search(path))
    links: list[Link] = []
    problems: list[ScanProblem] = []

    def emit(line: int, spec: str, criteria: list[str], prop: int | None, via: str) -> None:
        symbol = _owner(lines, definitions, line)
        kind = "test" if is_test and symbol is not None else "code"
        nodeid = f"{path}::{symbol}" if python and kind == "test" else None
        targets = [(c, None) for c in criteria] if prop is None else [(None, prop)]
        for criterion, number in targets:
            links.append(Link(spec, criterion, number, path, line, symbol, kind, via, nodeid))

    for match in TAG.finditer(text):
        emit(_line_of(text, match.start()), match.group(1), criteria_of_tag(match.group(2)),
             None, "tag")
    for match in PROPERTY_TAG.finditer(text):
        emit(_line_of(text, match.start()), match.group(1), [], int(match.group(2)),
             "property-tag")
    for match in MARKER.finditer(text):
        line = _line_of(text, match.start())
        targets = marker_targets([_unquote(s.group(0)) for s in STRING.finditer(match.group(1))])
        if targets is None or not targets[1]:
            problems.append(ScanProblem(path, line, "req marker needs string literals"))
            continue
        emit(line, targets[0], targets[1], None, "marker")
    return links, problems


def _unquote(literal: str) -> str:
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return literal.strip("'\"")
    return value if isinstance(value, str) else literal


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _owner(lines: list[str], definitions: list[tuple[int, str]], line: int) -> str | None:
    following = next(((n, name) for n, name in definitions if n > line), None)
    if following is not None and all(
            not s.strip() or s.lstrip().startswith(COMMENT_STARTS)
            for s in lines[line:following[0] - 1]):
        return following[1]
    preceding = [name for n, name in definitions if n <= line]
    return preceding[-1] if preceding else None
