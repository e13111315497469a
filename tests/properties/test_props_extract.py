"""Property-based tests for the extract-from-code spec's correctness properties (design.md)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specloom.extract.linking import route_pattern
from specloom.extract.sheet import build_fact_sheet

NAMES = ("alpha", "beta", "gamma", "delta")


def _definition(kind: str, name: str) -> str:
    if kind == "function":
        return f'def {name}(x: int) -> int:\n    """Do {name}."""\n    return x\n'
    if kind == "async":
        return f"async def {name}(x):\n    return x\n"
    if kind == "class":
        return (f"class {name.title()}:\n    def run(self):\n        return 1\n\n"
                f"    def {name}(self):\n        return 2\n")
    if kind == "exception":
        return f"class {name.title()}Error(Exception):\n    pass\n"
    if kind == "route":
        return f'@app.get("/{name}/{{item_id}}")\ndef get_{name}(item_id: int):\n    return item_id\n'
    if kind == "env":
        return f'{name.upper()}_URL = os.environ.get("{name.upper()}_URL", "x")\n'
    return f"{name.upper()} = {len(name)}\n"


definitions = st.tuples(
    st.sampled_from(("function", "async", "class", "exception", "route", "env", "constant")),
    st.sampled_from(NAMES))


def _module(defs: list[tuple[str, str]], gaps: list[int]) -> str:
    lines = ["import os", "from fastapi import FastAPI", "", "app = FastAPI()", ""]
    for (kind, name), gap in zip(defs, gaps, strict=True):
        lines.extend([""] * gap)
        lines.append(_definition(kind, name))
    return "\n".join(lines)


def _fact_ids(text: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "service.py"
        path.write_text(text, encoding="utf-8")
        sheet = build_fact_sheet(path, Path(tmp))
    return {fact.id: fact.name for fact in sheet.facts}


# Feature: extract-from-code, Property 2: Fact ids ignore position
@pytest.mark.xfail(strict=True, reason=(
    "counterexample: `def alpha` defined twice in service.py; one blank line before the second "
    "changes its Fact_Id (F7ea386 -> F827f9b): sheet._fact keys a repeated name as "
    "`function:service.alpha@service.py:<line>`, so the id depends on the line (same for a "
    "property and its setter, @overload stubs, a reassigned constant)"))
@settings(max_examples=100, deadline=None)
@given(st.lists(definitions, min_size=1, max_size=6), st.data())
def test_fact_ids_ignore_position(defs: list[tuple[str, str]], data: st.DataObject) -> None:
    gaps = data.draw(st.lists(st.integers(0, 3), min_size=len(defs), max_size=len(defs)))
    shifted = data.draw(st.lists(st.integers(0, 3), min_size=len(defs), max_size=len(defs)))
    before = _fact_ids(_module(defs, gaps))
    after = _fact_ids(_module(defs, [g + s for g, s in zip(gaps, shifted, strict=True)]))
    assert before == after


SEGMENT_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_.~"
placeholders = st.one_of(
    st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).map(lambda n: ("{" + n + "}", n)),
    st.tuples(st.sampled_from(["int", "str", "slug", "uuid", "path", "float"]),
              st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)).map(
        lambda t: (f"<{t[0]}:{t[1]}>", t[1])))
literal = st.text(SEGMENT_CHARS, min_size=1, max_size=8)
# a template segment: literal text and placeholders, at least one piece
segment_pieces = st.lists(st.one_of(literal.map(lambda s: (s, None)), placeholders),
                          min_size=1, max_size=3)
fillers = st.text(st.characters(blacklist_characters="/", blacklist_categories=("Cs",)),
                  min_size=1, max_size=12)


# Feature: extract-from-code, Property 3: Route templates match their own instances
@settings(max_examples=100, deadline=None)
@given(st.lists(segment_pieces, min_size=0, max_size=4), st.booleans(), st.data())
def test_route_templates_match_instances(segments: list[list[tuple[str, str | None]]],
                                         trailing_slash: bool, data: st.DataObject) -> None:
    template_parts: list[str] = []
    path_parts: list[str] = []
    for pieces in segments:
        template_parts.append("".join(text for text, _ in pieces))
        path_parts.append("".join(data.draw(fillers) if name is not None else text
                                  for text, name in pieces))
    suffix = "/" if trailing_slash and segments else ""
    template = "/" + "/".join(template_parts) + suffix
    path = "/" + "/".join(path_parts) + suffix
    assert route_pattern(template).match(path), (template, path)
