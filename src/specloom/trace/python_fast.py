"""The tokens of a Python file's lean copy, written without running `tokenize` over the file.

`python_lean.lean_lines` writes a lean copy of a file for `tokenize`. In a file where every
line it keeps whole closes what it opens (no string, bracket or backslash continuing on the next
line), each line of that copy is one logical line, so its tokens can be written directly, and
the lines `tokenize` never needed need not be looked at one by one: one regular expression finds
the runs of plain statements at one indentation (lines without a `SPECIAL` character or a
definition) and every other statement line, and only those others, the lines holding a link and
the comment lines holding a `SPECIAL` character are read in Python, with the same rules as
`python_lean` (`special_line`, `definition_line`). A run is the one token `_`, a shortened
decorator `@ _`, a shortened header its words and `:`, a comment line its comment, a decorator of
names, dots, calls and one-line strings `@` and the expression, a one-string statement its
string, and any other kept line its own tokens (`tokenize` over that line alone). Indentation
tokens follow `tokenize`'s rules. Tokens carry the line numbers of the file.

What comes out is what `tokenize` gives for the lean copy; a file this cannot be sure of (a line
that may stay open, tabs or form feeds in an indentation, a dedent to no outer level, a NUL, a
token `tokenize` would reject) gives None, and is read through `tokenize`.
"""

from __future__ import annotations

import io
import re
import tokenize
from bisect import bisect_left
from dataclasses import dataclass, field
from token import COMMENT, DEDENT, ENDMARKER, ERRORTOKEN, INDENT, NAME, NEWLINE, NL, OP, STRING

from specloom.trace.python_lean import (
    DEFINITION_LINE,
    SPECIAL,
    definition_line,
    link_rows,
    special_line,
)

_PLAIN = r"""[^'"\\()\[\]{}@\n]*+"""  # no SPECIAL character
_STATEMENT = r"(?=[^ \t\f#\r\n])(?!(?:async[ \t]+)?(?:def|class)\b)"  # and no definition
_QUIET = rf"[ \t\f]*+(?:[#\r]{_PLAIN})?\n"  # a blank line, or a comment without SPECIAL
_UNIT = re.compile(  # quiet lines, then a run of plain statements or any other line
    rf"(?:{_QUIET})*+(?P<unit>(?P<indent> *){_STATEMENT}{_PLAIN}(?![^\n])"
    rf"(?:\n(?:{_QUIET})*+(?P=indent){_STATEMENT}{_PLAIN}(?![^\n]))*+"
    r"|[^\n]++)?")
# a decorator whose expression `tokenize` reads from its first to its last character
_SIMPLE_DECORATOR = re.compile(
    r"( *)@ *([A-Za-z_][A-Za-z0-9_.]*(?:\((?:[A-Za-z0-9_ .,=+\-*/%<>&|^~:]"
    r"|\"[^\"\\\r\n]*\"|'[^'\\\r\n]*')*\))?) *(#[^\r\n]*)?\r?")
# a statement that is one string (a docstring, mostly)
_STRING_LINE = re.compile(
    r"""( *)([rRuU]?(?:"{3}(?:[^"\\\r\n]|"(?!""))*"{3}|'{3}(?:[^'\\\r\n]|'(?!''))*'{3}"""
    r"""|"[^"\\\r\n]*"|'[^'\\\r\n]*')) *(#[^\r\n]*)?\r?""")
_SKIPPED = frozenset({INDENT, DEDENT, NEWLINE, NL, ENDMARKER})
_INDENT, _DEDENT, _NEWLINE = (tokenize.TokenInfo(kind, "", (0, 0), (0, 0), "")
                              for kind in (INDENT, DEDENT, NEWLINE))  # positions unread


class _NotSure(Exception):
    """The file is read through `tokenize` instead."""


@dataclass(slots=True)
class LeanTokens:
    """The tokens of the lean copy (line numbers of the file) and the shortened lines."""

    tokens: list[tokenize.TokenInfo] = field(default_factory=list)
    shortened: set[int] = field(default_factory=set)


def lean_tokens(text: str, lines: list[str]) -> LeanTokens | None:
    """The tokens `tokenize` gives for `python_lean.lean_lines(text, lines)` (with the line
    numbers of `text`), or None."""
    if "\0" in text:
        return None
    writer = _Writer(text, lines, sorted(set(link_rows(text))))
    try:
        writer.write()
    except _NotSure:
        return None
    return writer.lean


@dataclass(slots=True)
class _Writer:
    text: str
    lines: list[str]
    links: list[int]  # 0-based numbers of the lines holding a link's text, ascending
    lean: LeanTokens = field(default_factory=LeanTokens)
    indents: list[int] = field(default_factory=lambda: [0])
    run: tuple[int, int, str] | None = None  # plain statements not yet written: lines, indent

    def write(self) -> None:
        text, position, row = self.text, 0, 0  # `position` starts line `row` (0-based)
        while True:
            match = _UNIT.match(text, position)  # it always matches: all of it is optional
            start = match.start("unit") if match is not None else -1
            if match is None or start < 0:
                self._quiet(row, len(self.lines) - 1)
                break
            first = row + text.count("\n", position, start)
            self._quiet(row, first - 1)
            end = match.end()
            last = first + text.count("\n", start, end)
            if match.group("indent") is not None:
                self._run(first, last, match.group("indent"))
            else:
                self._line(first)
            if end >= len(text):
                break
            position, row = end + 1, last + 1
        self._flush()
        self.lean.tokens.extend(_DEDENT for _ in self.indents[1:])

    def _quiet(self, first: int, last: int) -> None:
        """Blank lines and comments without a SPECIAL character: kept when holding a link."""
        for row in self._links_in(first, last):
            self._kept(row, self.lines[row])

    def _run(self, first: int, last: int, indent: str) -> None:
        """Plain statements at one indentation on lines first..last, blank and comment lines
        between them; a line holding a link is kept."""
        links = self._links_in(first, last)
        if not links:
            self._plain(first, last, indent)
            return
        for row in range(first, last + 1):
            line = self.lines[row]
            if row in links:
                self._kept(row, line)
            elif line.lstrip(" \t\f")[:1] not in ("", "#", "\r"):
                self._plain(row, row, indent)

    def _line(self, row: int) -> None:
        """A statement the regular expression did not take for plain, or a comment line (or a
        blank one) with a SPECIAL character."""
        line = self.lines[row]
        if line.lstrip(" \t\f")[:1] in ("", "#", "\r"):
            if self._links_in(row, row) or (SPECIAL.search(line) and special_line(line)):
                self._kept(row, line)
            return
        written = special_line(line) if SPECIAL.search(line) else None
        if DEFINITION_LINE.match(line):
            written = definition_line(line)
        if self._links_in(row, row):
            written = line
        if written is None:
            self._plain(row, row, line[:len(line) - len(line.lstrip(" \t\f"))])
        else:
            self._kept(row, written)

    def _links_in(self, first: int, last: int) -> list[int]:
        index = bisect_left(self.links, first)
        found = []
        while index < len(self.links) and self.links[index] <= last:
            found.append(self.links[index])
            index += 1
        return found

    # writing ----------------------------------------------------------------------------------
    def _plain(self, first: int, last: int, indent: str) -> None:
        if self.run is not None and self.run[2] == indent:
            self.run = (self.run[0], last, indent)
            return
        self._flush()
        self.run = (first, last, indent)

    def _flush(self) -> None:
        if self.run is not None:
            first, last, indent = self.run
            self.run = None
            self._indent(indent)
            self._add(NAME, "_", (first + 1, len(indent)), (last + 1, len(indent) + 1), "")
            self.lean.tokens.append(_NEWLINE)

    def _kept(self, row: int, written: str) -> None:
        self._flush()
        line = self.lines[row]
        if written is line:
            if line.count('"""') % 2 or line.count("'''") % 2 or line.rstrip("\r").endswith("\\"):
                raise _NotSure  # surely left open
            self._verbatim(line, row + 1)
        else:
            self.lean.shortened.add(row + 1)
            self._shortened(written, row + 1)

    def _indent(self, indent: str) -> None:
        if "\t" in indent or "\f" in indent:
            raise _NotSure  # columns of tabs and form feeds differ between tokenizers
        column, indents = len(indent), self.indents
        if column > indents[-1]:
            indents.append(column)
            self.lean.tokens.append(_INDENT)
            return
        if column not in indents:
            raise _NotSure  # tokenize raises IndentationError: the careful reading reports it
        while indents[-1] > column:
            indents.pop()
            self.lean.tokens.append(_DEDENT)

    def _add(self, kind: int, string: str, start: tuple[int, int], end: tuple[int, int],
             line: str) -> None:
        self.lean.tokens.append(tokenize.TokenInfo(kind, string, start, end, line))

    def _shortened(self, written: str, number: int) -> None:
        """`@_` or `def name:` (with its indentation) for line `number`."""
        words = written.split()
        indent = written[:len(written) - len(written.lstrip(" \t\f"))]
        self._indent(indent)
        if words == ["@_"]:
            self._add(OP, "@", (number, len(indent)), (number, len(indent) + 1), "")
            self._add(NAME, "_", (number, len(indent) + 1), (number, len(indent) + 2), "")
        elif words[-1][:-1].isidentifier():
            column = len(indent)
            for word in [*words[:-1], words[-1][:-1]]:
                column = written.index(word, column)
                self._add(NAME, word, (number, column), (number, column + len(word)), "")
                column += len(word)
            self._add(OP, ":", (number, column), (number, column + 1), "")
        else:
            raise _NotSure  # `def 1a:` is a number and a name to tokenize
        self.lean.tokens.append(_NEWLINE)

    def _verbatim(self, line: str, number: int) -> None:
        """A line kept as it is: a comment, a simple decorator or string, any other line."""
        stripped = line.lstrip(" \t\f")
        if not stripped or stripped[0] == "\r":
            return  # tokenize reads a line starting with CR as a blank line
        indent = line[:len(line) - len(stripped)]
        if stripped[0] == "#":
            comment = stripped.rstrip("\r\n")
            self._add(COMMENT, comment, (number, len(indent)),
                      (number, len(indent) + len(comment)), line)
            return
        self._indent(indent)
        if stripped[0] == "@" and (match := _SIMPLE_DECORATOR.fullmatch(line)) is not None:
            self._add(OP, "@", (number, len(match.group(1))), (number, len(match.group(1)) + 1),
                      line)
            self._add(NAME, match.group(2), (number, match.start(2)), (number, match.end(2)),
                      line)  # the whole expression: `_decorator` reads its text from the line
        elif stripped[0] in "\"'rRuU" and (match := _STRING_LINE.fullmatch(line)) is not None:
            self._add(STRING, match.group(2), (number, match.start(2)), (number, match.end(2)),
                      line)
        else:
            self.lean.tokens.extend(_tokens_alone(line, number))
            self.lean.tokens.append(_NEWLINE)
            return
        if match.group(3) is not None:
            self._add(COMMENT, match.group(3), (number, match.start(3)), (number, match.end(3)),
                      line)
        self.lean.tokens.append(_NEWLINE)


def _tokens_alone(line: str, number: int) -> list[tokenize.TokenInfo]:
    """The tokens of one line that closes what it opens, numbered as line `number`."""
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(line + "\n").readline):
            if token.type in _SKIPPED:
                continue
            if token.type == ERRORTOKEN and not token.string.isspace():
                raise _NotSure  # the careful reading says what is wrong with the line
            found.append(token._replace(start=(number, token.start[1]),
                                        end=(number, token.end[1])))
    except (tokenize.TokenError, SyntaxError):
        raise _NotSure from None
    return found
