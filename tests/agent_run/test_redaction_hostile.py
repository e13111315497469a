"""No secret the process knows reaches a run record, whatever carries it.

The end-to-end test runs a real task with a scripted model wrapped in the recorder, so both
writers of `.kiro/specloom/runs/` (model call records and task records) are exercised: the model
echoes keys in tool call arguments and in its final text, reads a `.env` file, and a key sits in
an environment variable whose name does not look secret. The whole runs folder is then grepped.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pydantic_ai.direct import model_request
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel
from run_kit import GOOD_ADD, PY, Script, call, make_project, paths

from specloom.agent.run_record import RUNS_DIR
from specloom.agent.runner import RunOptions, TaskRunner
from specloom.core.redact import Redactor, looks_like_secret
from specloom.models.record import Recorder, RecordingModel, ReplayModel
from specloom.spec.workspace import Workspace

ENV_KEY = "sk-proj-4fQ9zX2LmN7pR1tV8wY3bK6dH0jS5gC2"  # in FOO_CONFIG: a name that looks harmless
DOTENV_KEY = "Zq8vX2mN4pL7rT1wY6bK3dF9hJ5c"  # in .env as PAYMENTS_ID: no provider prefix
SETTINGS_KEY = "q1w2e3r4t5y6u7i8o9p0-config"  # in a secret file named by the workspace settings
BASIC_PASSWORD = "Hunter2Hunter2xyz"  # only in a URL the model echoes: detect-secrets finds it
SLACK = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"  # only in the model's text


def _leaks(folder: Path, secrets: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hits = [s for s in secrets if s.encode() in data]
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found


@pytest.mark.req("task-runner", "4.1")
def test_a_run_that_echoes_keys_writes_none_of_them(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root, home = paths(tmp_path)
    make_project(root, extra={
        ".env": f"# local settings\nDEBUG=true\nPAYMENTS_ID={DOTENV_KEY}\nPORT=8000\n",
        ".kiro/settings/specloom.toml": 'secret-files = ["deploy.secrets"]\n',
        "deploy.secrets": f"{SETTINGS_KEY}\n",
    })
    monkeypatch.setenv("FOO_CONFIG", ENV_KEY)
    monkeypatch.setenv("HOME", str(home))
    secrets = [ENV_KEY, DOTENV_KEY, SETTINGS_KEY, BASIC_PASSWORD, SLACK]
    url = f"https://deploy:{BASIC_PASSWORD}@example.invalid/x"

    def final(_messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        summary = f"added add; key {ENV_KEY}, .env {DOTENV_KEY}, {SETTINGS_KEY}, {url}"
        return ModelResponse(parts=[
            TextPart(f"Done. For the record the keys are {ENV_KEY} and {DOTENV_KEY}; {SLACK}"),
            ToolCallPart(info.output_tools[0].name, {"done": True, "summary": summary})])

    script = Script([
        call("read_file", path=".env"),
        call("run_command", command=f"echo {ENV_KEY} {DOTENV_KEY}"),
        call("write_file", path="calc.py", content=GOOD_ADD),
        call("read_file", path=f"missing-{SETTINGS_KEY}.txt"),  # an error naming the key
        call("run_command", command=f"{PY} -m pytest -q -p no:cacheprovider tests"),
        final,
    ])
    run_id = "leaky-run"
    runs = root / RUNS_DIR
    recorder = Recorder(runs / run_id, "scripted")
    recorder.write_meta({"run_id": run_id, "command": f"run calc --note {ENV_KEY}"})
    model = RecordingModel(script.model, recorder)
    result = TaskRunner(Workspace(root), model,
                        RunOptions(spec="calc", home=home, run_id=run_id)).run()

    assert [o.state for o in result.outcomes] == ["verified"]
    files = {p.relative_to(runs / run_id).as_posix() for p in (runs / run_id).rglob("*.json")}
    assert {"0001.json", "0006.json", "meta.json", "run.json", "tasks/1.json"} <= files
    assert _leaks(runs, secrets) == {}
    record = json.loads((runs / run_id / "tasks/1.json").read_text())
    assert "[redacted]" in record["claim"]["summary"]
    # the records stay readable JSON, and the redacted run can still be replayed
    replay = ReplayModel(runs / run_id)
    assert len(replay.calls) == 6


def test_environment_values_count_by_name_and_by_shape() -> None:
    redactor = Redactor.from_environment({
        "FOO_CONFIG": ENV_KEY, "DB_PASSWORD": "pw-1234", "HOME": "/home/x", "LANG": "C.UTF-8",
        "BUILD_ID": "a1B2c3D4e5F6g7H8i9J0kLmN", "PATH": "/usr/bin:/bin", "SHORT": "abc",
        "GREETING": "hello world, this is a long sentence", "AWS_ID": "AKIAIOSFODNN7EXAMPLE"})
    names = {name for _, name in redactor.secrets}
    assert names == {"FOO_CONFIG", "DB_PASSWORD", "BUILD_ID", "AWS_ID"}
    out = redactor(f"{ENV_KEY} pw-1234 /home/x C.UTF-8 AKIAIOSFODNN7EXAMPLE")
    assert out == ("[redacted:FOO_CONFIG] [redacted:DB_PASSWORD] /home/x C.UTF-8 "
                   "[redacted:AWS_ID]")


@pytest.mark.parametrize("value", [
    "sk-ant-api03-abcdefghijklmnopqrstuv", "sk-abcdefghijklmnopqrstuvwx", "AKIAIOSFODNN7EXAMPLE",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "xoxb-123456789012-abcdefghijkl",
    "AIzaSyA1234567890abcdefghijklmnopqrstuv", "glpat-abcdefghijklmnopqrst",
    "f8Kq2Lm9Xv4Tz7Rw1Yp3Nb6Hd0Gs5Jc"])
def test_key_shapes_are_secrets(value: str) -> None:
    assert looks_like_secret(value)


@pytest.mark.parametrize("value", [
    "/usr/local/bin:/usr/bin", "en_US.UTF-8", "production", "https://example.com/api/v1",
    "0123456789abcdef", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "xterm-256color"])
def test_ordinary_values_are_not_secrets(value: str) -> None:
    assert not looks_like_secret(value)


def test_dotenv_and_secret_files_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(
        f'export PAYMENTS_ID="{DOTENV_KEY}"\nDEBUG=true\nNAME=service\nPORT=8080\n'
        "DATABASE_URL=postgres://app:s3cretPassw0rd@db/app # comment\n")
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend/.env.local").write_text("SIGNING=abc123def456ghi\n")
    (tmp_path / "node_modules/pkg").mkdir(parents=True)
    (tmp_path / "node_modules/pkg/.env").write_text("IGNORED=zzz999yyy888\n")
    outside = tmp_path / "outside.key"
    outside.write_text("raw-token-value-123\n")
    monkeypatch.setenv("SPECLOOM_SECRET_FILES", str(outside))
    redactor = Redactor.from_environment({"SPECLOOM_SECRET_FILES": str(outside)}, root=tmp_path)
    known = dict(redactor.secrets)
    assert known[DOTENV_KEY] == "PAYMENTS_ID"
    assert known["postgres://app:s3cretPassw0rd@db/app"] == "DATABASE_URL"
    assert known["abc123def456ghi"] == "SIGNING"
    assert known["raw-token-value-123"] == "outside.key"
    assert not {"true", "service", "8080", "zzz999yyy888"} & set(known)


def test_pattern_pass_catches_undeclared_secrets() -> None:
    redactor = Redactor((), named=False)
    jwt = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
           "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")
    pem = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n"
           "-----END RSA PRIVATE KEY-----")
    text = (f"url https://u:{BASIC_PASSWORD}@h.invalid jwt {jwt}\n{pem}\n{SLACK}\n"
            "Authorization: Bearer abcdefghijklmnop0123456789\nsha 0a1b2c3d4e5f60718293a4b5c6d7e8f9")
    out = redactor(text)
    for secret in (BASIC_PASSWORD, jwt, "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo", SLACK,
                   "abcdefghijklmnop0123456789"):
        assert secret not in out
    assert "sha 0a1b2c3d4e5f60718293a4b5c6d7e8f9" in out  # hashes are not secrets


@pytest.mark.parametrize(("name", "value"), [
    ("DB_PASSWORD", "PASSWORD"), ("MY_SECRET", "redacted"), ("X_TOKEN", "[redacted]"),
    ("X_TOKEN", "ted:X_T"), ("A_KEY", "<secret removed>")])
def test_a_secret_inside_its_own_placeholder_does_not_survive(name: str, value: str) -> None:
    redactor = Redactor.from_environment({name: value})
    for text in (value, f"a{value}b{value}", f"[{value}]", f"[redacted:{name}]{value}"):
        assert value not in redactor(text)


def test_keys_and_numbers_of_json_are_redacted() -> None:
    redactor = Redactor.from_environment({"API_TOKEN": "98765432", "OTHER_KEY": "k-e-y-1234"})
    value = {"98765432": 98765432, "k-e-y-1234": ["k-e-y-1234", 1.5, True, None]}
    assert "98765432" not in json.dumps(redactor.redact_json(value))
    assert "k-e-y-1234" not in json.dumps(redactor.redact_json(value))


def test_replay_of_a_record_with_redacted_input_still_matches(tmp_path: Path) -> None:
    """The prompt held a key-shaped token; the record holds `[redacted]`, and replay compares
    what it sends after the same redaction."""
    run_dir = tmp_path / RUNS_DIR / "r"
    prompt = f"deploy with ghp_{'a1B2' * 9} please"

    def answer(_messages: list[ModelMessage], _info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("ok")])

    recorder = Recorder(run_dir, "function")
    model = RecordingModel(FunctionModel(answer, model_name="scripted"), recorder)
    asyncio.run(model_request(model, [ModelRequest(parts=[UserPromptPart(prompt)])]))
    assert "ghp_" not in (run_dir / "0001.json").read_text()
    replay = ReplayModel(run_dir)
    response = asyncio.run(model_request(replay, [ModelRequest(parts=[UserPromptPart(prompt)])]))
    assert response.parts == [TextPart("ok")]



def test_the_file_tools_redact_values_from_the_workspace_env_file(tmp_path: Path) -> None:
    """The model never reads a `.env` value back: tool output is redacted, not only records."""
    from specloom.agent.permissions import Permissions
    from specloom.agent.tools import AgentTools
    from specloom.spec.workspace import Workspace

    secret = "q7Vb2Lx9Rt4Wm8Kp3Zs6"
    (tmp_path / ".env").write_text(f"PAYMENTS_ID={secret}\n")
    (tmp_path / "notes.txt").write_text(f"the id is {secret}\n")
    tools = AgentTools(Workspace(tmp_path), permissions=Permissions(), hooks=None,
                       approver=None, checkpoints=None)
    result = tools.read_file("notes.txt")
    assert result.ok and "the id is" in result.output and secret not in result.output


def test_values_written_in_mcp_server_settings_are_secrets(tmp_path: Path) -> None:
    from specloom.core.redact import Redactor, mcp_config_secrets

    settings = tmp_path / ".kiro" / "settings"
    settings.mkdir(parents=True)
    (settings / "mcp.json").write_text(json.dumps({"mcpServers": {
        "docs": {"command": "uvx", "env": {"DOCS_TOKEN": "n8Ww2kQ4pZ7rTb1x", "REF": "${TOKEN}"}},
        "remote": {"url": "https://example.invalid/mcp",
                   "headers": {"Authorization": "Bearer 3fKq9Lm2Xv7Rt5Yw"}}}}))
    found = mcp_config_secrets(tmp_path, home=tmp_path / "nohome")
    assert "n8Ww2kQ4pZ7rTb1x" in found and "3fKq9Lm2Xv7Rt5Yw" in found
    assert "${TOKEN}" not in found
    redact = Redactor.from_environment({}, root=tmp_path)
    text = redact("token n8Ww2kQ4pZ7rTb1x and header Bearer 3fKq9Lm2Xv7Rt5Yw")
    assert "n8Ww2kQ4pZ7rTb1x" not in text and "3fKq9Lm2Xv7Rt5Yw" not in text
