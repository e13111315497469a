"""Judge a shell command line by the simple commands it runs, not by its text.

The line is parsed with bashlex; every simple command in it (in lists, pipelines, `if`/`for`/
`while` bodies, subshells, groups and function bodies) is judged by its program name with the
path, quotes and backslashes removed. Wrappers (`env`, `command`, `exec`, `nice`, `nohup`,
`timeout`, `xargs`, `sudo`, `time`, ...) are unwrapped and `find -exec/-delete` counts as the
program it runs and as a deletion (`rm -rf <paths>`). Shells given inline code (`bash -c`) have
that code judged the same way; other interpreters given inline code (`python -c`, `node -e`,
`perl -e`, ...) need an allow pattern that names them. What cannot be judged from the text is
refused: a program name from an expansion (`$X`), command or process substitution, `eval`,
`source`, `trap`, `fc`, `hash -p`, `mapfile -C`, arithmetic and array subscripts that hold an
expansion, a shell or interpreter reading its code from stdin (`-`, a pipe, a here-doc, or a
descriptor path such as `/dev/stdin`, `/dev/fd/N` or `/proc/<pid>/fd/N`) or from a script path
that comes from a variable, and anything bashlex cannot parse. A redirection writing outside the
workspace is refused.

Allow and deny patterns are the project's `[commands]` globs, matched against each simple
command's normalised argv joined by single spaces (`/bin/rm -rf x` is matched as `rm -rf x`);
deny is matched against every wrapper level too. A line is allowed only when every simple
command in it is. This is a guard against mistakes and casual escapes, not the security
boundary: an allowed program can still run code the agent wrote (a script, a test suite), so
the shell also runs inside the OS sandbox (`specloom.agent.os_sandbox`).
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from itertools import islice
from pathlib import Path, PurePosixPath
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
    "perl": frozenset({"e", "E"}), "ruby": frozenset({"e"}),
    "php": frozenset({"r", "B", "R", "E"}),
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
    "fc": "fc runs commands again from the history",
}
# builtins that run code (or change what a name runs) only with one of these options
OPAQUE_OPTIONS: dict[str, tuple[frozenset[str], str]] = {
    "hash": (frozenset("p"), "hash -p points a command name at another file"),
    "mapfile": (frozenset("C"), "mapfile -C runs a callback string as code"),
    "readarray": (frozenset("C"), "readarray -C runs a callback string as code"),
    "compgen": (frozenset("C"), "compgen -C runs a string as code"),
    "complete": (frozenset("C"), "complete -C runs a string as code later"),
    "bind": (frozenset("x"), "bind -x runs a string as code later"),
}
# builtins that evaluate an array subscript in a variable name they are given
SUBSCRIPT_BUILTINS = frozenset({"test", "declare", "typeset", "local", "export", "readonly",
                                "read", "unset", "getopts", "mapfile", "readarray", "wait"})
# interpreter -> the options that make it read code from stdin after (or instead of) the script
STDIN_FLAGS: dict[str, frozenset[str]] = {
    "python": frozenset({"i"}), "pypy": frozenset({"i"}), "lua": frozenset({"i"}),
    "php": frozenset({"a"}),
}
# interpreter -> the options that take a separate value (so the value is not the script)
VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "python": frozenset({"W", "X", "-check-hash-based-pycs"}),
    "pypy": frozenset({"W", "X", "-check-hash-based-pycs"}),
    "node": frozenset({"r", "-require", "-import", "-loader", "-env-file", "-conditions"}),
    "nodejs": frozenset({"r", "-require", "-import", "-loader", "-env-file", "-conditions"}),
    "perl": frozenset({"I", "M", "m", "x"}), "ruby": frozenset({"I", "r"}),
    "php": frozenset({"c", "d", "z", "F"}), "lua": frozenset({"l"}),
}
AWK = frozenset({"awk", "gawk", "mawk", "nawk"})
# awk options whose value is a file of awk code
AWK_PROGRAM_FILE = frozenset({"-f", "-E", "-i", "--file", "--exec", "--include"})
# a path naming an open file descriptor: a program reading it reads whatever is fed to that
# descriptor (a pipe, a here-doc), exactly like `-` (the real directory, the name in it)
FD_DIR = re.compile(r"/proc/[^/]+(?:/task/[^/]+)?/fd|/dev/fd")
STREAMS = frozenset({"stdin", "stdout", "stderr"})
GLOB = re.compile(r"[*?[]")
BRACES = re.compile(r"\{[^}]*[,.][^}]*\}")
DANGEROUS_ASSIGN = frozenset({"PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "BASH_ENV",
                              "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND", "IFS",
                              "PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONPATH", "NODE_OPTIONS",
                              "PERL5OPT",
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
    # relative script paths given to shells and interpreters (True: any file find lists under it)
    scripts: list[tuple[str, bool]] = field(default_factory=list)
    changes_dir: bool = False
    runs_elsewhere: bool = False  # find -execdir runs commands in the directories it finds


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
        moves = scan.changes_dir or scan.runs_elsewhere
        if moves and scan.writes:
            raise CannotJudge(f"it changes directory (cd) and then writes to {scan.writes[0]!r}, "
                              "a relative path whose place cannot be known")
        for path, below in scan.scripts if moves else []:
            if below and scan.changes_dir:
                raise CannotJudge("it changes directory (cd) and then runs as code the files find "
                                  f"lists under {path!r}, whose place cannot be known")
            if below:
                continue  # find -execdir runs `./name` under the start point, checked already
            parts = PurePosixPath(path).parts
            if ".." in parts or parts[-1] in STREAMS or parts[-1].isdigit() or GLOB.search(path):
                raise CannotJudge(f"it changes directory (cd) and then runs {path!r} as code, a "
                                  "relative path that may then name stdin or another open "
                                  "descriptor")
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
            value = str(getattr(part, "value", ""))
            if re.search(r"\$\(|`|[<>]\(", value):  # bashlex leaves ${...} unparsed
                raise CannotJudge(f"${{{value}}} holds a command or process substitution")
            if re.match(r"!\w", value) and not re.search(r"[*@]\]?$", value):
                raise CannotJudge(f"${{{value}}} takes a variable name from a variable, and an "
                                  "array subscript in that name can run code")
        elif part.kind != "tilde":
            raise CannotJudge(f"it uses a word expansion this policy does not follow ({part.kind})")
    return dynamic


def _subscript_expands(text: str) -> bool:
    """True when an array subscript in the text holds `$(` or a backtick: bash runs it."""
    start = text.find("[")
    return start >= 0 and ("$(" in text[start:] or "`" in text[start:])


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
    # bashlex reads only unquoted here-doc delimiters, so the body is expanded when it runs
    if heredoc is not None and re.search(r"\$\(|`", str(getattr(heredoc, "value", ""))):
        raise CannotJudge("a here-doc body holds command substitution ($(...) or backticks)")
    target = node.output
    if getattr(target, "kind", "") == "word":
        _check_word(target)  # `< $(...)` and `<<< "$(...)"` run the substitution too
    if kind not in WRITE_REDIRECTS:
        return
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
    if name in OPAQUE_OPTIONS:
        letters, why = OPAQUE_OPTIONS[name]
        if any(letter in letters for letter in _option_letters(argv[1:])):
            raise CannotJudge(why)
    if name in SUBSCRIPT_BUILTINS:
        for arg in argv[1:]:
            if _subscript_expands(arg.split("=", 1)[0]):
                raise CannotJudge(f"{name} evaluates the array subscript in {arg!r}, which can "
                                  "run code")
    if name in ("cd", "pushd", "popd"):
        scan.changes_dir = True
    inner = _unwrap(argv)
    if inner is not None:
        if not inner:
            scan.leaves.append(Leaf(argv, list(wrappers)))
            return
        start = len(argv) - len(inner)
        if _chdir_option(name, argv[1:start]):
            scan.changes_dir = True  # `env -C dir`, `sudo -D dir`: relative paths move too
        program = _program(inner[0], dynamic[start] if start < len(dynamic) else False)
        _simple([program, *inner[1:]], dynamic[start:], scan, [*wrappers, argv], depth)
        return
    if name == "find":
        _find(argv, dynamic, scan, wrappers, depth)
        return
    if name in SHELLS:
        _shell(argv, dynamic, scan, wrappers, depth)
        return
    interpreter = _interpreter(name)
    if interpreter is not None:
        _interpreted(argv, dynamic, interpreter, scan, wrappers)
        return
    if name in AWK:
        _awk_program_files(argv, scan)
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


def _descriptor(path: str, root: Path, hops: int = 0) -> bool:
    """True when the path names an open file descriptor (`/dev/stdin`, `/dev/fd/N`,
    `/proc/<pid>/fd/N`, also through `..`, `//`, symbolic links and `/proc/<pid>/root`): a
    program reading it reads whatever is fed to that descriptor, exactly like `-`."""
    if path.startswith("~"):
        path = os.path.expanduser(path)
    full = os.path.join(root, path)
    # the text with `.`, `..`, `//` and `/proc/<pid>/root` taken out
    lexical = os.path.normpath("/" + full.lstrip("/"))
    while match := re.match(r"/proc/[^/]+/root(?=/|$)", lexical):
        lexical = os.path.normpath("/" + lexical[match.end():].lstrip("/"))
    forms = [os.path.split(lexical)]
    try:  # the directory with its symbolic links resolved (`/dev/fd` -> `/proc/<pid>/fd`)
        directory, name = os.path.split(full.rstrip("/") or "/")
        if name in (".", ".."):
            directory, name = os.path.split(os.path.realpath(full))
        forms.append((os.path.realpath(directory), name))
    except OSError:  # a link this process may not read (another process's /proc entry)
        pass
    if any(FD_DIR.fullmatch(d) or (d == "/dev" and n in STREAMS) for d, n in forms):
        return True
    # follow a link the agent may have made; /proc's own links point into this process
    real, name = forms[-1]
    link = os.path.join(real, name)
    if hops < 8 and not real.startswith("/proc") and os.path.islink(link):
        try:
            target = os.readlink(link)
        except OSError:
            return False
        return _descriptor(os.path.join(real, target), root, hops + 1)
    return False


def _script(program: str, word: str, dynamic: bool, scan: _Scan,
            wrappers: list[list[str]]) -> None:
    """Refuse a script operand that is, or may be, stdin or another open descriptor."""
    if word == "-":
        raise CannotJudge(f"{program} - reads its code from stdin")
    if dynamic or "$" in word:
        raise CannotJudge(f"the script path {word!r} given to {program} comes from a variable, "
                          "so it may be stdin (/dev/stdin)")
    if BRACES.search(word):
        raise CannotJudge(f"the script path {word!r} given to {program} is a brace pattern")
    for wrapper in reversed(wrappers):
        if wrapper[0] == "xargs" and any(r in word for r in _xargs_replace(wrapper)):
            raise CannotJudge(f"the script path {word!r} given to {program} comes from xargs' "
                              "input, so it may be stdin (/dev/stdin)")
        if wrapper[0] == "find" and "{}" in word:
            for start in _find_starts(wrapper) or ["."]:
                if not start.startswith(("/", "~")):
                    scan.scripts.append((start, True))
                real = os.path.realpath(os.path.join(scan.root, os.path.expanduser(start)))
                if real == "/" or re.match(r"/(dev|proc)(/|$)", real):
                    raise CannotJudge(f"{program} runs as code the files find lists under "
                                      f"{start!r}, which holds stdin and other open descriptors")
            return
    candidates = [word]
    if GLOB.search(word):
        pattern = os.path.expanduser(word)
        candidates += list(islice(glob.iglob(pattern, root_dir=scan.root), 1000))
    for path in candidates:
        if _descriptor(path, scan.root):
            raise CannotJudge(f"{program} {word} reads its code from stdin or another open "
                              f"descriptor, like {program} -")
    if not word.startswith(("/", "~")):
        scan.scripts.append((word, False))


def _xargs_replace(argv: list[str]) -> list[str]:
    """The strings xargs replaces with its input (`-I R`, `-i`, `--replace`)."""
    inner = _unwrap(argv) or []
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


def _option_value(program: str, option: str, value: str, scan: _Scan) -> None:
    """Refuse an interpreter option value (a module to preload, an ini file) that names stdin
    or holds the code itself (`node --import data:...`)."""
    if value.startswith("data:"):
        raise CannotJudge(f"{program} {option} {value[:40]}... runs code written inline in a "
                          "data: URL")
    for path in (value, value.split("=", 1)[-1]):
        if _descriptor(path, scan.root):
            raise CannotJudge(f"{program} {option} {value} reads code from stdin or another "
                              "open descriptor")


def _option_letters(args: list[str]) -> str:
    """The letters of every short option up to `--` (option values are skipped over, so a
    value that looks like an option counts too: the safe side)."""
    letters = ""
    for arg in args:
        if arg == "--":
            break
        if arg.startswith("-") and not arg.startswith("--"):
            letters += arg[1:]
    return letters


def _chdir_option(name: str, options: list[str]) -> bool:
    """True when a wrapper's options make it run its command in another directory."""
    letter = {"env": "C", "sudo": "D"}.get(name)
    return letter is not None and any(
        a.startswith("--chdir") or (a.startswith("-") and not a.startswith("--") and letter in a)
        for a in options)


def _awk_program_files(argv: list[str], scan: _Scan) -> None:
    """Refuse awk reading its program from stdin (`-f -`, `-f /dev/stdin`)."""
    args = argv[1:]
    for i, arg in enumerate(args):
        value: str | None = None
        if arg in AWK_PROGRAM_FILE:
            value = args[i + 1] if i + 1 < len(args) else None
        elif arg.startswith("--") and arg.split("=", 1)[0] in AWK_PROGRAM_FILE and "=" in arg:
            value = arg.split("=", 1)[1]
        elif arg[:2] in AWK_PROGRAM_FILE and len(arg) > 2 and not arg.startswith("--"):
            value = arg[2:]
        if value is not None and (value == "-" or _descriptor(value, scan.root)):
            raise CannotJudge(f"{argv[0]} reads its program from {value!r}, which is stdin (a "
                              "pipe or a here-doc) or another open descriptor")


def _declare(argv: list[str]) -> None:
    for arg in argv[1:]:
        if arg.startswith("-") and ("i" in arg or "n" in arg):
            raise CannotJudge(f"{argv[0]} {arg} makes later assignments evaluate code")
        name = arg.split("=", 1)[0].rstrip("+")
        if "=" in arg and name in DANGEROUS_ASSIGN:
            raise CannotJudge(f"it sets {name}, which changes what later commands run")


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
        # -e, -i, -l (and --eof, --replace, --max-lines) take a value only in the same word
        rest = _skip_options(args, frozenset("aEILnPsd"), attached_only=frozenset("eil"),
                             long_with_value=frozenset({"arg-file", "max-args", "max-procs",
                                                        "max-chars", "delimiter",
                                                        "process-slot-var"}))
        return rest or ["echo"]
    return None


def _find(argv: list[str], dynamic: list[bool], scan: _Scan, wrappers: list[list[str]],
          depth: int) -> None:
    args = argv[1:]
    starts = _find_starts(argv)
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
            if arg in ("-execdir", "-okdir") and (args[:1] in (["-L"], ["-H"]) or any(
                    not _inside(scan.root, s) for s in starts or ["."])):
                scan.runs_elsewhere = True  # it runs in directories outside the workspace
            program = _program(inner[0], dynamic[offset] if offset < len(dynamic) else False)
            _simple([program, *inner[1:]], dynamic[offset:], scan, [*wrappers, argv], depth)
            i = end
        elif arg in ("-fprint", "-fprint0", "-fprintf", "-fls"):
            scan.leaves.append(Leaf(argv, list(wrappers), True, f"find {arg} writes a file"))
        i += 1


def _inside(root: Path, path: str) -> bool:
    real = Path(os.path.realpath(root / os.path.expanduser(path)))
    return real == root or root in real.parents


def _find_starts(argv: list[str]) -> list[str]:
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


def _shell(argv: list[str], dynamic: list[bool], scan: _Scan, wrappers: list[list[str]],
           depth: int) -> None:
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
            if arg.startswith("--") and i + 1 < len(args) and _descriptor(args[i + 1], scan.root):
                raise CannotJudge(f"{name} {arg} {args[i + 1]} reads code from stdin or another "
                                  "open descriptor")
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
    script = len(argv) - len(rest)
    _script(name, rest[0], dynamic[script] if script < len(dynamic) else False, scan, wrappers)
    scan.leaves.append(Leaf(argv, list(wrappers)))  # a script file: judged as the shell


def _interpreted(argv: list[str], dynamic: list[bool], interpreter: str, scan: _Scan,
                 wrappers: list[list[str]]) -> None:
    flags = INLINE_FLAGS[interpreter]
    takes_value = VALUE_OPTIONS.get(interpreter, frozenset())
    from_stdin = STDIN_FLAGS.get(interpreter, frozenset())
    args = argv[1:]
    if args[:1] and args[0] in INFO_FLAGS:
        scan.leaves.append(Leaf(argv, list(wrappers)))
        return
    if interpreter == "deno" and args[:1] == ["eval"]:
        args = ["-e"]
    first = 1
    if interpreter in ("deno", "bun") and args[:1] == ["run"]:
        args, first = args[1:], 2  # `deno run <script>`, `bun run <script>`
    skip = ""  # the option whose value comes next
    for k, arg in enumerate(args, start=first):
        if skip:
            _option_value(argv[0], skip, arg, scan)
            skip = ""
            continue
        if not arg.startswith("-") or arg == "-":
            _script(argv[0], arg, dynamic[k] if k < len(dynamic) else False, scan, wrappers)
            scan.leaves.append(Leaf(argv, list(wrappers)))  # a script file
            return
        if interpreter == "python" and arg.startswith("-m"):
            scan.leaves.append(Leaf(argv, list(wrappers)))  # a module
            return
        if arg.startswith("--"):
            key, eq, value = arg[1:].partition("=")
            if key in flags:
                break
            if key in takes_value and eq:
                _option_value(argv[0], "-" + key, value, scan)
            skip = arg if key in takes_value and not eq else ""
            continue
        cluster = arg[1:]
        at = next((i for i, letter in enumerate(cluster) if letter in takes_value), len(cluster))
        if any(letter in from_stdin for letter in cluster[:at + 1]):
            raise CannotJudge(f"{argv[0]} {arg} reads code from stdin after (or instead of) its "
                              "script")
        if any(letter in flags for letter in cluster) or interpreter == "deno":
            break
        if at < len(cluster) - 1:
            _option_value(argv[0], arg, cluster[at + 1:], scan)
        skip = arg if at == len(cluster) - 1 else ""
    else:
        raise CannotJudge(f"{argv[0]} without a script reads its code from stdin (a pipe or "
                          "a here-doc)")
    scan.leaves.append(Leaf(argv, list(wrappers), True,
                            f"{argv[0]} runs inline code, which this policy cannot judge"))
