"""The agent's shell and hook commands run under bubblewrap: real bwrap, real effects."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from specloom.agent.hooks import HookDispatcher, HookEvent, load_hooks
from specloom.agent.os_sandbox import (
    NETWORK_KEY,
    SandboxConfig,
    SandboxSettingsError,
    SandboxUnavailable,
    bwrap_arguments,
)
from specloom.agent.permissions import Permissions, PermissionsError
from specloom.agent.process import NOT_RUN, run_shell
from specloom.spec.workspace import Workspace


def _bwrap_problem() -> str | None:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bwrap (bubblewrap) is not installed; scripts/setup.sh installs it"
    probe = subprocess.run([bwrap, "--ro-bind", "/", "/", "--unshare-all", "--", "/bin/true"],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        return f"bwrap cannot create namespaces on this machine: {probe.stderr.decode().strip()}"
    return None


PROBLEM = _bwrap_problem()
needs_bwrap = pytest.mark.skipif(PROBLEM is not None, reason=PROBLEM or "")


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return root


@pytest.fixture()
def host_dir() -> Iterator[Path]:
    """A writable folder of the host outside the workspace and outside /tmp (private inside)."""
    folder = Path(tempfile.mkdtemp(prefix="specloom-sandbox-test-", dir=Path.home()))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def listener() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                conn.close()
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def sh(command: str, root: Path, config: SandboxConfig | None = None) -> tuple[int | None, str]:
    result = run_shell(command, root, 20, config)
    return result.code, result.output.decode()


@pytest.mark.req("task-runner", "6.12")
@needs_bwrap
def test_writes_inside_the_workspace_work_and_outside_fail(workspace: Path, tmp_path: Path,
                                                           host_dir: Path) -> None:
    outside = host_dir / "outside.txt"
    code, _ = sh("echo in > made.txt && mkdir -p sub && echo deep > sub/x", workspace)
    assert code == 0 and (workspace / "made.txt").read_text() == "in\n"
    assert (workspace / "sub" / "x").read_text() == "deep\n"
    code, out = sh(f"echo out > {outside}", workspace)
    assert code != 0 and "Read-only file system" in out and not outside.exists()
    code, _ = sh(f"echo private > {tmp_path}/in-tmp.txt", workspace)  # /tmp is private
    assert code == 0 and not (tmp_path / "in-tmp.txt").exists()


@needs_bwrap
def test_reading_etc_works_and_tmp_is_private(workspace: Path) -> None:
    code, out = sh("head -c 200 /etc/passwd && echo private > /tmp/seen && cat /tmp/seen",
                   workspace)
    assert code == 0 and "root:" in out and "private" in out
    assert not Path("/tmp/seen").exists()


@pytest.mark.req("task-runner", "6.12")
@needs_bwrap
def test_the_network_is_off_unless_configured(workspace: Path, listener: int) -> None:
    connect = ("exec 3<>/dev/tcp/127.0.0.1/" + str(listener) + " && echo connected")
    code, out = sh(connect, workspace)
    assert code != 0 and "connected" not in out
    code, out = sh(connect, workspace, SandboxConfig(network=True))
    assert code == 0 and "connected" in out


@needs_bwrap
def test_git_and_pyproject_are_read_only_inside(workspace: Path) -> None:
    (workspace / ".git" / "hooks").mkdir(parents=True)
    (workspace / "pyproject.toml").write_text("[tool.specloom]\n")
    code, _ = sh("echo evil > .git/hooks/pre-commit", workspace)
    assert code != 0 and not (workspace / ".git/hooks/pre-commit").exists()
    code, _ = sh("echo 'sandbox = \"off\"' >> pyproject.toml", workspace)
    assert code != 0 and (workspace / "pyproject.toml").read_text() == "[tool.specloom]\n"
    code, _ = sh("rm -f pyproject.toml; mv pyproject.toml x", workspace)
    assert (workspace / "pyproject.toml").exists()


@pytest.mark.req("task-runner", "6.12")
@needs_bwrap
def test_hook_commands_run_in_the_sandbox(workspace: Path, host_dir: Path) -> None:
    outside = host_dir / "hook-outside.txt"
    folder = workspace / ".kiro" / "hooks"
    folder.mkdir(parents=True)
    hooks = [{"name": "in", "trigger": "agentStop",
              "action": {"type": "command", "command": "echo ok > inside.txt"}},
             {"name": "out", "trigger": "agentStop",
              "action": {"type": "command", "command": f"echo no > {outside}"}}]
    (folder / "h.json").write_text(json.dumps({"version": "v1", "hooks": hooks}))
    loaded, problems = load_hooks(Workspace(workspace))
    assert problems == []
    outcome = HookDispatcher(Workspace(workspace), loaded).dispatch(HookEvent("agentStop"))
    assert (workspace / "inside.txt").read_text() == "ok\n"
    assert not outside.exists()
    assert len(outcome.errors) == 1 and "Read-only file system" in outcome.errors[0]


@pytest.mark.req("task-runner", "6.13")
def test_missing_bwrap_fails_closed_with_the_fix(workspace: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(workspace))  # no bwrap on this PATH
    monkeypatch.setattr("specloom.agent.os_sandbox._WORKING", {})
    code, out = sh("echo ran > ran.txt", workspace)
    assert code == NOT_RUN and not (workspace / "ran.txt").exists()
    assert "apt-get install bubblewrap" in out and "SPECLOOM_SANDBOX=off" in out
    code, _ = sh("echo ran > ran.txt", workspace, SandboxConfig(enabled=False))
    assert code == 0 and (workspace / "ran.txt").exists()


def test_settings_are_read_from_the_pyproject_table(workspace: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPECLOOM_SANDBOX", raising=False)
    (workspace / "pyproject.toml").write_text(
        f'[tool.specloom]\nsandbox = "off"\n{NETWORK_KEY} = true\n')
    # a cloned repository cannot loosen the sandbox by itself ...
    with pytest.raises(SandboxSettingsError, match="SPECLOOM_SANDBOX=off"):
        SandboxConfig.from_workspace(workspace)
    # ... only the user's environment can
    monkeypatch.setenv("SPECLOOM_SANDBOX", "off")
    assert SandboxConfig.from_workspace(workspace) == SandboxConfig(False, True)
    (workspace / "pyproject.toml").write_text(f"[tool.specloom]\n{NETWORK_KEY} = true\n")
    monkeypatch.setenv("SPECLOOM_SANDBOX", "network")
    assert SandboxConfig.from_workspace(workspace) == SandboxConfig(True, True)
    monkeypatch.delenv("SPECLOOM_SANDBOX")
    (workspace / "pyproject.toml").write_text("[tool.specloom]\n")
    assert SandboxConfig.from_workspace(workspace) == SandboxConfig(True, False)
    (workspace / "pyproject.toml").write_text('[tool.specloom]\nsandbox = "maybe"\n')
    with pytest.raises(SandboxSettingsError, match='"on" or "off"'):
        SandboxConfig.from_workspace(workspace)
    with pytest.raises(PermissionsError, match="sandbox"):
        Permissions.from_config(Workspace(workspace), interactive=False)


def test_arguments_protect_the_workspace_governing_files(workspace: Path,
                                                         tmp_path: Path) -> None:
    (workspace / ".git").mkdir()
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    args = bwrap_arguments(workspace, SandboxConfig(), home=home)
    text = " ".join(args)
    assert f"--bind {workspace} {workspace}" in text
    assert f"--ro-bind {workspace}/.git {workspace}/.git" in text
    assert f"--ro-bind {workspace}/.kiro {workspace}/.kiro" in text  # created when missing
    assert f"--tmpfs {home}/.ssh" in text
    assert "--unshare-all" in args and "--share-net" not in args
    assert "--share-net" in bwrap_arguments(workspace, SandboxConfig(network=True), home=home)


def _governed_workspace(root: Path) -> None:
    for folder in ("settings", "hooks", "steering", "specloom", "specs/cart"):
        (root / ".kiro" / folder).mkdir(parents=True)
    (root / ".kiro/settings/mcp.json").write_text("{}\n")
    (root / ".kiro/specs/cart/tasks.md").write_text("- [ ] 1. Add\n")
    (root / "AGENTS.md").write_text("# Agents\n")


@needs_bwrap
def test_kiro_cannot_be_moved_away_to_escape_the_protection(workspace: Path) -> None:
    """A read-only `.kiro/settings` inside a writable `.kiro` was escaped by renaming `.kiro`."""
    _governed_workspace(workspace)
    code, out = sh("mv .kiro .kiro_old && mkdir -p .kiro/settings && echo '{}' > "
                   ".kiro/settings/evil.json", workspace)
    assert code != 0, out
    assert not (workspace / ".kiro_old").exists()
    assert sorted(p.name for p in (workspace / ".kiro/settings").iterdir()) == ["mcp.json"]
    code, out = sh("rm -rf .kiro/settings .kiro/hooks; mv .kiro/steering .kiro/s2", workspace)
    assert code != 0
    for folder in ("settings", "hooks", "steering", "specloom"):
        assert (workspace / ".kiro" / folder).is_dir(), out


@pytest.mark.parametrize("command", [
    "echo evil > .kiro/steering/x.md",
    "mkdir -p .kiro/hooks && echo '{}' > .kiro/hooks/x.kiro.hook",
    "echo evil > .kiro/settings/mcp.json",
    "echo evil > .kiro/specloom/state.json",
    "mkdir .kiro/new",
    "echo evil >> AGENTS.md",
    "mv AGENTS.md AGENTS.old",
    "rm -f AGENTS.md",
])
@needs_bwrap
def test_files_that_govern_the_agent_are_read_only(workspace: Path, command: str) -> None:
    _governed_workspace(workspace)
    before = {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file()}
    code, out = sh(command, workspace)
    assert code != 0, out
    assert {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in (workspace / ".kiro").iterdir()) == [
        "hooks", "settings", "specloom", "specs", "steering"]


@needs_bwrap
def test_code_and_spec_files_stay_writable(workspace: Path) -> None:
    _governed_workspace(workspace)
    code, out = sh("mkdir -p src && echo 'x = 1' > src/app.py && echo '- [x] 1. Add' > "
                   ".kiro/specs/cart/tasks.md && mkdir -p .kiro/specs/new && echo r > "
                   ".kiro/specs/new/requirements.md && rm -rf .kiro/specs/cart", workspace)
    assert code == 0, out
    assert (workspace / "src/app.py").read_text() == "x = 1\n"
    assert (workspace / ".kiro/specs/new/requirements.md").read_text() == "r\n"
    assert not (workspace / ".kiro/specs/cart").exists()


@needs_bwrap
def test_a_missing_kiro_folder_cannot_be_created_with_settings(workspace: Path) -> None:
    """Without `.kiro` the command could create `.kiro/settings/` or `.kiro/hooks/`: it is
    created (empty) first and then bound read-only like an existing one."""
    code, out = sh("mkdir -p .kiro/settings && echo '{}' > .kiro/settings/mcp.json", workspace)
    assert code != 0, out
    assert (workspace / ".kiro").is_dir() and list((workspace / ".kiro").iterdir()) == []


@needs_bwrap
def test_a_symlink_never_makes_a_governing_folder_writable(workspace: Path) -> None:
    _governed_workspace(workspace)
    shutil.rmtree(workspace / ".kiro/specs")
    (workspace / ".kiro/specs").symlink_to("settings")  # only a real specs folder is re-bound
    code, _ = sh("echo evil > .kiro/specs/mcp.json", workspace)
    assert code != 0 and (workspace / ".kiro/settings/mcp.json").read_text() == "{}\n"
    (workspace / "AGENTS.md").unlink()
    (workspace / "CLAUDE.md").write_text("# Claude\n")
    (workspace / "AGENTS.md").symlink_to("CLAUDE.md")  # a common layout: its target is protected
    code, _ = sh("echo evil >> AGENTS.md", workspace)
    assert code != 0 and (workspace / "CLAUDE.md").read_text() == "# Claude\n"


def test_a_symlinked_kiro_folder_fails_closed(workspace: Path, tmp_path: Path) -> None:
    """A link could be replaced by a new folder from inside, so the command is not run."""
    (tmp_path / "elsewhere/settings").mkdir(parents=True)
    (workspace / ".kiro").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SandboxUnavailable, match="symbolic link"):
        bwrap_arguments(workspace, SandboxConfig())
    if PROBLEM is None:  # without bwrap the command is not run either, for that reason
        code, out = sh("mv .kiro k && mkdir -p .kiro/settings", workspace)
        assert code == NOT_RUN and "symbolic link" in out
    assert (workspace / ".kiro").is_symlink() and not (workspace / "k").exists()
