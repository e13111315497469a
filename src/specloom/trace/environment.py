"""Which Python interpreter runs a project's tests: the project's own, not specloom's.

`find_interpreter(root)` looks, in this order, for:

1. an explicit choice (`--python`, or `[tool.specloom] python` passed in as `configured`);
2. the active virtual environment (`$VIRTUAL_ENV`): the user chose it;
3. `.venv/` then `venv/` in the workspace or a folder above it, up to the git work tree's top
   (uv, poetry with in-project venvs, pdm and hatch's `virtual` type use `.venv/` too);
4. uv's `$UV_PROJECT_ENVIRONMENT`; poetry's environment (`poetry env info -p` when poetry is on
   PATH, else its default cache folder); hatch's (`hatch env find`); pdm's `.pdm-python`;
5. tox and nox environments, only when the project configures them and one was created;
6. `python3`, then `python` on PATH, when it can import pytest;
7. specloom's own interpreter.

Detection reads files and may run `poetry`/`hatch`/a PATH `python` briefly (with a timeout); it
never raises: anything unreadable or broken is skipped. It does not check that the interpreter
has pytest (the run says so clearly when it has not).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specloom.core import process

PROBE_TIMEOUT = 15.0
OWN = "specloom's own interpreter"


@dataclass(frozen=True, slots=True)
class Interpreter:
    """A Python executable and how it was found (shown in verify's report)."""

    path: str
    source: str
    environment: str | None = None  # the virtual environment's folder, when it is one

    def to_json(self) -> dict[str, str | None]:
        return {"path": self.path, "source": self.source, "environment": self.environment}


def find_interpreter(root: Path, configured: str | None = None,
                     configured_source: str = "--python") -> Interpreter:
    """The interpreter the project at `root` uses for its tests (see the module docstring)."""
    if configured:
        return _configured(root, configured, configured_source)
    for finder in (_active_venv, _project_venv, _tool_venv, _tox_or_nox, _on_path):
        try:
            found = finder(root)
        except (OSError, ValueError):
            found = None
        if found is not None:
            return found
    return Interpreter(sys.executable, OWN, sys.prefix if sys.prefix != sys.base_prefix else None)


def venv_python(folder: Path) -> Path | None:
    """The Python executable of the virtual environment in `folder`, if there is one."""
    for relative in ("bin/python", "bin/python3", "Scripts/python.exe"):
        candidate = folder / relative
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _configured(root: Path, value: str, source: str) -> Interpreter:
    path = Path(value).expanduser()
    if not path.is_absolute() and ("/" in value or os.sep in value):
        path = root / path
    elif not path.is_absolute():
        located = shutil.which(value)
        path = Path(located) if located else root / path
    if path.is_dir():  # a virtual environment's folder
        inside = venv_python(path)
        return Interpreter(str(inside or path), source, str(path))
    return Interpreter(str(path), source, _environment_of(path))


def _environment_of(python: Path) -> str | None:
    folder = python.parent.parent
    return str(folder) if (folder / "pyvenv.cfg").is_file() else None


def _venv(folder: Path, source: str) -> Interpreter | None:
    python = venv_python(folder)
    return Interpreter(str(python), source, str(folder)) if python else None


def _active_venv(root: Path) -> Interpreter | None:
    active = os.environ.get("VIRTUAL_ENV")
    if not active:
        return None
    return _venv(Path(active), f"active virtual environment ($VIRTUAL_ENV={active})")


def _search_folders(root: Path) -> list[Path]:
    """The workspace, then folders above it up to the git work tree's top (if inside one)."""
    folders = [root]
    for parent in root.resolve().parents:
        if (folders[-1] / ".git").exists():
            return folders
        folders.append(parent)
    return [root]  # not in a git work tree: the workspace only


def _project_venv(root: Path) -> Interpreter | None:
    for folder in _search_folders(root):
        for name in (".venv", "venv"):
            where = f"{name}/ folder" + ("" if folder == root else f" in {folder}")
            found = _venv(folder / name, where + _manager_note(folder))
            if found:
                return found
    return None


def _manager_note(folder: Path) -> str:
    for marker, manager in (("uv.lock", "uv"), ("poetry.lock", "poetry"), ("pdm.lock", "pdm")):
        if (folder / marker).is_file():
            return f" ({manager} project)"
    return ""


def _pyproject(root: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}


def _tool_venv(root: Path) -> Interpreter | None:
    data = _pyproject(root)
    tools = data.get("tool", {}) if isinstance(data.get("tool"), dict) else {}
    uv_env = os.environ.get("UV_PROJECT_ENVIRONMENT")
    if uv_env and ("uv" in tools or (root / "uv.lock").is_file()):
        found = _venv(root / uv_env, f"uv environment ($UV_PROJECT_ENVIRONMENT={uv_env})")
        if found:
            return found
    if "poetry" in tools or (root / "poetry.lock").is_file():
        found = _poetry(root, data)
        if found:
            return found
    if "hatch" in tools or (root / "hatch.toml").is_file():
        found = _ask_tool(root, ["hatch", "env", "find"], "hatch environment (`hatch env find`)")
        if found:
            return found
    pdm_file = root / ".pdm-python"
    if pdm_file.is_file():
        python = Path(pdm_file.read_text(encoding="utf-8").strip())
        if python.is_file():
            return Interpreter(str(python), "pdm's .pdm-python file", _environment_of(python))
    return None


def _ask_tool(root: Path, command: list[str], source: str) -> Interpreter | None:
    """Run a project manager's "where is the environment" command, if it is installed."""
    if shutil.which(command[0]) is None:
        return None
    result = process.run(command, cwd=root, timeout=PROBE_TIMEOUT, merge_stderr=False)
    lines = os.fsdecode(result.stdout).strip().splitlines()
    if result.returncode != 0 or not lines:
        return None
    return _venv(Path(lines[-1].strip()), source)


def _poetry(root: Path, data: dict[str, Any]) -> Interpreter | None:
    found = _ask_tool(root, ["poetry", "env", "info", "-p"], "poetry environment "
                      "(`poetry env info -p`)")
    if found or shutil.which("poetry"):
        return found
    name = _project_name(data)
    if not name:
        return None
    for cache in _poetry_cache_folders():
        matches = sorted((cache / "virtualenvs").glob(f"{poetry_env_name(name, root)}-py*"))
        for folder in reversed(matches):  # the newest Python version first
            found = _venv(folder, f"poetry environment in {cache / 'virtualenvs'}")
            if found:
                return found
    return None


def _project_name(data: dict[str, Any]) -> str | None:
    tool = data.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    project = data.get("project", {})
    for table in (poetry, project):
        name = table.get("name") if isinstance(table, dict) else None
        if isinstance(name, str) and name:
            return name
    return None


def poetry_env_name(name: str, root: Path) -> str:
    """Poetry's folder name for a project's environment, without the `-pyX.Y` suffix.

    The same recipe as poetry's `EnvManager.generate_env_name`: the sanitized project name and
    the first 8 characters of the URL-safe base64 SHA-256 of the project folder's real path.
    """
    sanitized = re.sub(r'[ $`!*@"\\\r\n\t]', "_", name.lower())[:42]
    folder = os.path.normcase(os.path.realpath(root))
    digest = base64.urlsafe_b64encode(hashlib.sha256(folder.encode()).digest()).decode()[:8]
    return f"{sanitized}-{digest}"


def _poetry_cache_folders() -> list[Path]:
    folders = []
    if os.environ.get("POETRY_CACHE_DIR"):
        folders.append(Path(os.environ["POETRY_CACHE_DIR"]))
    home = Path.home()
    xdg = os.environ.get("XDG_CACHE_HOME")
    folders.extend([Path(xdg) / "pypoetry" if xdg else home / ".cache" / "pypoetry",
                    home / "Library" / "Caches" / "pypoetry"])
    if os.environ.get("LOCALAPPDATA"):
        folders.append(Path(os.environ["LOCALAPPDATA"]) / "pypoetry" / "Cache")
    return folders


def _tox_or_nox(root: Path) -> Interpreter | None:
    if _uses_tox(root):
        envs = [p for p in (root / ".tox").glob("py*") if re.fullmatch(r"py3?\d*", p.name)]
        for folder in sorted(envs, key=_version_key, reverse=True):
            found = _venv(folder, f"tox environment .tox/{folder.name}")
            if found:
                return found
    if (root / "noxfile.py").is_file():
        sessions = sorted((root / ".nox").glob("*"), key=lambda p: ("test" not in p.name, p.name))
        for folder in sessions:
            found = _venv(folder, f"nox session .nox/{folder.name}")
            if found:
                return found
    return None


def _uses_tox(root: Path) -> bool:
    if (root / "tox.ini").is_file():
        return True
    if "tox" in _pyproject(root).get("tool", {}):
        return True
    try:
        return "[tox:tox]" in (root / "setup.cfg").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _version_key(folder: Path) -> tuple[int, int]:
    digits = folder.name.removeprefix("py").removeprefix("3")
    return (1, int(digits)) if digits.isdigit() else (0, 0)


def _on_path(root: Path) -> Interpreter | None:
    """`python3`, else `python`, on PATH, if it can import pytest."""
    for name in ("python3", "python"):
        located = shutil.which(name)
        if located is None:
            continue
        probe = process.run(
            [located, "-c", "import importlib.util, sys; "
                            "sys.exit(importlib.util.find_spec('pytest') is None)"],
            cwd=root, timeout=PROBE_TIMEOUT, merge_stderr=False)
        if probe.returncode == 0:
            return Interpreter(located, f"{name} on PATH")
    return None
