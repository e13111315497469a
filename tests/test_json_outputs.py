"""Every `--json` output and MCP tool result validates against its published JSON Schema.

The schemas in docs/schemas/ are generated from the output models (`specloom.app.json_schemas`,
`scripts/json_schemas.py`); the first test fails when they are out of date. Each command then
runs in-process on a small workspace (a spec with linked tests, steering, hooks, an MCP
configuration, git) and its output is checked twice: against the published schema with
`jsonschema`, and against the model itself (which forbids unknown keys). Only the model
session is scripted, for the commands that call a model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.app.json_schemas import COMMANDS, MCP_TOOLS, schema_files
from specloom.cli import author_cmds, run_cmds
from specloom.cli.main import main
from specloom.mcp_server import tools
from specloom.models.record import Recorder, RecordingModel
from specloom.models.session import RUNS_DIR, ModelSession
from specloom.spec.workspace import Workspace

from spec_fixtures import GOOD_DESIGN, GOOD_REQUIREMENTS, GOOD_TASKS, good_spec

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "docs" / "schemas"
sys.path.insert(0, str(REPO / "scripts"))
import json_schemas as schema_script  # noqa: E402

CART = """\
def add(cart, item):
    # specloom: cart 1.1
    cart[item] = 1
    return cart


def remove(cart, item):
    cart.pop(item, None)
    return cart
"""

CART_TESTS = """\
import pytest

from cart import add


@pytest.mark.req("cart", "1.1")
def test_add_stores_one():
    assert add({}, "pen") == {"pen": 1}


@pytest.mark.req("cart", "1.2")
def test_out_of_stock_is_rejected():
    assert add({}, "ink") == {}


@pytest.mark.req("cart", "9.9")
def test_cites_a_criterion_that_does_not_exist():
    pass
"""

HOOKS = {
    ".kiro/hooks/greet.kiro.hook": json.dumps({
        "name": "greet", "version": "1", "enabled": True,
        "when": {"type": "userTriggered"},
        "then": {"type": "runCommand", "command": "echo hello"}}),
    ".kiro/hooks/broken.kiro.hook": "{not json",
}

MCP_CONFIG = json.dumps({"mcpServers": {"nowhere": {"args": ["--x"]}}})

STEERING = {
    ".kiro/steering/tech.md": "Use Python 3.11 and pytest.\n",
    ".kiro/steering/api.md": '---\ninclusion: fileMatch\nfileMatchPattern: "src/**/*.py"\n'
                             "---\nKeep functions small.\n",
    ".kiro/steering/odd.md": "---\ninclusion: sometimes\n---\nNever mind.\n",
}

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


# -- helpers ------------------------------------------------------------------------------

def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    return loaded


def assert_valid(name: str, data: Any, model: Any) -> None:
    """`data` validates against docs/schemas/<name>.schema.json and against its model."""
    published = schema(name)
    jsonschema.Draft202012Validator.check_schema(published)
    errors = sorted(jsonschema.Draft202012Validator(published).iter_errors(data),
                    key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    model.model_validate(data)


def cli_json(root: Path, capsys: pytest.CaptureFixture[str], command: str, *argv: str,
             codes: tuple[int, ...] = (0,)) -> Any:
    """Run `specloom --root ROOT ARGV...`; its stdout as JSON, validated as `command`."""
    code = main(["--root", str(root), *argv])
    out = capsys.readouterr().out
    assert code in codes, out
    data = json.loads(out)
    assert_valid(command, data, COMMANDS[command])
    return data


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True,
                   env={**os.environ, **GIT_ENV})


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git project with the `cart` spec, code and linked tests (one failing), steering (one
    file broken), hooks (one broken) and a misconfigured MCP server."""
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)  # verify runs pytest from this environment
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no user-wide steering or MCP servers
    monkeypatch.setenv("SPECLOOM_SANDBOX", "off")  # hooks run without bubblewrap here
    project = tmp_path / "project"
    files: dict[str, str | bytes] = {**good_spec(), **HOOKS, **STEERING,
                                     "src/cart.py": CART, "tests/test_cart.py": CART_TESTS,
                                     ".kiro/settings/mcp.json": MCP_CONFIG,
                                     "pyproject.toml": '[tool.pytest.ini_options]\n'
                                                       'pythonpath = ["src"]\n'}
    for relative, content in files.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "cart")
    return project


class Opener:
    """A real `ModelSession` around pydantic-ai's FunctionModel answering from a script."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.calls = 0

    async def _stream(self, messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield self.answers.pop(0)

    def __call__(self, workspace: Workspace, *args: Any, **kwargs: Any) -> ModelSession:
        self.calls += 1
        command = kwargs.get("command", "test")
        run_id = f"run-{self.calls}-{command}"
        run_dir = Path(workspace.root) / RUNS_DIR / run_id
        recorder = Recorder(run_dir, "function:scripted")
        inner = FunctionModel(stream_function=self._stream, model_name="scripted")
        return ModelSession(name="function:scripted", model=RecordingModel(inner, recorder),
                            run_id=run_id, run_dir=run_dir, is_local=False, replaying=False,
                            recorder=recorder)


# -- the published schemas ----------------------------------------------------------------

def test_published_schemas_are_generated_from_the_models() -> None:
    assert schema_script.differences() == [], (
        "docs/schemas/ is out of date: run .venv/bin/python scripts/json_schemas.py")
    assert set(schema_files()) == {f"{name}.schema.json" for name in COMMANDS} | {
        f"mcp/{name}.schema.json" for name in MCP_TOOLS}


def test_one_diagnostic_shape_everywhere() -> None:
    """Every output's diagnostics share one definition (`core.json_model.DiagnosticJson`)."""
    keys = schema("check")["$defs"]["DiagnosticJson"]
    for name in ("trace", "verify", "drift", "steering-show", "hook-list", "new", "refine"):
        assert schema(name)["$defs"]["DiagnosticJson"] == keys, name
    assert keys["required"] == ["code", "rule", "severity", "spec", "path", "line", "column",
                                "end_line", "end_column", "message", "hint"]


# -- the commands -------------------------------------------------------------------------

def test_check_rules_list_show(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = root / ".kiro/specs/cart/tasks.md"
    tasks.write_text(GOOD_TASKS.replace("_Requirements: 2.1_", "_Requirements: 7.2_"))
    data = cli_json(root, capsys, "check", "check", "--format", "json", codes=(1,))
    assert any(d["code"] == "C001" and d["rule"] for d in data["diagnostics"])
    tasks.write_text(GOOD_TASKS)
    assert len(cli_json(root, capsys, "rules", "rules", "--json")) > 20
    assert cli_json(root, capsys, "rules-code", "rules", "A001", "--json")["code"] == "A001"
    assert cli_json(root, capsys, "list", "list", "--json")["specs"][0]["name"] == "cart"
    shown = cli_json(root, capsys, "show", "show", "cart", "--json")
    assert shown["tasks"] and shown["requirements"] and "spec_json" not in shown


def test_trace_verify_drift_task(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    traced = cli_json(root, capsys, "trace", "trace", "--format", "json", codes=(0, 1))
    assert traced["orphans"] and traced["diagnostics"]
    assert traced["specs"][0]["criteria"][0]["anchors"]
    verified = cli_json(root, capsys, "verify", "verify", "--format", "json", codes=(0, 1))
    outcomes = {t["outcome"] for s in verified["specs"] for c in s["criteria"]
                for t in c["tests"]}
    assert {"passed", "failed"} <= outcomes and verified["recorded"] == 1
    requirements = root / ".kiro/specs/cart/requirements.md"
    requirements.write_text(GOOD_REQUIREMENTS.replace("with quantity 1", "with quantity one"))
    (root / "src/cart.py").write_text(CART.replace("= 1", "= 2"))
    drift = cli_json(root, capsys, "drift", "drift", "--format", "json", codes=(0, 1))
    assert drift["git"] and drift["criteria"][0]["text_changed"]
    assert drift["criteria"][0]["anchors"] and drift["never_verified"]
    task = cli_json(root, capsys, "task", "task", "cart", "2.2", "--status", "in-progress",
                    "--json")
    assert task["changed"] and task["gate"] is None
    refused = main(["--root", str(root), "task", "cart", "2.2", "--status", "done",
                    "--force", "reviewed by hand", "--json"])
    forced = json.loads(capsys.readouterr().out)
    assert refused == 0 and forced["forced"]["reason"] == "reviewed by hand"
    assert_valid("task", forced, COMMANDS["task"])
    listed = cli_json(root, capsys, "list", "list", "--json")
    assert listed["specs"][0]["forced"][0]["task"] == "2.2"


def test_steering_hooks_mcp_list_checkpoints_agents(root: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    steering = cli_json(root, capsys, "steering-show", "steering", "show", "--for",
                        "src/cart.py", "--json")
    assert steering["included"] and steering["problems"]
    hooks = cli_json(root, capsys, "hook-list", "hook", "list", "--json", codes=(1,))
    assert hooks["hooks"][0]["name"] == "greet" and hooks["problems"]
    cli_json(root, capsys, "hook-run", "hook", "run", "greet", "--json", codes=(0, 1))
    servers = cli_json(root, capsys, "mcp-list", "mcp", "list", "--json", codes=(0, 1))
    assert servers["servers"][0]["state"] == "misconfigured"
    created = cli_json(root, capsys, "checkpoint-create", "checkpoint", "create",
                       "before", "--json")
    (root / "src/cart.py").write_text(CART + "\n# edited\n")
    assert cli_json(root, capsys, "checkpoint-list", "checkpoint", "list",
                    "--json")["checkpoints"]
    restored = cli_json(root, capsys, "checkpoint-restore", "checkpoint", "restore",
                        created["id"], "--yes", "--json")
    assert restored["changed"] == ["src/cart.py"]
    installed = cli_json(root, capsys, "agents-install", "agents", "install", "claude",
                         "--json")
    assert {f["action"] for f in installed} == {"created"}


def test_init_extract_link(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    init = cli_json(root, capsys, "init", "init", "--no-llm", "--agent", "kiro", "--json",
                    codes=(0, 1))
    assert init["files"] and init["agent_files"]
    extracted = cli_json(root, capsys, "extract", "extract", "src", "--name", "cart-code",
                         "--no-llm", "--json")
    assert extracted["written_by"] == "skeleton" and extracted["requirements"]
    cli_json(root, capsys, "link", "link", "cart-code", "--no-tags", "--json")


def test_new_approve_next_refine(root: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    opener = Opener([GOOD_REQUIREMENTS, GOOD_DESIGN,
                     GOOD_DESIGN.replace("An in-memory cart.", "One cart per shopper.")])
    monkeypatch.setattr(author_cmds, "open_model_session", opener)
    created = cli_json(root, capsys, "new", "new", "basket", "Let shoppers keep a basket.",
                       "--no-input", "--json")
    assert created["waiting"] == "requirements" and created["outcomes"][0]["written"]
    approved = cli_json(root, capsys, "approve", "approve", "basket", "--json")
    assert set(approved["approved"]) == {"requirements"}
    advanced = cli_json(root, capsys, "next", "next", "basket", "--no-input", "--json")
    assert advanced["waiting"] == "design"
    refined = cli_json(root, capsys, "refine", "refine", "basket", "one cart per shopper",
                       "--json")
    assert refined["outcome"]["phase"] == "design" and "One cart" in refined["diff"]


def test_run_with_nothing_to_run(root: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = root / ".kiro/specs/cart/tasks.md"
    tasks.write_text(GOOD_TASKS.replace("[ ]", "[x]"))
    monkeypatch.setattr(run_cmds, "open_model_session", Opener([]))
    report = cli_json(root, capsys, "run", "run", "cart", "--json")
    assert report["tasks"] == [] and report["stopped"].startswith("nothing to run")


# -- the MCP tools ------------------------------------------------------------------------

def mcp_valid(tool: str, data: Any) -> Any:
    assert_valid(f"mcp/{tool}", data, MCP_TOOLS[tool])
    return data


def test_mcp_tools_without_a_model(root: Path) -> None:
    workspace = Workspace(root)
    assert mcp_valid("list_specs", tools.list_specs(workspace))["specs"]
    tasks = root / ".kiro/specs/cart/tasks.md"
    tasks.write_text(GOOD_TASKS.replace("_Requirements: 2.1_", "_Requirements: 7.2_"))
    assert mcp_valid("check", tools.check(workspace))["diagnostics"]
    tasks.write_text(GOOD_TASKS)
    assert mcp_valid("trace", tools.trace(workspace))["orphans"]
    assert mcp_valid("verify", tools.verify(workspace, ["cart"]))["runs"]
    brief = mcp_valid("next_task", tools.next_task(workspace, "cart"))
    assert brief["task"]["id"] == "2.2"
    tasks.write_text(GOOD_TASKS.replace("[ ]", "[x]"))
    assert mcp_valid("next_task", tools.next_task(workspace, "cart"))["task"] is None
    tasks.write_text(GOOD_TASKS)
    changed = mcp_valid("set_task_status",
                        tools.set_task_status(workspace, "cart", "2.2", "in-progress"))
    assert changed["after"] == "in-progress"
    assert mcp_valid("steering_for_path", tools.steering_for_path(workspace, "src/cart.py"))
    assert mcp_valid("approve_phase", tools.approve_phase(workspace, "cart"))["approved"]


def test_mcp_authoring_tools(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = Workspace(root)
    opener = Opener([GOOD_REQUIREMENTS, GOOD_DESIGN,
                     GOOD_DESIGN.replace("An in-memory cart.", "One cart per shopper.")])
    monkeypatch.setattr(tools, "open_model_session", opener)
    created = mcp_valid("new_spec", tools.new_spec(workspace, "basket", "Keep a basket."))
    assert created["workflow"] == "requirements-first" and created["usage"]
    tools.approve_phase(workspace, "basket")
    assert mcp_valid("next_phase", tools.next_phase(workspace, "basket"))["waiting"] == "design"
    refined = mcp_valid("refine_phase", tools.refine_phase(workspace, "basket", "one cart"))
    assert refined["outcome"]["written"]


def test_every_output_is_exercised() -> None:
    """Each command and MCP tool with a schema is run by a test above (keep this in step)."""
    exercised = {"check", "rules", "rules-code", "list", "show", "task", "trace", "verify",
                 "drift", "new", "next", "approve", "refine", "steering-show", "init",
                 "extract", "link", "run", "mcp-list", "agents-install", "checkpoint-list",
                 "checkpoint-create", "checkpoint-restore", "hook-list", "hook-run"}
    assert exercised == set(COMMANDS)
    assert set(MCP_TOOLS) == {"list_specs", "check", "trace", "verify", "next_task",
                              "set_task_status", "steering_for_path", "new_spec", "next_phase",
                              "refine_phase", "approve_phase"}
