"""Code anchors: recorded by `verify`, shown by `trace`, compared by `drift` and `check --drift`.

Real projects in temporary folders: a real `specloom extract --link-tests`, real pytest runs,
real git commits.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from trace_helpers import git_commit_all, run_cli, write_files

from specloom.spec.workspace import Workspace
from specloom.trace.anchor_calls import CallResolver
from specloom.trace.anchors import Anchor, AnchorFinder
from specloom.trace.drift import CriterionDrift, drift
from specloom.trace.fingerprints import STORE_PATH, FingerprintStore, StoreError
from specloom.trace.matrix import build_trace
from specloom.trace.symbols import SymbolIndex
from specloom.trace.verify import verify

SIGNER = '''\
"""Signing with rotating keys."""


class Signer:
    def __init__(self, secret_keys):
        self.secret_keys = list(secret_keys)

    @property
    def secret_key(self):
        """The newest (last) key."""
        return self.secret_keys[-1]

    def sign(self, value):
        return f"{value}.{self.secret_key}"
'''

SIGNER_TESTS = '''\
from keys.signer import Signer


def test_sign_appends_the_key():
    assert Signer(["k"]).sign("v") == "v.k"
'''


def keys_project(root: Path) -> Workspace:
    """A src-layout package with one class, its test, and a spec extracted from the code."""
    workspace = write_files(root, {
        "src/keys/__init__.py": "", "src/keys/signer.py": SIGNER,
        "tests/test_signer.py": SIGNER_TESTS,
        "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n'})
    assert run_cli(["--root", str(root), "extract", str(root / "src/keys/signer.py"),
                    "--name", "signer", "--no-llm", "--link-tests"]) == 0
    return workspace


def _sign_criterion(workspace: Workspace) -> str:
    facts = json.loads((workspace.root / ".kiro/specs/signer/facts.json").read_text())
    return next(link["criterion"] for link in facts["links"] if link["tests"])


@pytest.mark.req("traceability", "11.1", "11.3", "11.6")
def test_changed_property_behind_a_verified_criterion_is_drift(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = keys_project(tmp_path)
    criterion = _sign_criterion(workspace)
    git_commit_all(tmp_path, "extracted")
    report = verify(workspace, ["signer"], timeout=120)
    assert report.recorded == 1
    recorded = FingerprintStore.load(tmp_path).get("signer", criterion)
    assert recorded is not None
    assert {(a.symbol, a.via) for a in recorded.anchors} == {
        ("Signer.sign", "fact"), ("Signer.__init__", "test-call"), ("Signer.secret_key", "call")}
    assert all(a.fingerprint for a in recorded.anchors)
    git_commit_all(tmp_path, "verified")
    assert drift(workspace).criteria == ()

    signer = tmp_path / "src/keys/signer.py"
    signer.write_text(SIGNER.replace("self.secret_keys[-1]", "self.secret_keys[0]"))
    item = _drift_of(workspace, criterion)
    assert item.drifted and not item.changed_files
    (change,) = item.anchors
    assert (change.anchor.symbol, change.status, change.line) == ("Signer.secret_key",
                                                                  "changed", 9)
    assert "-        return self.secret_keys[-1]" in change.diff
    assert "+        return self.secret_keys[0]" in change.diff
    assert "@@ -8,4 +8,4 @@" in change.diff  # line numbers of the file, not of the body

    capsys.readouterr()
    assert run_cli(["--root", str(tmp_path), "drift", "--fail-on", "drift"]) == 1
    text = capsys.readouterr().out
    assert "Signer.secret_key (src/keys/signer.py:9) changed" in text
    assert "secret_keys[0]" in text
    assert run_cli(["--root", str(tmp_path), "drift", "--json"]) == 0
    (entry,) = [e for e in json.loads(capsys.readouterr().out)["criteria"]
                if e["id"] == criterion]
    assert entry["since"] == "verification"
    assert entry["anchors"][0]["symbol"] == "Signer.secret_key"
    assert any("secret_keys[0]" in line for line in entry["anchors"][0]["diff"])
    assert run_cli(["--root", str(tmp_path), "drift", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "`Signer.secret_key` changed" in markdown and "```diff" in markdown
    assert run_cli(["--root", str(tmp_path), "check", "--drift"]) == 1
    out = capsys.readouterr().out
    assert "T008 error" in out and "Signer.secret_key" in out
    assert run_cli(["rules"]) == 0
    assert "T008" in capsys.readouterr().out


@pytest.mark.req("traceability", "11.2")
def test_trace_shows_anchors_before_any_verification(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = keys_project(tmp_path)
    criterion = _sign_criterion(workspace)
    capsys.readouterr()
    assert run_cli(["--root", str(tmp_path), "trace"]) == 0
    text = capsys.readouterr().out
    assert "src/keys/signer.py:13 Signer.sign (fact)" in text
    assert "src/keys/signer.py:9 Signer.secret_key" in text
    assert run_cli(["--root", str(tmp_path), "trace", "--json"]) == 0
    spec = json.loads(capsys.readouterr().out)["specs"][0]
    anchors = {c["id"]: c["anchors"] for c in spec["criteria"]}
    assert {"path": "src/keys/signer.py", "line": 5, "symbol": "Signer.__init__",
            "via": "test-call"} in anchors[criterion]
    assert all(a["via"] == "fact" for cid, found in anchors.items() if cid != criterion
               for a in found)
    assert run_cli(["--root", str(tmp_path), "trace", "--format", "markdown"]) == 0
    assert "Signer.secret_key (src/keys/signer.py:9)" in capsys.readouterr().out


def _drift_of(workspace: Workspace, criterion: str) -> CriterionDrift:
    """The drift entry of the verified criterion (never-verified extracted ones may join it)."""
    (item,) = [d for d in drift(workspace).criteria if d.id == criterion]
    return item


def _verified_project(root: Path, git: bool = True) -> tuple[Workspace, str]:
    workspace = keys_project(root)
    if git:
        git_commit_all(root, "extracted")
    assert verify(workspace, ["signer"], timeout=120).recorded == 1
    return workspace, _sign_criterion(workspace)


@pytest.mark.req("traceability", "11.4")
def test_comments_blank_lines_and_docstrings_are_not_drift(tmp_path: Path) -> None:
    workspace, _ = _verified_project(tmp_path)
    edited = SIGNER.replace('"""The newest (last) key."""', '"""The key used to sign."""')
    edited = edited.replace("    def sign(self, value):\n",
                            "    # signing appends the key\n\n    def sign(self, value):\n"
                            "        '''Sign a value.'''\n")
    edited = edited.replace('return f"{value}.{self.secret_key}"',
                            'return  f"{value}.{self.secret_key}"  # unchanged behaviour')
    (tmp_path / "src/keys/signer.py").write_text(edited)
    report = drift(workspace)
    assert report.criteria == () and report.checked == 2  # verified, and extracted only


@pytest.mark.req("traceability", "11.5")
def test_missing_symbol_or_file_is_drift(tmp_path: Path) -> None:
    workspace, criterion = _verified_project(tmp_path)
    signer = tmp_path / "src/keys/signer.py"
    signer.write_text(SIGNER.replace("def secret_key(self)", "def newest_key(self)"))
    item = _drift_of(workspace, criterion)
    missing = [c for c in item.anchors if c.status == "missing"]
    assert [c.message for c in missing] == [
        "symbol Signer.secret_key no longer found in src/keys/signer.py"]
    assert len(item.anchors) == 1  # `sign` still reads `self.secret_key`: its code is the same
    signer.unlink()
    item = _drift_of(workspace, criterion)
    assert {c.status for c in item.anchors} == {"missing"}
    assert all("no longer exists" in c.message for c in item.anchors)


@pytest.mark.req("traceability", "11.3")
def test_anchor_drift_outside_git_has_no_diff_but_says_why(tmp_path: Path) -> None:
    workspace, criterion = _verified_project(tmp_path, git=False)
    signer = tmp_path / "src/keys/signer.py"
    signer.write_text(SIGNER.replace("self.secret_keys[-1]", "self.secret_keys[0]"))
    assert not drift(workspace).git
    item = _drift_of(workspace, criterion)
    (change,) = item.anchors
    assert change.diff == () and change.note is not None and "no diff" in change.note


@pytest.mark.req("traceability", "11.3")
def test_verified_but_uncommitted_body_gives_no_misleading_diff(tmp_path: Path) -> None:
    workspace = keys_project(tmp_path)
    git_commit_all(tmp_path, "extracted")
    signer = tmp_path / "src/keys/signer.py"
    signer.write_text(SIGNER.replace("list(secret_keys)", "tuple(secret_keys)"))
    verify(workspace, ["signer"], timeout=120)  # verified with an uncommitted edit
    signer.write_text(SIGNER.replace("list(secret_keys)", "sorted(secret_keys)"))
    item = _drift_of(workspace, _sign_criterion(workspace))
    (change,) = item.anchors
    assert change.anchor.symbol == "Signer.__init__" and change.diff == ()
    assert change.note is not None and "not committed" in change.note


@pytest.mark.req("traceability", "11.1")
def test_store_version_1_reads_as_no_anchors_and_bad_entries_are_refused(
        tmp_path: Path) -> None:
    store = tmp_path / STORE_PATH
    store.parent.mkdir(parents=True)
    entry = {"fingerprint": "f", "commit": "abc123", "verified_at": "2024-01-01", "tests": []}
    store.write_text(json.dumps({"version": 1, "specs": {"cart": {"1.1": entry}}}))
    loaded = FingerprintStore.load(tmp_path).get("cart", "1.1")
    assert loaded is not None and loaded.anchors == ()
    store.write_text(json.dumps({"version": 3, "specs": {}}))
    with pytest.raises(StoreError, match="newer specloom"):
        FingerprintStore.load(tmp_path)
    hostile = {**entry, "commit": "--output=/tmp/x"}
    store.write_text(json.dumps({"version": 2, "specs": {"cart": {"1.1": hostile}}}))
    with pytest.raises(StoreError, match="not a git commit hash"):
        FingerprintStore.load(tmp_path)


PACKAGE = {
    "pkg/__init__.py": "from .core import Engine\nfrom . import helpers\n",
    "pkg/core.py": '''\
from pkg.helpers import double


class Base:
    def start(self):
        return self.ready()

    def ready(self):
        return True


class Engine(Base):
    def __init__(self, power):
        self.power = double(power)

    def run(self):
        return self.start() and self.power
''',
    "pkg/helpers.py": "def double(x):\n    return 2 * x\n\n\ndef unused():\n    return 0\n",
    "tests/test_engine.py": '''\
import os
import pkg.helpers as h
from pkg import Engine, helpers


def test_run(engine_fixture):
    engine = Engine(3)
    assert engine.run()
    assert h.double(1) == helpers.double(1)
    assert Engine(1).start()
    assert os.getcwd() and engine_fixture.whatever()
''',
}


@pytest.mark.req("traceability", "11.1")
def test_test_call_targets_resolve_through_imports_and_bases(tmp_path: Path) -> None:
    write_files(tmp_path, PACKAGE)
    resolver = CallResolver(SymbolIndex(tmp_path))
    direct = resolver.calls("tests/test_engine.py", "test_run")
    assert set(direct) == {("pkg/core.py", "Engine.__init__"), ("pkg/core.py", "Engine.run"),
                           ("pkg/helpers.py", "double"), ("pkg/core.py", "Base.start")}
    assert set(resolver.calls("pkg/core.py", "Engine.run")) == {("pkg/core.py", "Base.start")}
    assert set(resolver.calls("pkg/core.py", "Base.start")) == {("pkg/core.py", "Base.ready")}


@pytest.mark.req("traceability", "11.1", "11.2")
def test_code_links_anchor_and_a_broken_facts_json_is_a_problem_not_a_crash(
        tmp_path: Path) -> None:
    files = {
        ".kiro/specs/cart/requirements.md": (
            "# Requirements Document\n\n## Requirements\n\n### Requirement 1: Add\n"
            "**User Story:** As a shopper, I want to add, so that I buy.\n\n"
            "#### Acceptance Criteria\n1. THE Cart SHALL add items.\n"),
        ".kiro/specs/cart/facts.json": "{not json",
        "src/cart.py": "def add(cart, item):\n    # specloom: cart 1.1\n    cart[item] = 1\n",
    }
    workspace = write_files(tmp_path, files)
    report = build_trace(workspace)
    (criterion,) = report.specs[0].criteria
    assert criterion.anchors == (Anchor("src/cart.py", "add", 2, "code-link"),)
    (problem,) = report.problems
    assert problem.path == ".kiro/specs/cart/facts.json" and "not valid JSON" in problem.message
    (recorded,) = AnchorFinder(tmp_path).fingerprinted(criterion.anchors)
    assert recorded.line == 1 and recorded.fingerprint


@pytest.mark.req("traceability", "11.7")
def test_never_verified_extracted_code_that_changes_is_drift(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = keys_project(tmp_path)
    git_commit_all(tmp_path, "extracted")
    facts = json.loads((tmp_path / ".kiro/specs/signer/facts.json").read_text())
    assert any(entry["symbol"] == "Signer.secret_key"
               for entry in facts["fingerprints"].values())
    report = drift(workspace)
    assert report.criteria == () and report.checked >= 1

    signer = tmp_path / "src/keys/signer.py"
    signer.write_text(SIGNER.replace("self.secret_keys[-1]", "self.secret_keys[0]"))
    report = drift(workspace)
    changed = [item for item in report.criteria
               if any(c.anchor.symbol == "Signer.secret_key" for c in item.anchors)]
    assert changed and all(item.since == "extraction" for item in changed)
    (change,) = [c for c in changed[0].anchors if c.anchor.symbol == "Signer.secret_key"]
    assert change.status == "changed" and "+        return self.secret_keys[0]" in change.diff
    capsys.readouterr()
    assert run_cli(["--root", str(tmp_path), "drift"]) == 0
    text = capsys.readouterr().out
    assert "since extraction" in text and "Signer.secret_key (src/keys/signer.py:9) changed" in text
    assert run_cli(["--root", str(tmp_path), "check", "signer", "--drift"]) == 1
    out = capsys.readouterr().out
    assert "T008 error" in out and "since extraction" in out
