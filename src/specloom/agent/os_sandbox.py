"""Run the agent's shell commands and hook commands inside a bubblewrap (bwrap) sandbox.

Inside: the workspace is writable except its `.git/`, `pyproject.toml`, `AGENTS.md` and `.kiro/`
(read-only: git hooks and git config run outside the sandbox later, and settings, hooks,
steering and specloom's state govern the agent), where only `.kiro/specs/` is writable again;
each of these is a mount point, so it cannot be renamed or replaced either (see PROTECTED); the
rest of the file system is read-only; `/tmp`, `/var/tmp` and `/run` are private
and empty (no sockets of the host's services); well-known credential files in the home folder
are hidden; the network is off (a private loopback only) unless `[tool.specloom]
sandbox-network = true`; processes live in their own PID, IPC and UTS namespaces and die with
specloom. When bwrap is missing or cannot create namespaces the command is not run (fail
closed). Loosening is the user's decision, not the repository's: `SPECLOOM_SANDBOX=off` (or
`=network`) in the environment opts out; the same request in a repository's configuration
files (pyproject.toml or .kiro/settings/specloom.toml) is refused unless the environment
confirms it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from specloom.core import process
from specloom.core.errors import SpecloomError

SANDBOX_KEY = "sandbox"
NETWORK_KEY = "sandbox-network"
ENV_KEY = "SPECLOOM_SANDBOX"  # the user's own switch; a repository cannot set it
SHELL = "/bin/bash" if os.path.exists("/bin/bash") else "/bin/sh"
_PROBE_TIMEOUT = 30.0  # seconds for bwrap to show it can create the namespaces
# Read-only inside the sandbox when they exist: what runs or decides outside it later. Each is
# bound onto itself, which makes it a mount point: the command can neither write it nor rename,
# delete or replace it (EBUSY). `.kiro` is protected as a whole rather than its governing
# folders one by one (settings, hooks, steering, specloom's state), because a protected folder
# inside a writable `.kiro` could be escaped by moving `.kiro` away and creating a new one, and a
# missing governing folder could be created; in a read-only `.kiro` neither is possible. A missing
# `.kiro` is created (empty) before the sandbox starts, for the same reason. The root files
# (`pyproject.toml`, `AGENTS.md`, `.git`) are not created when missing: an empty one would change
# what tools and git see, so a command can still create them (a documented limit).
PROTECTED = (".git", "pyproject.toml", "AGENTS.md", ".kiro")
KIRO = ".kiro"
# Writable again inside the read-only `.kiro`: the specs the agent works on (its file tools may
# write them too). Only when a real folder: a symbolic link there is never re-bound writable.
WRITABLE_IN_PROTECTED = (".kiro/specs",)
HIDDEN_HOME = (".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker", ".config/gcloud",
               ".config/gh", ".netrc", ".git-credentials", ".pypirc", ".npmrc")
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`), or opt "
                "out explicitly with SPECLOOM_SANDBOX=off in your environment (commands then run "
                "unconfined)")


class SandboxSettingsError(SpecloomError):
    """Invalid sandbox settings; the message names the file and the fix."""


class SandboxUnavailable(SpecloomError):
    """bwrap is missing or cannot run here; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    enabled: bool = True
    network: bool = False

    @classmethod
    def from_workspace(cls, root: Path) -> SandboxConfig:
        """Read once, at the start of a run: `sandbox` and `sandbox-network` (core.config
        validates them and names the file and the key when they are bad)."""
        from specloom.core.config import load_config
        from specloom.core.config_files import SettingsError

        try:
            config = load_config(root)
        except SettingsError as exc:
            raise SandboxSettingsError(str(exc)) from None
        asked = cls(config.sandbox == "on", config.sandbox_network)
        origin = config.origin(NETWORK_KEY if asked.enabled else SANDBOX_KEY)
        return asked.confirmed_by(os.environ.get(ENV_KEY, ""), str(origin or root))

    def confirmed_by(self, env_value: str, where: str) -> SandboxConfig:
        """The repository is untrusted, so it may tighten the sandbox but never loosen it on
        its own: `sandbox = "off"` or `sandbox-network = true` in its configuration take
        effect only when the user says the same in the environment (`SPECLOOM_SANDBOX=off`
        or `SPECLOOM_SANDBOX=network`), which a cloned repository cannot set."""
        value = env_value.strip().lower()
        if value not in ("", "on", "off", "network"):
            raise SandboxSettingsError(f'{ENV_KEY}={env_value!r}: use "on", "off" or "network"')
        if value == "off":
            return SandboxConfig(enabled=False, network=True)
        if value == "network":
            return SandboxConfig(enabled=self.enabled, network=True)
        if not self.enabled or self.network:
            wanted = "off" if not self.enabled else "network"
            raise SandboxSettingsError(
                f"{where} asks to loosen the sandbox ({SANDBOX_KEY} = \"off\" or "
                f"{NETWORK_KEY} = true), and a repository cannot do that by itself: if you "
                f"trust this repository, run with {ENV_KEY}={wanted} in your environment")
        return self


def bwrap_arguments(root: Path, config: SandboxConfig, *,
                    home: Path | None = None) -> list[str]:
    """The bwrap options (without the command) for a sandbox around the workspace `root`.

    Creates an empty `.kiro` folder in `root` when there is none (see PROTECTED)."""
    root = Path(os.path.realpath(root))
    args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", "/tmp", "--tmpfs", "/var/tmp", "--tmpfs", "/run"]
    if config.network:
        resolv = os.path.realpath("/etc/resolv.conf")
        if resolv.startswith("/run/") and os.path.exists(resolv):
            args += ["--ro-bind", resolv, resolv]
    home = home if home is not None else Path(os.path.expanduser("~"))
    for name in HIDDEN_HOME:
        path = home / name
        if path.is_symlink() or not path.exists():
            continue
        args += ["--tmpfs", str(path)] if path.is_dir() else ["--ro-bind", "/dev/null", str(path)]
    args += ["--bind", str(root), str(root), *_protect_workspace(root)]
    args += ["--unshare-all", *(["--share-net"] if config.network else []),
             "--die-with-parent", "--new-session", "--chdir", str(root)]
    return args


def _protect_workspace(root: Path) -> list[str]:
    """The binds that make PROTECTED read-only inside the writable workspace `root` (real).

    Raises SandboxUnavailable when `.kiro` is a symbolic link: the command could replace the
    link itself, so its target cannot be kept read-only."""
    kiro = root / KIRO
    if not os.path.lexists(kiro):
        with contextlib.suppress(OSError):  # then the command (same user) cannot create it either
            kiro.mkdir()
    if kiro.is_symlink():
        raise SandboxUnavailable(
            f"sandbox unavailable: {kiro} is a symbolic link, which the sandbox cannot keep "
            "read-only (a command could replace the link and with it the agent's settings, "
            f"hooks and steering), so the command was not run; make {KIRO} a real folder, or "
            f"{INSTALL_HINT.split(', or ', 1)[1]}")
    args: list[str] = []
    linked: list[str] = []
    for name in PROTECTED:
        path = root / name
        if path.is_symlink():
            # the link itself stays replaceable; its target is protected below when it is in
            # the workspace (the rest of the file system is read-only anyway)
            target = os.path.realpath(path)
            inside = Path(target).is_relative_to(root) and target != str(root)
            if inside and os.path.exists(target):
                linked.append(target)
        elif path.exists():
            args += ["--ro-bind", str(path), str(path)]
    for name in WRITABLE_IN_PROTECTED:
        path = root / name
        if path.is_dir() and not path.is_symlink():
            args += ["--bind", str(path), str(path)]
    for target in linked:  # last, so that no writable bind covers them
        args += ["--ro-bind", target, target]
    return args


def command_argv(command: str, root: Path, config: SandboxConfig) -> list[str]:
    """argv that runs `command` through bash at `root`, inside the sandbox when it is on.

    Raises SandboxUnavailable when the sandbox is on and bwrap cannot run here."""
    if not config.enabled:
        return [SHELL, "-c", command]
    bwrap = require_bwrap(config, root)
    return [bwrap, *bwrap_arguments(root, config), "--", SHELL, "-c", command]


_WORKING: dict[bool, str] = {}


def require_bwrap(config: SandboxConfig, root: Path) -> str:
    """The path of a bwrap that can create this sandbox here (probed once per process)."""
    found = _WORKING.get(config.network)
    if found is not None:
        return found
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("sandbox unavailable: bwrap (bubblewrap) is not installed, so "
                                 f"the command was not run; {INSTALL_HINT}")
    command = [bwrap, *bwrap_arguments(root, config), "--", "/bin/true"]
    try:
        probe = process.run(command, timeout=_PROBE_TIMEOUT, merge_stderr=False)
        if probe.timed_out:
            raise subprocess.TimeoutExpired(command, _PROBE_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"sandbox unavailable: bwrap cannot start ({exc}); "
                                 f"the command was not run; {INSTALL_HINT}") from None
    if probe.returncode != 0:
        why = probe.stderr.decode("utf-8", "replace").strip() or f"exit {probe.returncode}"
        raise SandboxUnavailable(
            f"sandbox unavailable: bwrap cannot create namespaces here ({why}), so the command "
            "was not run; allow unprivileged user namespaces (for example `sysctl "
            "kernel.unprivileged_userns_clone=1`, or on Ubuntu 24.04+ `sysctl "
            "kernel.apparmor_restrict_unprivileged_userns=0`), run outside a container that "
            f"forbids them, or {INSTALL_HINT.split(', or ', 1)[1]}")
    _WORKING[config.network] = bwrap
    return bwrap
