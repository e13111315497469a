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
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

from specloom.extract.code_index import CodeIndex, annotation_names, own_nodes
from specloom.extract.test_suite import Fixture, FuncDef, TestClass, TestItem, TestModule, TestSuite

MAX_DEPTH = 8
MAX_VALUES = 8
MAX_REACHES = 80
VIA_LIMIT = 300
PASS_THROUGH = frozenset({"functools.partial", "pytest.param", "contextlib.closing"})
BUILTINS = frozenset(dir(builtins))


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
        self.args = _arg_names(func) if func else set()
        self.assigns = _local_assigns(func) if func else {}
        self.memo: dict[str, list[Value]] = {}
        self.busy: set[str] = set()


class Evaluator:
    """Values and reaches for the tests of one fixture context (module and test class)."""

    def __init__(self, suite: TestSuite, module: TestModule, cls: TestClass | None) -> None:
        self.suite = suite
        self.code: CodeIndex = suite.code
        self.module = module
        self.cls = cls
        self.classes = suite.mro(cls) if cls else []
        self.providers = suite.context(module, cls)
        self._fixture_values: dict[int, list[Value]] = {}
        self._fixture_reaches: dict[int, tuple[list[Reach], list[Unresolved]]] = {}
        self._busy: set[int] = set()
        self._module_scopes: dict[int, Scope] = {}
        self._self_memo: dict[str, list[Value]] = {}
        self._self_busy: set[str] = set()
        self._depth = 0

    # items -----------------------------------------------------------------------------
    def item(self, item: TestItem) -> ItemReach:
        defining = item.defined_in
        bound, value_exprs, indirect = _parametrize(item.func, item.owner, item.cls)
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
        for name in _requested(item.func, bound, indirect):
            fixture = self.fixture(name)
            if fixture is not None:
                found, missing = self.fixture_reaches(fixture)
                reaches.extend(found)
                unresolved.extend(missing)
        return ItemReach(tuple(_dedupe(reaches)[:MAX_REACHES]), tuple(unresolved[:MAX_REACHES]))

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
            for expression in _returned(fixture.func):
                found.extend(self.values(expression, scope))
            found.extend(annotated)
            origin = f"fixture {fixture.name} ({fixture.where})"
            result = [_with_origin(v, origin) for v in _unique(found)]
        finally:
            self._busy.discard(key)
        self._fixture_values[key] = result
        return result

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
            for name in sorted(_arg_names(fixture.func) - {"self", "request", "cls"}):
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

    def _annotation_values(self, func: FuncDef, module: TestModule) -> list[Value]:
        if func.returns is None:
            return []
        found = []
        for name in annotation_names(func.returns):
            for value in self.dotted_values(name, self.module_scope(module)):
                if value.kind == "ref" and self.code.kind(value.target) == "class":
                    found.append(Value("instance", value.target, "return annotation"))
        return found

    # calls -----------------------------------------------------------------------------
    def _calls_in(self, node: ast.AST, scope: Scope, prefix: str, reaches: list[Reach],
                  unresolved: list[Unresolved], skip_decorators: bool = False) -> None:
        roots = list(getattr(node, "body", [])) if skip_decorators else [node]
        calls = [n for root in roots for n in ast.walk(root) if isinstance(n, ast.Call)]
        for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
            callees = self.values(call.func, scope)
            if not callees:
                name = _dotted(call.func).rsplit(".", 1)[-1] or _last_attr(call.func)
                if name:
                    unresolved.append(Unresolved(name, scope.module.display, call.lineno))
                continue
            for callee in callees:
                for target, action in self._targets(callee, call, scope):
                    via = f"{prefix}{_clip(ast.unparse(call.func), 60)}() {action} {target}"
                    if callee.origin:
                        via += f" [{_receiver(call.func)}: {callee.origin}]"
                    reaches.append(Reach(target, _clip(via, VIA_LIMIT), scope.module.display,
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
            return _unique(self._values(node, scope))[:MAX_VALUES]
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
            if name in scope.memo:
                return scope.memo[name]
            if name in scope.busy:
                return []
            scope.busy.add(name)
            try:
                found = [_with_origin(v, f"{name} = {_clip(ast.unparse(expr), 50)} "
                                         f"({scope.module.display}:{expr.lineno})")
                         for expr in scope.assigns[name] for v in self.values(expr, scope)]
            finally:
                scope.busy.discard(name)
            scope.memo[name] = found
            return found
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
            if name in scope.memo:
                return scope.memo[name]
            if name in scope.busy:
                return []
            scope.busy.add(name)
            try:
                found = [v for expr in module.assigns[name] for v in self.values(expr, scope)]
            finally:
                scope.busy.discard(name)
            scope.memo[name] = found
            return found
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
        return [_with_origin(v, origin) for expr in fixture.params
                for v in self.values(_unwrap_param(expr), scope)]

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
                        and attribute in _targets_of(item):
                    found.extend(self.values(item.value, self.module_scope(cls.module)))
            for method in cls.node.body:
                if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for expression in _self_assignments(method, attribute):
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
                for expression in _returned(callee.node):
                    found.extend(self.values(expression, helper_scope))
        return found


def _parametrize(func: FuncDef, owner: TestClass | None, cls: TestClass | None
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
                not _dotted(decorator.func).endswith("parametrize") or len(decorator.args) < 2:
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
            row = _unwrap_param(element, keep_tuple=len(names) > 1)
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


def _unwrap_param(node: ast.expr, keep_tuple: bool = False) -> ast.expr:
    """`pytest.param(x, id=...)` -> `x` (or all of its arguments as a tuple)."""
    if isinstance(node, ast.Call) and _dotted(node.func).endswith("param") and node.args:
        if keep_tuple and len(node.args) > 1:
            return ast.Tuple(elts=list(node.args), ctx=ast.Load())
        return node.args[0]
    return node


def _requested(func: FuncDef, bound: dict[str, list[ast.expr]], indirect: set[str]
               ) -> list[str]:
    """Fixture names a test asks for: its arguments (not parametrised ones) and
    `@pytest.mark.usefixtures(...)`."""
    names = [a for a in _ordered_args(func) if a not in ("self", "cls", "request")
             and (a not in bound or a in indirect)]
    for decorator in func.decorator_list:
        if isinstance(decorator, ast.Call) and _dotted(decorator.func).endswith("usefixtures"):
            names.extend(a.value for a in decorator.args
                         if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return list(dict.fromkeys(names))


def _ordered_args(func: FuncDef) -> list[str]:
    args = func.args
    return [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]


def _arg_names(func: FuncDef) -> set[str]:
    names = set(_ordered_args(func))
    if func.args.vararg:
        names.add(func.args.vararg.arg)
    if func.args.kwarg:
        names.add(func.args.kwarg.arg)
    return names


def _local_assigns(func: FuncDef) -> dict[str, list[ast.expr]]:
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


def _returned(func: FuncDef) -> list[ast.expr]:
    """What a function returns or yields (not looking into nested functions)."""
    found = []
    for node in own_nodes(func):
        if isinstance(node, (ast.Return, ast.Yield)) and node.value is not None:
            found.append(node.value)
    return found


def _self_assignments(method: FuncDef, attribute: str) -> list[ast.expr]:
    found = []
    for node in ast.walk(method):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == attribute and \
                        isinstance(target.value, ast.Name) and target.value.id == "self":
                    found.append(node.value)
    return found


def _targets_of(item: ast.Assign | ast.AnnAssign) -> list[str]:
    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


def _with_origin(value: Value, origin: str) -> Value:
    joined = f"{origin} <- {value.origin}" if value.origin else origin
    return Value(value.kind, value.target, _clip(joined, VIA_LIMIT), value.receiver, value.node,
                 value.module, value.fixture)


def _unique(values: list[Value]) -> list[Value]:
    seen: set[tuple[str, str, str, int]] = set()
    kept = []
    for value in values:
        key = (value.kind, value.target, value.receiver, id(value.node))
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def _dedupe(reaches: list[Reach]) -> list[Reach]:
    seen: set[str] = set()
    kept = []
    for reach in reaches:
        if reach.target not in seen:
            seen.add(reach.target)
            kept.append(reach)
    return kept


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _receiver(node: ast.expr) -> str:
    """`signer` of `signer.sign`, `factory` of `factory`: the name whose value was traced."""
    return _clip(ast.unparse(node.value if isinstance(node, ast.Attribute) else node), 40)


def _last_attr(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else ""


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."

