"""Links in Python files, read from the standard library's `tokenize` tokens.

The tokens say exactly what is a comment, a string, a docstring, a decorator and a definition,
so a tag counts only in a comment or a docstring, and a `req` marker only as code. A marker
belongs to what it decorates (a class marker or `pytestmark` to every test under it). A tag in a
docstring or in a comment inside a body belongs to the innermost enclosing function or class; a
tag in a comment block directly above a definition belongs to that definition; a tag elsewhere
belongs to the module (in a test file: to all its tests). A line that cannot be tokenized (a
bracket never closed, a stray character) is read again with that line taken for a plain
statement, with a problem naming it; a file with a string never closed or broken indentation
is read with the line heuristic of `generic_scan`, with a problem saying why. Syntax is not
checked beyond the tokens, and nothing read is imported or run.

`tokenize` costs about a microsecond a token, so `python_lean.lean_lines` first leaves out the
lines that cannot change what the tokens say; line numbers are mapped back.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from keyword import iskeyword
from token import COMMENT, DEDENT, ENDMARKER, ERRORTOKEN, INDENT, NAME, NEWLINE, NL, OP, STRING
from typing import Literal

from specloom.trace.generic_scan import scan_generic
from specloom.trace.links import Link, ScanProblem
from specloom.trace.python_fast import lean_tokens
from specloom.trace.python_lean import lean_lines
from specloom.trace.python_markers import (
    MARKER_PROBLEM,
    is_given,
    parse,
    pytestmark_values,
    req_markers,
    simple_marker,
)
from specloom.trace.python_statements import (
    CLOSING,
    OPENING,
    Tokens,
    after_header_colon,
    simple_statements,
    tags_in,
)

NEEDLES = ("specloom:", "Feature:", "mark.req")
MAX_BROKEN_LINES = 3


def is_test_file(path: str) -> bool:
    name = os.path.basename(path)
    return name.startswith("test_") or name.endswith("_test.py")


def scan_python(path: str, text: str, fast: bool = True) -> tuple[list[Link], list[ScanProblem]]:
    """Links in one Python file, with a problem for each line that cannot be tokenized.

    A line with a bracket never closed or a stray character is read as a plain statement (a
    header as `def name:`) and the file read again, up to `MAX_BROKEN_LINES` times; a string
    never closed or a broken indentation sends the file to the line heuristic. With `fast`, a
    file whose lines each close what they open is read from tokens `python_fast` writes, which
    are those `tokenize` gives (`fast=False`: always through `tokenize`)."""
    if not any(needle in text for needle in NEEDLES):
        return [], []
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    written = lean_tokens(text, lines) if fast else None
    if written is not None:
        numbers = range(1, len(lines) + 1)  # the tokens carry the file's line numbers
        reader = _Reader(path, lines, numbers, numbers, written.shortened)
        try:
            reader.read(iter(written.tokens))
            return reader.links(), reader.problems
        except _Untokenizable:
            pass  # not expected (the tokens are those of whole lines): read it through tokenize
    broken: dict[int, str] = {}  # 0-based line -> why it cannot be tokenized
    while True:
        lean = lean_lines(text, lines, broken)
        reader = _Reader(path, lines, lean.rows, lean.last_rows, lean.shortened)
        try:
            reader.read(tokenize.generate_tokens(io.StringIO(lean.text).readline))
        except _Untokenizable as exc:
            if exc.line_only and exc.line - 1 not in broken and len(broken) < MAX_BROKEN_LINES:
                broken[exc.line - 1] = exc.reason
                continue
            problem = ScanProblem(path, exc.line, f"cannot parse Python ({exc.reason}); "
                                                  "links read with the line heuristic")
            links, problems = scan_generic(path, text, python=True)
            return links, [problem, *problems]
        return reader.links(), [
            *(ScanProblem(path, row + 1, f"cannot parse Python ({reason}); the line is "
                                         "skipped") for row, reason in sorted(broken.items())),
            *reader.problems]


class _Untokenizable(Exception):
    def __init__(self, line: int, reason: str, line_only: bool = False) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason
        self.line_only = line_only  # reading the line as a plain statement may mend the file


@dataclass(slots=True)
class _Def:
    name: str
    qualname: str
    start: int  # first decorator line
    end: int    # last line of the body
    is_class: bool
    is_test: bool
    given: bool
    nodeid: str | None


@dataclass(slots=True)
class _Hit:
    line: int
    owner: _Def | None  # markers only; a tag's owner is found once every definition is known
    spec: str
    criteria: list[str]
    prop: int | None
    via: str
    comment_only: bool = False  # a tag in a comment alone on its line


@dataclass(slots=True)
class _Reader:
    """One pass over the tokens: definitions with their lines, tags, markers."""

    path: str
    lines: list[str]  # of the original text
    rows: Sequence[int]   # the original line number of each tokenized line
    last_rows: Sequence[int]  # the last original line each tokenized line stands for
    shortened: set[int]  # original line numbers of the lines tokenized shortened
    test_file: bool = False
    defs: list[_Def] = field(default_factory=list)
    hits: list[_Hit] = field(default_factory=list)
    problems: list[ScanProblem] = field(default_factory=list)
    statement_ends: set[int] = field(default_factory=set)  # first and last lines of statements
    blocks: list[_Def | None] = field(default_factory=list)  # None: the block of an if, for...
    decorators: list[Tokens] = field(default_factory=list)
    awaiting_body: _Def | None = None  # a definition whose header ended its line
    docstring_next: bool = True  # the next statement opens a module, class or function
    last_line: int = 0  # the last line of the last statement read

    def __post_init__(self) -> None:
        self.test_file = is_test_file(self.path)

    def row(self, position: tuple[int, int]) -> int:
        return self.rows[position[0] - 1] if position[0] <= len(self.rows) else len(self.lines)

    # reading tokens ------------------------------------------------------------------------
    def read(self, tokens: Iterator[tokenize.TokenInfo]) -> None:
        statement: Tokens = []
        try:
            for token in tokens:
                kind = token.type
                if kind in (NL, ENDMARKER):
                    continue
                if kind == COMMENT:
                    self._comment(token)
                    continue
                if self.awaiting_body is not None and kind != INDENT:
                    self.awaiting_body = None  # a header without a body: its end is its line
                if kind == NEWLINE:
                    self._statement(statement)
                    statement = []
                elif kind == INDENT:
                    self.blocks.append(self.awaiting_body)
                    self.docstring_next = self.awaiting_body is not None
                    self.awaiting_body = None
                elif kind == DEDENT:
                    block = self.blocks.pop()
                    if block is not None:
                        block.end = self.last_line
                elif kind == ERRORTOKEN:
                    if not token.string.isspace():
                        reason = ("a string is never closed" if token.string in "'\""
                                  else f"unexpected {token.string!r}")
                        raise _Untokenizable(self.row(token.start), reason, line_only=True)
                else:
                    statement.append(token)
        except tokenize.TokenError as exc:
            raise self._unclosed(statement, exc) from None
        except SyntaxError as exc:  # IndentationError, or the C tokenizer of Python 3.12+
            line = self.row((exc.lineno, 0)) if exc.lineno else 1
            raise _Untokenizable(line, exc.msg) from None

    def _unclosed(self, statement: Tokens, exc: tokenize.TokenError) -> _Untokenizable:
        opened: list[tokenize.TokenInfo] = []
        for token in statement:
            if token.type == OP and token.string in OPENING:
                opened.append(token)
            elif token.type == OP and token.string in CLOSING and opened:
                opened.pop()
        position = exc.args[1] if len(exc.args) > 1 else (len(self.rows), 0)
        if str(exc.args[0]).startswith("unterminated string"):  # Python 3.12+: one line
            return _Untokenizable(self.row(position), "a string is never closed", line_only=True)
        if opened:
            return _Untokenizable(self.row(opened[-1].start),
                                  f"{opened[-1].string!r} is never closed", line_only=True)
        return _Untokenizable(self.row(position), "a string is never closed")

    def _comment(self, token: tokenize.TokenInfo) -> None:
        if "specloom:" in token.string or "Feature:" in token.string:
            alone = not token.line[:token.start[1]].strip()
            for line, spec, criteria, prop, via in tags_in(token.string, self.row(token.start)):
                self.hits.append(_Hit(line, None, spec, criteria, prop, via, alone))

    def _statement(self, tokens: Tokens) -> None:
        if not tokens:
            return
        last = tokens[-1].end[0]
        self.last_line = self.last_rows[last - 1] if last <= len(self.rows) else len(self.lines)
        self.statement_ends.update((self.row(tokens[0].start), self.last_line))
        if self.docstring_next:
            self.docstring_next = False
            self._docstring(tokens)
        head = tokens[0]
        if head.string == "_" and len(tokens) == 1:  # plain statements (`python_lean`)
            self.decorators = []
            return
        if head.type == OP and head.string == "@":
            self.decorators.append(tokens)
            return
        keyword = head.string if head.type == NAME else ""
        if keyword == "async" and len(tokens) > 1 and tokens[1].string == "def":
            keyword = "def"
        if keyword in ("def", "class"):
            self._definition(tokens, keyword == "class")
            return
        self.decorators = []
        block = self.blocks[-1] if self.blocks else None
        if not self.blocks or (block is not None and block.is_class):
            self._pytestmark(tokens, block)

    def _definition(self, tokens: Tokens, is_class: bool) -> None:
        name = next((t.string for t in tokens[1:] if t.type == NAME and t.string != "def"), "")
        parents = [block for block in self.blocks if block is not None]
        names = [*(p.name for p in parents), name]
        is_test = (self.test_file and not is_class and name.startswith("test")
                   and all(p.is_class and p.name.startswith("Test") for p in parents))
        decorators, self.decorators = self.decorators, []
        start = self.row((decorators or [tokens])[0][0].start)
        definition = _Def(name, ".".join(names), start, self.last_line, is_class, is_test,
                          False, f"{self.path}::{'::'.join(names)}" if is_test else None)
        self.defs.append(definition)
        for decorator in decorators:
            self._decorator(decorator, definition)
        body = after_header_colon(tokens)
        if body is None:
            self.awaiting_body = definition
            return
        self._docstring(body)  # the body on the header's line: `def f(): "doc"`
        if is_class:
            self._pytestmark(body, definition)

    def _docstring(self, tokens: Tokens) -> None:
        strings = []
        for token in tokens:
            if token.type != STRING:
                if token.type == OP and token.string == ";":
                    break
                return
            if set(token.string[:token.string.index(token.string[-1])].lower()) & {"b", "f"}:
                return  # bytes or an f-string: not a docstring
            strings.append(token)
        for token in strings:
            text = self._source([token])  # the tokenized copy may lack some of its lines
            for line, spec, criteria, prop, via in tags_in(text, self.row(token.start)):
                self.hits.append(_Hit(line, None, spec, criteria, prop, via))

    # markers -------------------------------------------------------------------------------
    def _decorator(self, tokens: Tokens, definition: _Def) -> None:
        """Note Hypothesis's `given`, and the req markers, among a definition's decorators."""
        row = self.row(tokens[0].start)
        if row in self.shortened:
            line = self.lines[row - 1]
            source = line[line.index("@") + 1:]
        elif len(tokens) > 1:
            row, source = self.row(tokens[1].start), self._source(tokens[1:])
        else:
            return
        if "given" in source or "req" in source:
            simple = simple_marker(source)
            if simple is not None:  # `pytest.mark.req("cart", "1.2")`: read without `ast`
                self._marker_found(row, definition, simple[0])
                return
            expression = self._parse(f"(\n{source}\n)", row, "eval")
            if isinstance(expression, ast.Expression):
                definition.given = definition.given or is_given(expression.body)
                self._markers(expression.body, definition, row - 2)

    def _pytestmark(self, tokens: Tokens, owner: _Def | None) -> None:
        """The markers of each `pytestmark = ...` among the simple statements of a line."""
        for statement in simple_statements(tokens):
            if statement[0].type == NAME and not iskeyword(statement[0].string) and any(
                    t.string == "pytestmark" and n.string == "=" for t, n in pairwise(statement)):
                row = self.row(statement[0].start)
                module = self._parse(self._source(statement), row, "exec")
                for value in pytestmark_values(module) if isinstance(module, ast.Module) else []:
                    self._markers(value, owner, row - 1)

    def _parse(self, source: str, row: int, mode: Literal["eval", "exec"]) -> ast.AST | None:
        try:
            return parse(source, mode)
        except (SyntaxError, ValueError) as exc:
            self.problems.append(ScanProblem(
                self.path, row, f"cannot parse Python ({getattr(exc, 'msg', exc)})"))
            return None

    def _markers(self, expression: ast.expr, owner: _Def | None, offset: int) -> None:
        for line, targets in req_markers(expression):
            self._marker_found(line + offset, owner, targets)

    def _marker_found(self, line: int, owner: _Def | None,
                      targets: tuple[str, list[str]] | None) -> None:
        if targets is None:
            self.problems.append(ScanProblem(self.path, line, MARKER_PROBLEM))
        else:
            self.hits.append(_Hit(line, owner, *targets, None, "marker"))

    def _source(self, tokens: Tokens) -> str:
        """The original text from the start of the first token to the end of the last."""
        first, last = self.row(tokens[0].start), self.row(tokens[-1].end)
        column, end = tokens[0].start[1], tokens[-1].end[1]
        if first == last:
            return self.lines[first - 1][column:end]
        return "\n".join([self.lines[first - 1][column:], *self.lines[first:last - 1],
                          self.lines[last - 1][:end]])

    # links ---------------------------------------------------------------------------------
    def links(self) -> list[Link]:
        self.defs.sort(key=lambda d: d.start)
        starts = [d.start for d in self.defs]
        links: list[Link] = []
        for hit in sorted(self.hits, key=lambda h: h.line):
            owner = hit.owner if hit.via == "marker" else self._owner_of(hit, starts)
            links += self._links(owner, hit)
        return links

    def _owner_of(self, hit: _Hit, starts: list[int]) -> _Def | None:
        index = bisect_right(starts, hit.line)
        if hit.comment_only and index < len(self.defs):
            following = self.defs[index]
            if self.statement_ends.isdisjoint(range(hit.line + 1, following.start)):
                return following  # only comments and blank lines between
        for candidate in reversed(self.defs[:index]):
            if candidate.end >= hit.line:
                return candidate
        return None

    def _links(self, owner: _Def | None, hit: _Hit) -> list[Link]:
        tests = self._tests_under(owner)
        targets = [(c, None) for c in hit.criteria] if hit.prop is None else [(None, hit.prop)]
        links = []
        for criterion, number in targets:
            if tests:
                links += [Link(hit.spec, criterion, number, self.path, hit.line, test.qualname,
                               "test", hit.via, test.nodeid, test.given) for test in tests]
            else:
                links.append(Link(hit.spec, criterion, number, self.path, hit.line,
                                  owner.qualname if owner is not None else None, "code",
                                  hit.via))
        return links

    def _tests_under(self, owner: _Def | None) -> list[_Def]:
        if owner is None:
            return [d for d in self.defs if d.is_test]
        if owner.is_test:
            return [owner]
        prefix = owner.qualname + "."
        return [d for d in self.defs if d.is_test and d.qualname.startswith(prefix)]
