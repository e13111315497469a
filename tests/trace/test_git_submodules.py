"""A submodule's own git config cannot make specloom's git calls run a program.

git keeps a submodule's config in `.git/modules/<name>/config`; `run_git` lists (and blanks) only
the drivers of the superproject's config. Plain `git diff` in the superproject runs `git status`
inside a dirty submodule, which applies the submodule's clean filter (and would apply its
fsmonitor, textconv, ...). Each test builds a real superproject with a real submodule whose
config names a marker-writing script for every driver, and asserts the marker never appears.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from trace_helpers import GIT_ENV, git, git_commit_all, spec_files, write_files

from specloom.agent.checkpoints import CheckpointStore
from specloom.core.gitrun import run_git
from specloom.core.repository import git_listed_files
from specloom.spec.workspace import Workspace
from specloom.trace.gitinfo import changed_files, commits_touching, head_commit


def _evil(base: Path) -> tuple[Path, Path]:
    marker = base / "marker"
    script = base / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "$(basename "$0") $*" >> "{marker}"\ncat\n')
    script.chmod(0o755)
    return script, marker


def _driver_config(script: Path) -> str:
    return (f"[core]\n\tfsmonitor = {script} fsmonitor\n"
            f"[diff]\n\texternal = {script} external\n"
            f'[diff "evil"]\n\ttextconv = {script} textconv\n\tcommand = {script} command\n'
            f'[filter "evil"]\n\tclean = {script} clean\n\tsmudge = {script} smudge\n'
            f"\trequired = true\n")


def _ran(marker: Path) -> str:
    return marker.read_text() if marker.exists() else ""


@pytest.fixture
def with_submodule(tmp_path: Path) -> tuple[Path, Path]:
    """A superproject with a submodule `lib` whose config and attributes would run the script
    from a clean filter, textconv or external diff; the submodule has an uncommitted edit, and
    the superproject asks git to recurse into submodules wherever it can."""
    script, marker = _evil(tmp_path)
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    (upstream / "lib.txt").write_text("one\n")
    (upstream / ".gitattributes").write_text("* diff=evil filter=evil\n")
    git_commit_all(upstream, "lib")
    root = tmp_path / "repo"
    write_files(root, spec_files())
    git_commit_all(root, "initial")
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(upstream), "lib")
    git(root, "commit", "-q", "-m", "add the submodule")
    sub_git = root / ".git/modules/lib"
    with (sub_git / "config").open("a") as config:
        config.write(_driver_config(script))
    (sub_git / "info").mkdir(exist_ok=True)
    (sub_git / "info/attributes").write_text("* diff=evil filter=evil\n")
    with (root / ".git/config").open("a") as config:
        config.write("[submodule]\n\trecurse = true\n[diff]\n\tignoreSubmodules = none\n"
                     "\tsubmodule = diff\n[status]\n\tsubmoduleSummary = true\n")
    (root / "lib/lib.txt").write_text("two\n")  # same size: git must hash it to compare
    (root / "src/cart.py").write_text("# changed\n")
    return root, marker


def test_plain_git_runs_the_submodules_filter(with_submodule: tuple[Path, Path]) -> None:
    """The fixture is armed: plain git diff in the superproject runs the submodule's filter."""
    root, marker = with_submodule
    subprocess.run(["git", "diff", "--name-only", "HEAD"], cwd=root, capture_output=True,
                   check=False, env={**os.environ, **GIT_ENV})
    assert "clean" in _ran(marker)


def test_trace_queries_never_look_inside_a_submodule(with_submodule: tuple[Path, Path]) -> None:
    root, marker = with_submodule
    assert changed_files(root, "HEAD", ["lib", "src/cart.py"]) == ["src/cart.py"]
    assert _ran(marker) == ""
    assert [c.subject for c in commits_touching(root, "HEAD~1", ["lib", "src"])] == [
        "add the submodule"]
    assert head_commit(root) is not None
    listed = git_listed_files(root)
    assert listed is not None and "src/cart.py" in listed
    assert _ran(marker) == ""


@pytest.mark.parametrize("args", [
    ("diff", "--name-only", "HEAD"), ("diff", "HEAD"), ("status", "--porcelain"),
    ("log", "-p", "-1"), ("show", "HEAD"), ("diff-files", "--name-only"),
    ("diff-index", "--name-only", "HEAD"), ("diff-tree", "-r", "-p", "HEAD~1", "HEAD")])
def test_run_git_never_looks_inside_a_submodule(with_submodule: tuple[Path, Path],
                                                 args: tuple[str, ...]) -> None:
    root, marker = with_submodule
    done = run_git(root, *args)
    assert done.returncode == 0, done.stderr
    assert _ran(marker) == ""


def test_checkpoints_never_look_inside_a_submodule(with_submodule: tuple[Path, Path]) -> None:
    """The shadow repository records the submodule as a gitlink; `git add` on a later snapshot
    would ask the submodule whether it is dirty, under the submodule's config."""
    root, marker = with_submodule
    store = CheckpointStore(Workspace(root))
    first = store.snapshot("first")
    (root / "lib/lib.txt").write_text("six\n")
    (root / "src/cart.py").write_text("# changed again\n")
    store.snapshot("second")
    assert store.changed_files(first.id) == ["src/cart.py"]
    store.restore(first.id)
    (root / "lib/lib.txt").write_text("ten\n")
    store.snapshot("third")
    assert (root / "src/cart.py").read_text() == "# changed\n"
    assert _ran(marker) == ""
