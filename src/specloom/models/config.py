"""Resolving the model string a command uses, and parsing it into provider, model and URL.

Order: the `--model` flag, then config (`model` in `.kiro/settings/specloom.toml`, which wins over
`[tool.specloom] model` in pyproject.toml), then the `SPECLOOM_MODEL` environment variable, then
`local`. A config `base-url` turns a bare model name into `openai-compatible:<model>@<base-url>`;
like every key it is merged on its own (core.config), whichever file sets `model`.

This module only reads configuration; it must not build models or import provider SDKs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specloom.models.errors import ModelConfigError

LOCAL = "local"
PROVIDERS = ("anthropic", "openai", "openai-compatible", "ollama", "bedrock", "google")
MODEL_FORMS = (
    "local (the embedded model), anthropic:<model>, openai:<model>, google:<model>, "
    "bedrock:<model>, ollama:<model>, openai-compatible:<model>@<base_url>"
)
OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434/v1"


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A parsed model string."""

    provider: str  # "local" or one of PROVIDERS
    model_name: str
    base_url: str | None = None

    @property
    def name(self) -> str:
        """The canonical model string."""
        if self.provider == LOCAL:
            return LOCAL
        if self.provider == "openai-compatible":
            return f"openai-compatible:{self.model_name}@{self.base_url}"
        return f"{self.provider}:{self.model_name}"


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """The model string a command will use, and where it came from."""

    spec: ModelSpec
    source: str  # "--model", a config file path, "SPECLOOM_MODEL" or "default"


def parse_model_string(text: str, *, base_url: str | None = None) -> ModelSpec:
    """Parse `text`; `base_url` (from config) applies to a bare name or openai-compatible."""
    text = text.strip()
    if text == LOCAL:
        return ModelSpec(LOCAL, LOCAL)
    prefix, sep, rest = text.partition(":")
    if not sep:
        if base_url:
            return ModelSpec("openai-compatible", text, base_url.rstrip("/"))
        raise ModelConfigError(f"model {text!r} has no provider prefix; use one of: {MODEL_FORMS}")
    if prefix not in PROVIDERS:
        raise ModelConfigError(
            f"unknown model provider {prefix!r} in {text!r}; use one of: {MODEL_FORMS}")
    if prefix == "openai-compatible":
        return _parse_compatible(text, rest, base_url)
    if not rest:
        raise ModelConfigError(
            f"model {text!r} names no model after {prefix!r}; e.g. {prefix}:<model>")
    return ModelSpec(prefix, rest)


def _parse_compatible(text: str, rest: str, base_url: str | None) -> ModelSpec:
    model_name, at, url = rest.partition("@")
    url = url if at else (base_url or "")
    if not model_name or not url:
        raise ModelConfigError(
            f"model {text!r} needs a model and a server: openai-compatible:<model>@<base_url> "
            "(or set `base-url` in [tool.specloom])"
        )
    if not url.startswith(("http://", "https://")):
        raise ModelConfigError(f"base URL {url!r} in {text!r} must start with http:// or https://")
    return ModelSpec("openai-compatible", model_name, url.rstrip("/"))


def model_config(root: Path) -> tuple[dict[str, Any], str | None]:
    """The merged model keys (`model`, `base-url`) of the workspace config, and the file that
    set `model` (read through `core.config`: the same merge and errors as every command)."""
    from specloom.core.config import load_config
    from specloom.core.config_files import SettingsError

    try:
        config = load_config(root)
    except SettingsError as exc:  # a broken file: say where, never a traceback
        raise ModelConfigError(str(exc)) from None
    merged = {key: value for key, value in (("model", config.model),
                                             ("base-url", config.base_url)) if value is not None}
    source = config.origin("model")
    return merged, str(source) if source is not None else None


def resolve_model(root: Path, flag: str | None = None,
                  env: Mapping[str, str] | None = None) -> ResolvedModel:
    """The model for a command in the workspace at `root`: flag, config, environment, `local`."""
    env = os.environ if env is None else env
    config, config_source = model_config(root)
    base_url = config.get("base-url")
    if base_url is not None and not isinstance(base_url, str):
        raise ModelConfigError(f"{config_source}: `base-url` must be a string")
    if flag:
        return ResolvedModel(parse_model_string(flag, base_url=base_url), "--model")
    value = config.get("model")
    if value is not None:
        if not isinstance(value, str) or not value.strip():
            raise ModelConfigError(
                f"{config_source}: `model` must be a model string ({MODEL_FORMS})")
        return ResolvedModel(parse_model_string(value, base_url=base_url), str(config_source))
    if env.get("SPECLOOM_MODEL", "").strip():
        return ResolvedModel(parse_model_string(env["SPECLOOM_MODEL"]), "SPECLOOM_MODEL")
    return ResolvedModel(ModelSpec(LOCAL, LOCAL), "default")
