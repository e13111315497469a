"""Where verify takes Python test outcomes from: a test command's JUnit XML, a `--junit` file or
folder, or its own pytest run; and how a collection error is shown (traceability 9.3-9.5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from trace_helpers import run_cli, spec_files, write_files

from specloom.spec.workspace import Workspace
from specloom.trace.junit_input import junit_address, parse_junit, pytest_cases
from specloom.trace.render_verify import render_verify_text, verify_to_dict
from specloom.trace.verify import verify

CART_TESTS = '''\
import pytest


@pytest.mark.req("cart", "1.1")
@pytest.mark.parametrize("item", ["apple", "pear"])
def test_add(item):
    assert {item: 1}[item] == 1


class TestReject:
    @pytest.mark.req("cart", "1.2")
    @pytest.mark.parametrize("n", [1, 2])
    def test_reject(self, n):
        assert n == 1, "out of stock was accepted"
'''

CHECKOUT_TESTS = '''\
import pytest

import deep_helper


@pytest.mark.req("cart", "3.1")
def test_checkout():
    pass
'''

# A long import chain: the traceback is far longer than the 4,000 characters verify once kept
DEEP_HELPER = '''\
def load(depth):
    if depth == 0:
        import not_installed_module  # noqa: F401
    return load(depth - 1)


load(60)
'''


@pytest.fixture
def project(tmp_path: Path) -> Workspace:
    files = spec_files()
    files.update({"tests/test_cart.py": CART_TESTS, "tests/test_checkout.py": CHECKOUT_TESTS,
                  "tests/deep_helper.py": DEEP_HELPER})
    return write_files(tmp_path / "project", files)


def _status(report: object) -> dict[str, str]:
    return {c.id: c.status for s in report.specs for c in s.criteria}  # type: ignore[attr-defined]


def _message(report: object, criterion: str) -> str:
    verdicts = [c for s in report.specs for c in s.criteria]  # type: ignore[attr-defined]
    (verdict,) = [c for c in verdicts if c.id == criterion]
    return "\n".join(t.message for t in verdict.tests)


def test_pytest_node_ids_map_to_junit_names() -> None:
    assert junit_address("tests/test_x.py::TestC::test_f[p-1]") == ("tests.test_x.TestC",
                                                                    "test_f[p-1]")
    assert junit_address("test_x.py::test_g") == ("test_x", "test_g")


@pytest.mark.req("traceability", "9.3", "9.5", "9.6")
def test_test_command_gives_the_outcomes_of_python_tests(project: Workspace) -> None:
    # `pytest` is found on PATH because the project's environment is activated for the command
    command = "pytest -q -p no:cacheprovider --continue-on-collection-errors --junitxml={junit}"
    report = verify(project, timeout=120, test_command=command, record=False)
    assert _status(report) == {"1.1": "verified", "1.2": "failing", "2.1": "untested",
                               "3.1": "error"}
    assert "out of stock was accepted" in _message(report, "1.2")
    checkout = _message(report, "3.1")
    assert checkout.splitlines()[0] == ("collection error in tests.test_checkout: "
                                        "ModuleNotFoundError: No module named "
                                        "'not_installed_module'")
    assert "ImportError while importing test module" in checkout
    (_run,) = report.runs  # no pytest run of its own: the command's report had every test
    data = verify_to_dict(report)["runs"][0]
    assert data["kind"] == "command" and data["command"][:2] == ["sh", "-c"]
    assert "--junitxml=" in data["command"][2] and "{junit}" not in data["command"][2]
    assert data["interpreter"]["path"] == str(Path(sys.prefix) / "bin" / "python")
    assert "tests.test_checkout" in data["collection_errors"][0]["nodeid"]


@pytest.mark.req("traceability", "9.3")
def test_python_tests_missing_from_the_commands_report_run_with_pytest(
        project: Workspace) -> None:
    fake = project.root / "fake_runner.py"
    fake.write_text("import sys\nopen(sys.argv[1], 'w').write('<testsuite/>')\n")
    report = verify(project, timeout=120, test_command=f"{sys.executable} {fake} {{junit}}",
                    record=False)
    assert [run.kind for run in report.runs] == ["pytest", "command"]
    assert _status(report)["1.1"] == "verified"
    broken = verify(project, timeout=120, test_command="exit 3", record=False)
    assert [run.kind for run in broken.runs] == ["command"]  # no report: nothing else runs
    assert "wrote no JUnit XML" in _message(broken, "1.1")


@pytest.mark.req("traceability", "9.4")
def test_junit_file_or_folder_is_read_without_running_anything(
        project: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (project.root / "web").mkdir()
    (project.root / "web" / "checkout.test.js").write_text(
        '// specloom: cart 2.1\ntest("keeps quantities", () => {});\n')
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "--continue-on-collection-errors", f"--junitxml={reports / 'pytest.xml'}"],
                   cwd=project.root,
                   capture_output=True, check=False)
    (reports / "TEST-web.xml").write_text(  # as Maven's surefire or jest-junit would write
        '<testsuites><testsuite name="web"><testcase classname="checkout" '
        'name="keeps quantities" time="0.01"/></testsuite></testsuites>')
    report = verify(project, junit=reports / "pytest.xml", record=False)
    assert (_status(report)["1.1"], _status(report)["1.2"]) == ("verified", "failing")
    (run,) = report.runs
    assert (run.kind, run.command, run.interpreter) == ("junit-file", [], None)
    assert "outcomes read from" in render_verify_text(report)
    # a run now would fail every Python test: the outcomes must come from the files; and a
    # test file modified after they were written verifies nothing from them
    cart = project.root / "tests" / "test_cart.py"
    cart.write_text("syntax error(:\n" + CART_TESTS)
    written = (reports / "pytest.xml").stat().st_mtime
    os.utime(cart, (written + 10, written + 10))
    root = str(project.root)
    assert run_cli(["--root", root, "verify", "--json", "--junit", str(reports)]) == 1
    data = json.loads(capsys.readouterr().out)
    statuses = {c["id"]: c["status"] for c in data["specs"][0]["criteria"]}
    assert statuses == {"1.1": "untested", "1.2": "failing", "2.1": "verified", "3.1": "error"}
    assert data["runs"][0]["junit"] == str(reports)
    assert data["runs"][0]["changed_after_run"] == ["tests/test_cart.py"]
    (add,) = data["specs"][0]["criteria"][0]["tests"]
    assert add["outcome"] == "not-in-run"
    assert add["message"] == ("passed in the recorded run, but tests/test_cart.py modified after "
                              "the recorded run started; run the tests again")
    assert run_cli(["--root", root, "verify", "--junit", str(tmp_path / "none.xml")]) == 2
    assert run_cli(["--root", root, "verify", "--junit", str(reports),
                    "--test-command", "true"]) == 2


@pytest.mark.req("traceability", "9.5")
def test_collection_error_is_shown_whole_with_the_module_name(project: Workspace) -> None:
    report = verify(project, timeout=120, record=False)
    message = _message(report, "3.1")
    assert message.splitlines()[0] == ("collection error in tests/test_checkout.py: "
                                       "ModuleNotFoundError: No module named "
                                       "'not_installed_module'")
    assert len(message) > 4000
    assert "ImportError while importing test module" in message
    assert "tests/test_checkout.py" in message.splitlines()[1]
    text = render_verify_text(report)
    assert "pytest could not collect tests/test_checkout.py:" in text
    assert "  ImportError while importing test module" in text
    assert "  E   ModuleNotFoundError: No module named 'not_installed_module'" in text


def test_junit_reader_reports_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "bad.xml").write_text("<testsuite><testcase")
    (tmp_path / "good.xml").write_text(
        '<testsuite><testcase classname="tests.test_a" name="test_b[1]" time="x">'
        '<error message="boom">Traceback\nE   KeyError</error></testcase></testsuite>')
    results, problem = parse_junit(tmp_path)
    assert problem is not None and "bad.xml" in problem
    (result,) = results
    assert (result.outcome, result.message) == ("error", "boom\nTraceback\nE   KeyError")
    assert pytest_cases(results, "tests/test_a.py::test_b") == ([result], None)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert parse_junit(empty)[1] == f"{empty}: the folder holds no *.xml JUnit files"
