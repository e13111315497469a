"""The one configuration model: `[tool.specloom]` and `.kiro/settings/specloom.toml`, merged.

`load_config(root)` reads both files, validates each against `SpecloomConfig` and merges them by
one rule, so every command (CLI, MCP server, agent) sees the same settings and the same errors:

- `[tool.specloom]` of `pyproject.toml` is read first, then `.kiro/settings/specloom.toml`
  overrides it key by key. A section (`check`, `commands`) is merged key by key too; every
  other value is replaced whole, lists and the `severity` table included, except the agent's
  `commands.deny` list, which adds up over both files: a later file can refuse more commands,
  never fewer.
- The check keys (`select`, `extend-select`, `ignore`, `severity`, `fail-on`) may sit at the top
  level of either file or in its `check` table (`[tool.specloom.check]`, `[check]`); setting
  one in both places of the same file is an error.
- Keys are kebab-case (`test-command`); the snake_case spelling (`fail_on`) is accepted too.
- An unknown key, or a value of the wrong type, is a `SettingsError` that names the file, the
  table and the key, with the nearest known key for a typo.

This module only reads and validates; what a setting means is up to the feature that uses it
(`quality.settings`, `models.config`, `agent.permissions`, ...). It imports nothing above core.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    StrictBool,
    StrictStr,
    ValidationError,
)

from specloom.core.config_files import SettingsError, read_toml
from specloom.core.rule import Severity

__all__ = ["KIRO_SETTINGS", "CheckConfig", "CommandsConfig", "SpecloomConfig", "load_config"]

PYPROJECT = "pyproject.toml"
KIRO_SETTINGS = Path(".kiro") / "settings" / "specloom.toml"


def kebab(name: str) -> str:
    """The key a field is written as in the files: `test_command` -> `test-command`."""
    return name.replace("_", "-")


def _parse_severity(value: object) -> Severity:
    if isinstance(value, Severity):
        return value
    if not isinstance(value, str):
        raise ValueError(f"must be error, warning or info, not {value!r}")
    return Severity.parse(value)  # ValueError: "unknown severity 'x'; use one of: ..."


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip().upper() for v in values)


def _patterns(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(" ".join(v.split()) for v in values)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value


SeverityLevel = Annotated[Severity, BeforeValidator(_parse_severity),
                          PlainSerializer(lambda s: s.label, return_type=str)]
RuleCodes = Annotated[tuple[StrictStr, ...], AfterValidator(_codes)]
RuleCode = Annotated[str, AfterValidator(lambda code: code.strip().upper())]
Patterns = Annotated[tuple[StrictStr, ...], AfterValidator(_patterns)]
NonBlank = Annotated[StrictStr, AfterValidator(_not_blank)]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=kebab, populate_by_name=True,
                              frozen=True)


class CheckConfig(_Table):
    """The settings of `specloom check` (see quality/settings.py for what they mean)."""

    select: RuleCodes = Field(
        default=(), description="rule codes, prefixes or ALL to run (default: the default tier)")
    extend_select: RuleCodes = Field(default=(), description="added to whatever select gives")
    ignore: RuleCodes = Field(
        default=(), description="codes or prefixes to skip; the longest matching prefix wins")
    severity: dict[RuleCode, SeverityLevel] = Field(
        default_factory=dict, description="a table from code or prefix to error, warning or info")
    fail_on: SeverityLevel = Field(
        default=Severity.ERROR, description="the lowest severity that fails the check")


class CommandsConfig(_Table):
    """The agent's shell command lists (see agent/permissions.py)."""

    allow: Patterns = Field(
        default=(), description="glob patterns of commands the agent may run (empty: any)")
    deny: Patterns = Field(default=(), description="glob patterns refused whatever allow says")


class SpecloomConfig(_Table):
    """Every key specloom reads from its two configuration files."""

    check: CheckConfig = Field(default_factory=CheckConfig, description="the check settings")
    model: NonBlank | None = Field(
        default=None, description="the model string (else SPECLOOM_MODEL, else local)")
    base_url: StrictStr | None = Field(
        default=None, description="the server of a bare model name (openai-compatible)")
    test_command: StrictStr | None = Field(
        default=None, description="verify's command for non-Python tests ({junit} placeholder)")
    run_test_command: NonBlank | None = Field(
        default=None, description="the command `run` verifies a task with")
    commands: CommandsConfig = Field(
        default_factory=CommandsConfig, description="the agent's shell allow and deny lists")
    sandbox: Literal["on", "off"] = Field(
        default="on", description="the sandbox of the agent's commands (off: needs the env too)")
    sandbox_network: StrictBool = Field(
        default=False, description="network inside the sandbox (needs the environment too)")
    secret_files: tuple[StrictStr, ...] = Field(
        default=(), description="files whose values are redacted from every record")

    _origins: dict[str, Path] = PrivateAttr(default_factory=dict)
    _files: tuple[Path, ...] = PrivateAttr(default=())

    def origin(self, key: str) -> Path | None:
        """The file that set `key` (`model`, `check.select`, `commands.deny`), None if unset."""
        return self._origins.get(key)

    @property
    def files(self) -> tuple[Path, ...]:
        """The configuration files read, in merge order (a pyproject.toml only with the table)."""
        return self._files


SECTIONS: dict[str, type[_Table]] = {"check": CheckConfig, "commands": CommandsConfig}
CHECK_KEYS = {key for name in CheckConfig.model_fields for key in (name, kebab(name))}

# What a key must hold, for the error message ("must be ...").
EXPECTED: dict[str, str] = {
    "check": "a table of check settings (select, extend-select, ignore, severity, fail-on)",
    "check.select": 'a list of rule codes, for example select = ["A001", "C"]',
    "check.extend-select": 'a list of rule codes, for example extend-select = ["A001", "C"]',
    "check.ignore": 'a list of rule codes, for example ignore = ["A001", "C"]',
    "check.severity": 'a table from rule code to error, warning or info, for example '
                      'A001 = "error" under [tool.specloom.severity]',
    "check.fail-on": "error, warning or info",
    "model": "a model string (local, anthropic:<model>, openai:<model>, google:<model>, "
             "bedrock:<model>, ollama:<model>, openai-compatible:<model>@<base_url>)",
    "base-url": 'a string, for example base-url = "http://127.0.0.1:8080/v1"',
    "test-command": 'a string, for example test-command = "npx jest --outputFile {junit}"',
    "run-test-command": 'a non-empty string, for example run-test-command = "python -m pytest -q"',
    "commands": "a table with allow = [...] and deny = [...]",
    "commands.allow": 'a list of glob patterns, for example allow = ["pytest*", "ruff *"]',
    "commands.deny": 'a list of glob patterns, for example deny = ["rm -rf *", "git push*"]',
    "sandbox": '"on" or "off"',
    "sandbox-network": "true or false",
    "secret-files": 'a list of file paths, for example secret-files = ["deploy.secrets"]',
}


def load_config(root: Path) -> SpecloomConfig:
    """The configuration of the workspace at `root`; defaults where the files are silent.

    Cached per root and file contents, so every reader in a process can call it freely.
    Raises SettingsError naming the file and the key."""
    stamps = tuple(_content(path) for path in (root / PYPROJECT, root / KIRO_SETTINGS))
    return _load(root, stamps)


def _content(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read: {exc.strerror}") from None


ACCUMULATED = frozenset({("commands", "deny")})


@functools.lru_cache(maxsize=32)
def _load(root: Path, stamps: tuple[bytes | None, bytes | None]) -> SpecloomConfig:
    layers: list[tuple[Path, dict[str, Any]]] = []
    pyproject, kiro = root / PYPROJECT, root / KIRO_SETTINGS
    if stamps[0] is not None:
        tool = read_toml(pyproject).get("tool", {})
        table = tool.get("specloom") if isinstance(tool, dict) else None
        if table is not None and not isinstance(table, dict):
            raise SettingsError(f"{pyproject}: [tool.specloom] must be a table; fix that key")
        if table is not None:
            layers.append((pyproject, _validated(table, pyproject, ("tool", "specloom"))))
    if stamps[1] is not None:
        layers.append((kiro, _validated(read_toml(kiro), kiro, ())))
    merged: dict[str, Any] = {}
    origins: dict[str, Path] = {}
    for path, values in layers:
        for key, value in values.items():
            if key in SECTIONS:
                section = merged.setdefault(key, {})
                for inner, item in value.items():
                    if (key, inner) in ACCUMULATED and inner in section:  # never loosened
                        item = tuple(dict.fromkeys((*section[inner], *item)))
                    section[inner] = item
                origins.update({f"{key}.{inner}": path for inner in value})
            else:
                merged[key] = value
                origins[key] = path
    config = SpecloomConfig.model_validate(merged)
    config._origins = origins
    config._files = tuple(path for path, _ in layers)
    return config


def _validated(raw: Mapping[str, Any], path: Path, table: tuple[str, ...]) -> dict[str, Any]:
    """One file's keys, validated and in canonical (kebab-case) form, only those it sets."""
    data, lifted = _lift_check_keys(raw, path, table)
    try:
        values = SpecloomConfig.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error, path, table, lifted) for error in exc.errors()]
        raise SettingsError("\n".join(dict.fromkeys(problems))) from None
    dumped: dict[str, Any] = values.model_dump(by_alias=True, exclude_unset=True)
    return dumped


def _lift_check_keys(raw: Mapping[str, Any], path: Path,
                     table: tuple[str, ...]) -> tuple[dict[str, Any], set[str]]:
    """The check keys written at the top level moved into `check`, and their names."""
    data = dict(raw)
    top = {key: data.pop(key) for key in list(data) if key in CHECK_KEYS}
    section = data.get("check", {})
    if not top:
        return data, set()
    if not isinstance(section, dict):
        return data, set()  # the model reports the bad `check` value itself
    for key in top:
        if kebab(key) in {kebab(k) for k in section}:
            raise SettingsError(f"{path}: {_table_name(table)}{key}: set both here and in "
                                f"{_table_name((*table, 'check')).strip()}; keep one")
    data["check"] = {**section, **top}
    return data, set(top)


def _table_name(table: tuple[str, ...]) -> str:
    """`[tool.specloom.commands] ` (with the trailing space), or "" at a file's top level."""
    return f"[{'.'.join(table)}] " if table else ""


def _problem(error: Mapping[str, Any], path: Path, table: tuple[str, ...],
             lifted: set[str]) -> str:
    """One validation error as `FILE: [TABLE] KEY: must be ...; fix that key`."""
    loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
    canonical = [kebab(part) for part in loc[:2]]
    if len(loc) > 1 and loc[0] == "check" and loc[1] in lifted:
        loc = loc[1:]  # written at the top level of the file
    *parents, key = loc
    where = _table_name((*table, *parents))
    if canonical[0] in SECTIONS and len(canonical) > 1:
        expected_key = ".".join(canonical)
    else:
        expected_key = canonical[0]
    if error["type"] == "extra_forbidden":
        return f"{path}: {where}{key}: {_unknown(key, [p for p in parents if p in SECTIONS])}"
    if expected_key == "check.severity" and parents and kebab(parents[-1]) == "severity":
        return f"{path}: {where}{key}: {_reason(error)}; fix that key"  # one code's level
    if expected_key == "check.fail-on" and error["type"] == "value_error":
        return f"{path}: {where}{key}: {_reason(error)}; fix that key"
    return (f"{path}: {where}{key}: must be {EXPECTED.get(expected_key, _reason(error))}; "
            "fix that key")


def _reason(error: Mapping[str, Any]) -> str:
    cause = (error.get("ctx") or {}).get("error")
    return str(cause) if cause is not None else str(error["msg"]).lower()


def _unknown(key: str, sections: list[str]) -> str:
    model: type[BaseModel] = SECTIONS[sections[-1]] if sections else SpecloomConfig
    known = [kebab(name) for name in model.model_fields]
    if model is SpecloomConfig:
        known += [kebab(name) for name in CheckConfig.model_fields]
    close = difflib.get_close_matches(kebab(key), known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key{hint} (known keys: {', '.join(sorted(known))})"
