"""Property-based tests for the correctness properties of the traceability design.

Each test checks one property of `.kiro/specs/traceability/design.md` against the real code.
The generated Python sources hold link syntax; this file spells that syntax in pieces
(`TAG_WORD`, `PROPERTY_WORD`, `REQ`) so that specloom's own scan does not read it as links.
"""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, composite

from python_links_reference import reference_links
from specloom.trace import runner
from specloom.trace.fingerprints import FingerprintStore, Verified, fingerprint
from specloom.trace.links import Link
from specloom.trace.matrix import CriterionTrace
from specloom.trace.python_scan import scan_python
from specloom.trace.verify import ERROR, FAILING, UNTESTED, VERIFIED, _judge

TAG_WORD = "spec" + "loom:"
PROPERTY_WORD = "Feat" + "ure:"
REQ = "mark" + ".req"

criterion_ids = st.builds("{}.{}".format, st.integers(1, 12), st.integers(1, 12))
spec_names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,10}", fullmatch=True)


@composite
def tag_texts(draw: DrawFn) -> str:
    """A criterion tag, a property tag or a req marker call, as text."""
    spec = draw(st.sampled_from(["cart", "traceability", "a-b.c"]))
    ids = ", ".join(draw(st.lists(criterion_ids, min_size=1, max_size=2)))
    return draw(st.sampled_from([
        f"{TAG_WORD} {spec} {ids}",
        f"{PROPERTY_WORD} {spec}, Property {draw(st.integers(1, 9))}",
        f"@pytest.{REQ}('{spec}', '1.1')",
        f'{REQ}("{spec}:{ids}")',
    ]))


@composite
def string_contents(draw: DrawFn, multi_line: bool) -> str:
    """Text for a string literal: quotes, '#', spaces and link syntax in any order."""
    fragment = st.one_of(tag_texts(), st.sampled_from(['"', "'", "#", " ", "# ", "x", "\t"]))
    lines = draw(st.lists(st.lists(fragment, max_size=5).map("".join), min_size=1,
                          max_size=3 if multi_line else 1))
    return "\n".join(lines)


@composite
def string_literals(draw: DrawFn) -> str:
    """Python source of one ordinary string (or bytes) literal that holds link syntax."""
    quote = draw(st.sampled_from(["'", '"', "'''", '"""']))
    prefix = draw(st.sampled_from(["", "", "r", "b", "f", "u", "rb"]))
    content = draw(string_contents(multi_line=len(quote) == 3))
    if "r" in prefix:  # a raw literal cannot escape its quote
        content = content.replace(quote[0], "")
    else:
        content = content.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
    return f"{prefix}{quote}{content}{quote}"


@composite
def string_statements(draw: DrawFn, indent: str) -> list[str]:
    """Statements (as lines) whose only link syntax sits inside ordinary string literals."""
    literal = string_literals()
    shape = draw(st.sampled_from(["assign", "concat", "list", "call", "if-block", "after",
                                  "dict-value", "class-attr", "def-after-pass"]))
    one, two = draw(literal), draw(literal)
    inner = indent + "    "
    return {
        "assign": [f"{indent}VALUE = {one}"],
        "concat": [f"{indent}VALUE = {one} + {two}"],
        "list": [f"{indent}VALUES = [{one}, {two}]"],
        "call": [f"{indent}print({one})"],
        "if-block": [f"{indent}if VALUE:", f"{inner}{one}"],
        "after": [f"{indent}VALUE = 1", f"{indent}{one}"],
        "dict-value": [f"{indent}VALUES = {{", f"{inner}'key':", f"{inner}{one},", f"{indent}}}"],
        "class-attr": [f"{indent}class Holder:", f"{inner}NAME = {one}"],
        "def-after-pass": [f"{indent}def helper():", f"{inner}pass", f"{inner}{one}"],
    }[shape]


def module_text(lines: list[str]) -> str:
    text = "\n".join(["import pytest", "VALUE = 0", *lines]) + "\n"
    ast.parse(text)  # the strategies only write valid Python
    return text


paths = st.sampled_from(["tests/test_gen.py", "src/gen.py", "tests/gen_test.py", "lib/x.py"])


# -- Property 1 ---------------------------------------------------------------------------------

@composite
def tag_comment(draw: DrawFn, indent: str) -> str:
    return f"{indent}# {draw(tag_texts())}" if draw(st.booleans()) else f"{indent}# a comment"


@composite
def decorator_lines(draw: DrawFn, indent: str) -> list[str]:
    spec = draw(st.sampled_from(["cart", "shop"]))
    ids = draw(st.lists(criterion_ids, min_size=1, max_size=3))
    quoted = ", ".join(f'"{i}"' for i in ids)
    choices = [
        [f'{indent}@pytest.{REQ}("{spec}", {quoted})'],
        [f"{indent}@{REQ}('{spec}:{', '.join(ids)}')"],
        [f"{indent}@pytest.{REQ}(", f'{indent}    "{spec}", {quoted})'],
        [f"{indent}@given(st.integers())"],
        [f"{indent}@pytest.mark.slow"],
    ]
    return [line for chosen in draw(st.lists(st.sampled_from(choices), max_size=3))
            for line in chosen]


@composite
def body_lines(draw: DrawFn, indent: str, depth: int) -> list[str]:
    lines: list[str] = []
    docstring = draw(st.sampled_from(["none", "plain", "tagged", "tagged-multi"]))
    if docstring == "plain":
        lines.append(f'{indent}"""A docstring."""')
    elif docstring == "tagged":
        lines.append(f'{indent}"""{draw(tag_texts())}"""')
    elif docstring == "tagged-multi":
        lines += [f'{indent}"""Summary.', "", f"{indent}{draw(tag_texts())}", f'{indent}"""']
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["pass", "comment", "strings", "strings", "nested"]))
        if kind == "pass":
            lines.append(f"{indent}pass")
        elif kind == "comment":
            lines.append(draw(tag_comment(indent)))
        elif kind == "strings":
            lines += draw(string_statements(indent))
        elif depth < 2:
            lines += draw(definition(indent, depth + 1))
    if all(line.lstrip().startswith("#") for line in lines):
        lines.append(f"{indent}pass")  # a body needs one statement
    return lines


@composite
def definition(draw: DrawFn, indent: str, depth: int = 0) -> list[str]:
    """A function or a class with methods, with tags above, on and inside it."""
    above = draw(st.lists(tag_comment(indent), max_size=2))
    name = draw(st.sampled_from(["test_one", "test_two", "helper", "TestGroup", "Cart"]))
    trailing = f"  # {draw(tag_texts())}" if draw(st.booleans()) else ""
    if name[0].isupper() and depth < 2:
        methods = draw(st.lists(definition(indent + "    ", depth + 1), min_size=1, max_size=2))
        header = [f"{indent}class {name}:{trailing}"]
        if draw(st.booleans()):
            header.append(f'{indent}    """{draw(tag_texts())}"""')
        return [*above, *draw(decorator_lines(indent)), *header,
                *[line for method in methods for line in method]]
    keyword = draw(st.sampled_from(["def", "def", "async def"]))
    function = name.lower() if name[0].isupper() else name
    return [*above, *draw(decorator_lines(indent)),
            f"{indent}{keyword} {function}(*args):{trailing}",
            *draw(body_lines(indent + "    ", depth))]


@composite
def python_modules(draw: DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["definition", "definition", "strings", "comment"]))
        if kind == "definition":
            parts += ["", "", *draw(definition(""))]
        elif kind == "strings":
            parts += draw(string_statements(""))
        else:
            parts.append(draw(tag_comment("")))
    return module_text(parts)


def by_repr(links: list[Link]) -> list[Link]:
    return sorted(links, key=repr)


# Counterexamples of the two readers this one replaced: a string after `if VALUE:` is no
# docstring; a '# <tag>' line inside a multi-line bytes literal is no comment.
NOT_A_DOCSTRING = module_text(["def f():", "    if VALUE:", f'        """{TAG_WORD} cart 1.1"""'])
BYTES_LINE = module_text(["def f():", "    x = b'''", f"# {TAG_WORD} cart 1.1", "'''"])


# Feature: traceability, Property 1: The token reader agrees with the ast reader
@settings(max_examples=100, deadline=None)
@example("src/gen.py", NOT_A_DOCSTRING)
@example("src/gen.py", BYTES_LINE)
@given(paths, python_modules())
def test_the_token_reader_agrees_with_the_ast_reader(path: str, text: str) -> None:
    links, problems = scan_python(path, text)

    assert problems == []
    assert by_repr(links) == by_repr(reference_links(path, text))


# -- Property 2 ---------------------------------------------------------------------------------

@composite
def string_only_modules(draw: DrawFn) -> str:
    """A module whose link syntax appears only inside ordinary string literals."""
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(["module", "function", "test", "class"]))
        if where == "module":
            parts += draw(string_statements(""))
            continue
        header = {"function": "def helper():", "test": "def test_data():",
                  "class": "class TestData:"}[where]
        first = '    """Plain docstring."""' if draw(st.booleans()) else "    x = 1"
        parts += ["", header, first, *draw(string_statements("    "))]
    return module_text(parts)


STRING_COUNTEREXAMPLE = module_text([f'VALUE = "\\"# {TAG_WORD} cart 1.1"'])


# Feature: traceability, Property 2: Tags in string literals are not links
@settings(max_examples=100, deadline=None)
@example("src/gen.py", STRING_COUNTEREXAMPLE)
@example("src/gen.py", NOT_A_DOCSTRING)
@example("src/gen.py", BYTES_LINE)
@given(paths, string_only_modules())
def test_tags_in_string_literals_are_not_links(path: str, text: str) -> None:
    links, _problems = scan_python(path, text)

    assert links == []


# -- Property 3 ---------------------------------------------------------------------------------

MARKER_PLACES = {
    "function": "@{marker}\ndef test_x():\n    pass\n",
    "method": "class TestGroup:\n    @{marker}\n    def test_inside(self):\n        pass\n",
    "class": "@{marker}\nclass TestGroup:\n    def test_inside(self):\n        pass\n"
             "\n    def helper(self):\n        pass\n",
    "pytestmark": "pytestmark = {marker}\n\n\ndef test_a():\n    pass\n\n\n"
                  "class TestB:\n    def test_b(self):\n        pass\n",
    "code": "@{marker}\ndef apply_discount():\n    pass\n",
}


# Feature: traceability, Property 3: The two marker forms are equivalent
@settings(max_examples=100, deadline=None)
@given(spec_names, st.lists(criterion_ids, max_size=4), st.sampled_from(["'", '"']),
       st.sampled_from([f"pytest.{REQ}", REQ]), st.sampled_from(sorted(MARKER_PLACES)),
       st.sampled_from(["", "\n    "]), st.sampled_from([",", ", ", " , "]),
       st.sampled_from(["", " "]), paths)
def test_the_two_marker_forms_are_equivalent(spec: str, ids: list[str], quote: str,
                                             call: str, place: str, wrap: str, separator: str,
                                             gap: str, path: str) -> None:
    listed = "".join(f", {quote}{i}{quote}" for i in ids)
    many_arguments = f"{call}({wrap}{quote}{spec}{quote}{listed})"
    one_string = f"{call}({wrap}{quote}{spec}:{gap}{separator.join(ids)}{quote})"
    header = "import pytest\nfrom pytest import mark\n\n\n"

    def links(marker: str) -> list[Link]:
        text = header + MARKER_PLACES[place].format(marker=marker)
        found, _problems = scan_python(path, text)
        return by_repr(found)

    assert links(many_arguments) == links(one_string)


# -- Property 4 ---------------------------------------------------------------------------------

WHITESPACE = [c for c in map(chr, range(0x3001)) if c.isspace()]
whitespace_runs = st.text(alphabet=WHITESPACE, min_size=1, max_size=4)
words = st.text(st.characters(exclude_categories=["Cs"]).filter(lambda c: not c.isspace()),
                min_size=1, max_size=8)


@composite
def spaced(draw: DrawFn, tokens: list[str]) -> str:
    """`tokens` joined by whitespace runs, with optional runs at both ends."""
    ends = draw(st.tuples(st.just("") | whitespace_runs, st.just("") | whitespace_runs))
    gaps = draw(st.lists(whitespace_runs, min_size=len(tokens) - 1, max_size=len(tokens) - 1))
    middle = tokens[0] + "".join(gap + token for gap, token in zip(gaps, tokens[1:], strict=True))
    return ends[0] + middle + ends[1]


# Feature: traceability, Property 4: Whitespace does not change a fingerprint
@settings(max_examples=100, deadline=None)
@given(st.lists(words, min_size=1, max_size=6), st.data())
def test_whitespace_does_not_change_a_fingerprint(tokens: list[str], data: st.DataObject) -> None:
    text = data.draw(spaced(tokens), label="text")
    respaced = data.draw(spaced(tokens), label="respaced")
    assert fingerprint(respaced) == fingerprint(text)

    index = data.draw(st.integers(0, len(tokens) - 1), label="token")
    position = data.draw(st.integers(0, len(tokens[index]) - 1), label="position")
    old = tokens[index][position]
    new = data.draw(st.characters(exclude_categories=["Cs"]).filter(
        lambda c: not c.isspace() and c != old), label="new character")
    edited = [*tokens]
    edited[index] = tokens[index][:position] + new + tokens[index][position + 1:]
    assert fingerprint(data.draw(spaced(edited), label="edited")) != fingerprint(text)


# -- Property 5 ---------------------------------------------------------------------------------

CASE_OUTCOMES = ["passed", "failed", "error", "skipped"]


def worst(outcomes: list[str]) -> str:
    """What one test did over its cases: failed, else error, else passed, else skipped."""
    for outcome in ("failed", "error", "passed"):
        if outcome in outcomes:
            return outcome
    return outcomes[0]


@composite
def linked_tests(draw: DrawFn) -> tuple[Link, list[str], str]:
    """A linked test, the outcomes of its cases in the run, and its outcome per Property 5."""
    number = draw(st.integers(0, 5))
    if draw(st.integers(0, 4)) == 0:  # a non-Python test and no test command: not run
        link = Link("cart", "1.1", None, "web/cart.test.ts", 3, f"adds item {number}", "test",
                    "tag")
        return link, [], "not-run"
    nodeid = f"tests/test_cart.py::test_{number}"
    link = Link("cart", "1.1", None, "tests/test_cart.py", 10 + number, f"test_{number}",
                "test", "marker", nodeid)
    cases = draw(st.lists(st.sampled_from(CASE_OUTCOMES), max_size=3))
    return link, cases, worst(cases) if cases else "error"  # absent from the run: not run


def property_5_status(outcomes: list[str]) -> str:
    if "failed" in outcomes:
        return FAILING
    if "error" in outcomes or "not-run" in outcomes:
        return ERROR
    if "passed" in outcomes:
        return VERIFIED
    return UNTESTED


# Feature: traceability, Property 5: A verdict follows the worst test outcome
@settings(max_examples=100, deadline=None)
@given(st.lists(linked_tests(), max_size=6, unique_by=lambda test: test[0].test_key),
       st.data())
def test_a_verdict_follows_the_worst_test_outcome(
        tests: list[tuple[Link, list[str], str]], data: st.DataObject) -> None:
    results: dict[str, runner.TestResult] = {}
    for link, cases, _ in tests:
        for index, outcome in enumerate(cases):
            key = link.nodeid if len(cases) == 1 else f"{link.nodeid}[{index}]"
            results[str(key)] = runner.TestResult(str(key), outcome, "message")
    run = runner.RunOutcome(["pytest"], results=results)
    links = [link for link, _, _ in tests]
    if links:  # the same test linked twice (a marker and a tag) counts once
        links += data.draw(st.lists(st.sampled_from(links), max_size=2), label="again")
    criterion = CriterionTrace("cart", "1.1", "THE Cart SHALL work.", 9, (), tuple(links), (),
                               (), False)

    verdict = _judge(criterion, {"pytest": run, "command": None}, accept=False)

    per_test = {link.test_key: outcome for link, _, outcome in tests}
    assert verdict.status == property_5_status(list(per_test.values()))
    assert {t.key: t.outcome for t in verdict.tests} == per_test


# -- Property 6 ---------------------------------------------------------------------------------

texts = st.text(max_size=12)
verifications = st.builds(
    Verified,
    fingerprint=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64) | texts,
    commit=st.none() | st.text(alphabet="0123456789abcdef", min_size=7, max_size=40),
    verified_at=st.just("2026-01-01T00:00:00+00:00") | texts,
    tests=st.lists(texts, max_size=3).map(tuple),
)
stores = st.dictionaries(spec_names | texts,
                         st.dictionaries(criterion_ids | texts, verifications, max_size=4),
                         max_size=4)


# Feature: traceability, Property 6: The fingerprint store round-trips
@settings(max_examples=100, deadline=None)
@given(stores)
def test_the_fingerprint_store_round_trips(specs: dict[str, dict[str, Verified]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = FingerprintStore.load(root)
        for spec, criteria in specs.items():
            for criterion, verified in criteria.items():
                store.record(spec, criterion, verified)
        store.save()

        loaded = FingerprintStore.load(root)

    recorded = {spec: criteria for spec, criteria in specs.items() if criteria}
    assert {spec: criteria for spec, criteria in loaded.specs.items() if criteria} == recorded
    for spec, criteria in specs.items():
        for criterion, verified in criteria.items():
            assert loaded.get(spec, criterion) == verified

