"""Link scanning and the trace matrix, without running tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from trace_helpers import git_commit_all, run_cli, spec_files, write_files

from python_links_reference import reference_links
from specloom.trace.fingerprints import FingerprintStore, Verified, fingerprint
from specloom.trace.generic_scan import scan_generic
from specloom.trace.matrix import build_trace
from specloom.trace.python_scan import scan_python
from specloom.trace.scan import scan_links

MARKERS = '''\
import pytest
from pytest import mark

pytestmark = pytest.mark.req("cart", "3.1")


@pytest.mark.req("cart", "1.1", "1.2")
def test_both():
    pass


@mark.req("cart:2.1")
def test_single_string():
    pass


@pytest.mark.req("cart", "1.2")
class TestGroup:
    def test_inside(self):
        pass

    def helper(self):
        pass
'''


def _targets(links: list) -> set[tuple[str | None, str | None, int | None]]:
    return {(link.nodeid, link.criterion, link.prop) for link in links}


@pytest.mark.req("traceability", "1.1", "1.2")
def test_marker_forms_link_tests_classes_and_modules() -> None:
    links, problems = scan_python("tests/test_m.py", MARKERS)
    assert problems == []
    found = _targets(links)
    assert ("tests/test_m.py::test_both", "1.1", None) in found
    assert ("tests/test_m.py::test_both", "1.2", None) in found
    assert ("tests/test_m.py::test_single_string", "2.1", None) in found
    assert ("tests/test_m.py::TestGroup::test_inside", "1.2", None) in found
    module_wide = {n for n, c, _ in found if c == "3.1"}
    assert module_wide == {"tests/test_m.py::test_both", "tests/test_m.py::test_single_string",
                           "tests/test_m.py::TestGroup::test_inside"}
    assert all(link.kind == "test" for link in links)


@pytest.mark.req("traceability", "1.3")
def test_comment_and_docstring_tags_attach_to_the_function() -> None:
    source = '''\
class Cart:
    def add(self, item):
        """Store the item. specloom: cart 1.1"""
        return item

# specloom: cart 1.2, 2.1
def reject(item):
    return None


def other():
    x = 1
    # specloom: cart 3.1
    return x
'''
    links, _ = scan_python("src/cart.py", source)
    by_criterion = {link.criterion: (link.symbol, link.kind, link.line) for link in links}
    assert by_criterion["1.1"] == ("Cart.add", "code", 3)
    assert by_criterion["1.2"] == ("reject", "code", 6)
    assert by_criterion["2.1"] == ("reject", "code", 6)
    assert by_criterion["3.1"] == ("other", "code", 13)


@pytest.mark.req("traceability", "1.4")
def test_property_tag_links_a_hypothesis_test() -> None:
    source = '''\
from hypothesis import given, strategies as st

@given(st.integers())
def test_quantity(n):
    """Feature: cart, Property 1: Quantity never negative"""
'''
    (link,), _ = scan_python("tests/test_p.py", source)
    assert (link.prop, link.criterion, link.property_based) == (1, None, True)
    assert link.nodeid == "tests/test_p.py::test_quantity"


@pytest.mark.req("traceability", "1.3", "1.4")
def test_other_languages_use_the_line_heuristic() -> None:
    source = '''\
// specloom: cart 1.1
export function addItem(cart, item) {
  return cart;
}

func (s *Store) Remove(id string) error {
    // specloom: cart 1.2
    return nil
}

test("rejects out of stock", () => {
  // Feature: cart, Property 1: Quantity never negative
});
'''
    links, _ = scan_generic("web/cart.test.js", source)
    by_target = {link.target: (link.symbol, link.kind) for link in links}
    assert by_target["1.1"] == ("addItem", "test")
    assert by_target["1.2"] == ("Remove", "test")
    assert by_target["Property 1"] == ("rejects out of stock", "test")


def test_unparsable_python_is_a_problem_not_a_crash() -> None:
    source = 'import pytest\n\n@pytest.mark.req("cart", "1.1")\ndef test_x(:\n    pass\n'
    links, problems = scan_python("tests/test_bad.py", source)
    assert problems and problems[0].line == 4
    assert "cannot parse" in problems[0].message
    assert [(link.criterion, link.nodeid) for link in links] == [
        ("1.1", "tests/test_bad.py::test_x")]


def test_a_line_that_cannot_be_tokenized_is_skipped_and_reported() -> None:
    source = ("syntax error(:\nimport pytest\n\n\nclass TestCart:\n"
              "    @pytest.mark.req('cart', '1.1')\n    def test_add(self):\n"
              "        x = 'never closed\n\n\n# specloom: cart 1.2\ndef test_other():\n"
              "    pass\n")
    links, problems = scan_python("tests/test_cart.py", source)
    assert [(link.criterion, link.nodeid) for link in links] == [
        ("1.1", "tests/test_cart.py::TestCart::test_add"),
        ("1.2", "tests/test_cart.py::test_other")]
    assert [(p.line, "cannot parse" in p.message) for p in problems] == [(1, True), (8, True)]
    unclosed = 'X = """never closed\n# specloom: cart 1.1\ndef f():\n    pass\n'
    links, problems = scan_python("src/a.py", unclosed)  # the line heuristic reads the rest
    assert [(link.criterion, link.symbol) for link in links] == [("1.1", "f")]
    assert "line heuristic" in problems[0].message


@pytest.mark.req("traceability", "1.6")
def test_non_literal_marker_arguments_are_reported() -> None:
    source = ('import pytest\nSPEC = "cart"\n\n@pytest.mark.req(SPEC, "1.1")\n'
              'def test_x():\n  pass\n')
    links, problems = scan_python("tests/test_x.py", source)
    assert links == []
    assert problems[0].line == 4


@pytest.mark.req("traceability", "3.2", "3.3", "3.4", "3.5")
def test_trace_matrix_statuses_tasks_and_orphans(tmp_path: Path) -> None:
    files = spec_files()
    files["tests/test_cart.py"] = '''\
import pytest

@pytest.mark.req("cart", "1.1")
def test_add():
    pass

@pytest.mark.req("cart", "7.1")
def test_renumbered():
    pass

@pytest.mark.req("kart", "1.1")
def test_renamed_spec():
    pass

def test_quantity():
    """Feature: cart, Property 1"""

def test_ghost():
    """Feature: cart, Property 9"""
'''
    workspace = write_files(tmp_path, files)
    report = build_trace(workspace)
    (spec,) = report.specs
    status = {c.id: c.status for c in spec.criteria}
    assert status == {"1.1": "covered", "1.2": "uncovered", "2.1": "covered", "3.1": "uncovered"}
    first = spec.criteria[0]
    assert first.tasks == ("1",)
    assert [link.symbol for link in first.code] == ["add"]
    assert spec.criteria[2].properties == (1,)
    orphans = {(o.code, o.link.line) for o in report.orphans}
    assert orphans == {("T002", 7), ("T001", 11), ("T003", 19)}
    codes = {(d.code, d.path, d.line) for d in report.diagnostics}
    assert ("T004", ".kiro/specs/cart/design.md", 9) in codes  # Property 2 has no test
    assert ("T001", "tests/test_cart.py", 11) in codes


@pytest.mark.req("traceability", "7.3")
def test_stale_when_criterion_text_changed_since_verified(tmp_path: Path) -> None:
    workspace = write_files(tmp_path, spec_files())
    store = FingerprintStore.load(tmp_path)
    old_text = "WHEN a shopper adds an item, THE Cart_Service SHALL store it."
    store.record("cart", "1.1", Verified(fingerprint(old_text), None, "2026-01-01T00:00:00"))
    store.save()
    report = build_trace(workspace)
    assert report.specs[0].criteria[0].status == "stale"
    assert any(d.code == "T006" and d.line == 9 for d in report.diagnostics)
    assert json.loads((tmp_path / ".kiro/specloom/trace/fingerprints.json").read_text())[
        "version"] == 2


def test_fingerprint_ignores_whitespace_only_edits() -> None:
    assert fingerprint("THE  system\nSHALL work") == fingerprint("THE system SHALL work")
    assert fingerprint("THE system SHALL work") != fingerprint("THE system SHALL fail")


@pytest.mark.req("traceability", "2.1")
def test_gitignored_and_hidden_files_are_not_scanned(tmp_path: Path) -> None:
    tagged = "# specloom: cart 1.1\ndef f():\n    pass\n"
    files = spec_files()
    files.update({"ignored/gen.py": tagged, ".gitignore": "ignored/\n", "kept.py": tagged})
    write_files(tmp_path, files)
    git_commit_all(tmp_path, "init")
    (tmp_path / "untracked.py").write_text(tagged)
    paths = {link.path for link in scan_links(tmp_path).links}
    assert paths == {"kept.py", "untracked.py", "src/cart.py"}


@pytest.mark.req("traceability", "2.2")
def test_walk_outside_git_skips_venvs_and_hidden_folders(tmp_path: Path) -> None:
    tagged = "# specloom: cart 1.1\ndef f():\n    pass\n"
    files = spec_files()
    files.update({".venv/lib/x.py": tagged, "node_modules/y.js": "// " + tagged,
                  ".hidden/z.py": tagged, "app.py": tagged})
    write_files(tmp_path, files)
    paths = {link.path for link in scan_links(tmp_path).links}
    assert paths == {"app.py", "src/cart.py"}


@pytest.mark.req("traceability", "3.1", "3.6")
def test_trace_cli_formats_and_exit_codes(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    files = spec_files()
    files["tests/test_cart.py"] = ('import pytest\n\n@pytest.mark.req("cart", "1.1")\n'
                                   'def test_add():\n    pass\n')
    write_files(tmp_path, files)
    assert run_cli(["--root", str(tmp_path), "trace", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "trace"
    assert data["specs"][0]["criteria"][0]["tests"][0]["test"] == "tests/test_cart.py::test_add"
    assert run_cli(["--root", str(tmp_path), "trace", "--format", "markdown"]) == 0
    assert "| **1.1**" in capsys.readouterr().out
    assert run_cli(["--root", str(tmp_path), "trace", "--fail-on", "uncovered"]) == 1
    capsys.readouterr()
    assert run_cli(["--root", str(tmp_path), "trace", "nope"]) == 2
    assert "no spec named 'nope'" in capsys.readouterr().err
    (tmp_path / "tests/test_cart.py").write_text(
        'import pytest\n\n@pytest.mark.req("cart", "9.9")\ndef test_add():\n    pass\n')
    assert run_cli(["--root", str(tmp_path), "trace"]) == 1
    assert "T002" in capsys.readouterr().out


FAST_SHAPES = {
    "tests/test_fast.py": """\
import pytest
from hypothesis import given, strategies as st


@pytest.mark.req("cart", "1.1", "1.2")
@pytest.mark.slow
def test_one():
    pass


class TestNested:
    @pytest.mark.req('cart:2.1')
    def test_two(self):
        # specloom: cart 3.1
        pass

    # specloom: cart 1.2
    @given(st.integers())
    def test_three(self, n):
        \"\"\"Feature: cart, Property 1: Quantity never negative\"\"\"
""",
    "src/shapes.py": """\
class Cart:
    def add(self):  # specloom: cart 1.1
        def inner():
            # specloom: cart 1.2
            return 1
        return inner


# specloom: cart 2.1
async def fetch():
    pass
""",
}


MULTI_LINE_MARKER = '@pytest.mark.req(\n    "cart", "1.1")\ndef test_x():\n    pass\n'


@pytest.mark.parametrize(("path", "text"), [*sorted(FAST_SHAPES.items()),
                                            ("tests/test_m.py", MARKERS),
                                            ("tests/test_x.py", MULTI_LINE_MARKER)])
def test_the_token_reader_agrees_with_ast(path: str, text: str) -> None:
    links, problems = scan_python(path, text)
    assert links and problems == []
    assert sorted(links, key=repr) == sorted(reference_links(path, text), key=repr)


QUOTE_TRAPS = '''\
VALUE = "\\"# specloom: cart 1.1"
DATA = b"""
# specloom: cart 1.2
"""


def f():
    if VALUE:
        """specloom: cart 1.3"""
    return 1  # it's specloom: cart 2.1
'''


@pytest.mark.req("traceability", "1.5")
def test_tokens_not_quote_counting_decide_what_is_a_comment() -> None:
    """An escaped quote before '#', a '#' line in a bytes literal, a string after `if ...:`
    (not a docstring), a quote inside the comment itself: the tokens get each one right."""
    links, problems = scan_python("src/gen.py", QUOTE_TRAPS)
    assert problems == []
    assert [(link.criterion, link.symbol, link.line) for link in links] == [("2.1", "f", 10)]


STRING_DATA = """\
FIXTURE = \"\"\"
# specloom: cart 1.1
@pytest.mark.req("cart", "1.2")
def test_fake():
    pass
\"\"\"
EXAMPLE = "# specloom: cart 2.1"


def real():
    \"\"\"Real docstring. specloom: cart 3.1\"\"\"
"""


@pytest.mark.req("traceability", "1.5")
def test_tags_inside_ordinary_strings_are_not_links() -> None:
    links, problems = scan_python("src/data.py", STRING_DATA)
    assert problems == []
    assert [(link.criterion, link.symbol) for link in links] == [("3.1", "real")]
    assert links == reference_links("src/data.py", STRING_DATA)


@pytest.mark.req("traceability", "2.3")
def test_nested_workspaces_are_left_to_themselves(tmp_path: Path) -> None:
    tagged = "# specloom: cart 1.1\ndef f():\n    pass\n"
    files = spec_files()
    files.update({"packages/other/.kiro/specs/x/requirements.md": "# R\n",
                  "packages/other/src/y.py": tagged})
    write_files(tmp_path, files)
    assert {link.path for link in scan_links(tmp_path).links} == {"src/cart.py"}
    git_commit_all(tmp_path, "init")
    assert {link.path for link in scan_links(tmp_path).links} == {"src/cart.py"}
