"""Scanning a project for links: list the files, pre-filter cheaply, parse only what matters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from specloom.spec.source import FileRefused, read_bounded
from specloom.trace.generic_scan import scan_generic
from specloom.trace.link_cache import LinkCache
from specloom.trace.links import Link, ScanProblem
from specloom.trace.python_scan import scan_python
from specloom.trace.scan_files import MAX_FILE_BYTES, source_files

NEEDLES = (b"specloom:", b"mark.req", b"Feature:")


@dataclass(frozen=True, slots=True)
class LinkScan:
    links: tuple[Link, ...]
    problems: tuple[ScanProblem, ...]
    files_scanned: int


def scan_links(root: Path, cache: bool = False) -> LinkScan:
    """Every link in the project at `root` (files listed by git when it is a repository).

    With `cache`, the links of each file are kept under the hash of its bytes in
    `.kiro/specloom/cache/trace/` (`trace.link_cache`): an unchanged file is not parsed again.
    """
    links: list[Link] = []
    problems: list[ScanProblem] = []
    files = source_files(root)
    known = LinkCache.load(root) if cache else None
    for relative in files:
        try:  # stat first: an oversized file, a FIFO or a device in the checkout is never read
            data = read_bounded(root / relative, MAX_FILE_BYTES)
        except FileRefused:
            continue  # not source text that could hold a link
        except OSError as exc:
            problems.append(ScanProblem(relative, 1, f"cannot read: {exc.strerror or exc}"))
            continue
        if not any(needle in data for needle in NEEDLES):
            continue
        found = known.get(relative, data) if known is not None else None
        if found is None:
            found = _scan_file(relative, data)
            if known is not None:
                known.put(relative, data, found)
        links.extend(found[0])
        problems.extend(found[1])
    if known is not None:
        known.save(files)
    return LinkScan(tuple(links), tuple(problems), len(files))


def _scan_file(relative: str, data: bytes) -> tuple[list[Link], list[ScanProblem]]:
    text = data.decode("utf-8", errors="replace")
    return (scan_python(relative, text) if relative.endswith((".py", ".pyi"))
            else scan_generic(relative, text))
