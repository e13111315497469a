"""Framework conventions recognised from syntax alone: HTTP routes and command-line entry points.

FastAPI/Starlette/Flask route decorators, Django `path()` URL patterns, click and typer
commands, argparse parsers and sub-parsers. Only the `ast` is read: none of these frameworks
needs to be installed, and the analysed code is never imported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

ROUTE_METHODS = frozenset({"get", "post", "put", "delete", "patch", "head", "options",
                           "websocket"})
ROUTE_ANY = frozenset({"route", "api_route"})
DJANGO_PATTERNS = frozenset({"path", "re_path", "url"})
CLI_DECORATORS = frozenset({"command", "group"})


@dataclass(frozen=True, slots=True)
class Route:
    methods: tuple[str, ...]
    path: str
    handler: str
    line: int
    framework: str


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handler: str
    line: int
    framework: str
    options: tuple[str, ...] = ()
    help: str = ""
    is_group: bool = False


@dataclass(slots=True)
class _ArgparseState:
    commands: dict[str, Command] = field(default_factory=dict)
    receivers: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)


def string_value(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def dotted(node: ast.AST) -> str:
    """`a.b.c` for names and attribute chains, `` otherwise."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Call):
        return dotted(node.func)
    return ""


def routes_of(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[Route]:
    """Routes declared by decorators such as `@app.get("/items/{id}")` or `@bp.route(...)`."""
    found = []
    for decorator in func.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            continue
        verb = decorator.func.attr
        path = string_value(decorator.args[0]) if decorator.args else None
        if path is None:
            path = string_value(_keyword(decorator, "path") or _keyword(decorator, "rule"))
        if path is None or not path.startswith("/"):
            continue
        if verb in ROUTE_METHODS:
            found.append(Route((verb.upper(),), path, func.name, decorator.lineno, "fastapi"))
        elif verb in ROUTE_ANY:
            methods = _string_list(_keyword(decorator, "methods")) or ["GET"]
            found.append(Route(tuple(m.upper() for m in methods), path, func.name,
                               decorator.lineno, "flask"))
    return found


def django_routes(tree: ast.Module) -> list[Route]:
    """`path("items/<int:pk>/", views.detail)` entries anywhere in a module (urls.py)."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1]
                in DJANGO_PATTERNS and len(node.args) >= 2):
            continue
        pattern = string_value(node.args[0])
        view = dotted(node.args[1])
        if pattern is None or not view or view.endswith(("include", ".include")):
            continue
        handler = view.removesuffix(".as_view").rsplit(".", 1)[-1]
        found.append(Route(("ANY",), "/" + pattern.lstrip("^/"), handler, node.lineno, "django"))
    return found


def click_command(func: ast.FunctionDef | ast.AsyncFunctionDef,
                  uses_typer: bool) -> Command | None:
    """A click or typer command: `@click.command()`, `@cli.command("name")`, `@app.command()`."""
    command: Command | None = None
    options: list[str] = []
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = dotted(target)
        last = name.rsplit(".", 1)[-1]
        if last in CLI_DECORATORS and name != last:
            call = decorator if isinstance(decorator, ast.Call) else None
            explicit = string_value(call.args[0]) if call and call.args else None
            explicit = explicit or string_value(_keyword(call, "name")) if call else explicit
            framework = "typer" if uses_typer and not name.startswith("click.") else "click"
            command = Command(explicit or func.name.replace("_", "-"), func.name,
                              decorator.lineno, framework, help=_help_of(call, func),
                              is_group=last == "group")
        elif last in ("option", "argument") and isinstance(decorator, ast.Call):
            options.extend(s for s in (string_value(a) for a in decorator.args) if s)
    if command is None:
        return None
    if command.framework == "typer":
        options.extend(arg.arg for arg in func.args.args)
    return Command(command.name, command.handler, command.line, command.framework,
                   tuple(options), command.help, command.is_group)


def argparse_commands(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Module,
                      handler: str) -> list[Command]:
    """`ArgumentParser(prog=...)` and `add_parser("name")` calls with their `add_argument`s."""
    state = _ArgparseState()
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            _note_parser(state, node.value, [t.id for t in node.targets
                                            if isinstance(t, ast.Name)], handler)
        elif isinstance(node, ast.Call):
            _note_parser(state, node, [], handler)
            _note_argument(state, node)
    return [Command(c.name, c.handler, c.line, c.framework,
                    tuple(state.options.get(c.name, ())), c.help)
            for c in state.commands.values()]


def _note_parser(state: _ArgparseState, call: ast.Call, targets: list[str],
                 handler: str) -> None:
    kind = dotted(call.func).rsplit(".", 1)[-1]
    if kind == "ArgumentParser":
        name = string_value(_keyword(call, "prog")) or handler
    elif kind == "add_parser" and call.args and string_value(call.args[0]):
        name = string_value(call.args[0]) or ""
    else:
        return
    if name not in state.commands:
        state.commands[name] = Command(name, handler, call.lineno, "argparse",
                                       help=string_value(_keyword(call, "help")
                                                         or _keyword(call, "description"))
                                       or "")
    for target in targets:
        state.receivers[target] = name


def _note_argument(state: _ArgparseState, call: ast.Call) -> None:
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_argument"):
        return
    receiver = dotted(call.func.value)
    owner = state.receivers.get(receiver)
    if owner is None and state.commands:
        owner = next(iter(state.commands))
    if owner is not None:
        state.options.setdefault(owner, []).extend(
            s for s in (string_value(a) for a in call.args) if s)


def _keyword(call: ast.Call | None, name: str) -> ast.expr | None:
    if call is None:
        return None
    return next((k.value for k in call.keywords if k.arg == name), None)


def _string_list(node: ast.AST | None) -> list[str]:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [s for s in (string_value(e) for e in node.elts) if s]
    return []


def _help_of(call: ast.Call | None, func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    explicit = string_value(_keyword(call, "help"))
    doc = ast.get_docstring(func) or ""
    return explicit or (doc.strip().splitlines()[0] if doc.strip() else "")
