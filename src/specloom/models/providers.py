"""Building a pydantic-ai `Model` from a parsed model string.

Keys come from the usual environment variables; a missing key or a missing optional extra is a
`ModelConfigError` naming the variable or the `pip install` command. Provider SDKs are imported
here lazily, inside the builder for that provider; this module must not import them at import
time, and must not make any network call (building a model only configures a client).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from specloom.models.config import LOCAL, OLLAMA_DEFAULT_URL, ModelSpec
from specloom.models.errors import ModelConfigError

if TYPE_CHECKING:
    from pydantic_ai.models import Model
    from pydantic_ai.settings import ModelSettings

MAX_RETRIES = 3  # the SDK retries connection errors, 429 and 5xx with backoff this many times
TIMEOUT_SECONDS = 120.0

# Environment variables whose values are secrets; `record` redacts their values.

Env = Mapping[str, str]


def build_model(spec: ModelSpec, env: Env | None = None) -> Model:
    """The pydantic-ai model for `spec`; raises ModelConfigError with the fix."""
    env = os.environ if env is None else env
    builders: dict[str, Callable[[ModelSpec, Env], Model]] = {
        LOCAL: _local, "openai": _openai, "openai-compatible": _compatible, "ollama": _ollama,
        "anthropic": _anthropic, "google": _google, "bedrock": _bedrock,
    }
    return builders[spec.provider](spec, env)


def _settings() -> ModelSettings:
    return {"max_retries": MAX_RETRIES, "timeout": TIMEOUT_SECONDS}


def _missing_extra(extra: str, exc: ImportError) -> ModelConfigError:
    return ModelConfigError(
        f"the {extra} provider needs an optional extra: pip install 'specloom[{extra}]' ({exc})"
    )


def _require(env: Env, *names: str, provider: str) -> str:
    for name in names:
        if env.get(name):
            return env[name]
    wanted = " or ".join(names)
    raise ModelConfigError(f"the {provider} provider needs an API key: set {wanted}")


def _local(spec: ModelSpec, env: Env) -> Model:
    from specloom.models.local import LocalModel  # llama.cpp itself is imported on first use

    return LocalModel()


def _openai_chat(model_name: str, base_url: str | None, api_key: str) -> Model:
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    provider = OpenAIProvider(base_url=base_url, api_key=api_key)
    return OpenAIChatModel(model_name, provider=provider, settings=_settings())


def _openai(spec: ModelSpec, env: Env) -> Model:
    key = _require(env, "OPENAI_API_KEY", provider="openai")
    return _openai_chat(spec.model_name, env.get("OPENAI_BASE_URL") or None, key)


def _compatible(spec: ModelSpec, env: Env) -> Model:
    return _openai_chat(spec.model_name, spec.base_url, env.get("SPECLOOM_API_KEY") or "none")


def _ollama(spec: ModelSpec, env: Env) -> Model:
    url = env.get("OLLAMA_BASE_URL") or OLLAMA_DEFAULT_URL
    return _openai_chat(spec.model_name, url, env.get("OLLAMA_API_KEY") or "ollama")


def _anthropic(spec: ModelSpec, env: Env) -> Model:
    key = _require(env, "ANTHROPIC_API_KEY", provider="anthropic")
    try:
        from pydantic_ai.models.anthropic import AnthropicModel
        from pydantic_ai.providers.anthropic import AnthropicProvider
    except ImportError as exc:
        raise _missing_extra("anthropic", exc) from exc
    return AnthropicModel(spec.model_name, provider=AnthropicProvider(api_key=key),
                          settings=_settings())


def _google(spec: ModelSpec, env: Env) -> Model:
    key = _require(env, "GOOGLE_API_KEY", "GEMINI_API_KEY", provider="google")
    try:
        from pydantic_ai.models.google import GoogleModel
        from pydantic_ai.providers.google import GoogleProvider
    except ImportError as exc:
        raise _missing_extra("google", exc) from exc
    return GoogleModel(spec.model_name, provider=GoogleProvider(api_key=key), settings=_settings())


def _bedrock(spec: ModelSpec, env: Env) -> Model:
    has_keys = bool(env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"))
    has_profile = bool(env.get("AWS_PROFILE")) or (Path.home() / ".aws" / "credentials").is_file()
    if not (has_keys or has_profile or env.get("AWS_BEARER_TOKEN_BEDROCK")):
        raise ModelConfigError(
            "the bedrock provider needs AWS credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (and AWS_REGION), or AWS_PROFILE"
        )
    try:
        from pydantic_ai.models.bedrock import BedrockConverseModel
    except ImportError as exc:
        raise _missing_extra("bedrock", exc) from exc
    return BedrockConverseModel(spec.model_name, settings=_settings())
