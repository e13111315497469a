"""The fast reading of Python links gives exactly what the reading through `tokenize` gives.

`scan_python(path, text)` reads a file whose lines each close what they open from tokens
`python_fast` writes; `scan_python(path, text, fast=False)` always runs `tokenize`. Both must
give the same links (lines, symbols, node ids) and the same problems, on hand-written traps, on
specloom's own files with tags put in at random lines, on generated modules and on the
benchmark's generated repository. Link syntax is spelled in pieces here (`TAG`, `PROPERTY`,
`REQ`) so that specloom's own scan does not read this file's strings as links.
"""

from __future__ import annotations

import ast
import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, composite
from test_links import FAST_SHAPES, MARKERS, MULTI_LINE_MARKER, QUOTE_TRAPS, STRING_DATA

from specloom.trace.anchor_calls import CallResolver
from specloom.trace.anchors import _import_lines
from specloom.trace.python_fast import lean_tokens
from specloom.trace.python_markers import req_markers, simple_marker
from specloom.trace.python_scan import scan_python
from specloom.trace.symbols import SymbolIndex

ROOT = Path(__file__).resolve().parents[2]
TAG = "spec" + "loom:"
PROPERTY = "Feat" + "ure:"
REQ = "mark" + ".req"

TRAPS = {
    "one-line docstrings": f'"""{TAG} cart 1.1"""\n\n\ndef f():\n    """{TAG} cart 1.2"""\n'
                           f"    return 1\n\n\nclass C:\n    '{TAG} cart 1.3'\n    x = 1\n",
    "comment blocks": f"# {TAG} cart 1.1\n\n# other\ndef f():\n    pass\n\n\n# {TAG} cart 1.2\n"
                      f"x = 1\n\ndef g():\n    pass\n    # {TAG} cart 1.3\n",
    "decorators": f'import pytest\n\n@pytest.{REQ}("cart", "1.1")  # {TAG} cart 1.2\n'
                  f"@given(st.integers())\ndef test_a(n):\n    pass\n\n@{REQ}('cart:1.1, 1.2')\n"
                  f'class TestB:\n    @pytest.{REQ}("cart")\n    def test_c(self):\n        pass\n'
                  f'    @pytest.{REQ}(SPEC, "1.1")\n    def test_d(self):\n        pass\n'
                  f"    @requires(1 +)\n    def test_e(self):\n        pass\n",
    "pytestmark": f'import pytest\npytestmark = [pytest.{REQ}("cart", "1.1")]\n\n\n'
                  f"class TestA:\n    pytestmark = pytest.{REQ}('cart', '1.2'); x = 1\n"
                  "    def test_a(self):\n        pass\n\ndef test_b():\n    pass\n",
    "crlf": f"# {TAG} cart 1.1\r\ndef f():\r\n    x = 1\r\n\r\n# {TAG} cart 1.2\r\n"
            "def g():\r\n    pass\r\n",
    "tabs": f"# {TAG} cart 1.1\ndef f():\n\tx = 1\n\tif x:\n\t\treturn 2\n",
    "form feed": f"# {TAG} cart 1.1\ndef f():\n    x = 1\n\f\n  \f  y = 2\ndef g():\n    pass\n",
    "dedent to no level": f"# {TAG} cart 1.1\ndef f():\n        x = 1\n    y = 2\n",
    "backslash": f"# {TAG} cart 1.1\ndef f():\n    x = 1 + \\\n        2\n    return x\n",
    "escaped quote": f'# {TAG} cart 1.1\ndef f():\n    return "a\\"b"\n',
    "unclosed bracket": f"# {TAG} cart 1.1\ndef f(:\n    pass\n",
    "number name": f"# {TAG} cart 1.1\ndef 1a():\n    pass\n",
    "stray character": f"# {TAG} cart 1.1\ndef f():\n    $x = 1\n",
    "nul": f"# {TAG} cart 1.1\ndef f():\n    x = '\0'\n",
    "nested": f"class A:\n    class B:\n        def f(self):\n            # {TAG} cart 1.1\n"
              f"            pass\n\n        # {TAG} cart 1.2\n\n        def g(self): pass\n"
              f"    x = 1\n# {PROPERTY} cart, Property 1\n",
    "body on the header line": f'def f(): "{TAG} cart 1.1"\nclass A: x = 1  # {TAG} cart 1.2\n',
    "async": f"# {TAG} cart 1.1\nasync def f():\n    pass\nasync class X:\n    pass\n",
    "comment lines with special characters": f"def f():\n    x = 1\n    # see g(x) and 'y'\n"
                                             f"    y = 2\n    # a \\ and a \"\"\"\n    z = 3\n"
                                             f"# {TAG} cart 1.1\n",
    "string statements": f"def f():\n    x = 1\n    'not a docstring {TAG} cart 1.1'\n"
                         f"    u'''{TAG} cart 1.2'''\n",
    "indented first line": f"    # {TAG} cart 1.1\n    x = 1\ndef f():\n    pass\n",
    "lone carriage return": f"# {TAG} cart 1.1\ndef f():\n    x = 1\n  \r y = (\n    pass\n",
    "no trailing newline": f"def f():\n    pass\n# {TAG} cart 1.1",
    "bom": f"\ufeff# {TAG} cart 1.1\ndef f():\n    pass\n",
}
FIXTURES = {**{f"shape {name}": text for name, text in FAST_SHAPES.items()},
            "markers": MARKERS, "multi-line marker": MULTI_LINE_MARKER,
            "quote traps": QUOTE_TRAPS, "string data": STRING_DATA, **TRAPS}
PATHS = ("tests/test_gen.py", "src/gen.py")


def _agree(path: str, text: str) -> None:
    assert scan_python(path, text) == scan_python(path, text, fast=False)


@pytest.mark.req("traceability", "1.3", "1.5")
@pytest.mark.parametrize("name", sorted(FIXTURES))
@pytest.mark.parametrize("path", PATHS)
def test_fast_reading_agrees_on_traps_and_fixtures(name: str, path: str) -> None:
    _agree(path, FIXTURES[name])


def test_simple_files_take_the_fast_reading() -> None:
    """Not only the fallback is tested: simple files are read without `tokenize`."""
    for name in ("one-line docstrings", "comment blocks", "decorators", "crlf"):
        text = TRAPS[name]
        assert lean_tokens(text, text.split("\n")) is not None, name
    for name in ("tabs", "form feed", "dedent to no level", "backslash", "nul"):
        text = TRAPS[name]
        assert lean_tokens(text, text.split("\n")) is None, name


INSERTED = [f"# {TAG} cart 1.1", f"    # {TAG} cart 1.2", f"x = 1  # {TAG} cart 2.1",
            f'@pytest.{REQ}("cart", "1.3")', f'"""{TAG} cart 3.1"""',
            f"pytestmark = {REQ}('cart', '4.1')", f"        # {PROPERTY} cart, Property 2",
            f"    @{REQ}('cart:1.1, 1.2')  # {TAG} cart 9.9", f"\t# {TAG} cart 5.1", ""]


@pytest.mark.req("traceability", "1.3")
def test_fast_reading_agrees_on_specloom_files_with_tags_put_in() -> None:
    generator = random.Random(14)
    files = sorted([*ROOT.joinpath("src").rglob("*.py"), *ROOT.joinpath("tests").rglob("*.py")])
    assert len(files) > 100
    for file in files:
        lines = file.read_text(encoding="utf-8").split("\n")
        path = PATHS[generator.randrange(2)]
        for _ in range(2):
            changed = list(lines)
            for _ in range(3):
                changed.insert(generator.randrange(len(changed) + 1), generator.choice(INSERTED))
            _agree(path, "\n".join(changed))


def _benchmark_module() -> object:
    spec = importlib.util.spec_from_file_location(
        "trace_speed", ROOT / "benchmarks" / "trace_speed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_repository_is_read_fast_and_alike(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    bench = _benchmark_module()
    monkeypatch.setattr(bench, "SOURCE_FILES", 40)
    monkeypatch.setattr(bench, "LINKS", 160)
    bench.write_sources(tmp_path)  # type: ignore[attr-defined]
    files = sorted(tmp_path.rglob("*.py"))
    assert len(files) == 40
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert lean_tokens(text, text.split("\n")) is not None, file
        links, problems = scan_python(file.relative_to(tmp_path).as_posix(), text)
        assert len(links) == 4 and problems == []
        _agree(file.relative_to(tmp_path).as_posix(), text)


LINE_KINDS = ["x = 1", "y = f(x, [1, 2])", "", "# plain comment", "# it's (odd", "pass",
              "def f(a):", "async def g():", "class C(Base):", "class D:", "@decorator",
              "@decorator(1)", f'@pytest.{REQ}("cart", "1.1")', f"@{REQ}('cart:1.2, 1.3')",
              f"@pytest.{REQ}(S, '1.1')", "@given(st.integers())", f"# {TAG} cart 1.1",
              f"x = 2  # {TAG} cart 1.2", f'"""{TAG} cart 2.1"""', f"'{TAG} cart 2.2'",
              f"pytestmark = pytest.{REQ}('cart', '3.1')", f"# {PROPERTY} cart, Property 1",
              "if x:", "return (", ")", "s = '''", "'''", "z = 1 + \\", "\tw = 1", "v = '$'",
              "$", "def 1a():", "def h(): pass", "else:", 'w = "a\\"b"', "\r", "  \r(x"]


@composite
def modules(draw: DrawFn) -> str:
    lines = draw(st.lists(st.tuples(st.sampled_from(LINE_KINDS), st.sampled_from(
        ["", "    ", "        ", "  "])), max_size=14))
    return "\n".join(indent + line for line, indent in lines)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATHS), modules())
def test_fast_reading_agrees_on_generated_modules(path: str, text: str) -> None:
    _agree(path, text)


LITERALS = st.sampled_from(["cart", "1.1", "cart:1.1, 1.2", "", "1.2", "a b", "x'y", 'x"y',
                            "\\n", "é", "\t", "cart: 2.1"])


@composite
def marker_sources(draw: DrawFn) -> str:
    quote = draw(st.sampled_from(["'", '"']))
    prefix = draw(st.sampled_from(["", "", "u", "b", "f", "r"]))
    spaces = st.sampled_from(["", " ", "  "])
    args = [f"{prefix}{quote}{value}{quote}" for value in draw(st.lists(LITERALS, max_size=4))]
    joined = "".join(f"{draw(spaces)},{draw(spaces)}{a}" for a in args)[1:]
    call = draw(st.sampled_from([f"pytest.{REQ}", REQ, f"x.{REQ}"]))
    end = draw(st.sampled_from(["", ",", " ,"]))
    return f"{call}({draw(spaces)}{joined}{end}{draw(spaces)})"


@settings(max_examples=300, deadline=None)
@given(marker_sources())
def test_a_simple_marker_reads_as_ast_reads_it(source: str) -> None:
    simple = simple_marker(source)
    try:
        expression = ast.parse(f"(\n{source}\n)", mode="eval")
    except SyntaxError:
        assert simple is None
        return
    if simple is not None:
        assert [(2, simple[0])] == list(req_markers(expression.body))


def test_import_lines_keep_what_the_import_check_reads() -> None:
    resolver = CallResolver(SymbolIndex(ROOT))
    files = sorted(ROOT.joinpath("tests").rglob("*.py"))[:200]
    for file in files:
        text = file.read_text(encoding="utf-8")
        for variant in (text, "  \u00a0from specloom import x\n" + text, "import\nos.path\n",
                        "x = 1\rfrom specloom import y\n"):
            assert resolver.imports_might_resolve(_import_lines(variant)) == \
                resolver.imports_might_resolve(variant)


def test_trace_imports_no_check_engine(tmp_path: Path) -> None:
    (tmp_path / ".kiro" / "specs" / "cart").mkdir(parents=True)
    (tmp_path / ".kiro" / "specs" / "cart" / "requirements.md").write_text(
        "# Requirements\n\n### Requirement 1: Add\n\n#### Acceptance Criteria\n\n"
        "1. THE System SHALL add.\n")
    (tmp_path / "test_cart.py").write_text(f"# {TAG} cart 1.1\ndef test_add():\n    pass\n")
    script = ("import sys\nfrom specloom.cli.main import main\n"
              f"code = main(['--root', {str(tmp_path)!r}, 'trace', '--json'])\n"
              "print('specloom.quality.check' in sys.modules, code)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "False 0"
