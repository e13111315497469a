"""A shorter copy of a Python file that `tokenize` reads into the same tokens that matter.

The pure-Python `tokenize` costs about a microsecond a token, and most lines of a file cannot
change what `trace.python_scan` needs from the tokens. A plain line leaves strings, brackets
and continuations as they were, is no decorator or definition, and holds no link: plain blank
lines and comments are left out, and each run of plain statements at one indentation becomes
one statement `_` that spans the run's lines (a statement at the indentation of the one before
it opens or closes no block, and the run's last line ends its block where `ast` would). A
decorator or a definition header that closes what it opens is shortened to `@_` or
`def name:`; its text is read from the file. Every other line is kept as it is, so its columns
do not change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# A line without these characters is plain unless it defines or links something; a line with
# some may still be (`_self_contained`). Separate patterns let the regex engine skip ahead.
SPECIAL = re.compile(r"""['"\\()\[\]{}@]""")
LINK_NEEDLES = ("specloom:", "Feature:", "mark.req")
_DEFINITION = re.compile(r"\n[ \t\f]*(?:async[ \t]+)?(?:def|class)\b")  # on "\n" + text
DEFINITION_LINE = re.compile(_DEFINITION.pattern[2:])  # matched at the start of a line
_HEADER = re.compile(r"[ \t\f]*(?:async[ \t]+)?(?:def|class)[ \t]+\w+")
_CODE = re.compile(r"""(?:"[^"\n]*"|'[^'\n]*'|[^'"#\n])*""")  # up to a comment or a lone quote
_ONE_LINE_STRING = re.compile(r""""[^"\n]*"|'[^'\n]*'""")


@dataclass(frozen=True, slots=True)
class LeanLines:
    text: str             # what to tokenize
    rows: list[int]       # the line number in the file of each of its lines
    last_rows: list[int]  # the last line in the file each stands for (a run's last statement)
    shortened: set[int]   # line numbers in the file of the lines tokenized shortened


def lean_lines(text: str, lines: list[str], broken: Mapping[int, str] = {}) -> LeanLines:
    """The lean copy of `text` (split into `lines` at "\\n"). A `broken` line (0-based) is
    written as a plain statement, or as a header if it starts one."""
    kept = _lines_not_plain(text, lines)
    for row in broken:
        header = _HEADER.match(lines[row])
        kept[row] = f"{header.group()}:" if header is not None else f"{_indent(lines[row])}_"
    out: list[str] = []
    rows: list[int] = []
    last_rows: list[int] = []
    run_indent: str | None = None  # the indentation of the current run of plain statements
    for index, line in enumerate(lines):
        written = kept.get(index)
        if written is None:
            stripped = line.lstrip(" \t\f")
            if not stripped or stripped[0] in "#\r":
                continue  # blank, or a comment without a link
            indent = line[:len(line) - len(stripped)]
            if indent == run_indent:
                last_rows[-1] = index + 1
                continue
            run_indent, written = indent, f"{indent}_"
        else:
            run_indent = None
        out.append(written)
        rows.append(index + 1)
        last_rows.append(index + 1)
    shortened = {row + 1 for row, written in kept.items() if written is not lines[row]}
    return LeanLines("\n".join(out), rows, last_rows, shortened)


def _lines_not_plain(text: str, lines: list[str]) -> dict[int, str]:
    """The 0-based number of each line that is not plain, with the text to tokenize for it."""
    kept: dict[int, str] = {}
    continued: list[int] = []  # lines after a backslash: they may continue a string
    for row in _rows_matching(SPECIAL, text):
        written = special_line(lines[row])
        if written is not None:
            kept[row] = written
            if written.endswith(("\\", "\\\r")) and row + 1 < len(lines):
                continued.append(row + 1)
    for row in _rows_at(text, (m.start() for m in _DEFINITION.finditer(f"\n{text}"))):
        kept[row] = definition_line(lines[row])
    for row in [*link_rows(text), *continued]:
        kept[row] = lines[row]
    return kept


def special_line(line: str) -> str | None:
    """What to tokenize for a line holding a `SPECIAL` character: `@_` for a decorator that
    closes what it opens, the line itself when it may not (it is `line`), None when plain."""
    stripped = line.lstrip(" \t\f")
    if stripped.startswith("@") and _self_contained(stripped[1:]):
        return f"{_indent(line)}@_"
    return None if _self_contained(line) else line


def definition_line(line: str) -> str:
    """What to tokenize for a line starting with `def` or `class`: `def name:` for a header
    that ends its line and closes what it opens, else the line."""
    header = _HEADER.match(line)
    code = _code_of(line)
    return (f"{header.group()}:" if header is not None and code is not None
            and code.rstrip().endswith(":") and _self_contained(line) else line)


def link_rows(text: str) -> Iterator[int]:
    """0-based numbers of the lines holding a link's text (`str.find` is the fastest scan)."""
    for needle in LINK_NEEDLES:
        yield from _rows_at(text, _found(needle, text))


def _found(needle: str, text: str) -> Iterator[int]:
    position = text.find(needle)
    while position >= 0:
        yield position
        position = text.find(needle, position + len(needle))


def _rows_at(text: str, offsets: Iterator[int]) -> Iterator[int]:
    """The 0-based line number of each offset (ascending) in `text`."""
    row = previous = 0
    for offset in offsets:
        row += text.count("\n", previous, offset)
        previous = offset
        yield row


def _rows_matching(pattern: re.Pattern[str], text: str) -> Iterator[int]:
    """0-based numbers of the lines in which `pattern` finds something."""
    row = position = 0  # `position` starts line `row`
    while (match := pattern.search(text, position)) is not None:
        row += text.count("\n", position, match.start())
        yield row
        position = text.find("\n", match.end()) + 1
        if position == 0:
            return
        row += 1


def _self_contained(line: str) -> bool:
    """Whether a line closes every string and bracket it opens (and holds no `@`)."""
    code = _code_of(line)
    if code is None or "@" in code:
        return False
    code = _ONE_LINE_STRING.sub("", code) if "'" in code or '"' in code else code
    opened = code.count("(") + code.count("[") + code.count("{")
    return opened == code.count(")") + code.count("]") + code.count("}")


def _code_of(line: str) -> str | None:
    """The line without its comment; None if it may open or close a multi-line string or
    continue on the next line."""
    if "\\" in line or "'''" in line or '"""' in line:
        return None
    if "'" not in line and '"' not in line:
        return line.partition("#")[0]
    match = _CODE.match(line)
    code = match.group() if match else ""
    return code if line[len(code):len(code) + 1] in ("", "#") else None


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip(" \t\f"))]
