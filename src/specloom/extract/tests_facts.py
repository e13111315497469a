"""Facts about existing tests: each test's name, the symbols it calls, the HTTP requests and
CLI invocations it makes, and what it asserts. Read with `ast`; tests are never run here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from specloom.extract.frameworks import dotted, string_value
from specloom.extract.python_facts import FactDraft

HTTP_VERBS = frozenset({"get", "post", "put", "delete", "patch", "head", "options"})
MAX_ASSERTS = 6
ASSERT_LIMIT = 120


def test_facts(tree: ast.Module, path: str) -> list[FactDraft]:
    """One `test` fact per `test_*` function, at module level or in a `Test*` class."""
    return [_test_draft(func, path, owner) for func, owner in _tests(tree)]


def _tests(tree: ast.Module) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name.startswith("test"):
            yield node, ""
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                        item.name.startswith("test"):
                    yield item, node.name


def _test_draft(func: ast.FunctionDef | ast.AsyncFunctionDef, path: str,
                owner: str) -> FactDraft:
    nodeid = "::".join(filter(None, (path, owner, func.name)))
    calls, http, commands, raises = _calls(func)
    asserts = [_clip(ast.unparse(n.test)) for n in ast.walk(func) if isinstance(n, ast.Assert)]
    return FactDraft("test", nodeid, func.name, func.lineno,
                     _clip((ast.get_docstring(func) or "").strip().split("\n")[0]),
                     {"nodeid": nodeid, "calls": calls, "names": _names(func), "http": http,
                      "commands": commands,
                      "expects_raises": raises, "asserts": asserts[:MAX_ASSERTS],
                      "assert_count": len(asserts)})


def _calls(func: ast.AST) -> tuple[list[str], list[str], list[str], list[str]]:
    calls: list[str] = []
    http: list[str] = []
    commands: list[str] = []
    raises: list[str] = []
    for node in ast.walk(func):
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        if last and last not in calls:
            calls.append(last)
        request = _http_request(node, last)
        if request:
            http.append(request)
        command = _cli_invocation(node, last)
        if command:
            commands.append(command)
        if name in ("pytest.raises", "raises") and node.args:
            raises.append(dotted(node.args[0]).rsplit(".", 1)[-1])
    return calls, http, commands, raises


def _names(func: ast.AST) -> list[str]:
    """Every plain name the test refers to (classes it builds, functions it passes around)."""
    return sorted({n.id for n in ast.walk(func) if isinstance(n, ast.Name)})


def _http_request(node: ast.Call, verb: str) -> str:
    """`client.get("/items/1")` becomes `GET /items/1`."""
    if verb not in HTTP_VERBS or not isinstance(node.func, ast.Attribute) or not node.args:
        return ""
    path = string_value(node.args[0])
    if path is None and isinstance(node.args[0], ast.JoinedStr):
        path = "".join(string_value(v) or "{}" for v in node.args[0].values)
    return f"{verb.upper()} {path}" if path and path.startswith("/") else ""


def _cli_invocation(node: ast.Call, last: str) -> str:
    """`runner.invoke(cli, ["add", ...])` or `main(["add", ...])`: the first word."""
    candidates = node.args[1:2] if last == "invoke" else node.args[:1]
    for arg in candidates:
        if isinstance(arg, (ast.List, ast.Tuple)) and arg.elts:
            word = string_value(arg.elts[0])
            if word and not word.startswith("-"):
                return word
    return ""


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ASSERT_LIMIT else text[:ASSERT_LIMIT - 3] + "..."
