"""verify with real pytest runs in temporary projects; drift with real git."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from trace_helpers import git_commit_all, run_cli, spec_files, write_files

from specloom.spec.workspace import Workspace
from specloom.trace.drift import drift, drift_diagnostics
from specloom.trace.verify import verify

TESTS = '''\
import pytest
from hypothesis import given, strategies as st


@pytest.mark.req("cart", "1.1")
def test_add():
    assert {"apple": 1}["apple"] == 1


@pytest.mark.req("cart:1.2")
def test_reject():
    assert False, "out of stock was accepted"


@given(st.integers())
def test_quantity_never_negative(n):
    """Feature: cart, Property 1: Quantity never negative"""
    assert n < 5
'''


@pytest.fixture
def project(tmp_path: Path) -> Workspace:
    files = spec_files()
    files["tests/test_cart.py"] = TESTS
    return write_files(tmp_path, files)


def _status(report: object) -> dict[str, str]:
    return {c.id: c.status for s in report.specs for c in s.criteria}  # type: ignore[attr-defined]


@pytest.mark.req("traceability", "4.4", "5.1", "5.2", "5.4", "5.5", "5.6")
def test_verify_reports_each_criterion(project: Workspace) -> None:
    report = verify(project, timeout=120)
    assert _status(report) == {"1.1": "verified", "1.2": "failing", "2.1": "failing",
                               "3.1": "untested"}
    (spec,) = report.specs
    (failed,) = spec.criteria[1].tests
    assert "out of stock was accepted" in failed.message
    (prop_test,) = spec.criteria[2].tests
    assert prop_test.falsifying_example is not None
    assert "n=5" in prop_test.falsifying_example
    prop1, prop2 = spec.properties
    assert (prop1.status, prop2.status) == ("failing", "untested")
    codes = {(d.code, d.line) for d in report.diagnostics}
    assert ("T005", 3) in codes  # task 1 done, 1.2 failing
    assert ("T005", 6) in codes  # task 2 done, 2.1 failing
    assert ("T004", 9) in codes  # Property 2 without a test
    assert report.failed("failing") and report.recorded == 1
    stored = json.loads((project.root / ".kiro/specloom/trace/fingerprints.json").read_text())
    assert list(stored["specs"]["cart"]) == ["1.1"]


@pytest.mark.req("traceability", "7.4", "7.5")
def test_edited_criterion_is_stale_until_accepted(project: Workspace) -> None:
    verify(project, timeout=120)
    requirements = project.root / ".kiro/specs/cart/requirements.md"
    text = requirements.read_text().replace("with quantity 1", "with quantity 2")
    requirements.write_text(text)
    assert _status(verify(project, timeout=120))["1.1"] == "stale"
    report = verify(project, timeout=120, accept=True)
    assert _status(report)["1.1"] == "verified"
    assert _status(verify(project, timeout=120))["1.1"] == "verified"


def test_verify_cli_outputs_and_exit_codes(project: Workspace, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = str(project.root)
    junit = tmp_path / "out" / "criteria.xml"
    code = run_cli(["--root", root, "verify", "--json", "--junit-report", str(junit)])
    assert code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["specs"][0]["summary"]["verified"] == 1
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "2"
    assert run_cli(["--root", root, "verify", "--fail-on", "never", "--format",
                    "markdown"]) == 0
    assert "out of stock was accepted" in capsys.readouterr().out
    assert run_cli(["--root", root, "verify", "--timeout", "0"]) == 2


@pytest.mark.req("traceability", "4.4")
def test_workspace_below_the_pytest_rootdir(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\naddopts = '-q'\n")
    files = spec_files()
    files["tests/test_cart.py"] = TESTS
    workspace = write_files(tmp_path / "packages" / "cart", files)
    status = _status(verify(workspace, timeout=120))
    assert (status["1.1"], status["1.2"]) == ("verified", "failing")


@pytest.mark.req("traceability", "5.3")
def test_syntax_error_in_a_test_file_is_reported(tmp_path: Path) -> None:
    files = spec_files()
    files["tests/test_broken.py"] = ('import pytest\n\n@pytest.mark.req("cart", "1.1")\n'
                                     'def test_add(:\n    pass\n')
    workspace = write_files(tmp_path, files)
    report = verify(workspace, timeout=120)
    criterion = report.specs[0].criteria[0]
    assert criterion.status == "error"
    assert "SyntaxError" in criterion.tests[0].message
    assert "tests/test_broken.py" in criterion.tests[0].message


@pytest.mark.req("traceability", "5.3")
def test_pytest_crash_is_reported(tmp_path: Path) -> None:
    files = spec_files()
    files["tests/conftest.py"] = 'raise RuntimeError("conftest exploded")\n'
    files["tests/test_cart.py"] = TESTS
    workspace = write_files(tmp_path, files)
    report = verify(workspace, timeout=120)
    criterion = report.specs[0].criteria[0]
    assert criterion.status == "error"
    assert "conftest exploded" in criterion.tests[0].message


@pytest.mark.req("traceability", "5.3", "6.1")
def test_runner_timeout_is_reported(tmp_path: Path) -> None:
    files = spec_files()
    files["tests/test_slow.py"] = ('import time\nimport pytest\n\n'
                                   '@pytest.mark.req("cart", "1.1")\n'
                                   'def test_slow():\n    time.sleep(60)\n')
    workspace = write_files(tmp_path, files)
    report = verify(workspace, timeout=3)
    criterion = report.specs[0].criteria[0]
    assert criterion.status == "error"
    assert "timed out after 3 s" in criterion.tests[0].message


@pytest.mark.req("traceability", "6.2", "6.3", "6.5")
def test_other_runners_through_a_junit_command(tmp_path: Path) -> None:
    files = spec_files()
    files["web/cart.test.js"] = ('// specloom: cart 1.1\ntest("adds an item", () => {});\n\n'
                                 '// specloom: cart 1.2\ntest("rejects", () => {});\n')
    files["fake_runner.py"] = '''\
import sys
from pathlib import Path
Path(sys.argv[1]).write_text(
    '<testsuite><testcase classname="cart" name="adds an item"/>'
    '<testcase classname="cart" name="rejects"><failure message="expected 400"/></testcase>'
    '</testsuite>')
'''
    workspace = write_files(tmp_path, files)
    command = f"{sys.executable} fake_runner.py {{junit}}"
    report = verify(workspace, timeout=60, test_command=command)
    status = _status(report)
    assert (status["1.1"], status["1.2"]) == ("verified", "failing")
    assert report.specs[0].criteria[1].tests[0].message == "expected 400"
    without = verify(workspace, timeout=60, record=False)
    assert "test-command" in without.specs[0].criteria[0].tests[0].message


@pytest.mark.req("traceability", "8.1", "8.2")
def test_drift_lists_commits_and_files_touching_linked_code(project: Workspace) -> None:
    root = project.root
    git_commit_all(root, "initial")
    verify(project, timeout=120)
    assert drift(project).criteria == ()
    cart = root / "src/cart.py"
    cart.write_text(cart.read_text() + "\n\ndef remove(cart, item):\n    return cart\n")
    sha = git_commit_all(root, "touch the cart code")
    (root / "tests/test_cart.py").write_text(TESTS + "\n# edited\n")
    report = drift(project)
    (item,) = report.criteria
    assert item.id == "1.1" and not item.text_changed
    assert [c.sha for c in item.commits] == [sha]
    assert set(item.changed_files) == {"src/cart.py", "tests/test_cart.py"}
    assert item.tasks == ("1",) and item.tests == ("tests/test_cart.py::test_add",)
    assert [d.code for d in drift_diagnostics(project)] == ["T007"]


@pytest.mark.req("traceability", "8.3", "8.4", "8.5")
def test_drift_reports_text_change_and_works_outside_git(
        project: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    verify(project, timeout=120)
    requirements = project.root / ".kiro/specs/cart/requirements.md"
    requirements.write_text(requirements.read_text().replace("quantity 1", "quantity 3"))
    report = drift(project)
    assert not report.git and report.note is not None
    assert [(d.id, d.text_changed) for d in report.criteria] == [("1.1", True)]
    assert run_cli(["--root", str(project.root), "drift", "--fail-on", "drift"]) == 1
    out = capsys.readouterr().out
    assert "not a git repository" in out and "criterion text changed" in out


@pytest.mark.req("traceability", "4.1", "4.2")
def test_plugin_is_inert_and_registers_the_marker(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text(
        "import pytest\n\ndef test_plain():\n    pass\n\n"
        "@pytest.mark.req('cart', '1.1')\ndef test_marked():\n    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--strict-markers", "-W", "error",
         "-p", "no:cacheprovider", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True,
        check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stdout.lower()
    assert not list(tmp_path.glob("*.json"))


@pytest.mark.req("traceability", "8.6")
def test_check_drift_gates_on_an_edited_criterion(
        project: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    verify(project, timeout=120)
    root = str(project.root)
    assert run_cli(["--root", root, "check", "--drift", "--select", "T"]) == 0
    requirements = project.root / ".kiro/specs/cart/requirements.md"
    requirements.write_text(requirements.read_text().replace("quantity 1", "quantity 3"))
    capsys.readouterr()
    code = run_cli(["--root", root, "check", "--drift", "--select", "T", "--fail-on", "warning"])
    out = capsys.readouterr().out
    assert code == 1
    assert "T006" in out
    assert run_cli(["--root", root, "check", "--drift", "--select", "T",
                    "--ignore", "T006"]) == 0
