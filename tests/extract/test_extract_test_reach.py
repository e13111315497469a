"""Tests found the way they really reach code (imports, aliases, re-exports, fixtures from
conftest.py, parametrised fixtures, fixture chains, inherited test classes), each link with its
evidence; and `specloom link SPEC` updating an extracted spec's links in place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from specloom.cli.main import main
from specloom.extract.pipeline import extract_spec
from specloom.spec.workspace import Workspace
from specloom.trace.verify import verify

VAULT = {
    "vault/__init__.py": '"""A vault."""\nfrom .box import Box as Box\nfrom .keys import make_key\n',
    "vault/box.py": '''"""Boxes that lock values."""


class Box:
    """Locks a value with a key."""

    def __init__(self, key: str) -> None:
        self.key = key

    def lock(self, value: str) -> str:
        return value[::-1]

    def unlock(self, value: str) -> str:
        return value[::-1]


class TimedBox(Box):
    """A box whose lock adds a mark."""

    def lock(self, value: str) -> str:
        return value[::-1] + "!"


def open_box(key: str) -> Box:
    return Box(key)
''',
    "vault/keys.py": '''"""Keys."""


def make_key(seed: str) -> str:
    return seed * 2


def rotate(key: str) -> str:
    return key[::-1]
''',
    "tests/conftest.py": '''from functools import partial

import pytest

from vault.box import Box, TimedBox


@pytest.fixture
def box():
    return Box("k")


@pytest.fixture(params=[Box, TimedBox])
def box_cls(request):
    return request.param


@pytest.fixture
def factory():
    return partial(Box, key="k")


@pytest.fixture
def opened(factory):
    return factory()
''',
    "tests/test_imports.py": '''import pytest

import vault as v
import vault.keys as k
from vault import Box
from vault.box import open_box


def test_module_alias():
    assert k.rotate("ab") == "ba"


def test_package_attribute():
    assert v.make_key("a") == "aa"


def test_reexported_class():
    assert Box("k").lock("ab") == "ba"


def test_returned_instance():
    opened = open_box("k")
    assert opened.unlock("ab") == "ba"


@pytest.mark.parametrize("cls", [v.box.TimedBox])
def test_parametrized_class(cls):
    assert cls("k").lock("ab") == "ba!"
''',
    "tests/test_fixtures.py": '''def test_conftest_fixture(box):
    assert box.lock("ab") == "ba"


def test_parametrised_fixture(box_cls):
    assert box_cls("k").unlock("ab") == "ba"


def test_fixture_chain(opened):
    assert opened.unlock("ab") == "ba"


def test_unrelated():
    assert sorted([2, 1]) == [1, 2]
''',
    "tests/test_classes.py": '''import pytest

from vault.box import Box, TimedBox


class TestBox:
    @pytest.fixture
    def made(self):
        return Box("k")

    def test_round_trip(self, made):
        assert made.unlock(made.lock("ab")) == "ab"


class TestTimedBox(TestBox):
    @pytest.fixture
    def made(self):
        return TimedBox("k")

    def test_mark(self, made):
        assert made.lock("a").endswith("!")
''',
}


def write(root: Path, files: dict[str, str]) -> Workspace:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / ".kiro" / "specs").mkdir(parents=True, exist_ok=True)
    return Workspace(root)


def evidence_by_fact(facts: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    """Test node id -> evidence, for the links of the criteria citing fact `name`."""
    (fact_id,) = [f["id"] for f in facts["facts"] if f["name"] == name and f["kind"] != "test"]
    found: dict[str, dict[str, Any]] = {}
    for link in facts["links"]:
        if fact_id in link["facts"]:
            for evidence in link["evidence"]:
                found.setdefault(evidence["test"], evidence)
    return found


@pytest.fixture
def vault_facts(tmp_path: Path) -> dict[str, Any]:
    workspace = write(tmp_path, VAULT)
    extract_spec(workspace, tmp_path / "vault", "vault")
    data: dict[str, Any] = json.loads((tmp_path / ".kiro/specs/vault/facts.json").read_text())
    return data


@pytest.mark.req("extract-from-code", "9.1", "9.4")
def test_imports_aliases_reexports_and_instance_calls_are_followed(
        vault_facts: dict[str, Any]) -> None:
    rotate = evidence_by_fact(vault_facts, "vault.keys.rotate")
    assert rotate["tests/test_imports.py::test_module_alias"]["via"] == \
        "k.rotate() calls vault.keys.rotate"
    assert rotate["tests/test_imports.py::test_module_alias"]["line"] == 10
    make_key = evidence_by_fact(vault_facts, "vault.keys.make_key")
    assert "tests/test_imports.py::test_package_attribute" in make_key
    lock = evidence_by_fact(vault_facts, "vault.box.Box.lock")
    assert lock["tests/test_imports.py::test_reexported_class"]["via"] == \
        "Box('k').lock() calls vault.box.Box.lock"
    unlock = evidence_by_fact(vault_facts, "vault.box.Box.unlock")
    returned = unlock["tests/test_imports.py::test_returned_instance"]
    assert "opened = open_box('k') (tests/test_imports.py:22)" in returned["via"]
    assert returned["line"] == 23
    timed = evidence_by_fact(vault_facts, "vault.box.TimedBox.lock")
    assert "tests/test_imports.py::test_parametrized_class" in timed
    assert "tests/test_fixtures.py::test_unrelated" not in {
        test for link in vault_facts["links"] for test in link["tests"]}


@pytest.mark.req("extract-from-code", "9.2", "9.4")
def test_fixtures_of_conftest_parametrised_and_chained_are_followed(
        vault_facts: dict[str, Any]) -> None:
    lock = evidence_by_fact(vault_facts, "vault.box.Box.lock")
    conftest = lock["tests/test_fixtures.py::test_conftest_fixture"]
    assert conftest["via"] == ("box.lock() calls vault.box.Box.lock "
                               "[box: fixture box (tests/conftest.py:9)]")
    assert (conftest["path"], conftest["line"]) == ("tests/test_fixtures.py", 2)
    unlock = evidence_by_fact(vault_facts, "vault.box.Box.unlock")
    params = unlock["tests/test_fixtures.py::test_parametrised_fixture"]["via"]
    assert "fixture box_cls (tests/conftest.py:14) <- params of fixture box_cls" in params
    chain = unlock["tests/test_fixtures.py::test_fixture_chain"]["via"]
    assert "fixture opened (tests/conftest.py:24) <- fixture factory (tests/conftest.py:19)" \
        in chain
    timed = evidence_by_fact(vault_facts, "vault.box.TimedBox.lock")
    assert "tests/test_fixtures.py::test_conftest_fixture" not in timed


@pytest.mark.req("extract-from-code", "9.3", "9.4")
def test_inherited_test_methods_are_linked_under_the_subclass(
        vault_facts: dict[str, Any]) -> None:
    tests = {f["details"]["nodeid"]: f for f in vault_facts["facts"] if f["kind"] == "test"}
    inherited = tests["tests/test_classes.py::TestTimedBox::test_round_trip"]
    assert inherited["details"]["inherited_from"] == "TestBox (tests/test_classes.py:6)"
    timed_lock = evidence_by_fact(vault_facts, "vault.box.TimedBox.lock")
    via = timed_lock["tests/test_classes.py::TestTimedBox::test_round_trip"]["via"]
    assert via.startswith("inherited from TestBox (tests/test_classes.py:6); made.lock()")
    assert "fixture made (tests/test_classes.py:17)" in via  # the subclass's override
    box_lock = evidence_by_fact(vault_facts, "vault.box.Box.lock")
    assert "tests/test_classes.py::TestBox::test_round_trip" in box_lock
    assert "tests/test_classes.py::TestTimedBox::test_round_trip" not in box_lock
    unlock = evidence_by_fact(vault_facts, "vault.box.Box.unlock")
    assert "tests/test_classes.py::TestTimedBox::test_round_trip" in unlock  # inherited method


def _bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.mark.req("extract-from-code", "9.5", "9.6")
def test_link_updates_a_reviewed_spec_in_place_and_twice_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {k: v for k, v in VAULT.items() if k != "tests/test_classes.py"}
    workspace = write(tmp_path, files)
    extract_spec(workspace, tmp_path / "vault", "vault")
    spec_dir = tmp_path / ".kiro/specs/vault"
    config = json.loads((spec_dir / ".config.kiro").read_text())
    config["specloom"]["reviewed"] = True  # what `specloom approve` records
    (spec_dir / ".config.kiro").write_text(json.dumps(config))
    requirements = (spec_dir / "requirements.md").read_bytes()
    reviewed = requirements.replace(b"As a user of Box,", b"As a reviewer of Box,")
    (spec_dir / "requirements.md").write_bytes(reviewed)
    kept = {name: (spec_dir / name).read_bytes() for name in
            ("requirements.md", "design.md", ".config.kiro")}
    fixtures = tmp_path / "tests/test_fixtures.py"
    fixtures.write_text("# specloom: vault 9.9\n" + fixtures.read_text())  # a person's tag
    (tmp_path / "tests/test_classes.py").write_text(VAULT["tests/test_classes.py"])

    assert main(["--root", str(tmp_path), "link", "vault"]) == 0
    out = capsys.readouterr().out
    assert "requirements.md and design.md untouched" in out
    assert "+ " in out and "tests/test_classes.py::TestTimedBox::test_mark" in out
    assert "tests/test_classes.py::TestTimedBox::test_round_trip" in out  # facts.json only
    assert {name: (spec_dir / name).read_bytes() for name in kept} == kept
    assert fixtures.read_text().startswith("# specloom: vault 9.9\n")
    classes = (tmp_path / "tests/test_classes.py").read_text()
    assert classes.count("# specloom: vault ") == 2
    facts = json.loads((spec_dir / "facts.json").read_text())
    linked = {test for link in facts["links"] for test in link["tests"]}
    assert "tests/test_classes.py::TestTimedBox::test_mark" in linked

    snapshot = _bytes(tmp_path)
    assert main(["--root", str(tmp_path), "link", "vault"]) == 0
    out = capsys.readouterr().out
    assert "(0 links added, 0 gone); facts.json unchanged" in out
    assert "Tagged tests" not in out
    assert _bytes(tmp_path) == snapshot

    report = verify(workspace, ["vault"], timeout=120)
    (spec,) = report.specs
    tagged = {link["criterion"] for link in facts["links"] if any(
        "::TestTimedBox::test_round_trip" not in t for t in link["tests"])}
    statuses = {c.id: c.status for c in spec.criteria}
    assert {cid for cid in tagged if statuses.get(cid) == "verified"} == tagged
    assert spec.summary()["failing"] == 0 and spec.summary()["error"] == 0


@pytest.mark.req("extract-from-code", "9.5")
def test_extract_link_tests_relinks_an_existing_spec_without_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = write(tmp_path, VAULT)
    extract_spec(workspace, tmp_path / "vault", "vault")
    spec_dir = tmp_path / ".kiro/specs/vault"
    kept = {name: (spec_dir / name).read_bytes() for name in ("requirements.md", "design.md")}
    code = main(["--root", str(tmp_path), "extract", str(tmp_path / "vault"), "--name", "vault",
                 "--no-llm", "--link-tests"])
    assert code == 0
    assert "Tagged tests (comment lines added):" in capsys.readouterr().out
    assert {name: (spec_dir / name).read_bytes() for name in kept} == kept
    assert "# specloom: vault " in (tmp_path / "tests/test_fixtures.py").read_text()


@pytest.mark.req("extract-from-code", "9.5")
def test_link_refuses_a_spec_without_a_fact_sheet(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {".kiro/specs/notes/requirements.md": "# Requirements Document\n"})
    assert main(["--root", str(tmp_path), "link", "notes"]) == 2
    error = capsys.readouterr().err
    assert ".kiro/specs/notes/facts.json: not found" in error
    assert "@pytest.mark.req(\"notes\", \"N.M\")" in error
    assert main(["--root", str(tmp_path), "link", "absent"]) == 2
    assert "run 'specloom extract PATH --name absent' first" in capsys.readouterr().err
