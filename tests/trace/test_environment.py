"""verify runs the project's tests with the project's interpreter (traceability, Requirement 9).

The detection order is tested on plain folders (fake `bin/python` files, PATH emptied); the
run is tested end to end with a second, real virtual environment that holds pytest and the
project's package but neither specloom nor its dependencies (made offline: `.pth` files point at
a folder of links to pytest and its few dependencies, and at the project's `src/`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from trace_helpers import write_files

from specloom.trace.environment import Interpreter, find_interpreter, poetry_env_name
from specloom.trace.render_verify import render_verify_text
from specloom.trace.verify import verify

pytestmark = pytest.mark.req("traceability", "9.1")


REQUIREMENTS = """\
# Requirements Document

## Requirements

### Requirement 1: Prices
**User Story:** As a shopper, I want prices, so that I can pay.

#### Acceptance Criteria
1. THE Shop SHALL price an item at 3.
2. WHEN a shopper has a coupon, THE Shop SHALL price an item at 2.
"""

PROJECT_TESTS = '''\
import sys
from pathlib import Path

import pytest

import shopkit


@pytest.mark.req("shop", "1.1")
def test_price_in_the_project_environment():
    assert Path(sys.prefix).resolve() == (Path(__file__).parents[1] / ".venv").resolve()
    assert shopkit.price() == 3


@pytest.mark.req("shop", "1.2")
def test_coupon():
    assert shopkit.price(coupon=True) == 2, "the coupon was ignored"
'''


def _fake_venv(folder: Path) -> Path:
    python = folder / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    (folder / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return python


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with no environment, no active venv and nothing on PATH."""
    for name in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "POETRY_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    root = tmp_path / "project"
    root.mkdir()
    return root


def test_active_venv_then_dot_venv_then_venv(bare: Path, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    own = find_interpreter(bare)
    assert (own.path, own.source) == (sys.executable, "specloom's own interpreter")
    plain = _fake_venv(bare / "venv")
    assert find_interpreter(bare).path == str(plain)
    assert find_interpreter(bare).source == "venv/ folder"
    dot = _fake_venv(bare / ".venv")
    (bare / "uv.lock").write_text("")
    found = find_interpreter(bare)
    assert (found.path, found.source, found.environment) == (
        str(dot), ".venv/ folder (uv project)", str(bare / ".venv"))
    active = _fake_venv(tmp_path / "chosen")
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "chosen"))
    found = find_interpreter(bare)
    assert found.path == str(active) and found.source.startswith("active virtual environment")
    assert find_interpreter(bare, str(plain)).path == str(plain)  # --python wins
    assert find_interpreter(bare, "venv").path == str(plain)  # a folder means its python


def test_venv_at_the_top_of_the_git_work_tree(bare: Path) -> None:
    (bare / ".git").mkdir()
    python = _fake_venv(bare / ".venv")
    package = bare / "packages" / "cart"
    package.mkdir(parents=True)
    found = find_interpreter(package)
    assert found.path == str(python) and found.source == f".venv/ folder in {bare.resolve()}"


def test_tool_environments(bare: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (bare / "pyproject.toml").write_text('[tool.poetry]\nname = "Shop Kit"\n')
    cache = tmp_path / "cache" / "pypoetry" / "virtualenvs"
    poetry = _fake_venv(cache / f"{poetry_env_name('Shop Kit', bare)}-py3.12")
    assert find_interpreter(bare).path == str(poetry)
    (bare / "pyproject.toml").write_text("[tool.uv]\n")
    uv = _fake_venv(bare / "envs" / "uv")
    monkeypatch.setenv("UV_PROJECT_ENVIRONMENT", "envs/uv")
    assert find_interpreter(bare).path == str(uv)
    monkeypatch.delenv("UV_PROJECT_ENVIRONMENT")
    pdm = _fake_venv(tmp_path / "pdm-env")
    (bare / ".pdm-python").write_text(f"{pdm}\n")
    assert find_interpreter(bare).source == "pdm's .pdm-python file"


def test_tox_and_nox_only_where_configured(bare: Path) -> None:
    _fake_venv(bare / ".tox" / "py39")
    newest = _fake_venv(bare / ".tox" / "py312")
    _fake_venv(bare / ".tox" / "lint")
    assert find_interpreter(bare).source == "specloom's own interpreter"  # no tox.ini
    (bare / "tox.ini").write_text("[tox]\nenv_list = py39, py312\n")
    assert find_interpreter(bare).path == str(newest)
    (bare / "tox.ini").unlink()
    session = _fake_venv(bare / ".nox" / "tests-3-12")
    _fake_venv(bare / ".nox" / "docs")
    (bare / "noxfile.py").write_text("")
    assert (find_interpreter(bare).path, find_interpreter(bare).source) == (
        str(session), "nox session .nox/tests-3-12")


def test_python_on_path_needs_pytest(bare: Path, monkeypatch: pytest.MonkeyPatch,
                                     tmp_path: Path) -> None:
    folder = tmp_path / "bin-dir"
    folder.mkdir()
    without = folder / "python3"
    without.write_text("#!/bin/sh\nexit 1\n")
    without.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    assert find_interpreter(bare).source == "specloom's own interpreter"
    with_pytest = folder / "python"
    with_pytest.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')  # specloom's venv
    with_pytest.chmod(0o755)
    assert find_interpreter(bare) == Interpreter(str(folder / "python"), "python on PATH")


def test_broken_configuration_never_raises(bare: Path) -> None:
    (bare / "pyproject.toml").write_text("[tool.poetry\nname=")
    (bare / ".pdm-python").write_bytes(b"\xff\xfe")
    (bare / "tox.ini").write_text("")
    (bare / ".tox").write_text("not a folder")
    assert find_interpreter(bare).source == "specloom's own interpreter"


# ---- end to end: a second virtual environment --------------------------------------------


def _purelib(python: Path) -> Path:
    out = subprocess.run([str(python), "-c", "import sysconfig; "
                          "print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def _pytest_and_its_dependencies() -> set[Path]:
    """The top-level modules and packages of pytest and of what it requires, installed here."""
    todo, seen, found = ["pytest"], set(), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        dist = metadata.distribution(name)
        for file in dist.files or ():
            top = file.parts[0]
            if not top.endswith((".dist-info", ".pth")) and top not in ("__pycache__", ".."):
                found.add(Path(str(dist.locate_file(top))))
        for requirement in map(Requirement, dist.requires or ()):
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


def _project_venv(root: Path, with_pytest: bool = True) -> Path:
    """`root/.venv`: the standard library, the project's `src/`, and (offline) pytest."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")],
                   check=True, capture_output=True)
    python = root / ".venv" / "bin" / "python"
    site = _purelib(python)
    (site / "project-src.pth").write_text(str(root / "src") + "\n")
    if with_pytest:
        links = root / "pytest-only"
        links.mkdir()
        for source in _pytest_and_its_dependencies():
            (links / source.name).symlink_to(source)
        (site / "pytest-only.pth").write_text(str(links) + "\n")
    return python


def _shop(root: Path) -> None:
    write_files(root, {
        ".kiro/specs/shop/requirements.md": REQUIREMENTS,
        "src/shopkit/__init__.py": "def price(coupon=False):\n    return 3\n",
        "tests/test_shop.py": PROJECT_TESTS,
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '--strict-markers'\n",
    })


def _specloom(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """specloom's CLI as a user runs it: its own interpreter, no virtual environment active."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [sys.executable, "-c", "import sys; from specloom.cli.main import main; "
                               "sys.exit(main())", "--root", str(root), *args],
        cwd=root, capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.mark.req("traceability", "9.1", "9.2", "9.6")
def test_tests_run_in_the_projects_own_venv(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    _shop(root)
    python = _project_venv(root)
    assert subprocess.run([str(python), "-c", "import specloom"],
                          capture_output=True, check=False).returncode != 0
    assert subprocess.run([sys.executable, "-c", "import shopkit"],
                          capture_output=True, check=False).returncode != 0
    result = _specloom(root, "verify", "--format", "json", "--no-record")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    criteria = {c["id"]: c for c in data["specs"][0]["criteria"]}
    assert criteria["1.1"]["status"] == "verified"
    assert criteria["1.2"]["status"] == "failing"
    assert "the coupon was ignored" in criteria["1.2"]["tests"][0]["message"]
    (run,) = data["runs"]
    assert run["kind"] == "pytest" and run["error"] is None
    assert run["interpreter"] == {"path": str(python), "source": ".venv/ folder",
                                  "environment": str(root / ".venv")}
    assert run["command"][0] == str(python)
    text = _specloom(root, "verify", "--no-record").stdout
    assert f"with {python} (.venv/ folder)" in text


@pytest.mark.req("traceability", "9.2", "9.6")
def test_a_project_interpreter_without_pytest_is_named(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    _shop(root)
    python = _project_venv(root, with_pytest=False)
    report = verify(write_files(root, {}), python=str(root / ".venv"), record=False)
    (run,) = report.runs
    assert run.error is not None
    assert f"{python} (--python) has no pytest" in run.error
    assert "-m pip install pytest" in run.error
    assert {c.status for c in report.specs[0].criteria} == {"error"}
    assert f"with {python} (--python)" in render_verify_text(report)
