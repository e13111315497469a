"""Judge a shell command line by the simple commands it runs, not by its text.

The line is parsed with bashlex; every simple command in it (in lists, pipelines, `if`/`for`/
`while` bodies, subshells, groups and function bodies) is judged by its program name with the
path, quotes and backslashes removed. Wrappers (`env`, `command`, `exec`, `nice`, `nohup`,
`timeout`, `xargs`, `sudo`, `time`, ...) are unwrapped and `find -exec/-delete` counts as the
program it runs and as a deletion (`rm -rf <paths>`). Shells given inline code (`bash -c`) have
that code judged the same way; other interpreters given inline code (`python -c`, `node -e`,
`perl -e`, ...) need an allow pattern that names them. What cannot be judged from the text is
refused: a program name from an expansion (`$X`), command or process substitution, `eval`,
`source`, `trap`, arithmetic, a shell reading its code from stdin (a pipe or a here-doc), and
anything bashlex cannot parse. A redirection writing outside the workspace is refused.

Allow and deny patterns are the project's `[commands]` globs, matched against each simple
command's normalised argv joined by single spaces (`/bin/rm -rf x` is matched as `rm -rf x`);
deny is matched against every wrapper level too. A line is allowed only when every simple
command in it is. This is a guard against mistakes and casual escapes, not the security
boundary: an allowed program can still run code the agent wrote (a script, a test suite), so
the shell also runs inside the OS sandbox (`specloom.agent.os_sandbox`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

import bashlex  # type: ignore[import-untyped]

Kind = Literal["allowed", "denied", "not-allowed", "cannot-judge"]

MAX_DEPTH = 8
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "fish", "busybox"})
# interpreter -> the options that take inline code
INLINE_FLAGS: dict[str, frozenset[str]] = {
    "python": frozenset({"c"}), "pypy": frozenset({"c"}),
    "node": frozenset({"e", "p", "-eval", "-print"}),
    "nodejs": frozenset({"e", "p", "-eval", "-print"}),
    "bun": frozenset({"e", "-eval", "p", "-print"}), "deno": frozenset(),
    "perl": frozenset({"e", "E"}), "ruby": frozenset({"e"}), "php": frozenset({"r"}),
    "lua": frozenset({"e"}), "Rscript": frozenset({"e"}), "tclsh": frozenset(),
}
# programs that run a string (or their arguments) as code in ways this module does not follow
OPAQUE = {
    "eval": "eval runs a string as code",
    "source": "source runs a file as code",
    ".": ". (source) runs a file as code",
    "trap": "trap runs a string as code later",
    "alias": "an alias changes what a later word runs",
    "let": "arithmetic evaluation can run code through array subscripts",
    "enable": "enable loads or changes builtins",
    "coproc": "coproc starts a command this policy does not follow",
    "watch": "watch runs its arguments through a shell",
    "su": "su runs a command as another user",
    "runuser": "runuser runs a command as another user",
    "script": "script runs a command through a shell",
    "parallel": "parallel builds and runs commands from its input",
    "ssh": "ssh runs a command elsewhere",
}
# interpreter -> the options that take a separate value (so the value is not the script)
VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "python": frozenset({"W", "X"}), "pypy": frozenset({"W", "X"}),
    "node": frozenset({"r", "-require", "-import", "-loader", "-env-file", "-conditions"}),
    "nodejs": frozenset({"r", "-require", "-import", "-loader", "-env-file", "-conditions"}),
    "perl": frozenset({"I", "M", "m", "x"}), "ruby": frozenset({"I", "r"}),
    "php": frozenset({"c", "d", "z"}), "lua": frozenset({"l"}),
}
AWK = frozenset({"awk", "gawk", "mawk", "nawk"})
DANGEROUS_ASSIGN = frozenset({"PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "BASH_ENV",
                              "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND", "IFS",
                              "PYTHONSTARTUP", "PYTHONPATH", "NODE_OPTIONS", "PERL5OPT",
                              "GIT_EXEC_PATH", "GIT_SSH_COMMAND"})
SAFE_WRITE_TARGETS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"})
WRITE_REDIRECTS = frozenset({">", ">>", ">|", "&>", "&>>", "<>", ">&"})
TIME_KEYWORD = re.compile(r"(^|[;&|(\n]\s*|\b(?:then|do|else)\s+|!\s*)time(?:\s+-p)?(?=\s)")
INFO_FLAGS = frozenset({"--version", "-V", "--help", "-h", "-v"})

HOW_TO = ("rewrite it as plain commands (no $(...), backticks, eval, variables as program "
          "names), or put the steps in a script file in the workspace and run that; in "
          "supervised mode a person can approve it")


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: Kind
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.kind == "allowed"


class CannotJudge(Exception):
    """The command's effect cannot be known from its text; the message says why."""


class WritesOutside(Exception):
    """A redirection writes outside the workspace; the message is the whole refusal."""


@dataclass(slots=True)
class Leaf:
    """One program that would run: its argv and the wrapper argvs around it (outermost first)."""

    argv: list[str]
    wrappers: list[list[str]] = field(default_factory=list)
    explicit: bool = False  # needs an allow pattern of its own (inline interpreter code)
    why_explicit: str = ""


@dataclass(slots=True)
class _Scan:
    root: Path
    leaves: list[Leaf] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)  # relative redirection targets
    changes_dir: bool = False


class ShellPolicy:
    def __init__(self, allow: Sequence[str], deny: Sequence[str], workspace: Path) -> None:
        self.allow = tuple(allow)
        self.deny = tuple(deny)
        self.workspace = Path(os.path.realpath(workspace))

    def judge(self, command: str) -> Verdict:
        try:
            leaves = self.leaves(command)
        except WritesOutside as exc:
            return Verdict("denied", str(exc))
        except CannotJudge as exc:
            return Verdict("cannot-judge", f"command refused: cannot judge it: {exc}; {HOW_TO}")
        for leaf in leaves:
            for level in [*leaf.wrappers, leaf.argv]:
                line = _line(level)
                for pattern in self.deny:
                    if fnmatchcase(line, pattern):
                        return Verdict("denied", f"command refused: {line!r} matches the deny "
                                                 f"pattern {pattern!r} in the project's "
                                                 "[commands] settings")
        for leaf in leaves:
            line = _line(leaf.argv)
            matched = any(fnmatchcase(line, p) for p in self.allow)
            if leaf.explicit and not matched:
                return Verdict("not-allowed", f"command refused: {leaf.why_explicit} ({line!r}); "
                                              "it runs only when an allow pattern in "
                                              "[tool.specloom.commands] names it, for example "
                                              f"allow = [{_line([*leaf.argv[:2], '*'])!r}]")
            if self.allow and not matched:
                return Verdict("not-allowed", f"command refused: {line!r} matches no allow "
                                              "pattern in the project's [commands] settings "
                                              f"(allowed: {', '.join(self.allow)})")
        return Verdict("allowed")

    def leaves(self, command: str) -> list[Leaf]:
        """Every program the line would run; CannotJudge when that cannot be known."""
        scan = _Scan(self.workspace)
        _judge_line(command, scan, [], 0)
        if scan.changes_dir and scan.writes:
            raise CannotJudge(f"it changes directory (cd) and then writes to {scan.writes[0]!r}, "
                              "a relative path whose place cannot be known")
        return scan.leaves


# -- parsing ----------------------------------------------------------------------------------

def _line(argv: Sequence[str]) -> str:
    return " ".join(" ".join(argv).split())


def _judge_line(command: str, scan: _Scan, wrappers: list[list[str]], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise CannotJudge("shells are nested too deeply")
    if "\0" in command:
        raise CannotJudge("it holds a NUL character")
    for token, why in (("((", "arithmetic ((...)) can run code through array subscripts"),
                       ("$[", "arithmetic $[...] can run code through array subscripts"),
                       ("$'", "ANSI-C quoting $'...' hides the text it stands for")):
        if token in command:
            raise CannotJudge(why)
    if not command.strip():
        return
    # bashlex cannot parse the `time` keyword; it only times the pipeline after it
    command = TIME_KEYWORD.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))),
                               command)
    try:
        trees = bashlex.parse(command)
    except Exception as exc:  # bashlex raises ParsingError, NotImplementedError and others
        raise CannotJudge(f"the shell parser cannot read it ({type(exc).__name__}: "
                          f"{exc})") from None
    for tree in trees:
        _walk(tree, scan, wrappers, depth)


def _walk(node: Any, scan: _Scan, wrappers: list[list[str]], depth: int) -> None:
    kind = node.kind
    if kind == "command":
        _command(node, scan, wrappers, depth)
    elif kind in ("list", "pipeline", "if", "for", "while", "until", "function"):
        for part in node.parts:
            _walk(part, scan, wrappers, depth)
    elif kind == "compound":
        for part in node.list:
            _walk(part, scan, wrappers, depth)
        for redirect in getattr(node, "redirects", []) or []:
            _redirect(redirect, scan, None)
    elif kind == "word":
        _check_word(node)  # `for` lists and function names
    elif kind in ("reservedword", "operator", "pipe"):
        return
    elif kind == "redirect":
        _redirect(node, scan, None)
    else:
        raise CannotJudge(f"it uses a shell construct this policy does not follow ({kind})")


def _check_word(word: Any) -> bool:
    """True when the word holds a parameter expansion; CannotJudge on substitutions."""
    dynamic = False
    for part in getattr(word, "parts", []) or []:
        if part.kind == "commandsubstitution":
            raise CannotJudge("it uses command substitution ($(...) or backticks)")
        if part.kind == "processsubstitution":
            raise CannotJudge("it uses process substitution (<(...) or >(...))")
        if part.kind == "parameter":
            dynamic = True
        elif part.kind != "tilde":
            raise CannotJudge(f"it uses a word expansion this policy does not follow ({part.kind})")
    return dynamic


def _command(node: Any, scan: _Scan, wrappers: list[list[str]], depth: int) -> None:
    argv: list[str] = []
    dynamic: list[bool] = []
    redirects: list[Any] = []
    for part in node.parts:
        if part.kind == "assignment":
            _check_word(part)
            name = part.word.split("=", 1)[0].rstrip("+")
            if name in DANGEROUS_ASSIGN:
                raise CannotJudge(f"it sets {name}, which changes what later commands run")
        elif part.kind == "word":
            dynamic.append(_check_word(part))
            argv.append(part.word)
        elif part.kind == "redirect":
            redirects.append(part)
        else:
            raise CannotJudge("it uses a shell construct this policy does not follow "
                              f"({part.kind})")
    program = _program(argv[0], dynamic[0]) if argv else ""
    for redirect in redirects:
        _redirect(redirect, scan, program)
    if argv:
        _simple([program, *argv[1:]], dynamic, scan, wrappers, depth)


def _program(word: str, dynamic: bool) -> str:
    if dynamic or "$" in word:
        raise CannotJudge(f"the program name {word!r} comes from a variable, so what runs "
                          "cannot be known")
    if re.search(r"[*?\[]", word) or re.search(r"\{[^}]*[,.][^}]*\}", word):
        raise CannotJudge(f"the program name {word!r} is a glob or brace pattern")
    name = word.rstrip("/").rsplit("/", 1)[-1]
    if not name:
        raise CannotJudge(f"the program name {word!r} is empty")
    return name


def _redirect(node: Any, scan: _Scan, program: str | None) -> None:
    kind = node.type
    heredoc = getattr(node, "heredoc", None)
    if heredoc is not None and program is not None and _reads_code_from_stdin(program):
        raise CannotJudge(f"a here-doc feeds code to {program}")
    if kind not in WRITE_REDIRECTS:
        return
    target = node.output
    if isinstance(target, int) or getattr(target, "kind", "") != "word":
        return  # a file-descriptor duplication such as 2>&1
    if _check_word(target) or "$" in target.word:
        raise CannotJudge(f"the redirection target {target.word!r} comes from a variable")
    path = target.word
    if path.startswith("~"):
        path = os.path.expanduser(path)
    if path in SAFE_WRITE_TARGETS:
        return
    if not os.path.isabs(path):
        scan.writes.append(path)
    real = Path(os.path.realpath(scan.root / path))
    if real != scan.root and scan.root not in real.parents:
        raise WritesOutside(f"command refused: it redirects output to {target.word!r}, outside "
                            "the workspace; write inside the workspace instead")


def _reads_code_from_stdin(program: str) -> bool:
    return program in SHELLS or _interpreter(program) is not None


def _interpreter(name: str) -> str | None:
    base = re.sub(r"[0-9.]+$", "", name)
    return base if base in INLINE_FLAGS else None


# -- one simple command -------------------------------------------------------------------------

def _simple(argv: list[str], dynamic: list[bool], scan: _Scan, wrappers: list[list[str]],
            depth: int) -> None:
    name = argv[0]
    if name in OPAQUE:
        raise CannotJudge(OPAQUE[name])
    if name in ("cd", "pushd", "popd"):
        scan.changes_dir = True
    inner = _unwrap(argv)
    if inner is not None:
        if not inner:
            scan.leaves.append(Leaf(argv, list(wrappers)))
            return
        start = len(argv) - len(inner)
        program = _program(inner[0], dynamic[start] if start < len(dynamic) else False)
        _simple([program, *inner[1:]], dynamic[start:], scan, [*wrappers, argv], depth)
        return
    if name == "find":
        _find(argv, dynamic, scan, wrappers, depth)
        return
    if name in SHELLS:
        _shell(argv, scan, wrappers, depth)
        return
    interpreter = _interpreter(name)
    if interpreter is not None:
        _interpreted(argv, interpreter, scan, wrappers)
        return
    if name in AWK and any(re.search(r"system\s*\(|\|\s*\"|\|&|getline", a) for a in argv[1:]):
        scan.leaves.append(Leaf(argv, list(wrappers), True, "awk code that runs commands"))
        return
    if name == "builtin" and len(argv) > 1:
        _simple([_program(argv[1], dynamic[1]), *argv[2:]], dynamic[1:], scan,
                [*wrappers, argv], depth)
        return
    if name in ("declare", "typeset", "local", "export", "readonly"):
        _declare(argv)
    if name == "printf" and "-v" in argv[1:]:
        raise CannotJudge("printf -v builds a variable from escapes")
    scan.leaves.append(Leaf(argv, list(wrappers)))


def _declare(argv: list[str]) -> None:
    for arg in argv[1:]:
        if arg.startswith("-") and ("i" in arg or "n" in arg):
            raise CannotJudge(f"{argv[0]} {arg} makes later assignments evaluate code")
        name = arg.split("=", 1)[0].rstrip("+")
        if "=" in arg and name in DANGEROUS_ASSIGN:
            raise CannotJudge(f"it sets {name}, which changes what later commands run")


# wrapper -> (options taking a value, options that end option parsing)
def _skip_options(args: list[str], with_value: frozenset[str], *, long_with_value: frozenset[str]
                  = frozenset(), stop_at_first: bool = True) -> list[str]:
    """Drop leading options (and their values); what remains starts with the wrapped program."""
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
            if letter in with_value:
                i += 1 if k < len(cluster) - 1 else 2
                break
        else:
            i += 1
    return []


def _unwrap(argv: list[str]) -> list[str] | None:
    """The wrapped command of a wrapper (possibly empty), or None for a program of its own."""
    name, args = argv[0], argv[1:]
    if name == "env":
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
    if name == "command":
        if any(a in ("-v", "-V") for a in args):
            return []
        return _skip_options(args, frozenset())
    if name == "exec":
        return _skip_options(args, frozenset("a"))
    if name in ("nice", "ionice", "chrt", "taskset"):
        if name == "nice" and args and re.match(r"^-\d+$", args[0]):
            args = args[1:]
        values = {"nice": "n", "ionice": "cnpt", "chrt": "", "taskset": ""}[name]
        rest = _skip_options(args, frozenset(values), long_with_value=frozenset({"adjustment"}))
        if name in ("chrt", "taskset") and rest:
            rest = rest[1:]  # the priority or the CPU mask
        return rest
    if name in ("nohup", "setsid", "time", "stdbuf", "unbuffer"):
        return _skip_options(args, frozenset("fo" if name == "time" else
                                             "ioe" if name == "stdbuf" else ""),
                             long_with_value=frozenset({"format", "output"}))
    if name == "timeout":
        rest = _skip_options(args, frozenset("sk"), long_with_value=frozenset({"signal",
                                                                              "kill-after"}))
        return rest[1:]
    if name in ("sudo", "doas"):
        rest = _skip_options(args, frozenset("ugCDhprTUc" if name == "sudo" else "uC"),
                             long_with_value=frozenset({"user", "group", "chdir", "host",
                                                        "prompt", "role", "type",
                                                        "other-user", "close-from"}))
        if name == "sudo" and any(a in ("-s", "-i", "--shell", "--login") for a in args):
            raise CannotJudge("sudo -s/-i runs a shell")
        return rest
    if name == "xargs":
        rest = _skip_options(args, frozenset("aEeIiLlnPsd"),
                             long_with_value=frozenset({"arg-file", "eof", "replace",
                                                        "max-lines", "max-args", "max-procs",
                                                        "max-chars", "delimiter",
                                                        "process-slot-var"}))
        return rest or ["echo"]
    return None


def _find(argv: list[str], dynamic: list[bool], scan: _Scan, wrappers: list[list[str]],
          depth: int) -> None:
    args = argv[1:]
    starts = []
    for arg in args:
        if arg.startswith("-") or arg in ("(", "!", ")"):
            break
        starts.append(arg)
    scan.leaves.append(Leaf(argv, list(wrappers)))
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-delete":
            scan.leaves.append(Leaf(["rm", "-rf", *(starts or ["."])], [*wrappers, argv]))
        elif arg in ("-exec", "-execdir", "-ok", "-okdir"):
            end = i + 1
            while end < len(args) and args[end] not in (";", "+"):
                end += 1
            inner = args[i + 1:end]
            if not inner:
                raise CannotJudge(f"find {arg} names no program")
            offset = i + 2
            program = _program(inner[0], dynamic[offset] if offset < len(dynamic) else False)
            _simple([program, *inner[1:]], dynamic[offset:], scan, [*wrappers, argv], depth)
            i = end
        elif arg in ("-fprint", "-fprint0", "-fprintf", "-fls"):
            scan.leaves.append(Leaf(argv, list(wrappers), True, f"find {arg} writes a file"))
        i += 1


def _shell(argv: list[str], scan: _Scan, wrappers: list[list[str]], depth: int) -> None:
    name, args = argv[0], argv[1:]
    if name == "busybox":
        if not args:
            raise CannotJudge("busybox without an applet")
        _simple([_program(args[0], False), *args[1:]], [False] * len(args), scan,
                [*wrappers, argv], depth)
        return
    inline = False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--" or arg == "-":
            i += 1
            break
        if arg in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            i += 2
            continue
        if arg in INFO_FLAGS and not inline:
            scan.leaves.append(Leaf(argv, list(wrappers)))
            return
        if (arg.startswith("-") or arg.startswith("+")) and len(arg) > 1:
            if not arg.startswith("--"):
                if "s" in arg[1:]:
                    raise CannotJudge(f"{name} {arg} reads its code from stdin")
                inline = inline or "c" in arg[1:]
            i += 1
            continue
        break
    rest = args[i:]
    if inline:
        if not rest:
            raise CannotJudge(f"{name} -c without code")
        _judge_line(rest[0], scan, [*wrappers, argv], depth + 1)
        return
    if not rest:
        raise CannotJudge(f"{name} without a script reads its code from stdin (a pipe or "
                          "a here-doc)")
    scan.leaves.append(Leaf(argv, list(wrappers)))  # a script file: judged as the shell


def _interpreted(argv: list[str], interpreter: str, scan: _Scan,
                 wrappers: list[list[str]]) -> None:
    flags = INLINE_FLAGS[interpreter]
    takes_value = VALUE_OPTIONS.get(interpreter, frozenset())
    args = argv[1:]
    if args[:1] and args[0] in INFO_FLAGS:
        scan.leaves.append(Leaf(argv, list(wrappers)))
        return
    if interpreter == "deno" and args[:1] == ["eval"]:
        args = ["-e"]
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "-":
            raise CannotJudge(f"{argv[0]} - reads its code from stdin")
        if not arg.startswith("-"):
            scan.leaves.append(Leaf(argv, list(wrappers)))  # a script file
            return
        if interpreter == "python" and arg.startswith("-m"):
            scan.leaves.append(Leaf(argv, list(wrappers)))  # a module
            return
        if arg.startswith("--"):
            key = arg[1:].split("=", 1)[0]
            if key in flags:
                break
            skip = key in takes_value and "=" not in arg
            continue
        cluster = arg[1:]
        if any(letter in flags for letter in cluster) or interpreter == "deno":
            break
        skip = cluster[-1:] in takes_value
    else:
        raise CannotJudge(f"{argv[0]} without a script reads its code from stdin (a pipe or "
                          "a here-doc)")
    scan.leaves.append(Leaf(argv, list(wrappers), True,
                            f"{argv[0]} runs inline code, which this policy cannot judge"))
