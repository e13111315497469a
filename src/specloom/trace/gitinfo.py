"""The few git queries trace needs, run as subprocesses; no git means None, not an error.

Every query goes through `specloom.core.gitrun.run_git`: the inspected repository's config cannot
make these read-only queries run a program (fsmonitor, filters, textconv, external diff, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from specloom.core.errors import SpecloomError
from specloom.core.gitrun import GitRunError, run_git


class GitError(SpecloomError):
    """A git query failed; the message says why."""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    subject: str
    files: tuple[str, ...]


def _git(root: Path, *args: str) -> str:
    try:
        result = run_git(root, *args, timeout=60)
    except GitRunError as exc:
        raise GitError(str(exc)) from None
    if result.returncode != 0:
        raise GitError(result.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return result.stdout.decode("utf-8", "replace")


def head_commit(root: Path) -> str | None:
    """The commit checked out at `root`, or None outside a repository (or before a commit)."""
    try:
        return _git(root, "rev-parse", "HEAD").strip() or None
    except GitError:
        return None


def commits_touching(root: Path, since: str, paths: list[str]) -> list[Commit]:
    """Commits after `since` up to HEAD that touched any of `paths` (relative to root)."""
    if not paths:
        return []
    out = _git(root, "log", "--format=%x00%H%x09%s", "--name-only", "--relative",
               f"{since}..HEAD", "--", *paths)
    commits: list[Commit] = []
    for block in out.split("\0")[1:]:
        head, _, rest = block.partition("\n")
        sha, _, subject = head.partition("\t")
        files = tuple(line for line in rest.splitlines() if line.strip())
        commits.append(Commit(sha, subject, files))
    return commits


def changed_files(root: Path, since: str, paths: list[str]) -> list[str]:
    """Files among `paths` that differ between `since` and the working tree."""
    if not paths:
        return []
    out = _git(root, "diff", "--name-only", "--relative", since, "--", *paths)
    return [line for line in out.splitlines() if line.strip()]


def file_at(root: Path, commit: str, path: str) -> str | None:
    """The text of `path` (relative to root) in `commit`, or None when it is not there."""
    if not (4 <= len(commit) <= 64 and all(c in "0123456789abcdefABCDEF" for c in commit)):
        return None  # a store entry is data: never let it reach git as an option
    try:
        return _git(root, "show", f"{commit}:./{path}")
    except GitError:
        return None


def last_commit_of(root: Path, path: str) -> str | None:
    """The newest commit that touched `path` (relative to root), or None (not committed, or
    no repository)."""
    try:
        return _git(root, "log", "-1", "--format=%H", "--", path).strip() or None
    except GitError:
        return None
