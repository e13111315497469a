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


# -- code read from stdin through a descriptor path, builtins that run strings -------------------

# each of these ran code the policy never saw (most of them ran a denied `rm` past DENY_RM)
STDIN_AND_OPAQUE_BYPASSES = [
    # a descriptor path reads the script from stdin (or another open descriptor) like `-`
    "bash /dev/stdin", "sh /dev/fd/0", "python3 /dev/stdin", "cat x | bash /dev/stdin",
    "bash /proc/self/fd/0", "bash /proc/123/fd/3", "bash /dev/fd/3", "dash /dev/fd/5",
    "bash /proc/thread-self/fd/0", "bash /proc/self/task/1/fd/0", "bash /dev/stdout",
    "perl /dev/stdin", "node /dev/stdin", "ruby /dev/fd/0", "php /dev/stdin", "lua /dev/stdin",
    "Rscript /dev/stdin", "tclsh /dev/stdin", "deno run /dev/stdin", "deno run -", "bun run -",
    "bash -x /dev/stdin", "bash -- /dev/stdin", "bash -o posix /dev/stdin", "bash /dev/stdin x",
    "python3 -u /dev/stdin", "python3 -W ignore /dev/stdin", "python3.12 /dev/fd/0",
    "busybox sh /dev/stdin", "env bash /dev/stdin", "exec bash /dev/stdin",
    "timeout 5 python3 /dev/stdin", "bash -c 'bash /dev/stdin'", "sudo bash /dev/stdin",
    # the same path written another way
    "python3 //dev/stdin", "python3 /dev/./stdin", "bash /dev/fd/../stdin", "bash //dev//fd//0",
    "bash " + "../" * 40 + "dev/stdin", "bash ~/" + "../" * 40 + "dev/stdin",
    "bash /proc/self/root/dev/stdin", "bash /proc/1/root/proc/self/fd/0",
    "bash /dev/std*", "bash /dev/fd/[0]", "bash /dev/{stdin,x}",
    # a script path that may be one: from a variable, from xargs' input, from find under /dev
    'bash "$f"', "X=/dev/stdin; bash $X", "for f in /dev/stdin; do python3 $f; done",
    "xargs -I{} bash {}", "xargs -i bash {}", "xargs -a list -I F python3 F",
    "find /dev -name stdin -exec bash {} \\;", "find -L / -name stdin -exec bash {} +",
    "cd /dev && bash stdin", "cd /dev/fd; bash 0", "bash stdin; cd /dev",
    "env -C /dev bash stdin", "sudo -D /dev bash stdin", "cd sub && find . -exec bash {} \\;",
    # process substitution (already refused; kept here as the review's case)
    "bash <(echo 'rm x')", "bash < <(echo 'rm x')",
    # code from stdin through an option
    "awk -f -", "awk -f /dev/stdin", "awk -f/dev/stdin", "gawk --file=/dev/stdin",
    "node -r /dev/stdin x.js", "node --require=/dev/stdin x.js",
    "node --import 'data:text/javascript,x' x.js", "php -d auto_prepend_file=/dev/stdin x.php",
    "bash --rcfile /dev/stdin -i x.sh", "python3 -i x.py", "python3 -ic 'pass'",
    "PYTHONINSPECT=1 python3 x.py", "lua -i x.lua", "php -a",
    # builtins that run a string as code or re-point a command name
    "hash -p /bin/rm ls", "mapfile -C 'rm x' -c 1 lines", "mapfile -u 3 -C cb lines",
    "readarray -C 'rm x' lines", "builtin hash -p /bin/rm ls", "command mapfile -C cb lines",
    "fc -s", "fc", "enable -f ./x.so x", "trap 'rm x' EXIT", "complete -C 'rm x' foo",
    "compgen -C 'rm x' foo", "bind -x '\"\\C-x\": rm x'",
    # array subscripts and ${...} that run a command substitution
    "test -v 'a[$(rm x)]'", "declare 'a[$(rm x)]=1'", "local 'a[$(rm x)]=1'",
    "read 'a[$(rm x)]' <<< x", "echo ${a['$(rm x)']}", "echo ${x:-$(rm x)}",
    "echo \"${x:-`rm x`}\"", "echo ${!y}", "cat < $(rm x)", "cat <<< \"$(rm x)\"",
    "cat <<EOF\n$(rm x)\nEOF\n",
]


@pytest.mark.req("task-runner", "6.4", "6.11")
@pytest.mark.parametrize("command", STDIN_AND_OPAQUE_BYPASSES)
def test_code_from_a_descriptor_or_an_opaque_builtin_is_refused(tmp_path: Path,
                                                                 command: str) -> None:
    (tmp_path / "sub").mkdir()
    decision = permissions(tmp_path, DENY_RM).check_command(command)
    assert not decision.allowed, command
    assert "cannot judge it:" in decision.reason and "supervised mode" in decision.reason


STILL_ALLOWED = [
    "bash script.sh", "sh ./scripts/build.sh", "python3 -m pytest", "python3 -m pytest -q",
    "cat /dev/null", "cat /dev/stdin", "python3 script.py /dev/stdin", "bash run.sh /dev/fd/0",
    "python3 -W ignore x.py", "python3 -Wignore x.py", "python3 -X dev x.py", "node x.js",
    "node -r ./setup.js x.js", "perl -Ilib x.pl", "bash -o posix x.sh", "bash stdin",
    "bash sub/../x.sh", "cd sub && bash run.sh", "echo hi > /dev/null",
    "mapfile -t lines < f", "readarray -t lines < f", "hash -r", "hash", "test -f x",
    "declare -a arr", "read -r line < f", "sleep 1 & wait $!",
    "echo ${x:-y} ${#a[@]} ${!a[@]} ${!p*} ${a[$i]} $# $@ $?",
    "find . -name '*.sh' -exec bash {} \\;", "find . -name '*.sh' -execdir bash {} \\;",
    "find sub -execdir sh -c 'echo x > f' \\;", "echo x | xargs -I{} echo {}",
    "cat <<EOF > out.txt\nhi $HOME\nEOF\n", "cat < in.txt", "grep x <<< \"$y\"",
    "awk -f prog.awk data.txt", "awk '{print $1}' data.txt",
]


@pytest.mark.req("task-runner", "6.4")
@pytest.mark.parametrize("command", STILL_ALLOWED)
def test_ordinary_scripts_files_and_builtins_stay_allowed(tmp_path: Path, command: str) -> None:
    (tmp_path / "sub").mkdir()
    verdict = ShellPolicy((), (), tmp_path).judge(command)
    assert verdict.allowed, verdict.reason


@pytest.mark.req("task-runner", "6.4", "6.11")
def test_a_workspace_link_to_a_descriptor_is_refused_like_the_descriptor(tmp_path: Path) -> None:
    (tmp_path / "in.sh").symlink_to("/dev/stdin")
    (tmp_path / "again.sh").symlink_to("in.sh")
    (tmp_path / "dev").symlink_to("/dev")
    (tmp_path / "ok.sh").write_text("echo hi\n")
    policy = ShellPolicy((), (), tmp_path)
    for command in ("bash in.sh", "python3 ./again.sh", "bash dev/stdin", "sh dev/fd/0"):
        assert policy.judge(command).kind == "cannot-judge", command
    assert policy.judge("bash ok.sh").allowed


@pytest.mark.req("task-runner", "6.4", "6.10")
@pytest.mark.parametrize("command", [
    "echo x | xargs -i rm {}", "echo x | xargs --replace rm {}", "echo x | xargs -e rm x",
    "echo x | xargs -l rm",
])
def test_xargs_options_with_an_attached_value_do_not_hide_the_program(tmp_path: Path,
                                                                      command: str) -> None:
    decision = permissions(tmp_path, DENY_RM).check_command(command)
    assert not decision.allowed and "deny pattern" in decision.reason, command


@pytest.mark.req("task-runner", "6.4", "6.10")
def test_find_global_options_do_not_hide_the_start_points(tmp_path: Path) -> None:
    verdict = ShellPolicy((), ("rm -rf /",), tmp_path).judge("find -L / -delete")
    assert verdict.kind == "denied" and "'rm -rf /'" in verdict.reason


@pytest.mark.req("task-runner", "6.4")
def test_php_line_options_are_inline_code(tmp_path: Path) -> None:
    policy = ShellPolicy((), (), tmp_path)
    for command in ("php -R 'system(\"rm x\");'", "php -B 'x();'", "php -E 'x();'"):
        assert policy.judge(command).kind == "not-allowed", command


@pytest.mark.req("task-runner", "6.4")
def test_find_execdir_outside_the_workspace_makes_relative_writes_unknowable(
        tmp_path: Path) -> None:
    policy = ShellPolicy((), (), tmp_path)
    assert policy.judge("find /etc -execdir sh -c 'echo x > f' \\;").kind == "cannot-judge"
    assert policy.judge("find -L . -execdir sh -c 'echo x > f' \\;").kind == "cannot-judge"
    assert policy.judge("find . -execdir sh -c 'echo x > f' \\;").allowed
