"""`#[[file:path]]` inlining: replace each reference with the file's text.

Paths are relative to the workspace root and confined to it: '..' and symbolic links are
resolved first, and a target outside the workspace is refused (K004). A missing or unreadable
file is a finding (K003) and the reference stays as text. Inlined files are inlined in turn, up
to `MAX_DEPTH` levels (K008), and a file that leads back to itself is not followed (K007).
Nothing here raises for bad references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from specloom.context.rules import steering_diagnostic
from specloom.core.diagnostic import Diagnostic
from specloom.spec.source import read_bounded

INLINE_REFERENCE = re.compile(r"#\[\[file:([^\]\r\n]+)\]\]")
MAX_DEPTH = 5


@dataclass(frozen=True, slots=True)
class InlineResult:
    text: str
    problems: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class _Context:
    root: Path
    max_depth: int


def inline_files(text: str, *, root: Path, source: str, origin: Path | None = None,
                 first_line: int = 1, max_depth: int = MAX_DEPTH) -> InlineResult:
    """Inline the references in `text`, which comes from `source` (a display path).

    `origin` is the file the text was read from (for cycle detection) and `first_line` the
    line number of the text's first line in that file (after front matter).
    """
    context = _Context(root.resolve(), max_depth)
    stack = (origin.resolve(),) if origin is not None else ()
    problems: list[Diagnostic] = []
    inlined = _inline(text, source, first_line, stack, context, problems)
    return InlineResult(inlined, tuple(dict.fromkeys(problems)))


def _inline(text: str, source: str, first_line: int, stack: tuple[Path, ...],
            context: _Context, problems: list[Diagnostic]) -> str:
    pieces: list[str] = []
    position = 0
    for match in INLINE_REFERENCE.finditer(text):
        pieces.append(text[position:match.start()])
        position = match.end()
        line_start = text.rfind("\n", 0, match.start()) + 1
        where = (source, first_line + text.count("\n", 0, match.start()),
                 match.start() - line_start + 1, len(match.group(0)))
        replacement = _expand(match.group(1).strip(), where, stack, context, problems)
        pieces.append(match.group(0) if replacement is None else replacement)
    pieces.append(text[position:])
    return "".join(pieces)


def _expand(reference: str, where: tuple[str, int, int, int], stack: tuple[Path, ...],
            context: _Context, problems: list[Diagnostic]) -> str | None:
    source, line, column, width = where

    def report(code: str, message: str) -> None:
        problems.append(steering_diagnostic(code, source, line, message,
                                            column=column, width=width))

    if "\x00" in reference:
        report("K003", "#[[file:...]] holds a NUL character; name a real file")
        return None
    try:
        target = (context.root / reference).resolve()
    except (OSError, RuntimeError):  # a symlink loop: Python 3.11 raises RuntimeError
        report("K003", f"#[[file:{reference}]] is a symlink loop; point it at a real file")
        return None
    if not target.is_relative_to(context.root):
        report("K004", f"#[[file:{reference}]] resolves outside the workspace")
        return None
    try:
        is_file = target.is_file()
    except OSError as exc:  # a name too long for the file system, a path through a file
        report("K003", f"#[[file:{reference[:80]}]] cannot be looked up ({exc.strerror})")
        return None
    if not is_file:
        report("K003", f"#[[file:{reference[:200]}]]: no such file in the workspace")
        return None
    if target in stack:
        report("K007", f"#[[file:{reference}]] leads back to a file already being inlined")
        return None
    if len(stack) > context.max_depth:
        report("K008", f"#[[file:{reference}]] is nested more than {context.max_depth} "
                       "levels deep; left as text")
        return None
    try:
        content = read_bounded(target).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        report("K003", f"#[[file:{reference}]] cannot be read as UTF-8 text ({exc})")
        return None
    display = target.relative_to(context.root).as_posix()
    return _inline(content, display, 1, (*stack, target), context, problems)
