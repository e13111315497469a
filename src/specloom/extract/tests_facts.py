"""Facts about existing tests: each test's name, the symbols it calls, the HTTP requests and
CLI invocations it makes, and what it asserts. Read with `ast`; tests are never run here.

`test_facts` reads one file on its own (names only). `with_suite_tests` replaces those with
the suite's view: every test pytest would collect, inherited test methods included, each with
`reaches`, the code definitions it reaches through imports, fixtures and calls
(`specloom.extract.test_reach`), and the evidence for each.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from pathlib import Path

from specloom.extract.code_index import CodeIndex, roots_of
from specloom.extract.facts import Fact, FactSheet, fact_id
from specloom.extract.files import is_test_file, python_files
from specloom.extract.frameworks import dotted, string_value
from specloom.extract.python_facts import FactDraft
from specloom.extract.test_reach import Evaluator, reach_of
from specloom.extract.test_suite import TestItem, TestSuite

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
    return _draft(func, "::".join(filter(None, (path, owner, func.name))))


def _draft(func: ast.FunctionDef | ast.AsyncFunctionDef, nodeid: str) -> FactDraft:
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


MAX_UNRESOLVED = 40


def list_test_files(source: Path, roots: Sequence[Path]) -> list[Path]:
    """Test files (and conftest.py files) inside `source` and under the test roots."""
    found: dict[Path, Path] = {}
    for folder in [source, *roots]:
        for path in python_files(folder) if folder.exists() else []:
            if _is_test_path(path, source):
                found.setdefault(path.resolve(), path)
    return sorted(found.values())


def _is_test_path(path: Path, source: Path) -> bool:
    if is_test_file(path):
        return True
    try:
        parts = path.relative_to(source).parts[:-1]
    except ValueError:
        parts = path.parts[:-1]
    return any(part in ("tests", "test") for part in parts) and path.name.startswith("test")


def code_index_of(sheet: FactSheet, base: Path) -> CodeIndex:
    """An index of the sheet's modules (and their packages' other modules) on disk."""
    modules = [(f.name, base / f.path) for f in sheet.of_kind("module")]
    return CodeIndex(roots_of(modules), {name.split(".", 1)[0] for name, _ in modules})


def with_suite_tests(sheet: FactSheet, base: Path, test_files: Sequence[Path]) -> FactSheet:
    """The sheet with its test facts replaced by the suite's: collected items with reaches."""
    code_facts = [f for f in sheet.facts if f.kind != "test"]
    taken = {f.id for f in code_facts}
    suite = TestSuite(base, test_files, code_index_of(sheet, base))
    cache: dict[tuple[int, int], Evaluator] = {}
    tests: list[Fact] = []
    for item in suite.items():
        draft = _suite_draft(suite, item, cache)
        key = f"test:{item.nodeid}"
        identifier = fact_id(key, taken)
        taken.add(identifier)
        tests.append(Fact(identifier, "test", key, draft.name, draft.symbol,
                          item.defined_in.display, draft.line, draft.summary, draft.details))
    return FactSheet(sheet.source, tuple([*code_facts, *tests]), sheet.files, sheet.lines,
                     sheet.skipped, sheet.imports)


def _suite_draft(suite: TestSuite, item: TestItem,
                 cache: dict[tuple[int, int], Evaluator]) -> FactDraft:
    draft = _draft(item.func, item.nodeid)
    reach = reach_of(suite, item, cache)
    unresolved: dict[str, dict[str, object]] = {}
    for call in reach.unresolved:
        unresolved.setdefault(call.name, {"name": call.name, "path": call.path,
                                          "line": call.line})
    draft.details["reaches"] = [r.to_json() for r in reach.reaches]
    draft.details["unresolved_calls"] = list(unresolved.values())[:MAX_UNRESOLVED]
    if item.inherited and item.owner is not None:
        draft.details["inherited_from"] = f"{item.owner.name} ({item.owner.where})"
    return draft
