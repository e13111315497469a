"""A reference reading of Python links, to check `specloom.trace.python_scan` against.

Slow and plain: definitions, decorators, docstrings and markers come from `ast`, comments from
`tokenize` over the whole text, and the attribution rules are those of docs/trace.md (a tag in
a comment block directly above a definition belongs to it; otherwise to the innermost enclosing
function or class; otherwise to the module, which in a test file means all its tests).
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass

from specloom.trace.links import PROPERTY_TAG, TAG, Link, criteria_of_tag, marker_targets
from specloom.trace.python_scan import is_test_file

DefNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass(frozen=True)
class _Def:
    qualname: str
    start: int
    end: int
    is_test: bool
    given: bool
    nodeid: str | None
    node: DefNode


def reference_links(path: str, text: str) -> list[Link]:
    """The links of a Python file that `ast.parse` accepts."""
    tree = ast.parse(text)
    defs = _definitions(path, tree)
    lines = text.splitlines()
    found: list[tuple[int, _Def | None, str, list[str], int | None, str]] = []

    def owner_of(line: int, comment_only: bool) -> _Def | None:
        following = next((d for d in defs if d.start > line), None)
        if following is not None and comment_only and all(
                not s.strip() or s.lstrip().startswith("#")
                for s in lines[line:following.start - 1]):
            return following
        enclosing = [d for d in defs if d.start <= line <= d.end]
        return enclosing[-1] if enclosing else None

    def tags(source: str, first_line: int, comment_only: bool) -> None:
        for pattern, via in ((TAG, "tag"), (PROPERTY_TAG, "property-tag")):
            for match in pattern.finditer(source):
                line = first_line + source.count("\n", 0, match.start())
                criteria = criteria_of_tag(match.group(2)) if via == "tag" else []
                prop = None if via == "tag" else int(match.group(2))
                found.append((line, owner_of(line, comment_only), match.group(1), criteria,
                              prop, via))

    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            tags(token.string, token.start[0], not token.line[:token.start[1]].strip())
    for node in [tree, *(d.node for d in defs)]:
        docstring = _docstring(node)
        if docstring is not None:
            tags(ast.get_source_segment(text, docstring) or "", docstring.lineno, False)

    def markers(expression: ast.expr, owner: _Def | None) -> None:
        calls = expression.elts if isinstance(expression, ast.List | ast.Tuple) else [expression]
        for call in calls:
            if isinstance(call, ast.Call) and _is_req_call(call):
                args = [a.value for a in call.args
                        if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                targets = marker_targets(args) if len(args) == len(call.args) else None
                if targets is not None and targets[1]:
                    found.append((call.lineno, owner, targets[0], targets[1], None, "marker"))

    for body, owner in [(tree.body, None), *((d.node.body, d) for d in defs
                                             if isinstance(d.node, ast.ClassDef))]:
        for statement in body:
            if isinstance(statement, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "pytestmark" for t in statement.targets):
                markers(statement.value, owner)
    for item in defs:
        for decorator in item.node.decorator_list:
            markers(decorator, item)
    links: list[Link] = []
    for line, owner, spec, criteria, prop, via in found:
        links += _emit(path, defs, owner, spec, criteria, prop, line, via)
    return links


def _definitions(path: str, tree: ast.Module) -> list[_Def]:
    test_file = is_test_file(path)
    defs: list[_Def] = []

    def collect(node: ast.AST, names: list[str], test_scope: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, DefNode):
                collect(child, names, test_scope)
                continue
            qualified = [*names, child.name]
            is_class = isinstance(child, ast.ClassDef)
            is_test = test_file and test_scope and not is_class and child.name.startswith("test")
            defs.append(_Def(
                ".".join(qualified), min([child.lineno, *(d.lineno for d in child.decorator_list)]),
                child.end_lineno or child.lineno, is_test, _uses_given(child),
                f"{path}::{'::'.join(qualified)}" if is_test else None, child))
            collect(child, qualified, test_scope and is_class and child.name.startswith("Test"))

    collect(tree, [], True)
    return sorted(defs, key=lambda d: d.start)


def _emit(path: str, defs: list[_Def], owner: _Def | None, spec: str, criteria: list[str],
          prop: int | None, line: int, via: str) -> list[Link]:
    if owner is None:
        tests = [d for d in defs if d.is_test]
    elif owner.is_test:
        tests = [owner]
    else:
        tests = [d for d in defs if d.is_test and d.qualname.startswith(owner.qualname + ".")]
    targets = [(c, None) for c in criteria] if prop is None else [(None, prop)]
    links = []
    for criterion, number in targets:
        if tests:
            links += [Link(spec, criterion, number, path, line, test.qualname, "test", via,
                           test.nodeid, test.given) for test in tests]
        else:
            links.append(Link(spec, criterion, number, path, line,
                              owner.qualname if owner is not None else None, "code", via))
    return links


def _docstring(node: ast.Module | DefNode) -> ast.expr | None:
    if node.body and isinstance(first := node.body[0], ast.Expr) \
            and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first.value
    return None


def _is_req_call(node: ast.Call) -> bool:
    if not isinstance(node.func, ast.Attribute) or node.func.attr != "req":
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
