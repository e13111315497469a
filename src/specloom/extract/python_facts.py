"""Facts from one Python module, read with `ast`: API, exceptions, constants, configuration,
data models, routes and commands.

It must not import, execute or modify the analysed code. Only public names (no leading
underscore) become API facts; private helpers still contribute the exceptions they raise.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from specloom.extract import frameworks
from specloom.extract.frameworks import dotted, string_value

EXCEPTION_BASES = frozenset({"Exception", "BaseException", "ValueError", "KeyError",
                             "LookupError", "RuntimeError", "TypeError", "OSError", "IOError",
                             "PermissionError", "HTTPException", "ClickException",
                             "UsageError"})
MODEL_BASES = {"BaseModel": "pydantic", "TypedDict": "TypedDict", "NamedTuple": "NamedTuple",
               "Enum": "Enum", "IntEnum": "Enum", "StrEnum": "Enum", "Flag": "Enum",
               "IntFlag": "Enum", "BaseSettings": "pydantic", "SQLModel": "pydantic"}
MODEL_DECORATORS = {"dataclass": "dataclass", "define": "attrs", "frozen": "attrs",
                    "mutable": "attrs", "s": "attrs", "attrs": "attrs"}
ENV_READERS = frozenset({"os.getenv", "os.environ.get", "environ.get", "getenv"})
TEXT_LIMIT = 160


@dataclass(slots=True)
class FactDraft:
    """A fact before the sheet gives it an id and a display path."""

    kind: str
    name: str
    symbol: str
    line: int
    summary: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def module_facts(tree: ast.Module, module: str, known_exceptions: frozenset[str] = frozenset()
                 ) -> tuple[list[FactDraft], list[str]]:
    """Facts of one module and the modules it imports (absolute names, relative ones resolved)."""
    imports = _imports(tree, module)
    uses_typer = any(name == "typer" or name.startswith("typer.") for name in imports)
    drafts = [FactDraft("module", module, module.rsplit(".", 1)[-1], 1,
                        _first_line(ast.get_docstring(tree)), {"imports": imports})]
    exceptions = known_exceptions | local_exceptions(tree)
    for node in tree.body:
        drafts.extend(_top_level(node, module, exceptions, uses_typer))
    drafts.extend(_route_draft(route, module) for route in frameworks.django_routes(tree))
    drafts.extend(_config_drafts(tree, module))
    return drafts, imports


def _top_level(node: ast.stmt, module: str, exceptions: frozenset[str],
               uses_typer: bool) -> Iterator[FactDraft]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        yield from _function_drafts(node, module, uses_typer)
    elif isinstance(node, ast.ClassDef):
        yield from _class_drafts(node, module, exceptions)
    elif isinstance(node, (ast.Assign, ast.AnnAssign)):
        yield from _constant_drafts(node, module)
    elif isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
        yield from _main_block(node, module)


def _function_drafts(func: ast.FunctionDef | ast.AsyncFunctionDef, module: str,
                     uses_typer: bool) -> Iterator[FactDraft]:
    for route in frameworks.routes_of(func):
        yield _route_draft(route, module, _raises(func))
    command = frameworks.click_command(func, uses_typer)
    if command is not None:
        yield _command_draft(command, module)
    for parsed in frameworks.argparse_commands(func, func.name):
        yield _command_draft(parsed, module)
    if func.name.startswith("_"):
        return
    yield FactDraft("function", f"{module}.{func.name}", func.name, func.lineno,
                    _first_line(ast.get_docstring(func)), _callable_details(func))


def _main_block(node: ast.If, module: str) -> Iterator[FactDraft]:
    for parsed in frameworks.argparse_commands(ast.Module(body=node.body, type_ignores=[]),
                                               "__main__"):
        yield _command_draft(parsed, module)


def _callable_details(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Any]:
    returns = ast.unparse(func.returns) if func.returns else ""
    prefix = "async def" if isinstance(func, ast.AsyncFunctionDef) else "def"
    arrow = f" -> {returns}" if returns else ""
    return {"signature": f"{prefix} {func.name}({_short(ast.unparse(func.args))}){arrow}",
            "returns": returns, "raises": _raises(func),
            "decorators": [_short(ast.unparse(d)) for d in func.decorator_list]}


def _class_drafts(node: ast.ClassDef, module: str,
                  exceptions: frozenset[str]) -> Iterator[FactDraft]:
    if node.name.startswith("_"):
        return
    name = f"{module}.{node.name}"
    bases = [_short(ast.unparse(b)) for b in node.bases]
    doc = _first_line(ast.get_docstring(node))
    flavour = _model_flavour(node)
    if node.name in exceptions:
        yield FactDraft("exception", name, node.name, node.lineno, doc, {"bases": bases})
    elif flavour:
        yield FactDraft("data_model", name, node.name, node.lineno, doc,
                        {"flavour": flavour, "bases": bases, "fields": _fields(node, flavour)})
    else:
        yield FactDraft("class", name, node.name, node.lineno, doc, {"bases": bases})
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                (not item.name.startswith("_") or item.name == "__init__"):
            yield FactDraft("method", f"{name}.{item.name}", item.name, item.lineno,
                            _first_line(ast.get_docstring(item)), _callable_details(item))


def _constant_drafts(node: ast.Assign | ast.AnnAssign, module: str) -> Iterator[FactDraft]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        if isinstance(target, ast.Name) and target.id.isupper() and node.value is not None:
            yield FactDraft("constant", f"{module}.{target.id}", target.id, node.lineno,
                            "", {"value": _short(ast.unparse(node.value))})


def _config_drafts(tree: ast.Module, module: str) -> Iterator[FactDraft]:
    seen: set[str] = set()
    for node in ast.walk(tree):
        variable = _env_variable(node)
        if variable and variable not in seen:
            seen.add(variable)
            yield FactDraft("config", variable, variable, getattr(node, "lineno", 1),
                            f"environment variable read in {module}", {"module": module})


def _env_variable(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and dotted(node.func) in ENV_READERS and node.args:
        return string_value(node.args[0])
    if isinstance(node, ast.Subscript) and dotted(node.value) in ("os.environ", "environ"):
        return string_value(node.slice)
    return None


def _route_draft(route: frameworks.Route, module: str,
                 raises: list[str] | None = None) -> FactDraft:
    methods = "|".join(route.methods)
    return FactDraft("route", f"{methods} {route.path}", route.handler, route.line,
                     f"{methods} {route.path} handled by {route.handler}",
                     {"methods": list(route.methods), "path": route.path,
                      "handler": route.handler, "module": module,
                      "framework": route.framework, "raises": raises or []})


def _command_draft(command: frameworks.Command, module: str) -> FactDraft:
    return FactDraft("command", f"{module}:{command.name}", command.handler, command.line,
                     command.help, {"command": command.name, "handler": command.handler,
                                    "module": module, "framework": command.framework,
                                    "options": list(command.options),
                                    "group": command.is_group})


def _raises(func: ast.AST) -> list[str]:
    """Exception names raised directly in the body, plus HTTP statuses of `HTTPException`s."""
    found: list[str] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Raise) and node.exc is not None:
            name = dotted(node.exc).rsplit(".", 1)[-1]
            status = _status_code(node.exc)
            label = f"{name}({status})" if status else name
            if name and label not in found:
                found.append(label)
    return found


def _status_code(node: ast.expr) -> str:
    if not isinstance(node, ast.Call):
        return ""
    candidates = [k.value for k in node.keywords if k.arg == "status_code"] + node.args[:1]
    for value in candidates:
        if isinstance(value, ast.Constant) and isinstance(value.value, int):
            return str(value.value)
    return ""


def local_exceptions(tree: ast.Module) -> frozenset[str]:
    """Classes in the module that derive (directly or through each other) from an exception."""
    classes = {n.name: [dotted(b).rsplit(".", 1)[-1] for b in n.bases]
               for n in tree.body if isinstance(n, ast.ClassDef)}
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, bases in classes.items():
            if name not in found and any(b in EXCEPTION_BASES or b in found
                                         or b.endswith(("Error", "Exception")) for b in bases):
                found.add(name)
                changed = True
    return frozenset(found)


def _model_flavour(node: ast.ClassDef) -> str:
    for decorator in node.decorator_list:
        name = dotted(decorator).rsplit(".", 1)[-1]
        full = dotted(decorator)
        if name == "dataclass":
            return "dataclass"
        if name in MODEL_DECORATORS and ("attr" in full or name in ("define", "frozen")):
            return MODEL_DECORATORS[name]
    for base in node.bases:
        flavour = MODEL_BASES.get(dotted(base).rsplit(".", 1)[-1])
        if flavour:
            return flavour
    return ""


def _fields(node: ast.ClassDef, flavour: str) -> list[dict[str, str]]:
    fields = []
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            fields.append({"name": item.target.id, "type": _short(ast.unparse(item.annotation)),
                           "default": _short(ast.unparse(item.value)) if item.value else ""})
        elif flavour == "Enum" and isinstance(item, ast.Assign):
            fields.extend({"name": t.id, "type": "", "default": _short(ast.unparse(item.value))}
                          for t in item.targets if isinstance(t, ast.Name))
    return fields


def _imports(tree: ast.Module, module: str) -> list[str]:
    found: list[str] = []
    package = module.rsplit(".", 1)[0] if "." in module else ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(node, package)
            found.append(base)
            found.extend(f"{base}.{alias.name}" for alias in node.names
                         if base and alias.name != "*")
    return sorted(set(filter(None, found)))


def _resolve_from(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".") if package else []
    base = parts[:len(parts) - node.level + 1] if node.level > 1 else parts
    return ".".join([*base, *([node.module] if node.module else [])])


def _first_line(doc: str | None) -> str:
    text = (doc or "").strip()
    return _short(text.splitlines()[0]) if text else ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT - 3] + "..."
