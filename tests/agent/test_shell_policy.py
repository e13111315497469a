"""The shell policy judges parsed commands: each simple command by its resolved program."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.agent.permissions import Permissions
from specloom.agent.runner import RunOptions, TaskRunner
from specloom.agent.shell_policy import ShellPolicy
from specloom.spec.workspace import Workspace

DENY_RM = '[tool.specloom.commands]\ndeny = ["rm *", "rm"]\n'

# the simple forms that ran a denied `rm` past the old glob over the command string
DENIED_FORMS = [
    "bash -c 'rm -rf x'",
    "/bin/rm -rf x",
    "\\rm -rf x",
    "env rm -rf x",
    "X=rm; $X -rf x",
    "true; rm -rf x",
    "python3 -c 'import shutil; shutil.rmtree(\"x\")'",
    "find . -delete",
    "sh -c 'rm -rf x'",
    "command rm -rf x",
    "exec rm -rf x",
    "ls | xargs rm -rf",
    "nice rm -rf x",
    # more of the same family
    "'rm' -rf x", "timeout 5 rm x", "sudo -u root rm x", "time rm x", "nohup rm x",
    "find . -name '*.pyc' -exec rm {} +", "find . -exec sh -c 'rm -rf x' \\;",
    "f() { rm x; }; f", "(rm x)", "if true; then rm x; fi", "ls\nrm x", "bash -xc 'rm x'",
    "env -i FOO=1 rm x", "busybox rm x",
]
CANNOT_JUDGE = [
    "echo $(rm x)", "echo `rm x`", "cat <(rm x)", "eval 'rm x'", "source ./x.sh", ". ./x.sh",
    "echo 'rm x' | bash", "bash <<EOF\nrm x\nEOF\n", "r{m,} x", "/bin/r? x", "PATH=. ls",
    "echo $((1 + 1))", "case a in a) rm x;; esac", "env -S 'rm x'", "trap 'rm x' EXIT",
    "sh -s", "python3 - < x.py",
]


def permissions(root: Path, pyproject: str, mode: str = "autopilot") -> Permissions:
    (root / "pyproject.toml").write_text(pyproject)
    return Permissions.from_config(Workspace(root), mode, interactive=False)


@pytest.mark.req("task-runner", "6.4", "6.10")
@pytest.mark.parametrize("command", DENIED_FORMS)
def test_denied_program_is_refused_in_every_form(tmp_path: Path, command: str) -> None:
    decision = permissions(tmp_path, DENY_RM).check_command(command)
    assert not decision.allowed, command
    assert "command refused" in decision.reason


@pytest.mark.req("task-runner", "6.4", "6.11")
@pytest.mark.parametrize("command", CANNOT_JUDGE)
def test_what_cannot_be_judged_is_refused_with_why_and_how(tmp_path: Path, command: str) -> None:
    decision = permissions(tmp_path, DENY_RM).check_command(command)
    assert not decision.allowed, command
    assert "cannot judge it:" in decision.reason and "supervised mode" in decision.reason


ALLOW = '[tool.specloom.commands]\nallow = ["ruff *", "pytest*", "echo *"]\n'


@pytest.mark.req("task-runner", "6.4", "6.10")
@pytest.mark.parametrize(("command", "allowed"), [
    ("ruff check . && pytest -q", True),
    ("ruff check . || echo failed", True),
    ("pytest -q 2>&1 > report.txt", True),
    ("/usr/bin/ruff check .", True),
    ("ruff check . && curl https://example.invalid", False),
    ("ruff check .; rm -rf x", False),
    ("pytest -q | sh", False),
    ("echo $(curl example.invalid)", False),
    ("ruff check .\ncurl example.invalid", False),
    ("echo hi > /etc/passwd", False),
    ("echo hi >> ../outside.txt", False),
])
def test_allow_list_needs_every_simple_command(tmp_path: Path, command: str,
                                               allowed: bool) -> None:
    assert permissions(tmp_path, ALLOW).check_command(command).allowed is allowed


@pytest.mark.req("task-runner", "6.4")
def test_inline_interpreter_code_needs_an_explicit_allow_pattern(tmp_path: Path) -> None:
    open_list = permissions(tmp_path, "[tool.specloom]\n")
    refused = open_list.check_command("python3 -c 'print(1)'")
    assert not refused.allowed and "python3 -c *" in refused.reason
    assert open_list.check_command("python3 -m pytest -q").allowed
    explicit = permissions(tmp_path, '[tool.specloom.commands]\nallow = ["python3 -c *"]\n')
    assert explicit.check_command("python3 -c 'print(1)'").allowed


def test_redirection_outside_the_workspace_is_refused_inside_allowed(tmp_path: Path) -> None:
    policy = ShellPolicy((), (), tmp_path)
    assert policy.judge("echo hi > out/log.txt").allowed
    assert policy.judge("echo hi > /dev/null 2>&1").allowed
    outside = policy.judge(f"echo hi > {tmp_path.parent}/x")
    assert outside.kind == "denied" and "outside the workspace" in outside.reason
    assert not policy.judge("echo hi > ~/x").allowed
    assert policy.judge("cd sub && echo hi > x").kind == "cannot-judge"


def test_supervised_mode_puts_unjudgeable_commands_to_a_person(tmp_path: Path) -> None:
    supervised = permissions(tmp_path, DENY_RM, "supervised")
    unclear = supervised.check_command("echo $(date)")
    assert unclear.allowed and unclear.reason.startswith("needs approval")
    assert not supervised.check_command("bash -c 'rm -rf x'").allowed  # deny never asks


@pytest.mark.req("task-runner", "6.4")
def test_permissions_are_a_snapshot_of_the_settings(tmp_path: Path) -> None:
    loaded = permissions(tmp_path, DENY_RM)
    (tmp_path / "pyproject.toml").write_text('[tool.specloom]\nsandbox = "off"\n')
    assert not loaded.check_command("rm -rf x").allowed
    assert loaded.sandbox.enabled


# -- a mid-run edit of pyproject.toml cannot widen the policy of the same run ------------------

SPEC = {
    "requirements.md": "# Requirements Document\n\n## Introduction\nx\n\n## Requirements\n\n"
                       "### Requirement 1: A\n**User Story:** As a user, I want a, so that b.\n\n"
                       "#### Acceptance Criteria\n1. WHEN a, THE S SHALL b.\n",
    "design.md": "# Design Document\n\n## Overview\nx\n",
    "tasks.md": "# Implementation Plan\n\n- [ ] 1. First\n  - _Requirements: 1.1_\n\n"
                "- [ ] 2. Second\n  - _Requirements: 1.1_\n",
}


@pytest.mark.req("task-runner", "6.4")
def test_a_mid_run_edit_of_the_command_lists_changes_nothing_in_that_run(tmp_path: Path) -> None:
    root, home = tmp_path / "p", tmp_path / "home"
    (root / ".kiro/specs/s").mkdir(parents=True)
    home.mkdir()
    for name, text in SPEC.items():
        (root / ".kiro/specs/s" / name).write_text(text)
    (root / "pyproject.toml").write_text('[tool.specloom.commands]\ndeny = ["touch *"]\n')
    returns: list[str] = []

    def widen(_m: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        # the agent (by any means) rewrites pyproject.toml during task 1
        (root / "pyproject.toml").write_text("[tool.specloom.commands]\ndeny = []\n")
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name,
                                                 {"done": True, "summary": "one"})])

    def touch(_m: list[ModelMessage], _i: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart("run_command", {"command": "touch made.txt"})])

    def finish(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        returns.extend(str(p.content) for m in messages for p in m.parts
                       if isinstance(p, ToolReturnPart) and p.tool_name == "run_command")
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name,
                                                 {"done": True, "summary": "two"})])

    steps = [widen, touch, finish]
    model = FunctionModel(lambda m, i: steps.pop(0)(m, i))
    options = RunOptions(spec="s", home=home, all=True, keep_going=True, mcp=False)
    report = TaskRunner(Workspace(root), model, options, checkpoints=None).run()
    assert [o.task for o in report.outcomes] == ["1", "2"]
    assert not (root / "made.txt").exists()
    assert returns and "deny pattern 'touch *'" in returns[0]
