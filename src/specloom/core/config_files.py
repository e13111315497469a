"""specloom's configuration files read once: `[tool.specloom]` of pyproject.toml and TOML files.

`core.config` builds the one configuration model (`SpecloomConfig`) on these; every command
reads its settings through it, so a broken file gives the same message, naming the file,
everywhere.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from specloom.core.errors import SpecloomError

__all__ = ["SettingsError", "pyproject_table", "read_toml"]


class SettingsError(SpecloomError):
    """Invalid configuration; the message names the file and the fix."""


def pyproject_table(root: Path) -> tuple[dict[str, Any], Path | None]:
    """`[tool.specloom]` of the workspace's pyproject.toml ({} and None when there is none)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return {}, None
    table = read_toml(pyproject).get("tool", {}).get("specloom")
    return (table, pyproject) if isinstance(table, dict) else ({}, None)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: invalid TOML: {exc}; fix the syntax on that line") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read: {exc.strerror}") from None
