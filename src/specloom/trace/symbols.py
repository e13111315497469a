"""Python symbols in workspace files: parsed once, found by qualified name, fingerprinted.

A symbol is a function, a class, or a method or class inside a class, named by its qualified
name in its file (`Signer.secret_key`); functions nested in functions belong to the body of
the outer one. Its body fingerprint is the sha256 of `ast.dump` of its node with every docstring
removed: comments, blank lines, formatting, line positions and docstrings do not count, any
change to code (a constant, an operator, a name, a decorator) does.

This module reads files; it never imports or runs them and never writes. A file outside the
workspace, missing, special (FIFO, device), too large or not parseable is reported as
`Unreadable` with the reason, never raised.
"""

from __future__ import annotations

import ast
import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path

from specloom.spec.source import read_text_bounded

DefNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A parsed Python file: `path` relative to the workspace root (forward slashes)."""

    path: str
    text: str
    tree: ast.Module
    defs: dict[str, DefNode]


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why a file gives no symbols; `missing` when it does not exist at all."""

    path: str
    reason: str
    missing: bool = False


def parse_python(path: str, text: str) -> ParsedFile | Unreadable:
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        return Unreadable(path, f"syntax error at line {exc.lineno}: {exc.msg}")
    except (ValueError, RecursionError, MemoryError) as exc:
        return Unreadable(path, f"cannot parse: {type(exc).__name__}")
    return ParsedFile(path, text, tree, index_defs(tree))


def index_defs(tree: ast.Module) -> dict[str, DefNode]:
    """Qualified name -> node for top-level functions and classes and everything in classes."""
    found: dict[str, DefNode] = {}
    pending: list[tuple[str, list[ast.stmt]]] = [("", tree.body)]
    while pending:
        prefix, body = pending.pop()
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + node.name
                found.setdefault(name, node)
                if isinstance(node, ast.ClassDef):
                    pending.append((name + ".", node.body))
    return found


def body_fingerprint(node: DefNode) -> str:
    """sha256 of the node's `ast.dump` with every docstring in it removed.

    Raises RecursionError for code nested too deeply to dump (callers treat it as unreadable).
    """
    clone = copy.deepcopy(node)
    for sub in ast.walk(clone):
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) \
                and _has_docstring(sub):
            sub.body = sub.body[1:]
    return hashlib.sha256(ast.dump(clone).encode("utf-8")).hexdigest()


def _has_docstring(node: DefNode) -> bool:
    first = node.body[0] if node.body else None
    return (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str))


def symbol_source(parsed: ParsedFile, node: DefNode) -> str:
    """The symbol's lines as written, from its first decorator to its last line."""
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])  # first decorator
    end = node.end_lineno or node.lineno
    return "".join(parsed.text.splitlines(keepends=True)[start - 1:end])


def is_test_path(path: str) -> bool:
    """A test module (or conftest): its code is the test, not code under test."""
    name = path.rsplit("/", 1)[-1]
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


class SymbolIndex:
    """Parsed Python files of one workspace, each read at most once per index."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._files: dict[str, ParsedFile | Unreadable] = {}
        self._texts: dict[str, str | Unreadable] = {}

    def file(self, path: str) -> ParsedFile | Unreadable:
        """The parsed file at `path` (relative to the root), or why it cannot be read."""
        cached = self._files.get(path)
        if cached is None:
            text = self.text(path)
            cached = self._files[path] = (text if isinstance(text, Unreadable)
                                          else parse_python(path, text))
        return cached

    def text(self, path: str) -> str | Unreadable:
        """The text of the Python file at `path`, or why it cannot be read."""
        cached = self._texts.get(path)
        if cached is None:
            cached = self._texts[path] = self._read(path)
        return cached

    def relative(self, path: Path) -> str:
        """`path` relative to the root (forward slashes) when inside it, else as given."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except (OSError, RuntimeError, ValueError):
            return path.as_posix()

    def symbol(self, path: str, qualname: str) -> DefNode | None:
        parsed = self.file(path)
        return parsed.defs.get(qualname) if isinstance(parsed, ParsedFile) else None

    def _read(self, path: str) -> str | Unreadable:
        if not path.endswith((".py", ".pyi")):
            return Unreadable(path, "not a Python file")
        target = self.root / path
        try:
            resolved = target.resolve()
            resolved.relative_to(self.root)
        except (OSError, RuntimeError, ValueError):
            return Unreadable(path, "outside the workspace")
        if not resolved.exists():
            return Unreadable(path, "no such file", missing=True)
        try:
            return read_text_bounded(resolved, MAX_FILE_BYTES)
        except OSError as exc:
            return Unreadable(path, f"unreadable: {exc.strerror or exc}")
