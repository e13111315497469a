"""Keep secrets out of tool output, run records, transcripts and errors.

A `Redactor` knows the secret values of the process and replaces each occurrence by a
placeholder (`[redacted:NAME]` for tool output, `[redacted]` in run records). The values come from:

- environment variables whose names look like keys, tokens, secrets or passwords, the provider
  key variables (`KEY_VARIABLES`), and any variable whose value looks like a secret whatever its
  name: a known provider prefix (`sk-`, `sk-ant-`, `AKIA`, `ghp_`, `xoxb-`, `AIza`, ...) or a long
  high-entropy token;
- `.env` files of the workspace (`.env`, `.env.*` at the root and two folders down), every value
  that is not plainly harmless (a number, a boolean, a path, a plain word, a URL without
  credentials);
- secret files named in `SPECLOOM_SECRET_FILES` (os.pathsep-separated) or in `secret-files` of
  the configuration (`.kiro/settings/specloom.toml` or `[tool.specloom]`): each `NAME=value`
  value, or each whole line.

Then, as a second net, each text is scanned for secrets nobody declared: the provider patterns
above, PEM private keys, bearer tokens and the regex plugins of detect-secrets (in-process).

The result never contains a known secret: a placeholder that would contain one is replaced by
a neutral one, and a text where a secret reappears after replacement is withheld whole.
This module only rewrites text; it never changes the environment that commands run with.
"""

from __future__ import annotations

import functools
import math
import os
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specloom.core import jsontext

#: Environment variables that hold provider credentials (the model layer reads them too).
KEY_VARIABLES = (
    "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY", "SPECLOOM_API_KEY",
    "OLLAMA_API_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
)

SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL", re.IGNORECASE)
MIN_SECRET_LENGTH = 4  # shorter values ("1", "yes") would redact ordinary text
MIN_TOKEN_LENGTH = 20  # a nameless value must be at least this long to count as a token
PROVIDER_KEY_VARIABLES = KEY_VARIABLES  # the provider keys a model session is configured with
SECRET_FILES_VARIABLE = "SPECLOOM_SECRET_FILES"
SETTINGS_FILE = Path(".kiro") / "settings" / "specloom.toml"
ENV_FILE_GLOBS = (".env", ".env.*", "*/.env", "*/.env.*", "*/*/.env", "*/*/.env.*")
MAX_SECRET_FILE_BYTES = 256 * 1024
PATTERN_NAME = "pattern"
# Keys of well-known providers; each match is a secret wherever it appears.
PROVIDER_PATTERNS = re.compile(
    r"sk-ant-[A-Za-z0-9_\-]{16,}"
    r"|\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}"
    r"|\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{22,}"
    r"|\bglpat-[A-Za-z0-9_\-]{20,}"
    r"|\bxox[abposre]-[A-Za-z0-9\-]{10,}"
    r"|\bAIza[0-9A-Za-z_\-]{35}"
    r"|\bhf_[A-Za-z0-9]{30,}"
    r"|\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|\bnpm_[A-Za-z0-9]{36}"
    r"|\bpypi-[A-Za-z0-9_\-]{50,}"
)
PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END[A-Z0-9 ]*PRIVATE KEY"
    r"(?: BLOCK)?-----|\Z)", re.DOTALL)
BEARER = re.compile(r"\b[Bb]earer\s+([A-Za-z0-9._~+/\-]{16,}=*)")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-+/=.:]+")
_PLAIN_VALUE = re.compile(
    r"(?i:true|false|yes|no|on|off|none|null)|[+-]?\d+(?:\.\d+)?|[a-z][a-z_.\-]*"
    r"|(?:/|\./|\.\./|~/)\S*|[a-z][a-z0-9+.\-]*://[^@\s]*")
_SAFE_PLACEHOLDERS = ("[redacted]", "<secret removed>", "#####", "*****")
WITHHELD = "[text withheld: it held a secret]"


def looks_like_secret(value: str) -> bool:
    """Whether a value has the shape of a key: a provider prefix, or a long random token."""
    value = value.strip()
    if PROVIDER_PATTERNS.search(value) or PRIVATE_KEY_BLOCK.search(value):
        return True
    if not MIN_TOKEN_LENGTH <= len(value) <= 4096 or not _TOKEN_CHARS.fullmatch(value):
        return False
    if value.startswith(("/", ".", "~")) or "://" in value:
        return False
    if not (re.search(r"[A-Za-z]", value) and re.search(r"\d", value)):
        return False
    return _entropy(value) >= 3.5


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _declared_secret(name: str, value: str) -> bool:
    value = value.strip()
    if len(value) < MIN_SECRET_LENGTH:
        return False
    return name in PROVIDER_KEY_VARIABLES or bool(SECRET_NAME.search(name)) \
        or looks_like_secret(value)


def _file_secret(name: str, value: str) -> bool:
    """A value read from a `.env` or secret file: anything not plainly harmless."""
    value = value.strip()
    if _declared_secret(name, value):
        return True
    return len(value) >= 8 and not _PLAIN_VALUE.fullmatch(value)


def parse_env_file(text: str) -> Iterator[tuple[str, str]]:
    """(name, value) of each `NAME=value` line (`export`, quotes and comments allowed)."""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        name, eq, value = line.partition("=")
        if not eq or not name.strip():
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        yield name.strip(), value


def _read_small(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_SECRET_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def env_file_secrets(root: Path) -> dict[str, str]:
    """Secret values (value -> name) from the `.env` files of the workspace at `root`."""
    found: dict[str, str] = {}
    for pattern in ENV_FILE_GLOBS:
        try:
            paths = sorted(root.glob(pattern))
        except OSError:
            continue
        for path in paths:
            if any(part in {"node_modules", ".git", ".venv", "venv"} for part in path.parts):
                continue
            text = _read_small(path)
            for name, value in parse_env_file(text or ""):
                if _file_secret(name, value):
                    found.setdefault(value.strip(), name)
    return found


MCP_CONFIG_FILES = (Path(".kiro") / "settings" / "mcp.json",)
_ONLY_REFERENCE = re.compile(r"\s*(?:\$\{[A-Za-z_][A-Za-z0-9_]*\}\s*)+")


def mcp_config_secrets(root: Path | None, home: Path | None = None) -> dict[str, str]:
    """Secret values (value -> name) written literally in the `env` and `headers` of MCP
    servers (`.kiro/settings/mcp.json` of the workspace and of the user); a value that is only
    `${VAR}` references holds no secret of its own (the variable is covered by the environment).
    A header such as `Bearer <token>` also yields the token alone."""
    found: dict[str, str] = {}
    folders = [f for f in (root, home if home is not None else Path.home()) if f is not None]
    for folder in folders:
        for relative in MCP_CONFIG_FILES:
            text = _read_small(folder / relative)
            if not text:
                continue
            try:
                data = jsontext.loads(text)
            except ValueError:
                continue
            servers = data.get("mcpServers") if isinstance(data, dict) else None
            if not isinstance(servers, dict):
                continue
            for server, config in servers.items():
                if not isinstance(config, dict):
                    continue
                for table in ("env", "headers"):
                    values = config.get(table)
                    if not isinstance(values, dict):
                        continue
                    for key, value in values.items():
                        if not isinstance(value, str) or _ONLY_REFERENCE.fullmatch(value):
                            continue
                        name = f"MCP_{server}_{key}".upper()
                        for candidate in (value, value.split()[-1] if value.split() else ""):
                            if _file_secret(name, candidate):
                                found.setdefault(candidate.strip(), name)
    return found


def secret_file_paths(root: Path | None, environ: Mapping[str, str]) -> list[Path]:
    """Secret files configured in the environment and the workspace settings."""
    paths = [Path(p).expanduser() for p in environ.get(SECRET_FILES_VARIABLE, "").split(
        os.pathsep) if p.strip()]
    if root is not None:
        paths += [(root / Path(p).expanduser()) for p in _configured_secret_files(root)]
    return paths


def _configured_secret_files(root: Path) -> list[str]:
    """`secret-files` of the configuration (core.config). When the configuration has an error,
    the list is still read from specloom.toml as far as it can be: a typo in another key must
    not turn redaction off."""
    from specloom.core.config import load_config
    from specloom.core.config_files import SettingsError

    try:
        return list(load_config(root).secret_files)
    except SettingsError:
        pass
    text = _read_small(root / SETTINGS_FILE)
    try:
        data = tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        data = {}
    listed = data.get("secret-files", [])
    return [p for p in listed if isinstance(p, str)] if isinstance(listed, list) else []


def secret_file_secrets(paths: Iterable[Path]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in paths:
        text = _read_small(path) or ""
        pairs = list(parse_env_file(text))
        if pairs:
            for name, value in pairs:
                if len(value.strip()) >= MIN_SECRET_LENGTH:
                    found.setdefault(value.strip(), name)
        else:
            for line in text.splitlines():
                if len(line.strip()) >= MIN_SECRET_LENGTH:
                    found.setdefault(line.strip(), path.name)
    return found


@functools.lru_cache(maxsize=1)
def _detect_secrets_plugins() -> tuple[Any, ...]:
    """The regex plugins of detect-secrets (not the entropy, keyword or IP ones: too noisy)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins.base import RegexBasedDetector

    skipped = {"IPPublicDetector", "PrivateKeyDetector"}  # IPs are not secrets; PEM done above
    mapping: dict[Any, Any] = dict(get_mapping_from_secret_type_to_class())
    classes: list[Any] = [plugin for plugin in mapping.values()
                          if issubclass(plugin, RegexBasedDetector)
                          and plugin.__name__ not in skipped]
    return tuple(cls() for cls in classes)


@functools.lru_cache(maxsize=4096)
def detected_secrets(text: str) -> tuple[str, ...]:
    """Secret-looking strings in `text` found by pattern alone (provider keys, detect-secrets)."""
    found: set[str] = set()
    found.update(m.group(0) for m in PRIVATE_KEY_BLOCK.finditer(text))
    found.update(m.group(0) for m in PROVIDER_PATTERNS.finditer(text))
    found.update(m.group(1) for m in BEARER.finditer(text))
    plugins = _detect_secrets_plugins()
    if plugins:
        for line in text.splitlines():
            if len(line) > 20_000:
                line = line[:20_000]
            for plugin in plugins:
                for secret in plugin.analyze_string(line):
                    if isinstance(secret, str) and len(secret.strip()) >= 8:
                        found.add(secret)
    return tuple(sorted(found, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Redactor:
    """Replaces each secret value by a placeholder; the longest values go first.

    `secrets` holds (value, name) pairs; `named` chooses `[redacted:NAME]` over `[redacted]`;
    `patterns` adds the pattern pass for secrets nobody declared.
    """

    secrets: tuple[tuple[str, str], ...]
    named: bool = True
    patterns: bool = True

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, *,
                         root: Path | None = None, named: bool = True,
                         extra: Mapping[str, str] | None = None) -> Redactor:
        """Secrets of the environment, and with `root` of the workspace's `.env` and secret
        files; `extra` maps more secret values to names (keys configured for the session)."""
        env = os.environ if environ is None else environ
        found: dict[str, str] = {}
        for name, value in env.items():
            if _declared_secret(name, value):
                found.setdefault(value.strip(), name)
                found.setdefault(value, name)
        if root is not None:
            for value, name in env_file_secrets(root).items():
                found.setdefault(value, name)
        for value, name in secret_file_secrets(secret_file_paths(root, env)).items():
            found.setdefault(value, name)
        if root is not None:
            for value, name in mcp_config_secrets(root).items():
                found.setdefault(value, name)
        for value, name in (extra or {}).items():
            if len(value.strip()) >= MIN_SECRET_LENGTH:
                found.setdefault(value, name)
        ordered = sorted(found.items(), key=lambda item: (-len(item[0]), item[0]))
        return cls(tuple(ordered), named=named)

    def with_values(self, values: Iterable[str], name: str = "secret") -> Redactor:
        """This redactor plus `values` (kept when at least MIN_SECRET_LENGTH long)."""
        known = dict(self.secrets)
        for value in values:
            if len(value.strip()) >= MIN_SECRET_LENGTH:
                known.setdefault(value, name)
        ordered = sorted(known.items(), key=lambda item: (-len(item[0]), item[0]))
        return Redactor(tuple(ordered), self.named, self.patterns)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        pairs = list(self.secrets)
        if self.patterns:
            pairs += [(s, PATTERN_NAME) for s in detected_secrets(text)]
        present = [(value, name) for value, name in pairs if value in text]
        if not present:
            return text
        present.sort(key=lambda item: -len(item[0]))
        values = [value for value, _ in present]
        for _ in range(4):
            for value, name in present:
                if value in text:
                    text = text.replace(value, self._placeholder(name, values))
            if not any(value in text for value in values):
                return text
        return WITHHELD if not any(value in WITHHELD for value in values) else ""

    def _placeholder(self, name: str, values: list[str]) -> str:
        candidates = ((f"[redacted:{name}]",) if self.named else ()) + _SAFE_PLACEHOLDERS
        for candidate in candidates:
            if not any(value in candidate for value in values):
                return candidate
        return ""

    def redact_json(self, value: Any) -> Any:
        """`value` (JSON-like) with every string, mapping key and number holding a secret
        rewritten; tuples become lists."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, Mapping):
            return {self(str(k)): self.redact_json(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_json(v) for v in value]
        if isinstance(value, int | float) and not isinstance(value, bool):
            shown = str(value)
            if any(secret in shown for secret, _ in self.secrets):
                return self(shown)
        return value

    def leaks(self, text: str) -> bool:
        """Whether `text` still holds a known secret value (a last check before writing)."""
        return any(value in text for value, _ in self.secrets)
