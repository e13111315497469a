"""Wrappers: programs that run another program given in their arguments (`env`, `sudo`,
`timeout`, `xargs`, ...), and what their options say about it.

`unwrap` returns the wrapped command; `find_starts` and `xargs_replace` tell where find's and
xargs' substituted paths come from.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from specloom.agent.shell_policy.programs import DANGEROUS_ASSIGN
from specloom.agent.shell_policy.scan import CannotJudge


def xargs_replace(argv: list[str]) -> list[str]:
    """The strings xargs replaces with its input (`-I R`, `-i`, `--replace`)."""
    inner = unwrap(argv) or []
    options = argv[1:len(argv) - len(inner)]
    found = []
    for i, arg in enumerate(options):
        if arg.startswith("--replace"):
            found.append(arg.partition("=")[2] or "{}")
        elif arg.startswith("-") and not arg.startswith("--"):
            for k, letter in enumerate(arg[1:], start=2):
                if letter == "I":
                    found.append(arg[k:] or (options[i + 1] if i + 1 < len(options) else ""))
                    break
                if letter == "i":
                    found.append(arg[k:] or "{}")
                    break
                if letter in "aELnPsd" or letter in "el":
                    break  # the rest is this option's value
    return [r for r in found if r]


def chdir_option(name: str, options: list[str]) -> bool:
    """True when a wrapper's options make it run its command in another directory."""
    letter = {"env": "C", "sudo": "D"}.get(name)
    return letter is not None and any(
        a.startswith("--chdir") or (a.startswith("-") and not a.startswith("--") and letter in a)
        for a in options)


# wrapper -> (options taking a value, options that end option parsing)
def _skip_options(args: list[str], with_value: frozenset[str], *, long_with_value: frozenset[str]
                  = frozenset(), stop_at_first: bool = True,
                  attached_only: frozenset[str] = frozenset()) -> list[str]:
    """Drop leading options (and their values); what remains starts with the wrapped program.

    Letters in `attached_only` take an optional value written in the same word (`xargs -i{}`).
    """
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return args[i + 1:]
        if not arg.startswith("-") or arg == "-":
            return args[i:]
        if arg.startswith("--"):
            key = arg[2:].split("=", 1)[0]
            i += 2 if key in long_with_value and "=" not in arg else 1
            continue
        cluster = arg[1:]
        for k, letter in enumerate(cluster):
            if letter in attached_only:
                i += 1
                break
            if letter in with_value:
                i += 1 if k < len(cluster) - 1 else 2
                break
        else:
            i += 1
    return []


def unwrap(argv: list[str]) -> list[str] | None:
    """The wrapped command of a wrapper (possibly empty), or None for a program of its own."""
    wrapped = _WRAPPED.get(argv[0])
    return None if wrapped is None else wrapped(argv[0], argv[1:])


def _env(name: str, args: list[str]) -> list[str]:
    if any(a == "-S" or a.startswith("--split-string") or (a.startswith("-") and
           not a.startswith("--") and "S" in a) for a in args):
        raise CannotJudge("env -S splits a string into a command")
    rest = _skip_options(args, frozenset("uC"), long_with_value=frozenset({"unset", "chdir"}))
    while rest and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", rest[0]):
        if rest[0].split("=", 1)[0] in DANGEROUS_ASSIGN:
            raise CannotJudge(f"it sets {rest[0].split('=', 1)[0]}, which changes what "
                              "later commands run")
        rest = rest[1:]
    return rest


def _command(name: str, args: list[str]) -> list[str]:
    if any(a in ("-v", "-V") for a in args):
        return []
    return _skip_options(args, frozenset())


def _exec(name: str, args: list[str]) -> list[str]:
    return _skip_options(args, frozenset("a"))


def _scheduling(name: str, args: list[str]) -> list[str]:
    """nice, ionice, chrt, taskset."""
    if name == "nice" and args and re.match(r"^-\d+$", args[0]):
        args = args[1:]
    values = {"nice": "n", "ionice": "cnpt", "chrt": "", "taskset": ""}[name]
    rest = _skip_options(args, frozenset(values), long_with_value=frozenset({"adjustment"}))
    if name in ("chrt", "taskset") and rest:
        rest = rest[1:]  # the priority or the CPU mask
    return rest


def _plain(name: str, args: list[str]) -> list[str]:
    """nohup, setsid, time, stdbuf, unbuffer: options, then the command."""
    return _skip_options(args, frozenset("fo" if name == "time" else
                                         "ioe" if name == "stdbuf" else ""),
                         long_with_value=frozenset({"format", "output"}))


def _timeout(name: str, args: list[str]) -> list[str]:
    rest = _skip_options(args, frozenset("sk"), long_with_value=frozenset({"signal",
                                                                          "kill-after"}))
    return rest[1:]


def _sudo(name: str, args: list[str]) -> list[str]:
    """sudo and doas."""
    rest = _skip_options(args, frozenset("ugCDhprTUc" if name == "sudo" else "uC"),
                         long_with_value=frozenset({"user", "group", "chdir", "host",
                                                    "prompt", "role", "type",
                                                    "other-user", "close-from"}))
    if name == "sudo" and any(a in ("-s", "-i", "--shell", "--login") for a in args):
        raise CannotJudge("sudo -s/-i runs a shell")
    return rest


def _xargs(name: str, args: list[str]) -> list[str]:
    # -e, -i, -l (and --eof, --replace, --max-lines) take a value only in the same word
    rest = _skip_options(args, frozenset("aEILnPsd"), attached_only=frozenset("eil"),
                         long_with_value=frozenset({"arg-file", "max-args", "max-procs",
                                                    "max-chars", "delimiter",
                                                    "process-slot-var"}))
    return rest or ["echo"]


# wrapper -> its unwrapping: (wrapper name, its arguments) -> the wrapped command
_WRAPPED: dict[str, Callable[[str, list[str]], list[str]]] = {
    "env": _env,
    "command": _command,
    "exec": _exec,
    **dict.fromkeys(("nice", "ionice", "chrt", "taskset"), _scheduling),
    **dict.fromkeys(("nohup", "setsid", "time", "stdbuf", "unbuffer"), _plain),
    "timeout": _timeout,
    **dict.fromkeys(("sudo", "doas"), _sudo),
    "xargs": _xargs,
}


def find_starts(argv: list[str]) -> list[str]:
    """The starting points of a find command (after its -H/-L/-P/-D/-O options)."""
    args = argv[1:]
    i = 0
    while i < len(args) and (args[i] in ("-H", "-L", "-P", "-D") or
                             re.fullmatch(r"-O\d*", args[i])):
        i += 2 if args[i] == "-D" else 1
    starts = []
    for arg in args[i:]:
        if arg.startswith("-") or arg in ("(", "!", ")"):
            break
        starts.append(arg)
    return starts
