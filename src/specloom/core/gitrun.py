"""The one place specloom runs git: with everything a repository can make git execute disabled.

specloom reads repositories it did not write. A repository's `.git/config` (and files it
includes, and the `.gitattributes` that select drivers) can name programs git runs on ordinary
read-only commands: `core.fsmonitor` on `ls-files`/`diff`/`status`, a `filter.<driver>.clean`
when a work-tree file is hashed, `diff.external` or a textconv driver on `diff`/`log`, a gpg
program for `log.showSignature`, hooks when an index is written, a pager, ssh or a remote helper.
Every git call goes through `run_git`, which:

- removes the caller's `GIT_*` variables (`GIT_DIR`, `GIT_CONFIG_PARAMETERS`, `GIT_EXTERNAL_DIFF`,
  ...) except a few harmless ones, and sets `GIT_CONFIG_NOSYSTEM=1`, `GIT_TERMINAL_PROMPT=0`,
  `GIT_OPTIONAL_LOCKS=0`, `GIT_NO_LAZY_FETCH=1`, an empty `GIT_ALLOW_PROTOCOL` (no transport at
  all) and `cat` as pager;
- passes `--no-pager` and `-c` settings that turn off fsmonitor, hooks, pager, ssh, proxies,
  askpass, the editor, `diff.external`, alternate-refs and pack-objects hooks, signature display,
  gpg, credential helpers, auto gc and every protocol;
- reads the configuration in effect (`git config --list`, which runs nothing) and blanks every
  driver command it names: `filter.<d>.clean/smudge/process` (with `required=false`),
  `diff.<d>.textconv/command`, `merge.<d>.driver`, `hook.<h>.command`, `gpg.<f>.program`, and
  sets `protocol.<name>.allow=never`. A driver name git cannot take on its command line (one
  holding `=`), or a configuration git cannot list, is refused: the call fails rather than run
  unguarded. Remotes, credential helpers and proxies are only used by a transport, and the
  empty `GIT_ALLOW_PROTOCOL` forbids every transport (including lazy fetches of partial clones);
- adds `--no-ext-diff --no-textconv` to `diff`, `log` and `show`;
- never looks inside submodules: a submodule has its own config (`.git/modules/<name>/config`),
  which the listing above does not see, and git applies it when it runs `git status` inside
  the submodule to ask whether it is dirty (a clean filter or fsmonitor of the submodule would
  run). `--ignore-submodules=all` goes to `diff`, `log`, `show`, `status` and the `diff-*`
  plumbing (which ignore the config settings), and `-c` settings turn off the recursion git
  may do on its own (`submodule.recurse`, `diff.ignoreSubmodules`, `diff.submodule`,
  `status.submoduleSummary`). Changes inside a submodule, and changes of the commit it is
  pinned to, are therefore not reported. `git add` cannot be told this; the only caller that
  runs it (the checkpoint repository) keeps submodules out of the index it adds to.

The user's global config (`~/.gitconfig`) is still read, so `user.name`, excludes and aliases keep
working, but the drivers it defines are blanked too: specloom never runs a filter, including
git-lfs. Only the git program is executed.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from specloom.core import process
from specloom.core.errors import SpecloomError

# Settings that need no knowledge of the repository; command-line config wins over all files.
HARDENING: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.pager", "cat"),
    ("core.editor", "false"),
    ("core.sshCommand", "false"),
    ("core.gitProxy", ""),
    ("core.askPass", ""),
    ("core.alternateRefsCommand", ""),
    ("diff.external", ""),
    ("uploadpack.packObjectsHook", ""),
    ("log.showSignature", "false"),
    ("gpg.program", "false"),
    ("credential.helper", ""),
    ("protocol.allow", "never"),
    ("safe.bareRepository", "explicit"),
    ("gc.auto", "0"),
    ("maintenance.auto", "false"),
    # never run git inside a submodule, where the submodule's own config applies
    ("submodule.recurse", "false"),
    ("diff.ignoreSubmodules", "all"),
    ("diff.submodule", "short"),
    ("status.submoduleSummary", "false"),
)
# (section, variable) -> the value that disables it, for settings with a driver subsection.
_DRIVER_KEYS: dict[tuple[str, str], str] = {
    ("filter", "clean"): "", ("filter", "smudge"): "", ("filter", "process"): "",
    ("filter", "required"): "false",
    ("diff", "textconv"): "", ("diff", "command"): "",
    ("merge", "driver"): "",
    ("hook", "command"): "",
    ("gpg", "program"): "false", ("gpg", "defaultkeycommand"): "",
    ("protocol", "allow"): "never",
}
_KEPT_GIT_VARIABLES = frozenset({"GIT_CEILING_DIRECTORIES", "GIT_CONFIG_GLOBAL", "GIT_EXEC_PATH"})
_NO_DRIVERS = ("--no-ext-diff", "--no-textconv")
_NO_SUBMODULES = ("--ignore-submodules=all",)
# options inserted after the subcommand (the -c settings alone do not reach the plumbing)
_SUBCOMMAND_OPTIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("diff", "log", "show", "diff-files", "diff-index", "diff-tree"),
                    _NO_DRIVERS + _NO_SUBMODULES),
    "status": _NO_SUBMODULES,
}


class GitRunError(RuntimeError, SpecloomError):
    """git could not be started, timed out, or the repository's config cannot be neutralised."""


def git_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every git call gets: `base` without the caller's GIT_* settings."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if not k.startswith("GIT_") or k in _KEPT_GIT_VARIABLES}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0",
               GIT_NO_LAZY_FETCH="1", GIT_ALLOW_PROTOCOL="", GIT_PAGER="cat", PAGER="cat",
               GIT_PROTOCOL_FROM_USER="0")
    return env


def _flags(pairs: Sequence[tuple[str, str]]) -> list[str]:
    flags: list[str] = []
    for key, value in pairs:
        flags += ["-c", f"{key}={value}"]
    return flags


def driver_overrides(listing: bytes) -> list[tuple[str, str]]:
    """The settings that blank each driver command named in `git config -z --list --show-scope`.

    Raises GitRunError for a key that `-c` cannot express (a subsection holding `=`).
    """
    fields = listing.split(b"\0")
    overrides: dict[str, str] = {}
    for scope, entry in zip(fields[::2], fields[1::2], strict=False):
        if scope == b"command":
            continue  # our own -c settings
        key = entry.partition(b"\n")[0].decode("utf-8", "surrogateescape")
        section, _, rest = key.partition(".")
        subsection, _, variable = rest.rpartition(".")
        value = _DRIVER_KEYS.get((section.lower(), variable.lower()))
        if value is None or not subsection:
            continue
        if "=" in key or "\n" in key:
            raise GitRunError(f"the repository's git config defines {key!r}, a driver name git "
                              "cannot be told to ignore; specloom does not run git there")
        overrides[key] = value
        if section.lower() == "filter":
            overrides[f"{section}.{subsection}.required"] = "false"
    return sorted(overrides.items())


def _with_safe_options(args: Sequence[str]) -> list[str]:
    """`args` with the options `_SUBCOMMAND_OPTIONS` names for its subcommand inserted after
    it (`--no-ext-diff --no-textconv --ignore-submodules=all` for diff, log and show)."""
    result = list(args)
    for position, arg in enumerate(result):
        if not arg.startswith("-"):
            result[position + 1:position + 1] = _SUBCOMMAND_OPTIONS.get(arg, ())
            break
    return result


def run_git(cwd: Path, *args: str, location: Sequence[str] = (),
            config: Sequence[tuple[str, str]] = (), env: Mapping[str, str] | None = None,
            input_bytes: bytes | None = None,
            timeout: float | None = 60) -> subprocess.CompletedProcess[bytes]:
    """Run `git <location> <args>` in `cwd` with repository-controlled execution turned off.

    `location` holds options such as `--git-dir=...`/`--work-tree=...`; `config` adds the
    caller's own `-c` settings (applied before the hardening, which wins); `env` adds
    variables (such as GIT_INDEX_FILE) to the hardened environment. The result is returned
    whatever git's exit status; GitRunError when git cannot run or the config is refused.
    """
    environment = git_environment()
    if env:
        environment.update(env)
    prefix = ["git", "--no-pager", *location, *_flags(config), *_flags(HARDENING)]
    listing = _run([*prefix, "config", "-z", "--list", "--show-scope"], cwd, environment,
                   None, timeout, "config")
    if listing.returncode != 0:
        reason = listing.stderr.decode("utf-8", "replace").strip()
        raise GitRunError(f"git config: cannot read the repository's configuration ({reason}); "
                          "specloom does not run git there")
    overrides = driver_overrides(listing.stdout)
    return _run([*prefix, *_flags(overrides), *_with_safe_options(args)], cwd, environment,
                input_bytes, timeout, args[0] if args else "")


def _run(command: list[str], cwd: Path, env: dict[str, str], input_bytes: bytes | None,
         timeout: float | None, name: str) -> subprocess.CompletedProcess[bytes]:
    try:
        done = process.run(command, cwd=cwd, env=env, input=input_bytes, timeout=timeout,
                           merge_stderr=False)
    except OSError as exc:
        raise GitRunError(f"git {name}: {exc}") from None
    if done.returncode is None:
        raise GitRunError(f"git {name}: {subprocess.TimeoutExpired(command, timeout or 0)}")
    return subprocess.CompletedProcess(command, done.returncode, done.stdout, done.stderr)
