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
import os
import stat
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from specloom.core.diagnostic import Diagnostic
from specloom.core.result_cache import ResultCache, code_fingerprint
from specloom.core.rule import Severity
from specloom.spec.folder import SPEC_FILES, FileRead, read_spec_files
from specloom.spec.workspace import Workspace

CACHE_FOLDER = Path(".kiro") / "specloom" / "cache" / "check"


def settings_fingerprint(settings: Any) -> str:
    return hashlib.blake2b(f"{code_fingerprint()}\0{settings!r}".encode(),
                           digest_size=16).hexdigest()


INDEX_FOLDER = Path(".kiro") / "specloom" / "cache" / "check-index"
RACY_NS = 2_000_000_000  # a file changed this recently may change again within one tick


def current_keys(workspace: Workspace, specs: Sequence[str], fingerprint: str) -> dict[str, str]:
    """The key of each spec as its files are now.

    A key is the hash of the files' bytes; to spare reading every file of every spec on each
    run, the key is also kept with the files' `lstat` signatures (size, times, inode), as git's
    index does: a spec whose signatures are unchanged keeps its key. Every write changes a
    file's ctime, so an edit is always seen; a signature taken within two seconds of the
    file's last change is not kept (the next change could fall in the same clock tick), nor is
    one of a spec with a symbolic link, whose target the signature cannot see. Paths are
    strings: this loop is most of a warm check.
    """
    index = ResultCache(workspace.root / INDEX_FOLDER)
    stored = index.get("index")
    known = stored.get("specs", {}) if isinstance(stored, dict) \
        and stored.get("fingerprint") == fingerprint else {}
    updated: dict[str, Any] = {}
    specs_dir = os.fspath(workspace.specs_dir)
    shown = workspace.relative(workspace.specs_dir)
    keys: dict[str, str] = {}
    now = time.time_ns()
    for name in specs:
        folder = os.path.join(specs_dir, name)
        signature = _signature(folder)
        entry = known.get(name)
        if signature is not None and isinstance(entry, list) and len(entry) == 2 \
                and entry[0] == signature:
            keys[name] = str(entry[1])
        else:
            keys[name] = spec_key(read_spec_files(folder), name, f"{shown}/{name}",
                                  fingerprint)
        if signature is not None and all(s is None or now - max(s[2], s[3]) > RACY_NS
                                         for s in signature):
            updated[name] = [signature, keys[name]]
    if updated != known:
        index.put("index", {"fingerprint": fingerprint, "specs": updated})
    return keys


def _signature(folder: str) -> list[list[int] | None] | None:
    """(mode, size, mtime, ctime, inode) of each spec file, None for an absent one; None in
    all when a file is a symbolic link or cannot be looked at."""
    found: list[list[int] | None] = []
    for file_name in SPEC_FILES:
        try:
            info = os.lstat(os.path.join(folder, file_name))
        except FileNotFoundError:
            found.append(None)
            continue
        except OSError:
            return None
        if stat.S_ISLNK(info.st_mode):
            return None
        found.append([info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                      info.st_ino])
    return found


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
