"""What each collected test reaches in the code under test, with the evidence of how.

A small, bounded abstract interpreter over `ast`: it follows names to what they hold (an
import, an alias, a module attribute, a local assignment, a `pytest.mark.parametrize` value, a
fixture's return or yield, `request.param` of a parametrised fixture, `functools.partial`, a
helper function, `self.x` set up in the test class) and records every call whose target is a
definition in the code index: a function, a class constructed, or a method called on an object
whose class is known (a method the class inherits resolves to the base class defining it).
Calls made inside the fixtures a test requests, directly or through other fixtures, count for
the test. Each `Reach` says how it was found. Values are unions (no control flow), lookups are
memoised per fixture context, and depth, value and reach counts are capped, so the result is
deterministic and bounded. Nothing is imported or run.

The values live in `test_values` (`ValueEvaluator`, which `Evaluator` extends with the calls),
and what the test source says without evaluation in `test_syntax`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from specloom.extract.code_index import dotted_name as dotted
from specloom.extract.test_suite import Fixture, TestClass, TestItem, TestModule, TestSuite
from specloom.extract.test_syntax import arg_names, parametrize, requested_fixtures
from specloom.extract.test_values import (
    MAX_DEPTH,
    VIA_LIMIT,
    Scope,
    Value,
    ValueEvaluator,
    clip,
)

MAX_REACHES = 80


@dataclass(frozen=True, slots=True)
class Reach:
    """Test reaches definition `target` (qualified name); `via` says how, at `path:line`."""

    target: str
    via: str
    path: str
    line: int

    def to_json(self) -> dict[str, object]:
        return {"target": self.target, "via": self.via, "path": self.path, "line": self.line}


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A call whose callee could not be resolved: only its name is known."""

    name: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class ItemReach:
    reaches: tuple[Reach, ...]
    unresolved: tuple[Unresolved, ...]


def reach_of(suite: TestSuite, item: TestItem, cache: dict[tuple[int, int], Evaluator]
             ) -> ItemReach:
    """The definitions a test reaches (in its body, parametrisation and fixtures)."""
    key = (id(item.module), id(item.cls))
    if key not in cache:
        cache[key] = Evaluator(suite, item.module, item.cls)
    return cache[key].item(item)


class Evaluator(ValueEvaluator):
    """Values and reaches for the tests of one fixture context (module and test class)."""

    def __init__(self, suite: TestSuite, module: TestModule, cls: TestClass | None) -> None:
        super().__init__(suite, module, cls)
        self._fixture_reaches: dict[int, tuple[list[Reach], list[Unresolved]]] = {}

    # items -----------------------------------------------------------------------------
    def item(self, item: TestItem) -> ItemReach:
        defining = item.defined_in
        bound, value_exprs, indirect = parametrize(item.func, item.owner, item.cls)
        scope = Scope(defining, item.func, args_are_fixtures=True, bound=bound)
        reaches: list[Reach] = []
        unresolved: list[Unresolved] = []
        if item.inherited and item.owner is not None:
            prefix = f"inherited from {item.owner.name} ({item.owner.where}); "
        else:
            prefix = ""
        module_scope = self.module_scope(defining)
        for expression in value_exprs:
            self._calls_in(expression, module_scope, "parametrize: ", reaches, unresolved)
        self._calls_in(item.func, scope, prefix, reaches, unresolved, skip_decorators=True)
        for name in requested_fixtures(item.func, bound, indirect):
            fixture = self.fixture(name)
            if fixture is not None:
                found, missing = self.fixture_reaches(fixture)
                reaches.extend(found)
                unresolved.extend(missing)
        return ItemReach(tuple(_dedupe(reaches)[:MAX_REACHES]), tuple(unresolved[:MAX_REACHES]))

    # fixtures --------------------------------------------------------------------------
    def fixture_reaches(self, fixture: Fixture) -> tuple[list[Reach], list[Unresolved]]:
        key = id(fixture)
        if key in self._fixture_reaches:
            return self._fixture_reaches[key]
        if key in self._busy or len(self._busy) > MAX_DEPTH:
            return [], []
        self._busy.add(key)
        reaches: list[Reach] = []
        unresolved: list[Unresolved] = []
        try:
            scope = Scope(fixture.module, fixture.func, fixture=fixture, args_are_fixtures=True)
            prefix = f"fixture {fixture.name} ({fixture.where}): "
            module_scope = self.module_scope(fixture.module)
            for expression in fixture.params or []:
                self._calls_in(expression, module_scope, prefix + "params: ", reaches,
                               unresolved)
            self._calls_in(fixture.func, scope, prefix, reaches, unresolved,
                           skip_decorators=True)
            for name in sorted(arg_names(fixture.func) - {"self", "request", "cls"}):
                other = self.fixture(name, fixture if name == fixture.name else None)
                if other is not None:
                    found, missing = self.fixture_reaches(other)
                    reaches.extend(found)
                    unresolved.extend(missing)
        finally:
            self._busy.discard(key)
        result = (_dedupe(reaches), unresolved)
        self._fixture_reaches[key] = result
        return result

    # calls -----------------------------------------------------------------------------
    def _calls_in(self, node: ast.AST, scope: Scope, prefix: str, reaches: list[Reach],
                  unresolved: list[Unresolved], skip_decorators: bool = False) -> None:
        roots = list(getattr(node, "body", [])) if skip_decorators else [node]
        calls = [n for root in roots for n in ast.walk(root) if isinstance(n, ast.Call)]
        for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
            callees = self.values(call.func, scope)
            if not callees:
                name = dotted(call.func).rsplit(".", 1)[-1] or _last_attr(call.func)
                if name:
                    unresolved.append(Unresolved(name, scope.module.display, call.lineno))
                continue
            for callee in callees:
                for target, action in self._targets(callee, call, scope):
                    via = f"{prefix}{clip(ast.unparse(call.func), 60)}() {action} {target}"
                    if callee.origin:
                        via += f" [{_receiver(call.func)}: {callee.origin}]"
                    reaches.append(Reach(target, clip(via, VIA_LIMIT), scope.module.display,
                                         call.lineno))
                if callee.kind == "helper":
                    self._helper_reaches(callee, call, prefix, reaches, unresolved)

    def _targets(self, callee: Value, call: ast.Call, scope: Scope) -> list[tuple[str, str]]:
        if callee.kind == "ref" and self.code.kind(callee.target) == "class":
            found = [(callee.target, "constructs")]
            init = self.code.member(callee.target, "__init__")
            if init:
                found.append((init, "runs"))
            return found
        if callee.kind == "ref" and self.code.kind(callee.target) in ("function", "method"):
            return [(callee.target, "calls")]
        if callee.kind == "method":
            found = [(callee.target, "calls")]
            if callee.receiver and callee.receiver != callee.target.rpartition(".")[0]:
                found.append((callee.receiver, "on an instance of"))
            return found
        return []

    def _helper_reaches(self, helper: Value, call: ast.Call, prefix: str,
                        reaches: list[Reach], unresolved: list[Unresolved]) -> None:
        if helper.node is None or helper.module is None or self._depth > MAX_DEPTH:
            return
        self._depth += 1
        try:
            scope = Scope(helper.module, helper.node)
            where = f"{helper.module.display}:{helper.node.lineno}"
            self._calls_in(helper.node, scope, f"{prefix}helper {helper.node.name} ({where}): ",
                           reaches, unresolved, skip_decorators=True)
        finally:
            self._depth -= 1


def _dedupe(reaches: list[Reach]) -> list[Reach]:
    seen: set[str] = set()
    kept = []
    for reach in reaches:
        if reach.target not in seen:
            seen.add(reach.target)
            kept.append(reach)
    return kept


def _receiver(node: ast.expr) -> str:
    """`signer` of `signer.sign`, `factory` of `factory`: the name whose value was traced."""
    return clip(ast.unparse(node.value if isinstance(node, ast.Attribute) else node), 40)


def _last_attr(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else ""
