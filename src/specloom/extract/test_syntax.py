"""What the source of a test says, read from its `ast` without evaluating anything.

Parametrisation (`pytest.mark.parametrize`, `pytest.param`), the fixtures a test requests, a
function's arguments, its local assignments and what it returns or yields, `self.x = ...` in a
test class, and dotted names. `test_values` and `test_reach` build on these.
"""

from __future__ import annotations

import ast

from specloom.extract.code_index import dotted_name, own_nodes
from specloom.extract.test_suite import FuncDef, TestClass


def parametrize(func: FuncDef, owner: TestClass | None, cls: TestClass | None
                 ) -> tuple[dict[str, list[ast.expr]], list[ast.expr], set[str]]:
    """Argument name -> the values `pytest.mark.parametrize` gives it (function and class
    decorators), every value expression, and the names passed `indirect`ly to fixtures."""
    bound: dict[str, list[ast.expr]] = {}
    every: list[ast.expr] = []
    indirect: set[str] = set()
    decorators = list(func.decorator_list)
    for holder in (cls, owner):
        if holder is not None:
            decorators.extend(holder.node.decorator_list)
    for decorator in decorators:
        if not isinstance(decorator, ast.Call) or \
                not dotted_name(decorator.func).endswith("parametrize") or len(decorator.args) < 2:
            continue
        names = _param_names(decorator.args[0])
        rows = decorator.args[1]
        elements = list(rows.elts) if isinstance(rows, (ast.List, ast.Tuple, ast.Set)) else []
        keywords = {k.arg: k.value for k in decorator.keywords}
        marked = keywords.get("indirect")
        if isinstance(marked, ast.Constant) and marked.value is True:
            indirect.update(names)
        elif isinstance(marked, (ast.List, ast.Tuple)):
            indirect.update(v.value for v in marked.elts
                            if isinstance(v, ast.Constant) and isinstance(v.value, str))
        for element in elements:
            every.append(element)
            row = unwrap_param(element, keep_tuple=len(names) > 1)
            columns = list(row.elts) if len(names) > 1 and \
                isinstance(row, (ast.Tuple, ast.List)) else [row]
            for name, value in zip(names, columns, strict=False):
                if name not in indirect:
                    bound.setdefault(name, []).append(value)
    return bound, every, indirect


def _param_names(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [n.strip() for n in node.value.split(",") if n.strip()]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)
                and isinstance(e.value, str)]
    return []


def unwrap_param(node: ast.expr, keep_tuple: bool = False) -> ast.expr:
    """`pytest.param(x, id=...)` -> `x` (or all of its arguments as a tuple)."""
    if isinstance(node, ast.Call) and dotted_name(node.func).endswith("param") and node.args:
        if keep_tuple and len(node.args) > 1:
            return ast.Tuple(elts=list(node.args), ctx=ast.Load())
        return node.args[0]
    return node


def requested_fixtures(func: FuncDef, bound: dict[str, list[ast.expr]], indirect: set[str]
               ) -> list[str]:
    """Fixture names a test asks for: its arguments (not parametrised ones) and
    `@pytest.mark.usefixtures(...)`."""
    names = [a for a in _ordered_args(func) if a not in ("self", "cls", "request")
             and (a not in bound or a in indirect)]
    for decorator in func.decorator_list:
        if isinstance(decorator, ast.Call) and dotted_name(decorator.func).endswith("usefixtures"):
            names.extend(a.value for a in decorator.args
                         if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return list(dict.fromkeys(names))


def _ordered_args(func: FuncDef) -> list[str]:
    args = func.args
    return [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]


def arg_names(func: FuncDef) -> set[str]:
    names = set(_ordered_args(func))
    if func.args.vararg:
        names.add(func.args.vararg.arg)
    if func.args.kwarg:
        names.add(func.args.kwarg.arg)
    return names


def local_assigns(func: FuncDef) -> dict[str, list[ast.expr]]:
    """Names assigned in a body (any depth, nested functions too): `x = e`, `x: T = e`,
    `with e as x`, `(x := e)`."""
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None and \
                isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    found.setdefault(item.optional_vars.id, []).append(item.context_expr)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).append(node.value)
    return found


def returned_exprs(func: FuncDef) -> list[ast.expr]:
    """What a function returns or yields (not looking into nested functions)."""
    found = []
    for node in own_nodes(func):
        if isinstance(node, (ast.Return, ast.Yield)) and node.value is not None:
            found.append(node.value)
    return found


def self_assignments(method: FuncDef, attribute: str) -> list[ast.expr]:
    found = []
    for node in ast.walk(method):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == attribute and \
                        isinstance(target.value, ast.Name) and target.value.id == "self":
                    found.append(node.value)
    return found


def assigned_names(item: ast.Assign | ast.AnnAssign) -> list[str]:
    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


