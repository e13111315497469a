"""Repository facts: files (with .gitignore in a real git repo), languages, commands, layout."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from specloom.project.scan import list_files, scan_repository


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


PYPROJECT = """\
[project]
name = "cartsvc"
description = "Shopping cart service."
[project.scripts]
cartsvc = "cartsvc.cli:main"
[build-system]
requires = ["hatchling"]
[tool.pytest.ini_options]
testpaths = ["tests"]
[tool.ruff]
line-length = 100
[tool.mypy]
strict = true
"""


@pytest.mark.req("steering-and-init", "7.2", "7.4")
@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_repo_respects_gitignore(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path, {".gitignore": "generated/\n*.log\n", "generated/big.py": "",
                     "app.log": "", "src/app.py": "", "untracked.ts": "",
                     ".kiro/steering/tech.md": "", ".kiro/specs/a/requirements.md": ""})
    files, in_git = list_files(tmp_path)
    assert in_git
    assert files == [".gitignore", ".kiro/specs/a/requirements.md", "src/app.py", "untracked.ts"]


@pytest.mark.req("steering-and-init", "7.3")
def test_walk_skips_hidden_venvs_and_node_modules(tmp_path: Path) -> None:
    write(tmp_path, {"src/a.py": "", ".hidden/x.py": "", "node_modules/m/i.js": "",
                     "myenv/pyvenv.cfg": "", "myenv/lib/x.py": "", "web/app.ts": ""})
    files, in_git = list_files(tmp_path)
    assert not in_git
    assert files == ["src/a.py", "web/app.ts"]


@pytest.mark.req("steering-and-init", "7.5")
def test_facts_from_manifests(tmp_path: Path) -> None:
    write(tmp_path, {
        "pyproject.toml": PYPROJECT,
        "package.json": '{"scripts": {"test": "jest", "lint": "eslint .", "dev": "vite"}}',
        "yarn.lock": "",
        "Makefile": ".PHONY: all\nall: build\nbuild:\n\tcc x\ncheck: build\n\t./t\n%.o: %.c\n\tcc\nX := 1\n",
        "go.mod": "module example.com/x\n",
        "src/cartsvc/__init__.py": "", "src/cartsvc/cli.py": "", "web/a.ts": "",
        "tests/README.md": "# Tests\n\nEnd-to-end and unit tests for the cart.\n",
    })
    facts = scan_repository(tmp_path)
    assert facts.name == "cartsvc" and facts.summary == "Shopping cart service."
    assert facts.languages == (("Python", 2), ("TypeScript", 1))
    commands = {(c.purpose, c.command) for c in facts.commands}
    assert {("test", "pytest"), ("lint", "ruff check ."), ("typecheck", "mypy"),
            ("build", "python -m build"), ("run", "cartsvc"), ("test", "yarn run test"),
            ("lint", "yarn run lint"), ("run", "yarn run dev"), ("build", "make build"),
            ("test", "make check"), ("other", "make all"), ("test", "go test ./...")} <= commands
    assert not any("%" in c.command or "X" in c.command for c in facts.commands)
    folders = {f.name: f for f in facts.folders}
    assert folders["tests"].description == "End-to-end and unit tests for the cart."
    assert folders["src"].description == "source code" and folders["src"].files == 2
    assert "pyproject.toml" in facts.manifests and "go.mod" in facts.manifests


@pytest.mark.req("steering-and-init", "7.6")
def test_broken_manifests_do_not_crash(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project\nname=", "package.json": "{not json",
                     "Cargo.toml": "[package]\nname = 'crab'\n"})
    facts = scan_repository(tmp_path)
    assert facts.name == "crab"
    assert ("test", "cargo test") in {(c.purpose, c.command) for c in facts.commands}
