"""The links of each scanned file, kept under the hash of its bytes, so that a repeated `trace`
(or `verify`, `drift`) parses only the files that changed.

One entry of the result cache (`core.result_cache`) under `.kiro/specloom/cache/trace/` holds,
per file path, the BLAKE2b hash of the file's bytes and of specloom's code
(`code_fingerprint`) with the links and problems found in it. A file whose hash differs, or a
broken entry, is scanned again; the entry is rewritten only when something changed, atomically,
so concurrent runs never read half of it (the last writer's copy wins, and both are right).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

from specloom.core.result_cache import ResultCache, code_fingerprint
from specloom.trace.links import Link, ScanProblem

CACHE_FOLDER = Path(".kiro") / "specloom" / "cache" / "trace"
ENTRY = "links"

FileLinks = tuple[list[Link], list[ScanProblem]]


class LinkCache:
    def __init__(self, store: ResultCache, known: dict[str, Any]) -> None:
        self.store = store
        self.known = known
        self.changed = False
        self.salt = code_fingerprint().encode()

    @classmethod
    def load(cls, root: Path) -> LinkCache:
        store = ResultCache(root / CACHE_FOLDER)
        known = store.get(ENTRY)
        return cls(store, known if isinstance(known, dict) else {})

    def _digest(self, data: bytes) -> str:
        return hashlib.blake2b(self.salt + b"\0" + data, digest_size=16).hexdigest()

    def get(self, path: str, data: bytes) -> FileLinks | None:
        entry = self.known.get(path)
        if not isinstance(entry, list) or len(entry) != 3 or entry[0] != self._digest(data):
            return None
        try:
            return ([Link(*fields) for fields in entry[1]],
                    [ScanProblem(*fields) for fields in entry[2]])
        except TypeError:
            return None

    def put(self, path: str, data: bytes, found: FileLinks) -> None:
        links, problems = found
        self.known[path] = [self._digest(data), [dataclasses.astuple(link) for link in links],
                            [dataclasses.astuple(problem) for problem in problems]]
        self.changed = True

    def save(self, files: list[str]) -> None:
        """Write the entry when a file was scanned anew or is gone from the project."""
        listed = set(files)
        gone = [path for path in self.known if path not in listed]
        for path in gone:
            del self.known[path]
        if self.changed or gone:
            self.store.put(ENTRY, self.known)
