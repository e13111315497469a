"""Links in Python files, attached with `ast` to the function or class they belong to.

A marker belongs to what it decorates (a class marker or `pytestmark` to every test under
it). A tag in a docstring or in a comment inside a body belongs to the innermost enclosing
function or class; a tag in a comment block directly above a definition belongs to that
definition; a tag elsewhere belongs to the module (in a test file: to all its tests).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass

from specloom.trace.generic_scan import scan_generic
from specloom.trace.links import (
    PROPERTY_TAG,
    TAG,
    Link,
    ScanProblem,
    criteria_of_tag,
    in_comment,
    marker_targets,
)
from specloom.trace.python_fast import scan_python_fast

DefNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass(frozen=True, slots=True)
class _Def:
    qualname: str
    start: int  # first decorator line
    end: int
    is_class: bool
    is_test: bool
    given: bool
    nodeid: str | None
    node: DefNode


def is_test_file(path: str) -> bool:
    name = os.path.basename(path)
    return name.startswith("test_") or name.endswith("_test.py")


def scan_python(path: str, text: str) -> tuple[list[Link], list[ScanProblem]]:
    """Links in one Python file; a file that does not parse falls back to the line heuristic."""
    tags = list(TAG.finditer(text)) if "specloom:" in text else []
    prop_tags = list(PROPERTY_TAG.finditer(text)) if "Feature:" in text else []
    if not tags and not prop_tags and "mark.req" not in text:
        return [], []
    fast = scan_python_fast(path, text, is_test_file(path))
    if fast is not None:
        return fast, []
    return scan_python_exact(path, text)


def scan_python_exact(path: str, text: str) -> tuple[list[Link], list[ScanProblem]]:
    """Links in one Python file read with `ast` (the line heuristic if it does not parse)."""
    tags = list(TAG.finditer(text)) if "specloom:" in text else []
    prop_tags = list(PROPERTY_TAG.finditer(text)) if "Feature:" in text else []
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        problem = ScanProblem(path, line, f"cannot parse Python ({getattr(exc, 'msg', exc)}); "
                                          "links read with the line heuristic")
        links, problems = scan_generic(path, text, python=True)
        return links, [problem, *problems]
    scanner = _PythonFile(path, text, tree)
    scanner.read_markers()
    docstrings = _docstring_lines(tree)
    strings = _string_lines(tree, docstrings)
    for match in sorted([*tags, *prop_tags], key=lambda m: m.start()):
        if not _in_comment_or_docstring(text, match.start(), docstrings, strings):
            continue  # a tag inside an ordinary string literal is test data, not a link
        if match.re is TAG:
            scanner.add_tag(match.start(), match.group(1), criteria_of_tag(match.group(2)), None)
        else:
            scanner.add_tag(match.start(), match.group(1), [], int(match.group(2)))
    return scanner.links, scanner.problems


def _docstring_lines(tree: ast.Module) -> list[tuple[int, int]]:
    """(first, last) lines of the module, class and function docstrings."""
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | DefNode) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                spans.append((first.lineno, first.end_lineno or first.lineno))
    return spans


def _string_lines(tree: ast.Module, docstrings: list[tuple[int, int]]) -> set[int]:
    """Lines inside multi-line string literals that are not docstrings."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.end_lineno and node.end_lineno > node.lineno \
                and (node.lineno, node.end_lineno) not in docstrings:
            lines.update(range(node.lineno + 1, node.end_lineno + 1))
    return lines


def _in_comment_or_docstring(text: str, offset: int, docstrings: list[tuple[int, int]],
                             strings: set[int]) -> bool:
    line = text.count("\n", 0, offset) + 1
    if any(first <= line <= last for first, last in docstrings):
        return True
    return line not in strings and in_comment(text[text.rfind("\n", 0, offset) + 1:offset])


class _PythonFile:
    def __init__(self, path: str, text: str, tree: ast.Module) -> None:
        self.path = path
        self.text = text
        self.tree = tree
        self.test_file = is_test_file(path)
        self.defs: list[_Def] = []
        self.links: list[Link] = []
        self.problems: list[ScanProblem] = []
        self._lines: list[str] | None = None
        self._collect(tree.body, [], True)
        self.defs.sort(key=lambda d: d.start)

    def _collect(self, body: list[ast.stmt], parents: list[str], test_scope: bool) -> None:
        for node in body:
            if not isinstance(node, DefNode):
                continue
            names = [*parents, node.name]
            is_class = isinstance(node, ast.ClassDef)
            is_test = (self.test_file and test_scope and not is_class
                       and node.name.startswith("test"))
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            self.defs.append(_Def(
                ".".join(names), start, node.end_lineno or node.lineno, is_class, is_test,
                _uses_given(node), f"{self.path}::{'::'.join(names)}" if is_test else None,
                node))
            inner_scope = test_scope and is_class and node.name.startswith("Test")
            self._collect(node.body, names, inner_scope)

    # markers -------------------------------------------------------------------------
    def read_markers(self) -> None:
        self._markers_in(self.tree.body, None)
        for item in self.defs:
            for decorator in item.node.decorator_list:
                self._add_markers(decorator, item)
            if item.is_class:
                self._markers_in(item.node.body, item)

    def _markers_in(self, body: list[ast.stmt], owner: _Def | None) -> None:
        for statement in body:
            if isinstance(statement, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "pytestmark" for t in statement.targets):
                self._add_markers(statement.value, owner)

    def _add_markers(self, expression: ast.expr, owner: _Def | None) -> None:
        calls = expression.elts if isinstance(expression, ast.List | ast.Tuple) else [expression]
        for call in calls:
            if not _is_req_call(call):
                continue
            assert isinstance(call, ast.Call)
            args = [a.value for a in call.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            targets = marker_targets(args) if len(args) == len(call.args) else None
            if targets is None or not targets[1]:
                self.problems.append(ScanProblem(
                    self.path, call.lineno,
                    "req marker needs string literals: req('spec', '1.2') or req('spec:1.2')"))
                continue
            spec, criteria = targets
            self._emit(owner, spec, criteria, None, call.lineno, "marker")

    # tags ----------------------------------------------------------------------------
    def add_tag(self, offset: int, spec: str, criteria: list[str], prop: int | None) -> None:
        line = self.text.count("\n", 0, offset) + 1
        via = "tag" if prop is None else "property-tag"
        self._emit(self._owner_of_line(line), spec, criteria, prop, line, via)

    def _owner_of_line(self, line: int) -> _Def | None:
        following = next((d for d in self.defs if d.start > line), None)
        if following is not None and self._is_comment_line(line) \
                and self._only_comments_between(line, following.start):
            return following
        enclosing = [d for d in self.defs if d.start <= line <= d.end]
        return enclosing[-1] if enclosing else None

    def _is_comment_line(self, line: int) -> bool:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines[line - 1].lstrip().startswith("#")

    def _only_comments_between(self, line: int, start: int) -> bool:
        if self._lines is None:
            self._lines = self.text.splitlines()
        between = self._lines[line:start - 1]
        return all(not s.strip() or s.lstrip().startswith("#") for s in between)

    # emitting ------------------------------------------------------------------------
    def _emit(self, owner: _Def | None, spec: str, criteria: list[str], prop: int | None,
              line: int, via: str) -> None:
        tests = self._tests_under(owner)
        targets: list[tuple[str | None, int | None]] = (
            [(c, None) for c in criteria] if prop is None else [(None, prop)])
        for criterion, number in targets:
            if tests:
                for test in tests:
                    self.links.append(Link(spec, criterion, number, self.path, line,
                                           test.qualname, "test", via, test.nodeid, test.given))
            else:
                symbol = owner.qualname if owner is not None else None
                self.links.append(Link(spec, criterion, number, self.path, line, symbol,
                                       "code", via))

    def _tests_under(self, owner: _Def | None) -> list[_Def]:
        if owner is None:
            return [d for d in self.defs if d.is_test]
        if owner.is_test:
            return [owner]
        prefix = owner.qualname + "."
        return [d for d in self.defs if d.is_test and d.qualname.startswith(prefix)]


def _is_req_call(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    if node.func.attr != "req":
        return False
    owner = node.func.value
    return (isinstance(owner, ast.Attribute) and owner.attr == "mark") or (
        isinstance(owner, ast.Name) and owner.id == "mark")


def _uses_given(node: DefNode) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "given":
            return True
    return False
