"""A private git repository under `.kiro/specloom/checkpoints/` that looks at the workspace.

Every git call runs with `--git-dir` set to the shadow repository, `--work-tree` set to the
workspace root and its own index file, and through `specloom.core.gitrun.run_git` (the user's GIT_*
variables removed, fsmonitor, hooks, filters, textconv and external diff disabled), so the
user's own repository (index, branches, stash, hooks) is never read or written, and a shadow
repository planted in a workspace specloom did not write cannot make git run a program. Nor can
a submodule or nested repository in the workspace: `git add` would run `git status` inside it
under its own config, so submodule entries are dropped from the index before each `add`. Files
are stored byte for byte (no eol or filter conversion). This module must not run git anywhere
else.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from specloom.core.errors import SpecloomError
from specloom.core.gitrun import GitRunError, run_git
from specloom.spec.workspace import Workspace

STATE_DIR = ".kiro/specloom"
CHECKPOINTS_DIR = f"{STATE_DIR}/checkpoints"
ALWAYS_EXCLUDED = ("/.git/", f"/{STATE_DIR}/")
_CONFIG = (
    ("core.autocrlf", "false"), ("core.safecrlf", "false"), ("core.quotepath", "false"),
    ("core.untrackedCache", "true"), ("pack.packSizeLimit", "2g"),
    ("user.name", "specloom"), ("user.email", "specloom@localhost"),
    ("commit.gpgsign", "false"), ("advice.addEmbeddedRepo", "false"),
)


class ShadowGitError(RuntimeError, SpecloomError):
    """git is missing or a git command failed; the message says which and why."""


class ShadowGit:
    def __init__(self, workspace: Workspace) -> None:
        self.root = workspace.root
        self.base = workspace.root / CHECKPOINTS_DIR
        self.git_dir = self.base / "git"
        self.index = self.base / "index"

    def ensure(self) -> None:
        """Create the shadow repository on first use."""
        if (self.git_dir / "HEAD").is_file():
            return
        if shutil.which("git") is None:
            raise ShadowGitError("git is not installed; checkpoints need the git program")
        self.base.mkdir(parents=True, exist_ok=True)
        (self.base / ".gitignore").write_text("*\n", encoding="utf-8")
        self.run("init", "--quiet", "--bare", str(self.git_dir), bare=True)
        info = self.git_dir / "info"
        info.mkdir(exist_ok=True)
        (info / "exclude").write_text("\n".join(ALWAYS_EXCLUDED) + "\n", encoding="utf-8")
        (info / "attributes").write_text("* -text -filter -ident\n", encoding="utf-8")

    def run(self, *args: str, input_bytes: bytes | None = None, index: Path | None = None,
            bare: bool = False, check: bool = True) -> bytes:
        location = [] if bare else [f"--git-dir={self.git_dir}", f"--work-tree={self.root}"]
        if args[:1] == ("add",) and not bare:
            self._drop_submodules(index or self.index)
        try:
            done = run_git(self.root, *args, location=location, config=_CONFIG,
                           env={"GIT_INDEX_FILE": str(index or self.index)},
                           input_bytes=input_bytes, timeout=None)
        except GitRunError as exc:
            raise ShadowGitError(f"{exc} (checkpoint repository)") from None
        if check and done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise ShadowGitError(f"git {args[0]} failed in the checkpoint repository: {message}")
        return done.stdout

    def _drop_submodules(self, index: Path) -> None:
        """Remove the submodule entries (gitlinks) from `index` before a `git add`.

        `add` asks every submodule in the index whether it is dirty by running `git status`
        inside it, under the submodule's own config, which `run_git` cannot see (a clean filter
        or fsmonitor set there would run); no option turns that off. A nested repository is
        added again as a new gitlink (its HEAD commit is read, nothing is run), so a checkpoint
        still records it."""
        if not index.is_file():
            return
        staged = self.run("ls-files", "-s", "-z", index=index)
        gitlinks = [entry.partition("\t")[2] for entry in
                    staged.decode("utf-8", "surrogateescape").split("\0")
                    if entry.startswith("160000 ")]
        if gitlinks:
            data = "\0".join(gitlinks).encode("utf-8", "surrogateescape") + b"\0"
            self.run("update-index", "--force-remove", "-z", "--stdin", input_bytes=data,
                     index=index)

    def list_files(self) -> list[str]:
        """Files in the workspace that .gitignore does not exclude (relative, sorted)."""
        self.ensure()
        empty_index = self.base / "index.empty"
        empty_index.unlink(missing_ok=True)
        out = self.run("ls-files", "-z", "--others", "--exclude-standard", index=empty_index)
        return sorted(p for p in out.decode("utf-8", "surrogateescape").split("\0")
                      if p and not p.endswith("/"))

    def ignored(self, paths: list[str]) -> set[str]:
        """The subset of `paths` (relative) that .gitignore or the state exclusions exclude."""
        if not paths:
            return set()
        self.ensure()
        data = "\0".join(paths).encode("utf-8", "surrogateescape") + b"\0"
        out = self.run("check-ignore", "-z", "--stdin", "--no-index", input_bytes=data,
                       check=False)
        return {p for p in out.decode("utf-8", "surrogateescape").split("\0") if p}
