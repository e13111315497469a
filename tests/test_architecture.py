"""The import graph of `src/specloom` keeps its layers (docs/architecture.md).

Every `import specloom...` counts, lazy ones inside functions and `TYPE_CHECKING` ones too: a
lazy import is still a dependency. A package may import its own layer or lower ones, never a
higher one; no two packages and no two files import each other, directly or around a loop.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

LAYERS: dict[str, int] = {
    "core": 0,
    "spec": 1,
    # features: what specloom knows how to do, each on its own
    "quality": 2, "context": 2, "models": 2, "mcp_client": 2, "integrations": 2, "trace": 2,
    "extract": 2, "project": 2, "drafting": 2,
    # the workflows that combine features
    "workflows": 3, "agent": 3,
    # the use cases every adapter shares
    "app": 4,
    # adapters: parse, call, render
    "cli": 5, "mcp_server": 5,
}
TOP_LEVEL = {"specloom", "specloom.__init__"}


def module_name(path: Path, src: Path = SRC) -> str:
    return ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__")


def imports_of(path: Path) -> set[tuple[str, str]]:
    """(name, fallback) per imported specloom name: `from a import b` is module `a.b` when that
    file exists, else module `a`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update((f"{node.module}.{alias.name}", node.module) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update((alias.name, alias.name) for alias in node.names)
    return {pair for pair in found if pair[1] == "specloom" or pair[1].startswith("specloom.")}


def file_graph(src: Path = SRC) -> dict[str, set[str]]:
    """Module -> the specloom modules it imports (names resolved to existing modules)."""
    files = {module_name(path, src): path for path in (src / "specloom").rglob("*.py")}

    def resolve(name: str, fallback: str) -> str | None:
        if name in files:
            return name
        while fallback and fallback not in files:
            fallback = fallback.rpartition(".")[0]
        return fallback or None

    return {module: {target for name, fallback in imports_of(path)
                     if (target := resolve(name, fallback)) is not None and target != module}
            for module, path in files.items()}


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "specloom"


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def package_graph(graph: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        source = package_of(module)
        packages.setdefault(source, set()).update(
            package_of(t) for t in targets if package_of(t) != source)
    return packages


def upward_imports(graph: Mapping[str, Iterable[str]]) -> list[str]:
    wrong = []
    for module, targets in sorted(graph.items()):
        if module in TOP_LEVEL:
            continue
        source = package_of(module)
        for target in sorted(targets):
            if target in TOP_LEVEL:
                continue
            if LAYERS[package_of(target)] > LAYERS[source]:
                wrong.append(f"{module} ({source}, layer {LAYERS[source]}) imports {target} "
                             f"({package_of(target)}, layer {LAYERS[package_of(target)]})")
    return wrong


GRAPH = file_graph()


def test_every_package_has_a_layer() -> None:
    packages = {package_of(m) for m in GRAPH} - {"specloom"}
    assert packages - set(LAYERS) == set(), "add the new package to LAYERS and the docs"


def test_no_import_reaches_a_higher_layer() -> None:
    assert upward_imports(GRAPH) == []


def test_no_cycles_between_packages_or_files() -> None:
    assert cycles(package_graph(GRAPH)) == []
    assert cycles(GRAPH) == []


def test_the_checks_fail_when_someone_adds_a_violation(tmp_path: Path) -> None:
    package = tmp_path / "specloom"
    for name, text in {
        "__init__.py": "",
        "core/__init__.py": "", "core/rule.py": "from specloom.quality import engine\n",
        "quality/__init__.py": "", "quality/engine.py": "from specloom.core import rule\n",
        "spec/__init__.py": "",
        "spec/a.py": "def f():\n    from specloom.spec import b\n",
        "spec/b.py": "import specloom.spec.a\n",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    graph = file_graph(tmp_path)
    assert upward_imports(graph) == [
        "specloom.core.rule (core, layer 0) imports specloom.quality.engine (quality, layer 2)"]
    assert cycles(package_graph(graph)) == [["core", "quality"]]
    assert ["specloom.spec.a", "specloom.spec.b"] in cycles(graph)


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_each_layer_is_documented(package: str) -> None:
    docs = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"`{package}`" in docs
