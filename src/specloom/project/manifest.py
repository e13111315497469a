"""The write manifest: which files specloom wrote, with the sha256 of what it wrote.

A file whose current content hashes to the recorded value was written by specloom and not
touched since, so specloom may update it. A file that differs, or that specloom never wrote, is
the user's: specloom plans a `conflict` with a unified diff instead of writing. The manifest
lives at `.kiro/specloom/manifest.json` as `{"version": 1, "files": {path: sha256}}`, paths
relative to the workspace root; it is written atomically.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from specloom.core import jsontext
from specloom.spec.files import write_atomic

MANIFEST_PATH = ".kiro/specloom/manifest.json"
Action = Literal["create", "update", "unchanged", "conflict"]


@dataclass(frozen=True, slots=True)
class WritePlan:
    path: str          # relative to the workspace root
    action: Action
    diff: str          # unified diff from the current file to the new content ('' if none)


def sha256_text(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class WriteManifest:
    """The hashes of files specloom wrote under one workspace root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.location = root / MANIFEST_PATH
        self.hashes: dict[str, str] = self._load()

    def _load(self) -> dict[str, str]:
        try:
            data = jsontext.loads(self.location.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict):
            return {}
        return {str(k): str(v) for k, v in files.items()}

    def key(self, path: Path | str) -> str:
        candidate = Path(path)
        if candidate.is_absolute():
            return candidate.relative_to(self.root).as_posix()
        return candidate.as_posix()

    def record(self, path: Path | str, content: str) -> None:
        """Remember that specloom wrote `content` to `path` (call `save` to persist)."""
        self.hashes[self.key(path)] = sha256_text(content)

    def is_user_edited(self, path: Path | str) -> bool:
        """True when the file exists and is not exactly what specloom last wrote there."""
        current = self._read(path)
        if current is None:
            return False
        return self.hashes.get(self.key(path)) != sha256_text(current)

    def plan_write(self, path: Path | str, content: str) -> WritePlan:
        """What writing `content` to `path` would do, without writing."""
        key = self.key(path)
        current = self._read(path)
        if current is None:
            return WritePlan(key, "create", "")
        if current == content:
            return WritePlan(key, "unchanged", "")
        diff = unified_diff(key, current, content)
        return WritePlan(key, "conflict" if self.is_user_edited(path) else "update", diff)

    def write(self, path: Path | str, content: str) -> None:
        """Write atomically and record the hash (call `save` to persist the manifest)."""
        write_atomic(self.root / self.key(path), content.encode("utf-8"))
        self.record(path, content)

    def save(self) -> None:
        data = {"version": 1, "files": dict(sorted(self.hashes.items()))}
        payload = json.dumps(data, indent=2) + "\n"
        try:
            if self.location.read_text("utf-8") == payload:
                return
        except OSError:
            pass
        write_atomic(self.location, payload.encode("utf-8"))

    def _read(self, path: Path | str) -> str | None:
        try:
            return (self.root / self.key(path)).read_bytes().decode("utf-8", errors="replace")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None


def unified_diff(path: str, current: str, proposed: str) -> str:
    return "".join(difflib.unified_diff(
        current.splitlines(keepends=True), proposed.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}"))
