"""What a path names: an open file descriptor (stdin in disguise), or a place in the workspace."""

from __future__ import annotations

import os
import re
from pathlib import Path

from specloom.agent.shell_policy.programs import FD_DIR, STREAMS


def is_descriptor(path: str, root: Path, hops: int = 0) -> bool:
    """True when the path names an open file descriptor (`/dev/stdin`, `/dev/fd/N`,
    `/proc/<pid>/fd/N`, also through `..`, `//`, symbolic links and `/proc/<pid>/root`): a
    program reading it reads whatever is fed to that descriptor, exactly like `-`."""
    if path.startswith("~"):
        path = os.path.expanduser(path)
    full = os.path.join(root, path)
    # the text with `.`, `..`, `//` and `/proc/<pid>/root` taken out
    lexical = os.path.normpath("/" + full.lstrip("/"))
    while match := re.match(r"/proc/[^/]+/root(?=/|$)", lexical):
        lexical = os.path.normpath("/" + lexical[match.end():].lstrip("/"))
    forms = [os.path.split(lexical)]
    try:  # the directory with its symbolic links resolved (`/dev/fd` -> `/proc/<pid>/fd`)
        directory, name = os.path.split(full.rstrip("/") or "/")
        if name in (".", ".."):
            directory, name = os.path.split(os.path.realpath(full))
        forms.append((os.path.realpath(directory), name))
    except OSError:  # a link this process may not read (another process's /proc entry)
        pass
    if any(FD_DIR.fullmatch(d) or (d == "/dev" and n in STREAMS) for d, n in forms):
        return True
    # follow a link the agent may have made; /proc's own links point into this process
    real, name = forms[-1]
    link = os.path.join(real, name)
    if hops < 8 and not real.startswith("/proc") and os.path.islink(link):
        try:
            target = os.readlink(link)
        except OSError:
            return False
        return is_descriptor(os.path.join(real, target), root, hops + 1)
    return False


def is_inside(root: Path, path: str) -> bool:
    real = Path(os.path.realpath(root / os.path.expanduser(path)))
    return real == root or root in real.parents
