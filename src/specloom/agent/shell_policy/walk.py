"""Walk a command line: parse it with bashlex and judge each simple command it would run,
following wrappers, `find -exec`, shells given inline code and `builtin`."""

from __future__ import annotations

import re
from typing import Any

import bashlex  # type: ignore[import-untyped]

from specloom.agent.shell_policy.interpreters import (
    check_awk_program_files,
    check_script,
    interpreter_of,
    judge_interpreted,
)
from specloom.agent.shell_policy.paths import is_descriptor, is_inside
from specloom.agent.shell_policy.programs import (
    AWK,
    DANGEROUS_ASSIGN,
    INFO_FLAGS,
    MAX_DEPTH,
    OPAQUE,
    OPAQUE_OPTIONS,
    SHELLS,
    SUBSCRIPT_BUILTINS,
    TIME_KEYWORD,
)
from specloom.agent.shell_policy.scan import CannotJudge, Leaf, Scan
from specloom.agent.shell_policy.words import check_redirect, check_word, program_name
from specloom.agent.shell_policy.wrappers import chdir_option, find_starts, unwrap


def judge_line(command: str, scan: Scan, wrappers: list[list[str]], depth: int) -> None:
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


def _walk(node: Any, scan: Scan, wrappers: list[list[str]], depth: int) -> None:
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
            check_redirect(redirect, scan, None)
    elif kind == "word":
        check_word(node)  # `for` lists and function names
    elif kind in ("reservedword", "operator", "pipe"):
        return
    elif kind == "redirect":
        check_redirect(node, scan, None)
    else:
        raise CannotJudge(f"it uses a shell construct this policy does not follow ({kind})")


def _command(node: Any, scan: Scan, wrappers: list[list[str]], depth: int) -> None:
    argv: list[str] = []
    dynamic: list[bool] = []
    redirects: list[Any] = []
    for part in node.parts:
        if part.kind == "assignment":
            check_word(part)
            name = part.word.split("=", 1)[0].rstrip("+")
            if name in DANGEROUS_ASSIGN:
                raise CannotJudge(f"it sets {name}, which changes what later commands run")
        elif part.kind == "word":
            dynamic.append(check_word(part))
            argv.append(part.word)
        elif part.kind == "redirect":
            redirects.append(part)
        else:
            raise CannotJudge("it uses a shell construct this policy does not follow "
                              f"({part.kind})")
    program = program_name(argv[0], dynamic[0]) if argv else ""
    for redirect in redirects:
        check_redirect(redirect, scan, program)
    if argv:
        _simple([program, *argv[1:]], dynamic, scan, wrappers, depth)


def _subscript_expands(text: str) -> bool:
    """True when an array subscript in the text holds `$(` or a backtick: bash runs it."""
    start = text.find("[")
    return start >= 0 and ("$(" in text[start:] or "`" in text[start:])


# -- one simple command ---------------------------------------------------------------------

def _simple(argv: list[str], dynamic: list[bool], scan: Scan, wrappers: list[list[str]],
            depth: int) -> None:
    name = argv[0]
    _refuse_code_runners(name, argv)
    if name in ("cd", "pushd", "popd"):
        scan.changes_dir = True
    inner = unwrap(argv)
    if inner is not None:
        _wrapped(argv, inner, dynamic, scan, wrappers, depth)
        return
    if name == "find":
        _find(argv, dynamic, scan, wrappers, depth)
        return
    if name in SHELLS:
        _shell(argv, dynamic, scan, wrappers, depth)
        return
    interpreter = interpreter_of(name)
    if interpreter is not None:
        judge_interpreted(argv, dynamic, interpreter, scan, wrappers)
        return
    if name in AWK:
        check_awk_program_files(argv, scan)
    if name in AWK and any(re.search(r"system\s*\(|\|\s*\"|\|&|getline", a) for a in argv[1:]):
        scan.leaves.append(Leaf(argv, list(wrappers), True, "awk code that runs commands"))
        return
    if name == "builtin" and len(argv) > 1:
        _simple([program_name(argv[1], dynamic[1]), *argv[2:]], dynamic[1:], scan,
                [*wrappers, argv], depth)
        return
    if name in ("declare", "typeset", "local", "export", "readonly"):
        _declare(argv)
    if name == "printf" and "-v" in argv[1:]:
        raise CannotJudge("printf -v builds a variable from escapes")
    scan.leaves.append(Leaf(argv, list(wrappers)))


def _refuse_code_runners(name: str, argv: list[str]) -> None:
    """CannotJudge for a builtin that runs a string as code, by itself, with one of its
    options, or through an array subscript in a variable name it is given."""
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


def _wrapped(argv: list[str], inner: list[str], dynamic: list[bool], scan: Scan,
             wrappers: list[list[str]], depth: int) -> None:
    """Judge the command a wrapper runs (`inner`, the tail of `argv`), under the wrapper."""
    if not inner:
        scan.leaves.append(Leaf(argv, list(wrappers)))
        return
    start = len(argv) - len(inner)
    if chdir_option(argv[0], argv[1:start]):
        scan.changes_dir = True  # `env -C dir`, `sudo -D dir`: relative paths move too
    program = program_name(inner[0], dynamic[start] if start < len(dynamic) else False)
    _simple([program, *inner[1:]], dynamic[start:], scan, [*wrappers, argv], depth)


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


def _declare(argv: list[str]) -> None:
    for arg in argv[1:]:
        if arg.startswith("-") and ("i" in arg or "n" in arg):
            raise CannotJudge(f"{argv[0]} {arg} makes later assignments evaluate code")
        name = arg.split("=", 1)[0].rstrip("+")
        if "=" in arg and name in DANGEROUS_ASSIGN:
            raise CannotJudge(f"it sets {name}, which changes what later commands run")


def _find(argv: list[str], dynamic: list[bool], scan: Scan, wrappers: list[list[str]],
          depth: int) -> None:
    args = argv[1:]
    starts = find_starts(argv)
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
                    not is_inside(scan.root, s) for s in starts or ["."])):
                scan.runs_elsewhere = True  # it runs in directories outside the workspace
            program = program_name(inner[0], dynamic[offset] if offset < len(dynamic) else False)
            _simple([program, *inner[1:]], dynamic[offset:], scan, [*wrappers, argv], depth)
            i = end
        elif arg in ("-fprint", "-fprint0", "-fprintf", "-fls"):
            scan.leaves.append(Leaf(argv, list(wrappers), True, f"find {arg} writes a file"))
        i += 1


def _shell(argv: list[str], dynamic: list[bool], scan: Scan, wrappers: list[list[str]],
           depth: int) -> None:
    name, args = argv[0], argv[1:]
    if name == "busybox":
        if not args:
            raise CannotJudge("busybox without an applet")
        _simple([program_name(args[0], False), *args[1:]], [False] * len(args), scan,
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
            if arg.startswith("--") and i + 1 < len(args) and is_descriptor(args[i + 1], scan.root):
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
        judge_line(rest[0], scan, [*wrappers, argv], depth + 1)
        return
    if not rest:
        raise CannotJudge(f"{name} without a script reads its code from stdin (a pipe or "
                          "a here-doc)")
    script = len(argv) - len(rest)
    check_script(name, rest[0], dynamic[script] if script < len(dynamic) else False, scan, wrappers)
    scan.leaves.append(Leaf(argv, list(wrappers)))  # a script file: judged as the shell
