"""What an expression in a test may hold: a bounded abstract interpreter over `ast`.

`ValueEvaluator` follows names to what they hold (an import, an alias, a module attribute, a
local assignment, a `pytest.mark.parametrize` value, a fixture's return or yield, `request.param`
of a parametrised fixture, `functools.partial`, a helper function, `self.x` set up in the test
class). Values are unions (no control flow), lookups are memoised per fixture context, and
depth and value counts are capped. `test_reach.Evaluator` adds the calls each test makes.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable
from dataclasses import dataclass

from specloom.extract.code_index import CodeIndex, annotation_names
from specloom.extract.test_suite import Fixture, FuncDef, TestClass, TestModule, TestSuite
from specloom.extract.test_syntax import (
    arg_names,
    assigned_names,
    local_assigns,
    returned_exprs,
    self_assignments,
    unwrap_param,
)

MAX_DEPTH = 8
MAX_VALUES = 8
VIA_LIMIT = 300
PASS_THROUGH = frozenset({"functools.partial", "pytest.param", "contextlib.closing"})
BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True, eq=False)
class Value:
    """What an expression may hold. `ref`: a definition (canonical when in the code index,
    else the dotted name as written); `instance`: an object of code class `target`;
    `method`: bound method `target` of an object of class `receiver`; `helper`: a function
    written in a test module; `self`/`request`: the test instance and pytest's request."""

    kind: str
    target: str = ""
    origin: str = ""
    receiver: str = ""
    node: FuncDef | None = None
    module: TestModule | None = None
    fixture: Fixture | None = None


class Scope:
    """Names visible in one function body (or at module level when `func` is None)."""

    def __init__(self, module: TestModule, func: FuncDef | None, *, fixture: Fixture | None = None,
                 args_are_fixtures: bool = False,
                 bound: dict[str, list[ast.expr]] | None = None) -> None:
        self.module = module
        self.func = func
        self.fixture = fixture
        self.args_are_fixtures = args_are_fixtures
        self.bound = bound or {}
        self.args = arg_names(func) if func else set()
        self.assigns = local_assigns(func) if func else {}
        self.memo: dict[str, list[Value]] = {}
        self.busy: set[str] = set()


class ValueEvaluator:
    """Values for the tests of one fixture context (module and test class)."""

    def __init__(self, suite: TestSuite, module: TestModule, cls: TestClass | None) -> None:
        self.suite = suite
        self.code: CodeIndex = suite.code
        self.module = module
        self.cls = cls
        self.classes = suite.mro(cls) if cls else []
        self.providers = suite.context(module, cls)
        self._fixture_values: dict[int, list[Value]] = {}
        # fixtures being evaluated, for values and (in `test_reach.Evaluator`) reaches alike
        self._busy: set[int] = set()
        self._module_scopes: dict[int, Scope] = {}
        self._self_memo: dict[str, list[Value]] = {}
        self._self_busy: set[str] = set()
        self._depth = 0

    # fixtures --------------------------------------------------------------------------
    def fixture(self, name: str, after: Fixture | None = None) -> Fixture | None:
        """The fixture `name` as this context sees it; with `after`, the one it overrides."""
        passed = after is None
        for provider in self.providers:
            found = provider.get(name)
            if found is None:
                continue
            if passed and found is not after:
                return found
            if found is after:
                passed = True
        return None

    def fixture_values(self, fixture: Fixture) -> list[Value]:
        key = id(fixture)
        if key in self._fixture_values:
            return self._fixture_values[key]
        if key in self._busy or len(self._busy) > MAX_DEPTH:
            return []
        self._busy.add(key)
        try:
            scope = Scope(fixture.module, fixture.func, fixture=fixture, args_are_fixtures=True)
            found: list[Value] = []
            annotated = self._annotation_values(fixture.func, fixture.module)
            for expression in returned_exprs(fixture.func):
                found.extend(self.values(expression, scope))
            found.extend(annotated)
            origin = f"fixture {fixture.name} ({fixture.where})"
            result = [with_origin(v, origin) for v in unique_values(found)]
        finally:
            self._busy.discard(key)
        self._fixture_values[key] = result
        return result

    def _annotation_values(self, func: FuncDef, module: TestModule) -> list[Value]:
        if func.returns is None:
            return []
        found = []
        for name in annotation_names(func.returns):
            for value in self.dotted_values(name, self.module_scope(module)):
                if value.kind == "ref" and self.code.kind(value.target) == "class":
                    found.append(Value("instance", value.target, "return annotation"))
        return found

    # values ----------------------------------------------------------------------------
    def module_scope(self, module: TestModule) -> Scope:
        key = id(module)
        if key not in self._module_scopes:
            self._module_scopes[key] = Scope(module, None)
        return self._module_scopes[key]

    def values(self, node: ast.AST, scope: Scope) -> list[Value]:
        if self._depth > MAX_DEPTH:
            return []
        self._depth += 1
        try:
            return unique_values(self._values(node, scope))[:MAX_VALUES]
        finally:
            self._depth -= 1

    def _values(self, node: ast.AST, scope: Scope) -> list[Value]:
        if isinstance(node, ast.Name):
            return self.name_values(node.id, scope)
        if isinstance(node, ast.Attribute):
            return self.attribute_values(node, scope)
        if isinstance(node, ast.Call):
            return self.call_values(node, scope)
        if isinstance(node, ast.Await):
            return self.values(node.value, scope)
        if isinstance(node, ast.NamedExpr):
            return self.values(node.value, scope)
        if isinstance(node, ast.IfExp):
            return self.values(node.body, scope) + self.values(node.orelse, scope)
        if isinstance(node, ast.BoolOp):
            return [v for item in node.values for v in self.values(item, scope)]
        return []

    def name_values(self, name: str, scope: Scope) -> list[Value]:
        if name in scope.bound:
            return [v for expr in scope.bound[name]
                    for v in self.values(expr, self.module_scope(scope.module))]
        if name in scope.assigns:
            return _memoised(scope, name, lambda: [
                with_origin(v, f"{name} = {clip(ast.unparse(expr), 50)} "
                               f"({scope.module.display}:{expr.lineno})")
                for expr in scope.assigns[name] for v in self.values(expr, scope)])
        if name in scope.args:
            return self._argument_values(name, scope)
        return self.module_values(name, scope.module)

    def _argument_values(self, name: str, scope: Scope) -> list[Value]:
        if name in ("self", "cls"):
            return [Value("self")]
        if name == "request":
            return [Value("request", fixture=scope.fixture)]
        if not scope.args_are_fixtures:
            return []
        fixture = self.fixture(name, scope.fixture if scope.fixture is not None
                               and scope.fixture.name == name else None)
        return self.fixture_values(fixture) if fixture is not None else []

    def module_values(self, name: str, module: TestModule) -> list[Value]:
        if name in module.functions:
            func = module.functions[name]
            return [Value("helper", name, node=func, module=module)]
        if name in module.assigns:
            scope = self.module_scope(module)
            return _memoised(scope, name, lambda: [
                v for expr in module.assigns[name] for v in self.values(expr, scope)])
        if name in module.bindings:
            return self.reference(module.bindings[name])
        for star in module.star:
            target = self.code.canonical(f"{star}.{name}")
            if target:
                return [Value("ref", target)]
        if name in BUILTINS:
            return [Value("ref", f"builtins.{name}")]
        return []

    def reference(self, dotted_name: str) -> list[Value]:
        """An imported name: a code definition, a test-side helper, or an outside name."""
        found = self.code.canonical(dotted_name)
        if found:
            return [Value("ref", found)]
        if dotted_name.split(".", 1)[0] not in self.code.packages:
            split = self.suite.split(dotted_name)
            if split is not None and len(split[1]) == 1:
                other, (attribute,) = split
                if attribute in other.functions or attribute in other.assigns:
                    return self.module_values(attribute, other)
        return [Value("ref", dotted_name)]

    def dotted_values(self, dotted_name: str, scope: Scope) -> list[Value]:
        head, _, rest = dotted_name.partition(".")
        found = self.name_values(head, scope)
        for part in filter(None, rest.split(".")):
            found = [v for value in found for v in self._member(value, part)]
        return found

    def attribute_values(self, node: ast.Attribute, scope: Scope) -> list[Value]:
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls") and \
                node.value.id in scope.args and self.classes:
            return self._self_values(node.attr)
        bases = self.values(node.value, scope)
        found: list[Value] = []
        for base in bases:
            if base.kind == "request" and node.attr == "param":
                found.extend(self._param_values(base.fixture))
            elif base.kind == "request":
                found.append(Value("ref", f"pytest.FixtureRequest.{node.attr}",
                                   fixture=base.fixture))
            else:
                found.extend(self._member(base, node.attr))
        return found

    def _member(self, base: Value, attribute: str) -> list[Value]:
        if base.kind == "ref":
            kind = self.code.kind(base.target)
            if kind in ("module", "class"):
                found = self.code.canonical(f"{base.target}.{attribute}")
                if found:
                    return [Value("ref", found, base.origin)]
                if kind == "class":
                    attr = self.code.class_attribute(base.target, attribute)
                    return [Value("ref", attr, base.origin)] if attr else []
                return []
            if not kind and base.target.split(".", 1)[0] not in self.code.packages:
                return [Value("ref", f"{base.target}.{attribute}", base.origin)]
            return []
        if base.kind == "instance":
            method = self.code.member(base.target, attribute)
            if method:
                return [Value("method", method, base.origin, receiver=base.target)]
            attr = self.code.class_attribute(base.target, attribute)
            return [Value("ref", attr, base.origin)] if attr else []
        return []

    def _param_values(self, fixture: Fixture | None) -> list[Value]:
        if fixture is None or not fixture.params:
            return []
        scope = self.module_scope(fixture.module)
        origin = f"params of fixture {fixture.name} ({fixture.where})"
        return [with_origin(v, origin) for expr in fixture.params
                for v in self.values(unwrap_param(expr), scope)]

    def _self_values(self, attribute: str) -> list[Value]:
        """`self.attribute` in the test class: a helper method, or what set-up code assigns."""
        if attribute in self._self_memo:
            return self._self_memo[attribute]
        if attribute in self._self_busy:
            return []
        self._self_busy.add(attribute)
        try:
            found = self._self_lookup(attribute)
        finally:
            self._self_busy.discard(attribute)
        self._self_memo[attribute] = found
        return found

    def _self_lookup(self, attribute: str) -> list[Value]:
        found: list[Value] = []
        for cls in self.classes:
            for item in cls.node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                        item.name == attribute:
                    return [Value("helper", attribute, node=item, module=cls.module)]
                if isinstance(item, (ast.Assign, ast.AnnAssign)) and item.value is not None \
                        and attribute in assigned_names(item):
                    found.extend(self.values(item.value, self.module_scope(cls.module)))
            for method in cls.node.body:
                if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for expression in self_assignments(method, attribute):
                    fixture = next((f for f in cls.fixtures.values() if f.func is method), None)
                    scope = Scope(cls.module, method, fixture=fixture,
                                  args_are_fixtures=fixture is not None)
                    found.extend(self.values(expression, scope))
        return found

    def call_values(self, node: ast.Call, scope: Scope) -> list[Value]:
        found: list[Value] = []
        for callee in self.values(node.func, scope):
            if callee.kind == "ref":
                kind = self.code.kind(callee.target)
                if kind == "class":
                    found.append(Value("instance", callee.target, callee.origin))
                elif kind in ("function", "method"):
                    returned = self.code.returns(callee.target)
                    if returned:
                        found.append(Value("instance", returned, callee.origin))
                elif callee.target in PASS_THROUGH or callee.target == "partial":
                    if node.args:
                        found.extend(self.values(node.args[0], scope))
                elif callee.target == "pytest.FixtureRequest.getfixturevalue" and node.args:
                    name = node.args[0]
                    if isinstance(name, ast.Constant) and isinstance(name.value, str):
                        fixture = self.fixture(name.value)
                        if fixture is not None:
                            found.extend(self.fixture_values(fixture))
            elif callee.kind == "method":
                returned = self.code.returns(callee.target)
                if returned:
                    found.append(Value("instance", returned, callee.origin))
            elif callee.kind == "helper" and callee.node is not None and \
                    callee.module is not None:
                helper_scope = Scope(callee.module, callee.node)
                for expression in returned_exprs(callee.node):
                    found.extend(self.values(expression, helper_scope))
        return found


def with_origin(value: Value, origin: str) -> Value:
    joined = f"{origin} <- {value.origin}" if value.origin else origin
    return Value(value.kind, value.target, clip(joined, VIA_LIMIT), value.receiver, value.node,
                 value.module, value.fixture)


def unique_values(values: list[Value]) -> list[Value]:
    seen: set[tuple[str, str, str, int]] = set()
    kept = []
    for value in values:
        key = (value.kind, value.target, value.receiver, id(value.node))
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _memoised(scope: Scope, name: str, compute: Callable[[], list[Value]]) -> list[Value]:
    """The values of `name` in `scope`, computed once; none while it is being computed (a
    name defined through itself)."""
    if name in scope.memo:
        return scope.memo[name]
    if name in scope.busy:
        return []
    scope.busy.add(name)
    try:
        found = compute()
    finally:
        scope.busy.discard(name)
    scope.memo[name] = found
    return found
