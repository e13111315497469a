"""verify from a pytest run it did not start: the plugin's record (`pytest
--specloom-report=FILE`, then `verify --pytest-report FILE`), with real pytest runs.

The record must give the verdicts verify's own run gives, and never verify a criterion from
tests the recorded run did not include or from files modified after it started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from trace_helpers import run_cli, spec_files, write_files

from specloom.spec.workspace import Workspace
from specloom.trace.render_verify import render_verify_text
from specloom.trace.verify import VerifyReport, verify

REQUIREMENTS = """\
# Requirements Document

## Requirements

### Requirement 1: Shop
**User Story:** As a shopper, I want a shop, so that I can buy things.

#### Acceptance Criteria
1. THE Shop SHALL add items.
2. THE Shop SHALL reject unknown items.
3. THE Shop SHALL wait for tomorrow.
4. THE Shop SHALL know its known bug.
5. THE Shop SHALL survive a fixed bug.
6. THE Shop SHALL take any quantity.
7. THE Shop SHALL group its checks.
8. THE Shop SHALL keep quantities apart.
9. THE Shop SHALL have nothing linked.
10. THE Shop SHALL price in another file.
"""

DESIGN = """\
# Design Document

## Correctness Properties

### Property 1: Quantities stay small
*For any* quantity, it is small.
**Validates: Requirements 1.8**
"""

SHOP = """\
def add(cart, item):
    cart[item] = cart.get(item, 0) + 1
    return cart
"""

TESTS = '''\
import pytest
from hypothesis import given, strategies as st

from shop import add


@pytest.mark.req("shop", "1.1")
def test_add():
    assert add({}, "apple") == {"apple": 1}


@pytest.mark.req("shop", "1.2")
def test_reject():
    assert add({}, "pear") == {}, "an unknown item was accepted"


@pytest.mark.req("shop", "1.3")
def test_tomorrow():
    pytest.skip("not today")


@pytest.mark.req("shop", "1.4")
@pytest.mark.xfail(reason="known bug")
def test_known_bug():
    assert False


@pytest.mark.req("shop", "1.5", "1.1")
@pytest.mark.xfail(reason="fixed since")
def test_fixed_bug():
    assert True


@pytest.mark.req("shop", "1.6")
@pytest.mark.parametrize("quantity", [1, 2, 3])
def test_quantity(quantity):
    assert quantity != 2


@pytest.mark.req("shop", "1.7")
class TestGroup:
    def test_one(self):
        assert True

    @pytest.mark.parametrize("n", [1, 2])
    def test_two(self, n):
        assert n


@given(st.integers(min_value=0))
def test_quantities_stay_small(n):
    """Feature: shop, Property 1: Quantities stay small"""
    assert n < 10
'''

PRICES = '''\
import pytest


@pytest.mark.req("shop", "1.10")
def test_price():
    assert 2 * 3 == 6
'''


@pytest.fixture
def project(tmp_path: Path) -> Workspace:
    files = {path.replace("cart", "shop"): text for path, text in spec_files("shop").items()
             if path.endswith("tasks.md")}
    files.update({".kiro/specs/shop/requirements.md": REQUIREMENTS,
                  ".kiro/specs/shop/design.md": DESIGN, "shop.py": SHOP,
                  "tests/test_shop.py": TESTS, "tests/test_prices.py": PRICES})
    return write_files(tmp_path / "project", files)


def record(root: Path, report: Path, *args: str, cwd: Path | None = None) -> None:
    """A pytest run specloom does not start, recording its outcomes."""
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    f"--specloom-report={report}", *args], cwd=cwd or root,
                   capture_output=True, check=False)
    assert report.is_file()


def verdicts(report: VerifyReport) -> dict[str, object]:
    """Everything a verdict is made of: statuses, and each linked test's outcome."""
    found: dict[str, object] = {}
    for spec in report.specs:
        for c in spec.criteria:
            found[c.id] = (c.status, {t.key: t.outcome for t in c.tests})
        for p in spec.properties:
            found[f"Property {p.number}"] = (
                p.status, {t.key: (t.outcome, t.falsifying_example is not None) for t in p.tests})
    return found


def statuses(report: VerifyReport) -> dict[str, str]:
    return {c.id: c.status for s in report.specs for c in s.criteria}


def messages(report: VerifyReport, criterion: str) -> list[str]:
    return [t.message for s in report.specs for c in s.criteria if c.id == criterion
            for t in c.tests]


@pytest.mark.req("traceability", "5.1", "5.2", "5.4", "5.5", "9.4", "9.7")
def test_a_recorded_run_gives_the_verdicts_of_verifys_own_run(project: Workspace,
                                                              tmp_path: Path) -> None:
    own = verify(project, timeout=120, record=False, python=sys.executable)
    assert [run.kind for run in own.runs] == ["pytest"]
    report = tmp_path / "record.json"
    record(project.root, report)
    read = verify(project, pytest_report=report, record=False)
    assert verdicts(read) == verdicts(own)
    assert statuses(read) == {"1.1": "verified", "1.2": "failing", "1.3": "untested",
                              "1.4": "untested", "1.5": "verified", "1.6": "failing",
                              "1.7": "verified", "1.8": "failing", "1.9": "untested",
                              "1.10": "verified"}
    assert "an unknown item was accepted" in messages(read, "1.2")[0]
    (run,) = read.runs
    assert (run.kind, run.command, run.report, run.changed) == (
        "pytest-report", [], str(report), ())
    text = render_verify_text(read)
    assert f"outcomes read from {report} (the pytest run started " in text
    assert "no test run" in text and "ran pytest" not in text


@pytest.mark.req("traceability", "5.4", "9.4", "9.8")
def test_tests_the_recorded_run_did_not_include_verify_nothing(project: Workspace,
                                                               tmp_path: Path) -> None:
    report = tmp_path / "record.json"
    # one file only, and test_add deselected: 1.1 keeps a passing test (test_fixed_bug) but
    # its other one did not run; 1.10's file was not collected at all
    record(project.root, report, "tests/test_shop.py", "-k", "not test_add")
    read = verify(project, pytest_report=report, record=False)
    found = statuses(read)
    assert (found["1.1"], found["1.10"], found["1.2"], found["1.5"]) == (
        "untested", "untested", "failing", "verified")
    assert messages(read, "1.10") == [f"not in the recorded run {report}: that pytest run did "
                                      "not collect tests/test_prices.py"]
    assert "deselected in this pytest run" in " ".join(messages(read, "1.1"))
    assert ("  linked tests not in it (deselected, not collected, or modified since): 2; "
            "their criteria are not verified from it") in render_verify_text(read)
    # other runners' tests: from their JUnit XML beside the record, else not run
    (project.root / "web").mkdir()
    (project.root / "web" / "shop.test.js").write_text(
        '// specloom: shop 1.9\ntest("keeps nothing", () => {});\n')
    junit = tmp_path / "TEST-web.xml"
    junit.write_text('<testsuite><testcase classname="shop" name="keeps nothing"/></testsuite>')
    both = verify(project, pytest_report=report, junit=junit, record=False)
    assert (statuses(both)["1.9"], statuses(both)["1.2"]) == ("verified", "failing")
    assert [run.kind for run in both.runs] == ["pytest-report", "junit-file"]
    alone = verify(project, pytest_report=report, record=False)
    assert statuses(alone)["1.9"] == "error"
    assert "pass their JUnit XML with --junit" in messages(alone, "1.9")[0]


@pytest.mark.req("traceability", "5.3", "9.4")
def test_a_test_its_collected_file_lacks_is_an_error_and_a_stopped_run_too(
        project: Workspace, tmp_path: Path) -> None:
    report = tmp_path / "record.json"
    record(project.root, report)
    started = json.loads(report.read_text())["started_at"]
    tests = project.root / "tests" / "test_prices.py"
    tests.write_text(PRICES + '\n\n@pytest.mark.req("shop", "1.9")\ndef test_new():\n    pass\n')
    os.utime(tests, (started - 60, started - 60))  # as if from an older checkout
    read = verify(project, pytest_report=report, record=False)
    assert statuses(read)["1.9"] == "error"
    assert messages(read, "1.9") == [f"the recorded run {report} did not collect this test; "
                                     "check its name, location and the pytest configuration"]
    # a collection error without --continue-on-collection-errors stops pytest before any test
    (project.root / "tests" / "test_broken.py").write_text("import not_installed_module\n")
    record(project.root, report)
    stopped = verify(project, pytest_report=report, record=False)
    assert statuses(stopped)["1.1"] == "error"
    assert messages(stopped, "1.1")[0].startswith("collected but not run: the pytest session "
                                                  "ended first")
    assert not any(status == "verified" for status in statuses(stopped).values())


@pytest.mark.req("traceability", "9.4", "9.8")
def test_files_modified_after_the_recorded_run_verify_nothing_from_it(
        project: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "record.json"
    record(project.root, report)
    started = json.loads(report.read_text())["started_at"]
    later = started + 60
    os.utime(project.root / "tests" / "test_prices.py", (later, later))
    os.utime(project.root / "shop.py", (later, later))  # code test_add calls (an anchor)
    root = str(project.root)
    assert run_cli(["--root", root, "verify", "--json", "--pytest-report", str(report)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["recorded"] == 2  # 1.5 and 1.7: their tests and code are as they were
    (run,) = data["runs"]
    assert run["changed_after_run"] == ["shop.py", "tests/test_prices.py"]
    assert run["report"] == str(report) and run["started_at"] is not None
    text = render_verify_text(verify(project, pytest_report=report, record=False))
    assert "  modified since, so not verified from it: shop.py, tests/test_prices.py" in text
    found = {c["id"]: c for c in data["specs"][0]["criteria"]}
    assert found["1.10"]["status"] == "untested"
    assert found["1.10"]["tests"][0]["message"] == (
        "passed in the recorded run, but tests/test_prices.py modified after the recorded run "
        "started; run the tests again")
    assert found["1.1"]["status"] == "untested"  # shop.add changed after its tests ran
    assert found["1.2"]["status"] == "failing"  # a recorded failure is never hidden
    stored = json.loads((project.root / ".kiro/specloom/trace/fingerprints.json").read_text())
    assert sorted(stored["specs"]["shop"]) == ["1.5", "1.7"]


@pytest.mark.req("traceability", "9.7")
def test_a_record_from_a_rootdir_above_the_workspace(tmp_path: Path) -> None:
    """A monorepo: pytest runs from the top, node ids start with the package's folder."""
    files = {".kiro/specs/shop/requirements.md": REQUIREMENTS,
             "tests/test_prices.py": PRICES}
    package = write_files(tmp_path / "mono" / "shop", files)
    (tmp_path / "mono" / "pytest.ini").write_text("[pytest]\n")
    report = tmp_path / "record.json"
    record(package.root, report, "shop/tests", cwd=tmp_path / "mono")
    assert json.loads(report.read_text())["tests"][0]["nodeid"].startswith("shop/tests/")
    assert statuses(verify(package, pytest_report=report, record=False))["1.10"] == "verified"


def test_a_file_that_is_not_a_record_is_refused_with_the_fix(
        project: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(project.root)
    junit = tmp_path / "junit.xml"
    junit.write_text("<testsuite/>")
    other = tmp_path / "other.json"
    other.write_text('{"tests": []}')
    for path in (junit, other):
        assert run_cli(["--root", root, "verify", "--pytest-report", str(path)]) == 2
        error = capsys.readouterr().err
        assert f"specloom: error: {path}: " in error
        assert "pass the file given to pytest's --specloom-report option" in error
    assert run_cli(["--root", root, "verify", "--pytest-report", str(tmp_path / "none")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert run_cli(["--root", root, "verify", "--pytest-report", str(other),
                    "--test-command", "true"]) == 2
    assert "cannot be combined with --test-command" in capsys.readouterr().err
