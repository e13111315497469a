"""Repository facts for `specloom init`: languages, manifests, commands and the top-level layout.

Everything here is read from files, never guessed by a model. In a git repository the file list
comes from `git ls-files -co --exclude-standard` (tracked and untracked, .gitignore respected);
elsewhere the tree is walked, skipping hidden folders, virtual environments, node_modules and
build caches. Commands are read from the root manifests only: pyproject.toml, package.json,
Makefile, Cargo.toml and go.mod.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specloom.core import jsontext
from specloom.core.repository import git_listed_files
from specloom.spec.source import read_bounded

MAX_FILES = 200_000
README_BYTES = 1_000_000
MANIFEST_BYTES = 5_000_000
OWN_OUTPUTS = (".kiro/steering/", ".kiro/specloom/")
SKIP_FOLDERS = frozenset({"node_modules", "venv", "env", "__pycache__", "site-packages", "target",
                          "dist", "build", "vendor"})
LANGUAGES = {
    ".py": "Python", ".pyi": "Python", ".js": "JavaScript", ".mjs": "JavaScript",
    ".cjs": "JavaScript", ".jsx": "JavaScript", ".ts": "TypeScript", ".tsx": "TypeScript",
    ".go": "Go", ".rs": "Rust", ".java": "Java", ".kt": "Kotlin", ".kts": "Kotlin",
    ".scala": "Scala", ".rb": "Ruby", ".php": "PHP", ".cs": "C#", ".fs": "F#", ".c": "C",
    ".h": "C", ".cc": "C++", ".cpp": "C++", ".cxx": "C++", ".hpp": "C++", ".swift": "Swift",
    ".m": "Objective-C", ".dart": "Dart", ".ex": "Elixir", ".exs": "Elixir", ".erl": "Erlang",
    ".hs": "Haskell", ".lua": "Lua", ".r": "R", ".jl": "Julia", ".sh": "Shell",
    ".bash": "Shell", ".ps1": "PowerShell", ".sql": "SQL", ".vue": "Vue", ".svelte": "Svelte",
    ".html": "HTML", ".css": "CSS", ".scss": "SCSS", ".zig": "Zig", ".nim": "Nim",
    ".tf": "Terraform", ".proto": "Protocol Buffers",
}
MANIFEST_NAMES = frozenset({
    "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile", "package.json",
    "Cargo.toml", "go.mod", "Makefile", "GNUmakefile", "justfile", "pom.xml", "build.gradle",
    "build.gradle.kts", "Gemfile", "composer.json", "CMakeLists.txt", "tox.ini", "noxfile.py",
    "Dockerfile", "docker-compose.yml", "deno.json", "mix.exs", "pubspec.yaml",
})
FOLDER_HINTS = {
    "src": "source code", "lib": "library code", "app": "application code",
    "cmd": "command entry points", "pkg": "Go packages", "internal": "internal packages",
    "tests": "tests", "test": "tests", "spec": "tests (specs)", "__tests__": "tests",
    "docs": "documentation", "doc": "documentation", "scripts": "helper scripts",
    "bin": "executables and scripts", "tools": "developer tools", "examples": "examples",
    "example": "examples", "benchmarks": "benchmarks", "bench": "benchmarks",
    "config": "configuration", "configs": "configuration", "migrations": "database migrations",
    "assets": "static assets", "static": "static files", "public": "public web assets",
    "web": "web front end", "frontend": "front end", "backend": "back end",
    "api": "API definitions or handlers", "deploy": "deployment", "infra": "infrastructure",
    "packages": "workspace packages", "crates": "Rust crates", "data": "data files",
    "fixtures": "test fixtures", "notebooks": "notebooks", ".github": "GitHub workflows and "
    "templates", ".kiro": "Kiro specs and steering", ".vscode": "editor settings",
}
PURPOSE_WORDS = (
    ("test", ("test", "spec", "check", "e2e", "coverage")),
    ("lint", ("lint", "clippy", "vet", "eslint", "ruff", "flake8")),
    ("typecheck", ("typecheck", "type-check", "types", "mypy", "tsc", "pyright")),
    ("format", ("format", "fmt", "prettier", "black")),
    ("build", ("build", "compile", "dist", "package", "bundle")),
    ("run", ("start", "dev", "serve", "run", "watch")),
)


@dataclass(frozen=True, slots=True)
class Command:
    purpose: str   # build | test | lint | typecheck | format | run | other
    command: str
    source: str    # where it was found, e.g. "pyproject.toml [tool.ruff]"


@dataclass(frozen=True, slots=True)
class Folder:
    name: str
    files: int
    description: str


@dataclass(frozen=True, slots=True)
class RepoFacts:
    name: str
    summary: str | None
    file_count: int
    git: bool
    languages: tuple[tuple[str, int], ...]   # by file count, most first
    manifests: tuple[str, ...]
    commands: tuple[Command, ...]
    folders: tuple[Folder, ...]
    top_files: tuple[str, ...]


def scan_repository(root: Path) -> RepoFacts:
    """Facts about the repository at `root`, from its files."""
    files, in_git = list_files(root)
    manifests = tuple(sorted(p for p in files if Path(p).name in MANIFEST_NAMES
                             and p.count("/") <= 2))
    name, summary = _identity(root)
    return RepoFacts(
        name=name, summary=summary, file_count=len(files), git=in_git,
        languages=count_languages(files), manifests=manifests[:40],
        commands=find_commands(root), folders=describe_folders(root, files),
        top_files=tuple(sorted(p for p in files if "/" not in p)),
    )


# -- files ---------------------------------------------------------------------------------

def list_files(root: Path) -> tuple[list[str], bool]:
    """Workspace-relative file paths (sorted) and whether git listed them.

    specloom's own outputs (`.kiro/steering/`, `.kiro/specloom/`, and the agent files that
    `agents install` or `init --agent` wrote or merged into) are left out, so that running
    `init` does not change the facts the next `init` sees.
    """
    from specloom.integrations.agents import installed_paths

    listed = _git_files(root)
    in_git = listed is not None
    files = [p for p in listed if (root / p).is_file()] if listed is not None else _walk(root)
    agent_files = installed_paths(root)
    return sorted(p for p in files if not p.startswith(OWN_OUTPUTS)
                  and p not in agent_files)[:MAX_FILES], in_git


def _git_files(root: Path) -> list[str] | None:
    return git_listed_files(root)

def _walk(root: Path) -> Iterable[str]:
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not _skip_folder(Path(folder) / d, d))
        base = Path(folder).relative_to(root)
        for name in names:
            yield (base / name).as_posix()


def _skip_folder(path: Path, name: str) -> bool:
    return (name.startswith(".") or name in SKIP_FOLDERS or name.endswith(".egg-info")
            or (path / "pyvenv.cfg").is_file())


def count_languages(files: Iterable[str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(LANGUAGES[suffix] for p in files
                     if (suffix := Path(p).suffix.lower()) in LANGUAGES)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


# -- identity and layout --------------------------------------------------------------------

def _identity(root: Path) -> tuple[str, str | None]:
    pyproject = _toml(root / "pyproject.toml").get("project", {})
    package = _json(root / "package.json")
    cargo = _toml(root / "Cargo.toml").get("package", {})
    for table in (pyproject, package, cargo):
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            description = table.get("description")
            return table["name"], description if isinstance(description, str) else \
                readme_summary(root)
    return root.resolve().name, readme_summary(root)


def readme_summary(folder: Path) -> str | None:
    """The first prose line of the folder's README, if it has one."""
    for name in ("README.md", "README.rst", "README.txt", "README"):
        path = folder / name
        if path.is_file():
            try:
                text = read_bounded(path, README_BYTES).decode("utf-8", errors="replace")
            except OSError:
                return None
            return _first_prose_line(text)
    return None


def _first_prose_line(text: str) -> str | None:
    heading: str | None = None
    for raw in text.splitlines()[:80]:
        line = raw.strip()
        if not line or line.startswith(("<", "[!", "![", "```", "---", "===", "|")):
            continue
        if line.startswith("#"):
            heading = heading or line.lstrip("#").strip()
            continue
        return line[:200]
    return heading


def describe_folders(root: Path, files: Iterable[str]) -> tuple[Folder, ...]:
    counts = Counter(p.split("/", 1)[0] for p in files if "/" in p)
    return tuple(Folder(name, count, _folder_description(root / name, name))
                 for name, count in sorted(counts.items()))


def _folder_description(path: Path, name: str) -> str:
    return readme_summary(path) or FOLDER_HINTS.get(name.lower(), "")


# -- commands -------------------------------------------------------------------------------

def find_commands(root: Path) -> tuple[Command, ...]:
    found = [*_pyproject_commands(root), *_package_json_commands(root),
             *_makefile_commands(root), *_cargo_commands(root), *_go_commands(root)]
    return tuple(dict.fromkeys(found))


def purpose_of(name: str) -> str:
    lowered = name.lower()
    for purpose, words in PURPOSE_WORDS:
        if any(word in lowered for word in words):
            return purpose
    return "other"


def _pyproject_commands(root: Path) -> list[Command]:
    data = _toml(root / "pyproject.toml")
    if not data:
        return []
    tool = data.get("tool", {}) if isinstance(data.get("tool"), dict) else {}
    source = "pyproject.toml"
    commands: list[Command] = []
    if "pytest" in tool:
        commands.append(Command("test", "pytest", f"{source} [tool.pytest]"))
    if "ruff" in tool:
        commands.append(Command("lint", "ruff check .", f"{source} [tool.ruff]"))
        commands.append(Command("format", "ruff format .", f"{source} [tool.ruff]"))
    if "mypy" in tool:
        commands.append(Command("typecheck", "mypy", f"{source} [tool.mypy]"))
    if "black" in tool:
        commands.append(Command("format", "black .", f"{source} [tool.black]"))
    if "pyright" in tool:
        commands.append(Command("typecheck", "pyright", f"{source} [tool.pyright]"))
    if "build-system" in data:
        commands.append(Command("build", "python -m build", f"{source} [build-system]"))
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    for table, label in ((project.get("scripts"), "[project.scripts]"),
                         (tool.get("poetry", {}).get("scripts")
                          if isinstance(tool.get("poetry"), dict) else None,
                          "[tool.poetry.scripts]")):
        if isinstance(table, dict):
            commands.extend(Command("run", str(name), f"{source} {label}") for name in table)
    pdm = tool.get("pdm", {}).get("scripts") if isinstance(tool.get("pdm"), dict) else None
    if isinstance(pdm, dict):
        commands.extend(Command(purpose_of(str(n)), f"pdm run {n}", f"{source} [tool.pdm.scripts]")
                        for n in pdm if not str(n).startswith("_"))
    return commands


def _package_json_commands(root: Path) -> list[Command]:
    scripts = _json(root / "package.json").get("scripts")
    if not isinstance(scripts, dict):
        return []
    runner = _node_runner(root)
    return [Command(purpose_of(str(name)), f"{runner} run {name}", "package.json scripts")
            for name in scripts]


def _node_runner(root: Path) -> str:
    for lockfile, runner in (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"),
                             ("bun.lockb", "bun"), ("bun.lock", "bun")):
        if (root / lockfile).is_file():
            return runner
    return "npm"


MAKE_TARGET = re.compile(r"^([A-Za-z0-9][\w./-]*)\s*:(?![=:])", re.MULTILINE)


def _makefile_commands(root: Path) -> list[Command]:
    for name in ("Makefile", "GNUmakefile", "makefile"):
        path = root / name
        if path.is_file():
            text = _text(path)
            targets = dict.fromkeys(m.group(1) for m in MAKE_TARGET.finditer(text))
            return [Command(purpose_of(t), f"make {t}", name) for t in targets
                    if "%" not in t and "." not in t and "/" not in t]
    return []


def _cargo_commands(root: Path) -> list[Command]:
    if not (root / "Cargo.toml").is_file():
        return []
    return [Command(purpose, command, "Cargo.toml") for purpose, command in (
        ("build", "cargo build"), ("test", "cargo test"), ("lint", "cargo clippy"),
        ("format", "cargo fmt"))]


def _go_commands(root: Path) -> list[Command]:
    if not (root / "go.mod").is_file():
        return []
    return [Command(purpose, command, "go.mod") for purpose, command in (
        ("build", "go build ./..."), ("test", "go test ./..."), ("lint", "go vet ./..."),
        ("format", "gofmt -l -w ."))]


# -- reading helpers --------------------------------------------------------------------------

def _text(path: Path) -> str:
    try:  # manifests from the repository: bounded, regular files only
        return read_bounded(path, MANIFEST_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError:
        return {}


def _json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = jsontext.loads(_text(path))
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}
