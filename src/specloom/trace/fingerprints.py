"""Fingerprints of criterion text recorded when a verification passes.

Stored as JSON in `.kiro/specloom/trace/fingerprints.json` (atomic writes) with the git commit
and time of the verification, so staleness and drift survive between runs:
`{"version": 2, "specs": {"<spec>": {"<N.M>": {"fingerprint", "commit", "verified_at",
"tests", "anchors"}}}}`. Version 2 added `anchors` (the criterion's code anchors with their body
fingerprints); a version 1 file reads as criteria without anchors.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specloom.core import jsontext
from specloom.core.errors import SpecloomError
from specloom.spec.files import write_atomic
from specloom.trace.anchors import Anchor

STORE_PATH = Path(".kiro") / "specloom" / "trace" / "fingerprints.json"
STORE_VERSION = 2


class StoreError(SpecloomError):
    """The fingerprint store cannot be read; the message says what to do."""


def fingerprint(text: str) -> str:
    """sha256 of the criterion text with whitespace runs collapsed."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Verified:
    fingerprint: str
    commit: str | None
    verified_at: str
    tests: tuple[str, ...] = ()
    anchors: tuple[Anchor, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "commit": self.commit,
                "verified_at": self.verified_at, "tests": list(self.tests),
                "anchors": [anchor.to_json() for anchor in self.anchors]}


class FingerprintStore:
    def __init__(self, path: Path, specs: dict[str, dict[str, Verified]]) -> None:
        self.path = path
        self.specs = specs

    @classmethod
    def load(cls, root: Path) -> FingerprintStore:
        path = root / STORE_PATH
        if not path.is_file():
            return cls(path, {})
        try:
            data = jsontext.loads(path.read_text(encoding="utf-8"))
            version = data.get("version", 1)
            if not isinstance(version, int) or version > STORE_VERSION:
                raise StoreError(f"{STORE_PATH.as_posix()}: version {version!r} was written by "
                                 "a newer specloom; upgrade specloom to read it")
            specs = {name: {cid: _verified(entry) for cid, entry in criteria.items()}
                     for name, criteria in data.get("specs", {}).items()}
        except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
            raise StoreError(f"{STORE_PATH.as_posix()}: unreadable fingerprint store ({exc}); "
                             "delete it and run 'specloom verify' to record it again") from None
        return cls(path, specs)

    def get(self, spec: str, criterion: str) -> Verified | None:
        return self.specs.get(spec, {}).get(criterion)

    def record(self, spec: str, criterion: str, verified: Verified) -> None:
        self.specs.setdefault(spec, {})[criterion] = verified

    def save(self) -> None:
        data = {"version": STORE_VERSION, "specs": {
            name: {cid: v.to_json() for cid, v in sorted(criteria.items())}
            for name, criteria in sorted(self.specs.items())}}
        write_atomic(self.path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))


def _verified(entry: dict[str, Any]) -> Verified:
    commit = entry.get("commit")
    if commit is not None and not (isinstance(commit, str) and _is_sha(commit)):
        # the commit reaches git's command line: anything but a hash could be an option
        raise ValueError(f"commit {commit!r} is not a git commit hash")
    return Verified(str(entry["fingerprint"]), commit, str(entry.get("verified_at", "")),
                    tuple(entry.get("tests", ())),
                    tuple(Anchor.from_json(a) for a in entry.get("anchors") or ()))


def _is_sha(text: str) -> bool:
    return 4 <= len(text) <= 64 and all(c in "0123456789abcdefABCDEF" for c in text)
