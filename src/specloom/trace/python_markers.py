"""`req` markers and Hypothesis's `given` in the decorators and `pytestmark` of a Python file.

`trace.python_scan` finds where they are from the tokens and hands the expression's source here:
it is parsed with `ast` (never evaluated), so `pytest.mark.req("cart", "1.2")`, `mark.req(...)`,
a list or tuple of them, and `@given(...)` or `@hypothesis.given(...)` are read exactly.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator
from typing import Literal

from specloom.trace.links import marker_targets

MARKER_PROBLEM = "req marker needs string literals: req('spec', '1.2') or req('spec:1.2')"
# `pytest.mark.req(...)` or `mark.req(...)` of plain string literals on one line
_TEXT = r"\\\x00-\x08\x0a-\x1f\ud800-\udfff"  # no escape, control character or surrogate
_LITERAL = rf"""(?:"([^"{_TEXT}]*)"|'([^'{_TEXT}]*)')"""
_SIMPLE_MARKER = re.compile(rf"(?:pytest\.)?mark\.req\( *{_LITERAL}((?: *, *{_LITERAL})*) *,? *\)")
_NEXT_LITERAL = re.compile(rf" *, *{_LITERAL}")


def parse(source: str, mode: Literal["eval", "exec"]) -> ast.AST:
    """`ast.parse`, with the warnings the project's code may raise (an invalid escape) muted.
    SyntaxError or ValueError when it does not parse."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, mode=mode)


def simple_marker(source: str) -> tuple[tuple[str, list[str]] | None] | None:
    """What `req_markers` finds in a decorator that is one `req` marker of plain string
    literals (`(targets,)`, targets None for a marker without criteria), without `ast`; None
    for any other decorator."""
    match = _SIMPLE_MARKER.fullmatch(source)
    if match is None:
        return None
    args = [match.group(1) if match.group(1) is not None else match.group(2)]
    args += [a or b for a, b in _NEXT_LITERAL.findall(match.group(3))]  # one of them is ""
    targets = marker_targets(args)
    return (targets if targets is not None and targets[1] else None,)


def pytestmark_values(module: ast.Module) -> list[ast.expr]:
    """The values assigned to `pytestmark` by the statements of `module`."""
    return [statement.value for statement in module.body if isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in statement.targets)]


def req_markers(expression: ast.expr) -> Iterator[tuple[int, tuple[str, list[str]] | None]]:
    """(line in the parsed source, (spec, criteria)) of each req marker in a decorator or a
    `pytestmark` value; None instead of the targets when its arguments are not string literals."""
    calls = expression.elts if isinstance(expression, ast.List | ast.Tuple) else [expression]
    for call in calls:
        if not isinstance(call, ast.Call) or not _is_req_call(call):
            continue
        args = [a.value for a in call.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        targets = marker_targets(args) if len(args) == len(call.args) else None
        yield call.lineno, (targets if targets is not None and targets[1] else None)


def is_given(decorator: ast.expr) -> bool:
    """Whether a decorator is Hypothesis's `given` (`@given(...)`, `@hypothesis.given(...)`)."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return bool(name == "given")


def _is_req_call(node: ast.Call) -> bool:
    if not isinstance(node.func, ast.Attribute) or node.func.attr != "req":
        return False
    owner = node.func.value
    return (isinstance(owner, ast.Attribute) and owner.attr == "mark") or (
        isinstance(owner, ast.Name) and owner.id == "mark")
