"""A private git repository under `.kiro/specloom/checkpoints/` that looks at the workspace.

Every git call runs with `--git-dir` set to the shadow repository, `--work-tree` set to the
workspace root and its own index file, and with the user's GIT_* variables removed, so the
user's own repository (index, branches, stash, hooks) is never read or written. Files are
stored byte for byte (no eol or filter conversion). This module must not run git anywhere else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from specloom.spec.workspace import Workspace

STATE_DIR = ".kiro/specloom"
CHECKPOINTS_DIR = f"{STATE_DIR}/checkpoints"
ALWAYS_EXCLUDED = ("/.git/", f"/{STATE_DIR}/")
_CONFIG = (
    "-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "core.quotepath=false",
    "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "gc.auto=0",
    "-c", "core.untrackedCache=true", "-c", "pack.packSizeLimit=2g",
    "-c", "user.name=specloom", "-c", "user.email=specloom@localhost",
    "-c", "commit.gpgsign=false", "-c", "advice.addEmbeddedRepo=false",
)


class ShadowGitError(RuntimeError):
    """git is missing or a git command failed; the message says which and why."""


class ShadowGit:
    def __init__(self, workspace: Workspace) -> None:
        self.root = workspace.root
        self.base = workspace.root / CHECKPOINTS_DIR
        self.git_dir = self.base / "git"
        self.index = self.base / "index"
        self._env: dict[str, str] | None = None

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
        command = ["git", *_CONFIG]
        if not bare:
            command += [f"--git-dir={self.git_dir}", f"--work-tree={self.root}"]
        env = self._environment()
        env["GIT_INDEX_FILE"] = str(index or self.index)
        done = subprocess.run([*command, *args], cwd=self.root, env=env, input=input_bytes,
                              capture_output=True, check=False)
        if check and done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise ShadowGitError(f"git {args[0]} failed in the checkpoint repository: {message}")
        return done.stdout

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

    def _environment(self) -> dict[str, str]:
        if self._env is None:
            env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
            env["GIT_CONFIG_NOSYSTEM"] = "1"
            env["GIT_TERMINAL_PROMPT"] = "0"
            self._env = env
        return dict(self._env)
