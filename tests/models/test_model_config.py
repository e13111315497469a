"""Resolving and parsing model strings, and building provider models without any network."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from specloom.models.config import ModelSpec, parse_model_string, resolve_model
from specloom.models.errors import ModelConfigError
from specloom.models.providers import build_model


@pytest.mark.req("model-layer", "1.1", "1.4")
def test_parse_every_form() -> None:
    assert parse_model_string("local") == ModelSpec("local", "local")
    assert parse_model_string("anthropic:claude-sonnet-4-5").model_name == "claude-sonnet-4-5"
    assert parse_model_string("ollama:llama3.2").provider == "ollama"
    spec = parse_model_string("openai-compatible:qwen@http://127.0.0.1:8000/v1/")
    assert spec == ModelSpec("openai-compatible", "qwen", "http://127.0.0.1:8000/v1")
    assert spec.name == "openai-compatible:qwen@http://127.0.0.1:8000/v1"
    assert parse_model_string("qwen", base_url="http://h:1/v1").provider == "openai-compatible"


@pytest.mark.req("model-layer", "1.2", "1.3")
@pytest.mark.parametrize("text", ["test:x", "mystery:model", "gpt-4o", "openai:",
                                  "openai-compatible:m", "openai-compatible:m@ftp://x"])
def test_bad_model_strings_say_what_to_write(text: str) -> None:
    with pytest.raises(ModelConfigError) as info:
        parse_model_string(text)
    assert text.split(":")[0] in str(info.value) or "openai-compatible" in str(info.value)


@pytest.mark.req("model-layer", "1.2")
def test_unknown_prefix_lists_the_forms() -> None:
    with pytest.raises(ModelConfigError, match=r"anthropic:<model>.*openai-compatible:<model>@"):
        parse_model_string("test:x")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.mark.req("model-layer", "2.1", "2.2", "2.3", "2.4", "2.5")
def test_resolution_order(tmp_path: Path) -> None:
    env = {"SPECLOOM_MODEL": "openai:gpt-4o"}
    assert resolve_model(tmp_path, None, {}).spec.name == "local"
    assert resolve_model(tmp_path, None, {}).source == "default"
    assert resolve_model(tmp_path, None, env).spec.name == "openai:gpt-4o"
    _write(tmp_path / "pyproject.toml", '[tool.specloom]\nmodel = "anthropic:claude-x"\n')
    assert resolve_model(tmp_path, None, env).spec.name == "anthropic:claude-x"
    _write(tmp_path / ".kiro/settings/specloom.toml", 'model = "google:gemini-x"\n')
    resolved = resolve_model(tmp_path, None, env)
    assert resolved.spec.name == "google:gemini-x"
    assert resolved.source.endswith("specloom.toml")
    assert resolve_model(tmp_path, "local", env).spec.name == "local"


@pytest.mark.req("model-layer", "1.4")
def test_config_base_url(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml",
           '[tool.specloom]\nmodel = "qwen"\nbase-url = "http://127.0.0.1:9/v1"\n')
    assert resolve_model(tmp_path, None, {}).spec.name == "openai-compatible:qwen@http://127.0.0.1:9/v1"


@pytest.mark.req("model-layer", "3.1")
@pytest.mark.parametrize(("model", "variable"), [
    ("anthropic:claude-x", "ANTHROPIC_API_KEY"),
    ("openai:gpt-4o", "OPENAI_API_KEY"),
    ("google:gemini-x", "GOOGLE_API_KEY or GEMINI_API_KEY"),
])
def test_missing_key_names_the_variable(model: str, variable: str) -> None:
    with pytest.raises(ModelConfigError, match=variable):
        build_model(parse_model_string(model), env={})


@pytest.mark.req("model-layer", "3.1")
def test_bedrock_without_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ModelConfigError, match="AWS_ACCESS_KEY_ID"):
        build_model(parse_model_string("bedrock:anthropic.claude-x"), env={})


@pytest.mark.req("model-layer", "3.3")
def test_openai_compatible_builds_without_a_key() -> None:
    model = build_model(parse_model_string("openai-compatible:m@http://127.0.0.1:9/v1"), env={})
    assert model.model_name == "m"
    assert model.base_url is not None and model.base_url.startswith("http://127.0.0.1:9/v1")


@pytest.mark.req("model-layer", "3.4")
def test_importing_the_package_stays_light() -> None:
    code = ("import sys, specloom.models, specloom.models.session, specloom.models.errors, "
            "specloom.models.config\n"
            "print([m for m in ('llama_cpp', 'openai', 'anthropic') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
