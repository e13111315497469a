"""Checkpoints in the shadow repository: exact restores, and the user's git repo untouched."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from specloom.agent.checkpoints import CheckpointError, CheckpointStore
from specloom.spec.workspace import Workspace


def git(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@x", GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / ".kiro" / "specs").mkdir(parents=True)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_bytes(b"a = 1\r\n\x00binary\xff tail")
    (tmp_path / "README.md").write_text("# hi\n")
    (tmp_path / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (tmp_path / "run.sh").chmod(0o755)
    return tmp_path


@pytest.mark.req("task-runner", "9.2", "9.3")
def test_restore_returns_exact_bytes_and_deletes_new_files(root: Path) -> None:
    store = CheckpointStore(Workspace(root))
    first = store.snapshot("before task 1")
    original = {p: (root / p).read_bytes() for p in ("src/a.py", "README.md", "run.sh")}
    (root / "src" / "a.py").write_bytes(b"changed")
    (root / "README.md").unlink()
    (root / "new" / "deep").mkdir(parents=True)
    (root / "new" / "deep" / "file.txt").write_text("created later")
    (root / "run.sh").chmod(0o644)
    safety = store.restore(first.id)
    assert {p: (root / p).read_bytes() for p in original} == original
    assert not (root / "new").exists()
    assert os.access(root / "run.sh", os.X_OK)
    assert store.list()[0].id == safety.id and safety.label.startswith("before restoring")
    store.restore(safety.id)
    assert (root / "new" / "deep" / "file.txt").read_text() == "created later"
    assert (root / "src" / "a.py").read_bytes() == b"changed"


def test_list_and_diff(root: Path) -> None:
    store = CheckpointStore(Workspace(root))
    one = store.snapshot("one")
    (root / "README.md").write_text("# changed\n")
    two = store.snapshot("two")
    listed = store.list()
    assert [c.label for c in listed] == ["two", "one"] and listed[0].id == two.id
    assert one.files == 3 and listed[1].files == 3
    diff = store.diff(one.id)
    assert "-# hi\n+# changed\n" in diff
    assert store.changed_files(one.id) == ["README.md"]
    with pytest.raises(CheckpointError, match="checkpoint list"):
        store.diff("deadbeef")


@pytest.mark.req("task-runner", "9.5")
def test_gitignore_and_state_dir_excluded(root: Path) -> None:
    (root / ".gitignore").write_text("*.log\n")
    (root / "debug.log").write_text("noise")
    store = CheckpointStore(Workspace(root))
    first = store.snapshot("one")
    (root / "debug.log").write_text("more noise")
    (root / "other.log").write_text("x")
    store.restore(first.id)
    assert (root / "debug.log").read_text() == "more noise" and (root / "other.log").exists()
    tree = store.git.run("ls-tree", "-r", "--name-only", first.id).decode().split()
    assert "debug.log" not in tree and not any(p.startswith(".kiro/specloom") for p in tree)


@pytest.mark.req("task-runner", "9.4", "9.5")
def test_users_git_repository_untouched(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "first")
    (root / "README.md").write_text("# stashed change\n")
    git(root, "stash", "-q")
    git(root, "branch", "feature")
    (root / "src" / "a.py").write_text("staged\n")
    git(root, "add", "src/a.py")
    before = {
        "index": (root / ".git" / "index").read_bytes(),
        "refs": git(root, "for-each-ref"),
        "stash": git(root, "stash", "list"),
        "status": git(root, "status", "--porcelain"),
        "head": git(root, "rev-parse", "HEAD"),
    }
    store = CheckpointStore(Workspace(root))
    first = store.snapshot("one")
    (root / "src" / "a.py").write_text("agent edit\n")
    store.snapshot("two")
    store.diff(first.id)
    store.restore(first.id)
    (root / "src" / "a.py").write_text("staged\n")  # restore wrote the same bytes back
    after = {
        "index": (root / ".git" / "index").read_bytes(),
        "refs": git(root, "for-each-ref"),
        "stash": git(root, "stash", "list"),
        "status": git(root, "status", "--porcelain"),
        "head": git(root, "rev-parse", "HEAD"),
    }
    assert after == before
    tree = store.git.run("ls-tree", "-r", "--name-only", first.id).decode().split()
    assert not any(p.startswith(".git/") for p in tree)


@pytest.mark.req("task-runner", "9.4")
def test_user_git_environment_is_ignored(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = root / "elsewhere-index"
    monkeypatch.setenv("GIT_INDEX_FILE", str(elsewhere))
    monkeypatch.setenv("GIT_DIR", str(root / "nope"))
    CheckpointStore(Workspace(root)).snapshot("one")
    assert not elsewhere.exists() and not (root / "nope").exists()


def test_full_rehash_mode_gives_same_tree(root: Path) -> None:
    incremental = CheckpointStore(Workspace(root)).snapshot("a")
    full = CheckpointStore(Workspace(root), incremental=False).snapshot("b")
    store = CheckpointStore(Workspace(root))
    assert store.changed_files(incremental.id) == [] and full.files == incremental.files
