"""Checkpoints: snapshots of the working tree in the shadow repository, and restoring them.

A snapshot is a commit on the shadow repository's `refs/heads/checkpoints` holding every file
that .gitignore does not exclude (never `.git/` or `.kiro/specloom/`). The shadow index is kept
between snapshots, so `git add -A` only re-hashes files whose stat data changed. Restoring first
takes a safety snapshot, then writes back the exact bytes of every file in the checkpoint and
deletes files the checkpoint did not have. Ignored files are never touched.
"""

from __future__ import annotations

import builtins
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

from specloom.agent.shadowgit import ShadowGit, ShadowGitError
from specloom.core.errors import SpecloomError
from specloom.spec.files import write_atomic
from specloom.spec.workspace import Workspace

REF = "refs/heads/checkpoints"
SHORT = 12


class CheckpointError(SpecloomError):
    """An unknown checkpoint id, or git failed; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    id: str
    label: str
    created: float
    files: int


class CheckpointStore:
    def __init__(self, workspace: Workspace, *, incremental: bool = True) -> None:
        self.workspace = workspace
        self.git = ShadowGit(workspace)
        self.incremental = incremental

    def snapshot(self, label: str) -> Checkpoint:
        """Record the working tree now; returns the new checkpoint."""
        try:
            return self._snapshot(label)
        except ShadowGitError as exc:
            raise CheckpointError(str(exc)) from None

    def list(self) -> list[Checkpoint]:
        """Checkpoints, newest first."""
        if not self._has_ref():
            return []
        out = self._git("log", "--format=%H%x1f%ct%x1f%B%x1e", REF).decode("utf-8", "replace")
        result = []
        for record in filter(None, (r.strip("\n") for r in out.split("\x1e"))):
            sha, created, body = record.split("\x1f", 2)
            label, files = _parse_message(body)
            result.append(Checkpoint(sha[:SHORT], label, float(created), files))
        return result

    def diff(self, checkpoint_id: str) -> str:
        """A unified diff from the checkpoint to the working tree as it is now."""
        sha = self._resolve(checkpoint_id)
        tree = self._stage()
        return self._git("diff", "--no-color", "--no-renames", sha, tree).decode(
            "utf-8", "replace")

    def changed_files(self, checkpoint_id: str) -> builtins.list[str]:
        """Paths that differ between the checkpoint and the working tree now."""
        sha = self._resolve(checkpoint_id)
        tree = self._stage()
        out = self._git("diff", "--name-only", "-z", "--no-renames", sha, tree)
        return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]

    def restore(self, checkpoint_id: str) -> Checkpoint:
        """Put the working tree back to the checkpoint; returns the safety snapshot taken first."""
        sha = self._resolve(checkpoint_id)
        safety = self.snapshot(f"before restoring {sha[:SHORT]}")
        now = set(self._tree_files(safety.id))
        then = set(self._tree_files(sha))
        for relative in sorted(now - then, reverse=True):
            _remove(self.workspace.root, relative)
        self._git("read-tree", sha)
        self._git("checkout-index", "-a", "-f")
        return safety

    def _snapshot(self, label: str) -> Checkpoint:
        self.git.ensure()
        if not self.incremental:
            self.git.index.unlink(missing_ok=True)
        tree = self._stage()
        files = _index_entries(self.git.index)
        head = self._head()
        parent = ["-p", head] if head else []
        message = f"{label}\n\nFiles: {files}\n"
        sha = self.git.run("commit-tree", tree, *parent, "-F", "-",
                           input_bytes=message.encode("utf-8")).decode().strip()
        write_atomic(self.git.git_dir / REF, f"{sha}\n".encode())
        return Checkpoint(sha[:SHORT], label, time.time(), files)

    def _stage(self) -> str:
        self.git.ensure()
        self._git("add", "-A", "--ignore-errors", ".")
        return self._git("write-tree").decode().strip()

    def _tree_files(self, rev: str) -> builtins.list[str]:
        out = self._git("ls-tree", "-r", "-z", "--name-only", rev)
        return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]

    def _resolve(self, checkpoint_id: str) -> str:
        if not self._has_ref() or not checkpoint_id.strip():
            raise CheckpointError(f"no checkpoint {checkpoint_id!r}; "
                                  "'specloom checkpoint list' shows the ids")
        sha = self.git.run("rev-parse", "--verify", "--quiet",
                           f"{checkpoint_id.strip()}^{{commit}}", check=False).decode().strip()
        known = self._git("rev-list", REF).decode().split()
        if sha not in known:
            raise CheckpointError(f"no checkpoint {checkpoint_id!r}; "
                                  "'specloom checkpoint list' shows the ids")
        return sha

    def _has_ref(self) -> bool:
        return self._head() is not None

    def _head(self) -> str | None:
        """The newest checkpoint's commit; the ref is a loose file that only specloom writes."""
        try:
            sha = (self.git.git_dir / REF).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return sha or None

    def _git(self, *args: str) -> bytes:
        try:
            return self.git.run(*args)
        except ShadowGitError as exc:
            raise CheckpointError(str(exc)) from None


def _index_entries(index: Path) -> int:
    """The number of entries in a git index file, from its 12-byte header."""
    try:
        with index.open("rb") as handle:
            header = handle.read(12)
    except OSError:
        return 0
    return int.from_bytes(header[8:12], "big") if header[:4] == b"DIRC" else 0


def _parse_message(body: str) -> tuple[str, int]:
    label, _, rest = body.partition("\n")
    files = 0
    for line in rest.splitlines():
        if line.startswith("Files: "):
            with contextlib.suppress(ValueError):
                files = int(line[7:])
    return label, files


def _remove(root: Path, relative: str) -> None:
    """Delete one file, then its folders up to the root while they are empty."""
    path = root / relative
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    folder = path.parent
    while folder != root and folder.is_dir():
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent
