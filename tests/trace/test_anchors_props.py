"""Property: any code mutation of an anchored function is reported; comments, blank lines,
spacing, parentheses and docstrings are not.

Random small functions (or methods) are built from a little statement grammar and written to a
real file; the anchor is fingerprinted, the file rewritten, and `AnchorFinder.changes` asked.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specloom.trace.anchors import Anchor, AnchorFinder

NAMES = ("a", "b")
OPS = ("+", "-", "*")
COMPARISONS = ("<", ">", "==")


@dataclass(frozen=True)
class Statement:
    """`target = expr`, `if expr cmp expr: return expr` or `return expr`; an expression is a
    list of alternating operands (names or ints) and operators."""

    kind: str
    tokens: tuple[str, ...]  # operands, operators and comparisons, in order


@dataclass(frozen=True)
class Layout:
    """How the same code is written: none of this changes its meaning."""

    docstring: str = "Compute."
    comments: frozenset[int] = frozenset()  # statement indexes with a comment line above
    blank_lines: frozenset[int] = frozenset()
    wide: bool = False  # extra spaces between tokens
    parens: bool = False  # the right-hand sides in parentheses
    trailing: bool = False  # a trailing comment on every statement


operands = st.one_of(st.sampled_from(NAMES), st.integers(0, 99).map(str))


@st.composite
def expressions(draw: st.DrawFn) -> tuple[str, ...]:
    size = draw(st.integers(0, 2))
    tokens = [draw(operands)]
    for _ in range(size):
        tokens += [draw(st.sampled_from(OPS)), draw(operands)]
    return tuple(tokens)


@st.composite
def statements(draw: st.DrawFn) -> Statement:
    kind = draw(st.sampled_from(["assign", "if"]))
    if kind == "assign":
        return Statement(kind, draw(expressions()))
    left, right, value = draw(expressions()), draw(expressions()), draw(expressions())
    return Statement(kind, (*left, draw(st.sampled_from(COMPARISONS)), *right, "?", *value))


def _split(tokens: tuple[str, ...], marker: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    index = tokens.index(marker)
    return tokens[:index], tokens[index + 1:]


def render(body: list[Statement], final: tuple[str, ...], layout: Layout, method: bool) -> str:
    gap = "  " if layout.wide else " "
    indent = "        " if method else "    "

    def expr(tokens: tuple[str, ...]) -> str:
        text = gap.join(tokens)
        return f"({text})" if layout.parens else text

    tail = "  # note" if layout.trailing else ""
    lines = ["class C:"] if method else []
    params = "self, a, b" if method else "a, b"
    lines += [indent[4:] + f"def f({params}):", f'{indent}"""{layout.docstring}"""']
    for index, statement in enumerate(body):
        if index in layout.blank_lines:
            lines.append("")
        if index in layout.comments:
            lines.append(f"{indent}# step {index}")
        if statement.kind == "assign":
            lines.append(f"{indent}a{gap}={gap}{expr(statement.tokens)}{tail}")
        else:
            condition, value = _split(statement.tokens, "?")
            cmp_at = next(i for i, t in enumerate(condition) if t in COMPARISONS)
            left, right = condition[:cmp_at], condition[cmp_at + 1:]
            lines.append(f"{indent}if {expr(left)}{gap}{condition[cmp_at]}{gap}{expr(right)}:"
                         f"{tail}")
            lines.append(f"{indent}    return {expr(value)}")
    lines.append(f"{indent}return {expr(final)}{tail}")
    return "\n".join(lines) + "\n\n\ndef other():\n    return 1\n"


def mutable_positions(tokens: tuple[str, ...]) -> list[int]:
    return [i for i, t in enumerate(tokens) if t != "?"]


def mutated(token: str, draw: st.DrawFn) -> str:
    """A different token of the same kind, so the code still parses and means something else."""
    for group in (NAMES, OPS, COMPARISONS):
        if token in group:
            return draw(st.sampled_from([t for t in group if t != token]))
    return str(int(token) + draw(st.integers(1, 50)))


@st.composite
def programs(draw: st.DrawFn) -> tuple[list[Statement], tuple[str, ...], bool]:
    return (draw(st.lists(statements(), max_size=4)), draw(expressions()), draw(st.booleans()))


def _changes(before: str, after: str, symbol: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "m.py").write_text(before)
        (recorded,) = AnchorFinder(root).fingerprinted([Anchor("m.py", symbol, 0, "fact")])
        (root / "m.py").write_text(after)
        return len(AnchorFinder(root).changes([recorded], None))


@pytest.mark.req("traceability", "11.3", "11.4")
@settings(max_examples=60, deadline=None)
@given(programs(), st.data())
def test_any_code_mutation_is_reported(program: tuple[list[Statement], tuple[str, ...], bool],
                                       data: st.DataObject) -> None:
    body, final, method = program
    places = [(i, p) for i, s in enumerate(body) for p in mutable_positions(s.tokens)]
    places += [(len(body), p) for p in range(len(final))]
    where, position = data.draw(st.sampled_from(places))
    if where == len(body):
        tokens = list(final)
        tokens[position] = mutated(tokens[position], data.draw)
        new_body, new_final = body, tuple(tokens)
    else:
        tokens = list(body[where].tokens)
        tokens[position] = mutated(tokens[position], data.draw)
        new_body = [*body[:where], replace(body[where], tokens=tuple(tokens)), *body[where + 1:]]
        new_final = final
    symbol = "C.f" if method else "f"
    before = render(body, final, Layout(), method)
    assert _changes(before, render(new_body, new_final, Layout(), method), symbol) == 1


@pytest.mark.req("traceability", "11.4")
@settings(max_examples=60, deadline=None)
@given(programs(), st.builds(
    Layout, docstring=st.text("abcdefgh XYZ.", min_size=1, max_size=30).map(str.strip).filter(
        bool),
    comments=st.frozensets(st.integers(0, 4)), blank_lines=st.frozensets(st.integers(0, 4)),
    wide=st.booleans(), parens=st.booleans(), trailing=st.booleans()))
def test_layout_changes_are_not_reported(program: tuple[list[Statement], tuple[str, ...], bool],
                                         layout: Layout) -> None:
    body, final, method = program
    symbol = "C.f" if method else "f"
    before = render(body, final, Layout(), method)
    assert _changes(before, render(body, final, layout, method), symbol) == 0
