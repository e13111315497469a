"""What `check` caches: per spec folder, the hash of everything its diagnostics depend on ->
the files it read and the diagnostics found.

The key covers the bytes of every file the spec loader reads (an absent file and an
unreadable one are part of it too), the spec's name and folder, the check settings, specloom's
version and the code that produced the result (the size and modification time of every
module of the installed specloom, and of the folders that hold installed packages, where a
rule plug-in would come from). Any change to any of them is a miss.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from specloom.core.diagnostic import Diagnostic
from specloom.core.result_cache import code_fingerprint
from specloom.core.rule import Severity
from specloom.spec.folder import SPEC_FILES, FileRead

CACHE_FOLDER = Path(".kiro") / "specloom" / "cache" / "check"


def settings_fingerprint(settings: Any) -> str:
    return hashlib.blake2b(f"{code_fingerprint()}\0{settings!r}".encode(),
                           digest_size=16).hexdigest()


def spec_key(files: Mapping[str, FileRead], name: str, display_path: str,
             fingerprint: str) -> str:
    """The key of one spec: `files` as `spec.folder.read_spec_files` read them."""
    digest = hashlib.blake2b(f"{fingerprint}\0{name}\0{display_path}\0".encode(),
                             digest_size=20)
    for file_name in SPEC_FILES:
        found = files.get(file_name)
        digest.update(file_name.encode() + b"\0")
        if found is None:
            digest.update(b"absent\0")
        elif isinstance(found, OSError):  # refused or unreadable: the loader reports it
            digest.update(f"error {type(found).__name__} {found}\0".encode())
        else:
            digest.update(f"{len(found)}\0".encode())
            digest.update(found)
    return digest.hexdigest()


# One spec's result: the files read, the diagnostics found and the names of their rules.
SpecResult = tuple[list[str], list[Diagnostic], dict[str, str]]


def encode(result: SpecResult) -> dict[str, Any]:
    files, diagnostics, rule_names = result
    return {"files": files, "rules": rule_names,
            "diagnostics": [[d.code, int(d.severity), d.path, d.line, d.column, d.end_line,
                             d.end_column, d.message, d.hint, d.spec] for d in diagnostics]}


def decode(value: Any) -> SpecResult | None:
    """The result stored in a cached value, or None when it is not one."""
    try:
        files = [str(f) for f in value["files"]]
        rule_names = {str(code): str(name) for code, name in value["rules"].items()}
        diagnostics = [Diagnostic(str(c), Severity(s), str(p), int(line), int(col), int(el),
                                  int(ec), str(m), str(h), None if sp is None else str(sp))
                       for c, s, p, line, col, el, ec, m, h, sp in value["diagnostics"]]
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return files, diagnostics, rule_names
