"""Where a dotted name used by a test is defined in the analysed code, read with `ast`.

`CodeIndex` answers the questions the test linker asks about the code under test: what
`itsdangerous.Signer` really is (a package `__init__` re-exports `itsdangerous.signer.Signer`),
which class defines a method an instance inherits, what class a function's return annotation
names. Modules are found on disk by name under the import roots of the extracted source and
parsed on demand, one time each; only modules of the source's own top-level packages are read
(a test importing `itsdangerous.timed` while the spec covers `itsdangerous/signer.py` still
learns that `TimestampSigner` derives from `Signer`). It never imports or runs the code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from specloom.extract.files import SourceFile, read_source

MAX_MODULES = 2000
MAX_DEPTH = 12
WRAPPERS = frozenset({"Optional", "Iterator", "Iterable", "Generator", "AsyncIterator",
                      "AsyncGenerator", "Annotated", "Final", "ClassVar", "Awaitable",
                      "Coroutine"})


@dataclass(slots=True)
class CodeModule:
    """One parsed module: its imports (local name -> absolute dotted name) and definitions."""

    name: str
    is_package: bool
    bindings: dict[str, str] = field(default_factory=dict)
    star: list[str] = field(default_factory=list)
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    aliases: dict[str, ast.expr] = field(default_factory=dict)


class CodeIndex:
    """Lazily parsed modules of the packages named in `packages`, found under `roots`."""

    def __init__(self, roots: Iterable[Path], packages: Iterable[str]) -> None:
        self.roots = list(dict.fromkeys(roots))
        self.packages = frozenset(packages)
        self._modules: dict[str, CodeModule | None] = {}

    # modules ---------------------------------------------------------------------------
    def module(self, name: str) -> CodeModule | None:
        if name in self._modules:
            return self._modules[name]
        found: CodeModule | None = None
        if name.split(".", 1)[0] in self.packages and len(self._modules) < MAX_MODULES:
            found = self._load(name)
        self._modules[name] = found
        return found

    def _load(self, name: str) -> CodeModule | None:
        relative = Path(*name.split("."))
        for root in self.roots:
            for path, package in ((root / relative / "__init__.py", True),
                                  (root / relative.with_suffix(".py"), False)):
                if path.is_file():
                    return _parse_module(path, name, package)
        return None

    # names -----------------------------------------------------------------------------
    def canonical(self, dotted_name: str, depth: int = 0) -> str | None:
        """The qualified name of the definition `dotted_name` refers to, or None if unknown.

        Modules, classes, functions and methods (a method an inherited class does not define
        resolves to the base class that does)."""
        parts = dotted_name.split(".")
        if depth > MAX_DEPTH or not parts or parts[0] not in self.packages:
            return None
        for size in range(len(parts), 0, -1):
            module = self.module(".".join(parts[:size]))
            if module is not None:
                return self._inside(module, parts[size:], depth)
        return None

    def _inside(self, module: CodeModule, rest: list[str], depth: int) -> str | None:
        if not rest:
            return module.name
        head, tail = rest[0], rest[1:]
        if head in module.classes:
            return self._member_path(f"{module.name}.{head}", tail)
        if head in module.functions:
            return None if tail else f"{module.name}.{head}"
        if head in module.bindings:
            return self.canonical(".".join([module.bindings[head], *tail]), depth + 1)
        if head in module.aliases:
            target = dotted_name(module.aliases[head])
            resolved = self.resolve_in(module.name, target, depth + 1) if target else None
            return self.canonical(".".join([resolved, *tail]), depth + 1) if resolved else None
        submodule = self.module(f"{module.name}.{head}")
        if submodule is not None:
            return self._inside(submodule, tail, depth)
        for star in module.star:
            found = self.canonical(".".join([star, *rest]), depth + 1)
            if found:
                return found
        return None

    def _member_path(self, cls: str, tail: list[str]) -> str | None:
        if not tail:
            return cls
        if len(tail) == 1:
            return self.member(cls, tail[0])
        return None

    def resolve_in(self, module_name: str, dotted_name: str, depth: int = 0) -> str | None:
        """`dotted_name` as written inside module `module_name`, canonical."""
        module = self.module(module_name)
        if module is None or not dotted_name:
            return None
        found = self._inside(module, dotted_name.split("."), depth)
        return found or self.canonical(dotted_name, depth + 1)

    def kind(self, qualified: str) -> str:
        """`module`, `class`, `function`, `method` or `` for a canonical name."""
        if self.module(qualified) is not None:
            return "module"
        owner, _, name = qualified.rpartition(".")
        module = self.module(owner)
        if module is not None:
            if name in module.classes:
                return "class"
            return "function" if name in module.functions else ""
        return "method" if self._method_node(qualified) is not None else ""

    # classes ---------------------------------------------------------------------------
    def _class_node(self, qualified: str) -> tuple[CodeModule, ast.ClassDef] | None:
        owner, _, name = qualified.rpartition(".")
        module = self.module(owner)
        if module is None or name not in module.classes:
            return None
        return module, module.classes[name]

    def _method_node(self, qualified: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        owner, _, name = qualified.rpartition(".")
        found = self._class_node(owner)
        if found is None:
            return None
        return _methods(found[1]).get(name)

    def bases(self, cls: str) -> list[str]:
        found = self._class_node(cls)
        if found is None:
            return []
        module, node = found
        resolved = []
        for base in node.bases:
            expression = base.value if isinstance(base, ast.Subscript) else base
            name = self.resolve_in(module.name, dotted_name(expression))
            if name and self.kind(name) == "class":
                resolved.append(name)
        return resolved

    def mro(self, cls: str) -> list[str]:
        """`cls` and its known bases, depth first, each once (enough for test classes)."""
        order: list[str] = []

        def visit(name: str, depth: int) -> None:
            if name in order or depth > MAX_DEPTH:
                return
            order.append(name)
            for base in self.bases(name):
                visit(base, depth + 1)

        visit(cls, 0)
        return order

    def member(self, cls: str, attribute: str) -> str | None:
        """The method `attribute` as `defining_class.attribute`, looked up along the MRO."""
        for owner in self.mro(cls):
            found = self._class_node(owner)
            if found and attribute in _methods(found[1]):
                return f"{owner}.{attribute}"
        return None

    def class_attribute(self, cls: str, attribute: str) -> str | None:
        """A class-level `name = Other` / `name: T = Other` naming a known definition."""
        for owner in self.mro(cls):
            found = self._class_node(owner)
            if found is None:
                continue
            module, node = found
            for item in node.body:
                value = _assigned(item, attribute)
                if value is not None:
                    return self.resolve_in(module.name, dotted_name(value))
        return None

    def returns(self, qualified: str) -> str | None:
        """The class a function or method returns, from its annotation or `return C(...)`."""
        node = self._method_node(qualified)
        owner = qualified.rpartition(".")[0]
        if node is not None:
            module_name = owner.rpartition(".")[0]
        else:
            module = self.module(owner)
            node = module.functions.get(qualified.rpartition(".")[2]) if module else None
            module_name, owner = owner, ""
        if node is None:
            return None
        for candidate in _return_candidates(node):
            if candidate in ("Self", "te.Self", "typing.Self", "typing_extensions.Self") \
                    and owner:
                return owner
            resolved = self.resolve_in(module_name, candidate)
            if resolved and self.kind(resolved) == "class":
                return resolved
        return None


def _return_candidates(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    names: list[str] = []
    if func.returns is not None:
        names.extend(annotation_names(func.returns))
    for node in own_nodes(func):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            names.append(dotted_name(node.value.func))
    return [n for n in names if n]


def annotation_names(node: ast.expr) -> list[str]:
    """`Signer`, `"Signer"`, `Signer | None`, `Optional[Signer]`, `Iterator[Signer]` -> Signer."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return annotation_names(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return annotation_names(node.left) + annotation_names(node.right)
    if isinstance(node, ast.Subscript):
        if dotted_name(node.value).rsplit(".", 1)[-1] in WRAPPERS:
            inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and \
                node.slice.elts else node.slice
            return annotation_names(inner)
        return []
    name = dotted_name(node)
    return [name] if name and name != "None" else []


def own_nodes(func: ast.AST) -> list[ast.AST]:
    """Nodes of a function body, not descending into nested functions, lambdas or classes."""
    found: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                 ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return found


def _methods(node: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {item.name: item for item in node.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _assigned(item: ast.stmt, name: str) -> ast.expr | None:
    if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name
                                            for t in item.targets):
        return item.value
    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) \
            and item.target.id == name:
        return item.value
    return None


def dotted_name(node: ast.AST) -> str:
    """`a.b.c` for a name or an attribute chain on a name, `` for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _parse_module(path: Path, name: str, is_package: bool) -> CodeModule | None:
    read = read_source(path)
    if not isinstance(read, SourceFile):
        return None
    try:
        tree = ast.parse(read.text)
    except (SyntaxError, ValueError):
        return None
    module = CodeModule(name, is_package)
    package = name if is_package else name.rpartition(".")[0]
    read_bindings(tree.body, package, module.bindings, module.star)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            module.functions[node.name] = node  # the last one: the body after `@overload`s
        elif isinstance(node, ast.ClassDef):
            module.classes[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None \
                and isinstance(node.value, (ast.Name, ast.Attribute)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    module.aliases[target.id] = node.value
    return module


def read_bindings(body: list[ast.stmt], package: str, bindings: dict[str, str],
                  star: list[str]) -> None:
    """Import statements of a module body (also inside `if`/`try`, e.g. `TYPE_CHECKING`)."""
    for node in body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bindings.setdefault(alias.asname, alias.name)
                else:
                    top = alias.name.split(".", 1)[0]
                    bindings.setdefault(top, top)
        elif isinstance(node, ast.ImportFrom):
            base = absolute_from(node, package)
            for alias in node.names:
                if alias.name == "*":
                    star.append(base)
                elif base:
                    bindings.setdefault(alias.asname or alias.name, f"{base}.{alias.name}")
        elif isinstance(node, ast.If):
            read_bindings(node.body, package, bindings, star)
            read_bindings(node.orelse, package, bindings, star)
        elif isinstance(node, ast.Try):
            read_bindings(node.body, package, bindings, star)
            for handler in node.handlers:
                read_bindings(handler.body, package, bindings, star)


def absolute_from(node: ast.ImportFrom, package: str) -> str:
    """The absolute module of `from X import ...` (relative levels resolved in `package`)."""
    if not node.level:
        return node.module or ""
    parts = package.split(".") if package else []
    if node.level > 1:
        parts = parts[:len(parts) - node.level + 1]
    return ".".join([*parts, *([node.module] if node.module else [])])


def roots_of(modules: Iterable[tuple[str, Path]]) -> list[Path]:
    """Import roots (the folders `import top.mod` is found from) of (module, file) pairs."""
    roots: list[Path] = []
    for name, path in modules:
        ups = len(name.split(".")) - (0 if path.stem == "__init__" else 1)
        folder = path.parent
        for _ in range(ups):
            folder = folder.parent
        if folder not in roots:
            roots.append(folder)
    return roots
