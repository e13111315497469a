"""The tests pytest would collect, and the fixtures each one can see, read with `ast`.

`TestSuite` parses the listed test files, finds the `conftest.py` files above them and loads
helper test modules by name when a test imports one (`from tests.base import TestBase`). It
lists test items the way pytest names them: module-level `test*` functions and `test*` methods
of `Test*` classes (and `unittest.TestCase` subclasses), including the methods a class inherits
from its base test classes, each under the subclass's own node id
(`tests/test_timed.py::TestTimestampSigner::test_signer`). A `Context` is what fixture lookup
depends on (the item's class and module): fixtures of the class and its bases, of the module
(defined or imported there), then of each `conftest.py` up to the workspace root. Nothing is
imported or run; a test class imported into another module (and so collected there again by
pytest) is listed once, where it is defined.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from specloom.extract.code_index import CodeIndex, dotted_name, read_bindings
from specloom.extract.files import SourceFile, module_name, read_source

MAX_TEST_MODULES = 5000
MAX_DEPTH = 12
FuncDef = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(eq=False)
class Fixture:
    """A `@pytest.fixture` function: its name (or `name=`), `params=` and where it is."""

    name: str
    func: FuncDef
    module: TestModule
    params: list[ast.expr] | None
    autouse: bool

    @property
    def where(self) -> str:
        return f"{self.module.display}:{self.func.lineno}"


@dataclass(eq=False)
class TestModule:
    """A parsed test file (or conftest or helper module) and its module-level names."""

    __test__ = False  # not a pytest test class

    path: Path
    display: str
    name: str
    tree: ast.Module
    bindings: dict[str, str] = field(default_factory=dict)
    star: list[str] = field(default_factory=list)
    functions: dict[str, FuncDef] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    assigns: dict[str, list[ast.expr]] = field(default_factory=dict)
    fixtures: dict[str, Fixture] = field(default_factory=dict)


@dataclass(eq=False)
class TestClass:
    """A class in a test module (a test class, or a base or mixin of one): its own fixtures."""

    __test__ = False  # not a pytest test class
    node: ast.ClassDef
    module: TestModule
    fixtures: dict[str, Fixture]

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def where(self) -> str:
        return f"{self.module.display}:{self.node.lineno}"


@dataclass(frozen=True, eq=False)
class TestItem:
    """One collected test: `owner` defines the function, `cls` is the class it is collected
    from (a subclass when the test is inherited), `module` the file it is collected in."""

    __test__ = False  # not a pytest test class

    nodeid: str
    func: FuncDef
    module: TestModule
    cls: TestClass | None
    owner: TestClass | None

    @property
    def defined_in(self) -> TestModule:
        return self.owner.module if self.owner else self.module

    @property
    def inherited(self) -> bool:
        return self.owner is not self.cls


class TestSuite:
    """Test modules of one extraction: the listed files plus what they import and conftests."""

    __test__ = False  # not a pytest test class

    def __init__(self, root: Path, files: Sequence[Path], code: CodeIndex) -> None:
        self.root = root.resolve()
        self.code = code
        self._by_path: dict[Path, TestModule | None] = {}
        self._classes: dict[tuple[Path, str], TestClass] = {}
        self._mros: dict[int, list[TestClass]] = {}
        self.listed = [m for m in (self.load_path(p) for p in files) if m is not None]
        self._exact: dict[str, TestModule] = {}
        suffixes: dict[str, list[TestModule]] = {}
        for module in self.listed:
            self._exact.setdefault(module.name, module)
            parts = module.display.removesuffix(".py").split("/")
            for start in range(len(parts)):
                suffixes.setdefault(".".join(parts[start:]), []).append(module)
        self._suffix = {name: found[0] for name, found in suffixes.items() if len(found) == 1}
        self._import_roots = list(dict.fromkeys([self.root, *(_base_dir(m.path)
                                                                for m in self.listed)]))

    # modules ---------------------------------------------------------------------------
    def display(self, path: Path) -> str:
        absolute = path.resolve()
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            return absolute.as_posix()

    def load_path(self, path: Path) -> TestModule | None:
        key = path.resolve()
        if key not in self._by_path:
            self._by_path[key] = (_parse(key, self.display(key), module_name(key))
                                  if len(self._by_path) < MAX_TEST_MODULES else None)
        return self._by_path[key]

    def load_name(self, dotted_name: str) -> TestModule | None:
        """A test-side module by import name: a listed file, or a helper found on disk."""
        found = self._exact.get(dotted_name) or self._suffix.get(dotted_name)
        if found is not None:
            return found
        if dotted_name.split(".", 1)[0] in self.code.packages:
            return None
        relative = Path(*dotted_name.split("."))
        for root in self._import_roots:
            for path in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
                if path.is_file() and _inside(path, self.root):
                    module = self.load_path(path)
                    if module is not None:
                        self._exact[dotted_name] = module
                        return module
        return None

    def split(self, dotted_name: str) -> tuple[TestModule, list[str]] | None:
        """The longest prefix of `dotted_name` that is a test-side module, and the rest."""
        parts = dotted_name.split(".")
        for size in range(len(parts) - 1, 0, -1):
            module = self.load_name(".".join(parts[:size]))
            if module is not None:
                return module, parts[size:]
        return None

    def conftests(self, module: TestModule) -> list[TestModule]:
        """`conftest.py` files from the module's folder up to the workspace root, nearest first."""
        found: list[TestModule] = []
        folder = module.path.parent
        while True:
            candidate = folder / "conftest.py"
            if candidate != module.path and candidate.is_file():
                loaded = self.load_path(candidate)
                if loaded is not None:
                    found.append(loaded)
            if folder == self.root or folder.parent == folder or not _inside(folder, self.root):
                return found
            folder = folder.parent

    # classes ---------------------------------------------------------------------------
    def test_class(self, module: TestModule, name: str) -> TestClass:
        key = (module.path, name)
        if key not in self._classes:
            node = module.classes[name]
            self._classes[key] = TestClass(node, module, _fixtures(node.body, module))
        return self._classes[key]

    def resolve_class(self, module: TestModule, expression: ast.expr,
                      depth: int = 0) -> TestClass | None:
        """The test-side class a base-class expression names (local or imported)."""
        if isinstance(expression, ast.Subscript):
            expression = expression.value
        name = dotted_name(expression)
        if not name or depth > MAX_DEPTH:
            return None
        head, _, rest = name.partition(".")
        if not rest and head in module.classes:
            return self.test_class(module, head)
        target = module.bindings.get(head)
        if target is None:
            return None
        split = self.split(".".join(filter(None, (target, rest))))
        if split is None or len(split[1]) != 1:
            return None
        other, (attribute,) = split
        return self.resolve_class(other, ast.Name(attribute), depth + 1)

    def mro(self, cls: TestClass) -> list[TestClass]:
        """The class and its test-side bases, depth first, each once."""
        if id(cls) in self._mros:
            return self._mros[id(cls)]
        order: list[TestClass] = []

        def visit(current: TestClass, depth: int) -> None:
            if current in order or depth > MAX_DEPTH:
                return
            order.append(current)
            for base in current.node.bases:
                found = self.resolve_class(current.module, base)
                if found is not None:
                    visit(found, depth + 1)

        visit(cls, 0)
        self._mros[id(cls)] = order
        return order

    # items -----------------------------------------------------------------------------
    def items(self) -> Iterator[TestItem]:
        for module in sorted(self.listed, key=lambda m: m.display):
            if module.path.name == "conftest.py":
                continue
            for node in module.tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                        node.name.startswith("test") and not _fixture_decorator(node):
                    yield TestItem(f"{module.display}::{node.name}", node, module, None, None)
                elif isinstance(node, ast.ClassDef) and self._collectable(module, node):
                    yield from self._class_items(module, self.test_class(module, node.name))

    def _collectable(self, module: TestModule, node: ast.ClassDef) -> bool:
        if any(isinstance(item, ast.FunctionDef) and item.name == "__init__"
               for item in node.body):
            return False
        if node.name.startswith("Test"):
            return True
        classes = self.mro(self.test_class(module, node.name))
        return any(dotted_name(base).rsplit(".", 1)[-1] == "TestCase"
                   for cls in classes for base in cls.node.bases)

    def _class_items(self, module: TestModule, cls: TestClass) -> Iterator[TestItem]:
        seen: set[str] = set()
        for owner in self.mro(cls):
            for item in owner.node.body:
                names = _defined_names(item)
                fresh = [n for n in names if n not in seen]
                seen.update(names)
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and fresh and \
                        item.name.startswith("test") and not _fixture_decorator(item):
                    yield TestItem(f"{module.display}::{cls.name}::{item.name}", item, module,
                                   cls, owner)

    def context(self, module: TestModule, cls: TestClass | None) -> list[dict[str, Fixture]]:
        """Fixture providers in lookup order for a test collected in `module` from `cls`."""
        providers = [c.fixtures for c in self.mro(cls)] if cls else []
        providers.append(module.fixtures)
        providers.append(self._imported_fixtures(module))
        for conftest in self.conftests(module):
            providers.append(conftest.fixtures)
            providers.append(self._imported_fixtures(conftest))
        return providers

    def _imported_fixtures(self, module: TestModule) -> dict[str, Fixture]:
        found: dict[str, Fixture] = {}
        for local, target in module.bindings.items():
            if target.split(".", 1)[0] in self.code.packages:
                continue
            split = self.split(target)
            if split is not None and len(split[1]) == 1 and split[1][0] in split[0].fixtures:
                found[local] = split[0].fixtures[split[1][0]]
        return found


def _defined_names(item: ast.stmt) -> list[str]:
    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [item.name]
    if isinstance(item, ast.Assign):
        return [t.id for t in item.targets if isinstance(t, ast.Name)]
    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
        return [item.target.id]
    return []


def _fixture_decorator(func: FuncDef) -> ast.expr | None:
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if dotted_name(target).rsplit(".", 1)[-1] == "fixture":
            return decorator
    return None


def _fixtures(body: list[ast.stmt], module: TestModule) -> dict[str, Fixture]:
    found: dict[str, Fixture] = {}
    for node in body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        decorator = _fixture_decorator(node)
        if decorator is None:
            continue
        keywords = {k.arg: k.value for k in decorator.keywords} \
            if isinstance(decorator, ast.Call) else {}
        name = keywords.get("name")
        fixture_name = name.value if isinstance(name, ast.Constant) and \
            isinstance(name.value, str) else node.name
        autouse = keywords.get("autouse")
        found[fixture_name] = Fixture(
            fixture_name, node, module, _params(keywords.get("params"), module),
            isinstance(autouse, ast.Constant) and autouse.value is True)
    return found


def _params(node: ast.expr | None, module: TestModule) -> list[ast.expr] | None:
    if node is None:
        return None
    if isinstance(node, ast.Name) and module.assigns.get(node.id):
        node = module.assigns[node.id][0]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return list(node.elts)
    return []


def _parse(path: Path, display: str, name: str) -> TestModule | None:
    read = read_source(path)
    if not isinstance(read, SourceFile):
        return None
    try:
        tree = ast.parse(read.text, filename=display)
    except (SyntaxError, ValueError):
        return None
    module = TestModule(path, display, name, tree)
    package = name if path.stem == "__init__" else name.rpartition(".")[0]
    read_bindings(tree.body, package, module.bindings, module.star)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            module.functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            module.classes[node.name] = node
        elif isinstance(node, ast.Assign) and node.value is not None:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    module.assigns.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None and \
                isinstance(node.target, ast.Name):
            module.assigns.setdefault(node.target.id, []).append(node.value)
    module.fixtures = _fixtures(tree.body, module)
    return module


def _base_dir(path: Path) -> Path:
    """The first folder above `path` without an `__init__.py`: what pytest puts on sys.path."""
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
    except ValueError:
        return False
    return True


