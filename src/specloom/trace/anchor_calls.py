"""Call targets: the workspace functions, methods and classes a Python function uses.

Resolution is static and deliberately bounded. It follows:
- names imported with `from pkg.mod import f` or `import pkg.mod as m` (`m.f()`), absolute or
  relative, through re-exports in `__init__.py` and other modules (a few levels);
- functions and classes defined in the same module;
- `Class(...)` (its `__init__`, or the class when it defines none) and `Class(...).method`;
- methods and properties of a local variable assigned from `Class(...)`;
- `self.x` / `cls.x` inside a method, through base classes defined in the workspace.
Anything else (pytest fixtures, attributes of arguments, dynamic dispatch, names from outside
the workspace) is skipped. Modules are looked up under the workspace root and its `src/`
folder. Nothing is imported or run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from specloom.trace.symbols import DefNode, ParsedFile, SymbolIndex, is_test_path

MAX_REEXPORT_DEPTH = 4
MAX_BASE_DEPTH = 3
SOURCE_ROOTS = ("", "src/")


@dataclass(frozen=True, slots=True)
class Ref:
    """What an expression stands for: a module, a symbol (function or class), or an
    instance of a class defined in the workspace."""

    kind: str  # "module", "symbol" or "instance"
    module: str = ""
    path: str = ""
    qualname: str = ""
    is_class: bool = False


Target = tuple[str, str]  # (path, qualified name)


class CallResolver:
    """Call targets of functions in one workspace, with every lookup cached."""

    def __init__(self, index: SymbolIndex) -> None:
        self.index = index
        self._module_paths: dict[str, str | None] = {}
        self._imports: dict[str, dict[str, tuple[str, str | None]]] = {}
        self._calls: dict[Target, tuple[Target, ...]] = {}

    # -- modules -------------------------------------------------------------------------

    def module_path(self, module: str) -> str | None:
        """The workspace file of a dotted module name, or None when it is not in the workspace."""
        if module in self._module_paths:
            return self._module_paths[module]
        found = None
        if module and all(part.isidentifier() for part in module.split(".")):
            relative = module.replace(".", "/")
            for prefix in SOURCE_ROOTS:
                for candidate in (f"{prefix}{relative}.py", f"{prefix}{relative}/__init__.py"):
                    if (self.index.root / candidate).is_file():
                        found = candidate
                        break
                if found:
                    break
        self._module_paths[module] = found
        return found

    def imports_might_resolve(self, text: str) -> bool:
        """Cheap pre-check on a file's text: does any import name a workspace module?"""
        for line in text.splitlines():
            words = line.split()
            if len(words) < 2 or words[0] not in ("import", "from"):
                continue
            name = words[1].rstrip(",")
            if name.startswith(".") or self.module_path(name.split(".")[0]) is not None \
                    or self.module_path(name) is not None:
                return True
        return False

    def _module_name(self, path: str) -> str:
        """Dotted name of a workspace file: its package chain (folders with `__init__.py`)."""
        parts = path.split("/")
        stem = parts[-1].rsplit(".", 1)[0]
        names = [] if stem == "__init__" else [stem]
        folders = parts[:-1]
        while folders and (self.index.root / "/".join(folders) / "__init__.py").is_file():
            names.insert(0, folders.pop())
        return ".".join(names)

    def imports(self, parsed: ParsedFile) -> dict[str, tuple[str, str | None]]:
        """Local name -> (module, name in it, or None for the module itself)."""
        cached = self._imports.get(parsed.path)
        if cached is not None:
            return cached
        found: dict[str, tuple[str, str | None]] = {}
        module = self._module_name(parsed.path)
        package = module if parsed.path.endswith("__init__.py") else module.rpartition(".")[0]
        for node in _statements(parsed.tree.body):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        found.setdefault(alias.asname, (alias.name, None))
                    else:
                        top = alias.name.split(".")[0]
                        found.setdefault(top, (top, None))
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(node.module or "", node.level, package)
                if source is None:
                    continue
                for alias in node.names:
                    if alias.name != "*":
                        found.setdefault(alias.asname or alias.name, (source, alias.name))
        self._imports[parsed.path] = found
        return found

    def export(self, module: str, name: str, depth: int = 0) -> Ref | None:
        """What `from module import name` gives, following re-exports a few levels."""
        path = self.module_path(module)
        if path is None:  # perhaps a namespace package (no __init__.py) and its submodule
            return self._module_ref(f"{module}.{name}")
        parsed = self.index.file(path)
        if isinstance(parsed, ParsedFile):
            node = parsed.defs.get(name)
            if node is not None:
                return _symbol(path, name, node)
            imported = self.imports(parsed).get(name)
            if imported == (module, name):  # `from . import name` in a package: a submodule
                imported = None
            if imported is not None and depth < MAX_REEXPORT_DEPTH:
                source, attribute = imported
                if attribute is None:
                    return self._module_ref(source)
                return self.export(source, attribute, depth + 1)
        return self._module_ref(f"{module}.{name}")

    def _module_ref(self, module: str) -> Ref | None:
        return Ref("module", module) if self.module_path(module) is not None else None

    def member(self, cls: Ref, name: str, depth: int = 0) -> Ref | None:
        """A method, property or nested class of a workspace class, or of its bases."""
        parsed = self.index.file(cls.path)
        if not isinstance(parsed, ParsedFile):
            return None
        qualname = f"{cls.qualname}.{name}"
        node = parsed.defs.get(qualname)
        if node is not None:
            return _symbol(cls.path, qualname, node)
        class_node = parsed.defs.get(cls.qualname)
        if not isinstance(class_node, ast.ClassDef) or depth >= MAX_BASE_DEPTH:
            return None
        scope = _Scope(parsed, {}, None)
        for base in class_node.bases:
            resolved = self._resolve(base, scope)
            if resolved is not None and resolved.kind == "symbol" and resolved.is_class:
                found = self.member(resolved, name, depth + 1)
                if found is not None:
                    return found
        return None

    # -- expressions ---------------------------------------------------------------------

    def _resolve(self, expr: ast.expr, scope: _Scope) -> Ref | None:
        if isinstance(expr, ast.Name):
            return self._resolve_name(expr.id, scope)
        if isinstance(expr, ast.Attribute):
            base = self._resolve(expr.value, scope)
            if base is None:
                return None
            if base.kind == "module":
                return self.export(base.module, expr.attr)
            if base.is_class:  # `Class.method` or `instance.method`
                return self.member(base, expr.attr)
            return None
        if isinstance(expr, ast.Call):
            called = self._resolve(expr.func, scope)
            if called is not None and called.kind == "symbol" and called.is_class:
                return Ref("instance", path=called.path, qualname=called.qualname,
                           is_class=True)
        return None

    def _resolve_name(self, name: str, scope: _Scope) -> Ref | None:
        if name in scope.instances:
            return scope.instances[name]
        if name in ("self", "cls") and scope.cls is not None:
            return scope.cls
        node = scope.parsed.defs.get(name)
        if node is not None:
            return _symbol(scope.parsed.path, name, node)
        imported = self.imports(scope.parsed).get(name)
        if imported is None:
            return None
        module, attribute = imported
        return self._module_ref(module) if attribute is None else self.export(module, attribute)

    # -- call targets --------------------------------------------------------------------

    def calls(self, path: str, qualname: str) -> tuple[Target, ...]:
        """Workspace functions, methods and classes the function `qualname` in `path` uses
        (test modules excluded), in the order they appear."""
        key = (path, qualname)
        cached = self._calls.get(key)
        if cached is not None:
            return cached
        parsed = self.index.file(path)
        node = parsed.defs.get(qualname) if isinstance(parsed, ParsedFile) else None
        found: tuple[Target, ...] = ()
        if isinstance(parsed, ParsedFile) and isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef):
            owner = qualname.rpartition(".")[0]
            owner_node = parsed.defs.get(owner) if owner else None
            cls = (Ref("instance", path=path, qualname=owner, is_class=True)
                   if isinstance(owner_node, ast.ClassDef) and not is_test_path(path) else None)
            found = self._targets(node, _Scope(parsed, {}, cls))
        self._calls[key] = found
        return found

    def _targets(self, function: DefNode, scope: _Scope) -> tuple[Target, ...]:
        try:
            nodes = list(ast.walk(function))
        except RecursionError:
            return ()
        for node in nodes:  # local variables assigned from `Class(...)`
            value, names = _assignment(node)
            if value is not None:
                made = self._resolve(value, scope)
                if made is not None and made.kind == "instance":
                    scope.instances.update(dict.fromkeys(names, made))
        found: dict[Target, None] = {}
        for node in nodes:
            ref = None
            if isinstance(node, ast.Call) and not isinstance(node.func, ast.Attribute):
                ref = self._resolve(node.func, scope)
            elif isinstance(node, ast.Attribute):
                ref = self._resolve(node, scope)
            if ref is None or ref.kind != "symbol" or is_test_path(ref.path):
                continue
            if ref.is_class and isinstance(node, ast.Call):
                ref = self.member(ref, "__init__") or ref
            found[(ref.path, ref.qualname)] = None
        return tuple(found)


@dataclass(frozen=True, slots=True)
class _Scope:
    parsed: ParsedFile
    instances: dict[str, Ref]
    cls: Ref | None


def _statements(body: list[ast.stmt]) -> list[ast.AST]:
    """Every statement, nested ones included (imports inside functions count), without
    walking into expressions: much cheaper than `ast.walk` on a whole module."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(reversed(body))
    while pending:
        node = pending.pop()
        found.append(node)
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, field, None)
            if isinstance(children, list):
                pending.extend(reversed([c for c in children if isinstance(c, ast.AST)]))
    return found


def _symbol(path: str, qualname: str, node: DefNode) -> Ref:
    return Ref("symbol", path=path, qualname=qualname, is_class=isinstance(node, ast.ClassDef))


def _assignment(node: ast.AST) -> tuple[ast.expr | None, list[str]]:
    if isinstance(node, ast.Assign):
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        return node.value, names
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
        return node.value, [node.target.id]
    if isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
        return node.context_expr, [node.optional_vars.id]
    return None, []


def _absolute(module: str, level: int, package: str) -> str | None:
    """The absolute module a (possibly relative) `from ... import` names."""
    if level == 0:
        return module or None
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[:len(parts) - (level - 1)]
    return ".".join([*base, module] if module else base) or None
