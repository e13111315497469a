"""Criterion -> test links: comment tags inserted above matched tests (only lines added, never
twice), then `verify` runs the real tests and reports verified and untested criteria."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from extract_shop_project import run_cli, write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specloom.extract.linking import CriterionLink, insert_tags, route_pattern
from specloom.spec.workspace import Workspace
from specloom.trace.verify import verify


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A fresh copy of the shop project (with a `.kiro/` folder) in a temporary folder."""
    return write_project(tmp_path / "proj")

TEST_FILE = """import pytest\r
\r
\r
# a comment of the user's\r
@pytest.mark.parametrize("n", [1, 2])\r
def test_one(n):\r
    assert n\r
\r
\r
class TestGroup:\r
    def test_two(self):\r
        pass\r
"""


@pytest.mark.req("extract-from-code", "7.1", "7.2", "7.3")
def test_tags_only_add_lines_and_are_not_repeated(tmp_path: Path) -> None:
    path = tmp_path / "tests" / "test_x.py"
    path.parent.mkdir()
    path.write_bytes(TEST_FILE.encode())
    links = [CriterionLink("1.1", ("F1",), ("tests/test_x.py::test_one",)),
             CriterionLink("1.2", ("F1",), ("tests/test_x.py::test_one",
                                            "tests/test_x.py::TestGroup::test_two"))]
    edits = insert_tags(tmp_path, "demo", links)
    assert [e.text for e in edits] == ["# specloom: demo 1.1, 1.2", "# specloom: demo 1.2"]
    text = path.read_bytes().decode()
    assert "# a comment of the user's\r\n# specloom: demo 1.1, 1.2\r\n@pytest.mark" in text
    assert "    # specloom: demo 1.2\r\n    def test_two" in text
    added = [line for line in text.split("\r\n") if line not in TEST_FILE.split("\r\n")]
    assert len(added) == 2 and text.replace("# specloom: demo 1.1, 1.2\r\n", "").replace(
        "    # specloom: demo 1.2\r\n", "") == TEST_FILE
    assert insert_tags(tmp_path, "demo", links) == []
    more = [*links, CriterionLink("2.1", ("F2",), ("tests/test_x.py::test_one",))]
    (edit,) = insert_tags(tmp_path, "demo", more)
    assert edit.text == "# specloom: demo 2.1"


@pytest.mark.req("extract-from-code", "6.2")
def test_route_templates_match_requests() -> None:
    assert route_pattern("/items/{item_id}").match("/items/42")
    assert route_pattern("/users/<int:uid>").match("/users/7")
    assert not route_pattern("/items/{item_id}").match("/items/42/reviews")
    assert route_pattern("/items").match("/items/")


@pytest.mark.req("extract-from-code", "6.1", "6.3", "7.1", "7.3", "7.4")
def test_link_tests_then_verify_end_to_end(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm", "--link-tests") == 0
    out = capsys.readouterr().out
    assert "Tagged tests" in out
    store_tests = (shop / "tests/test_store_behaviour.py").read_text()
    assert "# specloom: shop " in store_tests
    assert run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm", "--link-tests",
                   "--force") == 0
    assert (shop / "tests/test_store_behaviour.py").read_text() == store_tests  # no duplicates
    facts = json.loads((shop / ".kiro/specs/shop/facts.json").read_text())
    linked = {link["criterion"] for link in facts["links"] if link["tests"]}
    report = verify(Workspace(shop), ["shop"], timeout=120)
    (spec,) = report.specs
    statuses = {c.id: c.status for c in spec.criteria}
    assert {cid for cid, status in statuses.items() if status == "verified"} == linked
    assert "untested" in statuses.values()
    assert spec.summary()["failing"] == 0 and spec.summary()["error"] == 0
    texts = {c.id: c.text for c in spec.criteria}
    store_full = next(cid for cid, text in texts.items() if "raise StoreError" in text)
    not_found = next(cid for cid, text in texts.items() if "raise NotFound" in text)
    assert statuses[store_full] == "untested"  # calling add() is no evidence for its error path
    by_criterion = {link["criterion"]: link["tests"] for link in facts["links"]}
    assert by_criterion[not_found] == ["tests/test_store_behaviour.py::test_missing_item_raises"]


@st.composite
def generated_test_files(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A test file of module-level tests with optional decorators, comments and blank lines."""
    names = draw(st.lists(st.from_regex(r"test_[a-z]{1,6}", fullmatch=True), min_size=1,
                          max_size=5, unique=True))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    chunks = ["import pytest", ""]
    for name in names:
        chunks.extend(draw(st.sampled_from([[], ["# note"], ["", "# a", "# b"]])))
        chunks.extend(draw(st.sampled_from([[], ["@pytest.mark.slow"],
                                            ["@pytest.mark.parametrize('x', [1])"]])))
        chunks.extend([f"def {name}(x=1):", "    assert x", ""])
    return newline.join(chunks), names


# Feature: extract-from-code, Property 1: Tagging only adds comment lines
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated_test_files(), st.data())
def test_tagging_only_adds_comment_lines(tmp_path: Path, case: tuple[str, list[str]],
                                         data: st.DataObject) -> None:
    text, names = case
    path = tmp_path / "tests" / "test_gen.py"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode())
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
    links = [CriterionLink(f"1.{i}", ("F1",), (f"tests/test_gen.py::{name}",))
             for i, name in enumerate(chosen, start=1)]
    insert_tags(tmp_path, "gen", links)
    after = path.read_bytes().decode()
    newline = "\r\n" if "\r\n" in text else "\n"
    kept = [line for line in after.split(newline) if not line.startswith("# specloom: gen ")]
    assert newline.join(kept) == text
    assert after.count("# specloom: gen ") == len(chosen)
    insert_tags(tmp_path, "gen", links)
    assert path.read_bytes().decode() == after
