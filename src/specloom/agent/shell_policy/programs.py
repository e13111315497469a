"""What the shell policy knows about programs: shells, interpreters and the options that give
them code, builtins that run a string as code, and the variables, paths and redirections that
change what runs or where it writes.

Plain tables; the modules that walk a command line read them.
"""

from __future__ import annotations

import re

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
# programs that run a string (or their arguments) as code in ways this policy does not follow
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
