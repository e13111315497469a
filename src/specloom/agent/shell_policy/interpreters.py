"""Programs that run code: interpreters given inline code or a script, awk programs, and the
script paths that may name stdin or another open descriptor."""

from __future__ import annotations

import glob
import os
import re
from itertools import islice

from specloom.agent.shell_policy.paths import is_descriptor
from specloom.agent.shell_policy.programs import (
    AWK_PROGRAM_FILE,
    BRACES,
    GLOB,
    INFO_FLAGS,
    INLINE_FLAGS,
    SHELLS,
    STDIN_FLAGS,
    VALUE_OPTIONS,
)
from specloom.agent.shell_policy.scan import CannotJudge, Leaf, Scan
from specloom.agent.shell_policy.wrappers import find_starts, xargs_replace


def reads_code_from_stdin(program: str) -> bool:
    return program in SHELLS or interpreter_of(program) is not None


def interpreter_of(name: str) -> str | None:
    base = re.sub(r"[0-9.]+$", "", name)
    return base if base in INLINE_FLAGS else None


def check_script(program: str, word: str, dynamic: bool, scan: Scan,
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
        if wrapper[0] == "xargs" and any(r in word for r in xargs_replace(wrapper)):
            raise CannotJudge(f"the script path {word!r} given to {program} comes from xargs' "
                              "input, so it may be stdin (/dev/stdin)")
        if wrapper[0] == "find" and "{}" in word:
            for start in find_starts(wrapper) or ["."]:
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
        if is_descriptor(path, scan.root):
            raise CannotJudge(f"{program} {word} reads its code from stdin or another open "
                              f"descriptor, like {program} -")
    if not word.startswith(("/", "~")):
        scan.scripts.append((word, False))


def _option_value(program: str, option: str, value: str, scan: Scan) -> None:
    """Refuse an interpreter option value (a module to preload, an ini file) that names stdin
    or holds the code itself (`node --import data:...`)."""
    if value.startswith("data:"):
        raise CannotJudge(f"{program} {option} {value[:40]}... runs code written inline in a "
                          "data: URL")
    for path in (value, value.split("=", 1)[-1]):
        if is_descriptor(path, scan.root):
            raise CannotJudge(f"{program} {option} {value} reads code from stdin or another "
                              "open descriptor")


def check_awk_program_files(argv: list[str], scan: Scan) -> None:
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
        if value is not None and (value == "-" or is_descriptor(value, scan.root)):
            raise CannotJudge(f"{argv[0]} reads its program from {value!r}, which is stdin (a "
                              "pipe or a here-doc) or another open descriptor")


def judge_interpreted(argv: list[str], dynamic: list[bool], interpreter: str, scan: Scan,
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
            check_script(argv[0], arg, dynamic[k] if k < len(dynamic) else False, scan, wrappers)
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
