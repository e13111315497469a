"""The `specloom` console script: argument parsing and dispatch, nothing else.

Command modules register their sub-commands and import the library lazily inside their
handlers; this module imports only `sys` before the `--version` fast path, and when the
parser is built only the module of the command being run (every module for `--help`), so
`specloom --version` stays close to Python's own start and `specloom list` does not pay for
the parsers of `check`, `run` or `extract`.
"""

from __future__ import annotations

import sys

from specloom import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy reads the name)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from types import ModuleType
    from typing import Any, NoReturn

# Each command module and the commands it registers, in `--help` order. A run of one command
# builds the parser with its module alone (`specloom list` imports spec_cmds, not the check
# engine's); `--help`, no command or an unknown one builds it with every module.
# tests/cli/test_start_up.py checks this table against what each module registers.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "check_cmd": ("check", "rules"),
    "spec_cmds": ("list", "show", "task"),
    "author_cmds": ("new", "next", "approve", "refine"),
    "steering_cmds": ("steering", "init"),
    "trace_cmds": ("trace", "verify", "drift"),
    "extract_cmds": ("extract", "link"),
    "run_cmds": ("run",),
    "mcp_cmds": ("mcp", "agents"),
    "agent_cmds": ("checkpoint", "hook", "watch"),
}


def _command_modules(names: Sequence[str]) -> list[ModuleType]:
    import importlib

    return [importlib.import_module(f"specloom.cli.{name}") for name in names]


def command_word(argv: Sequence[str]) -> str | None:
    """The command `argv` runs when that is plain (only `--root PATH` or `--root=PATH` before
    it), else None: an option such as `-h` or an abbreviation is the full parser's to read."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--root":
            i += 2
        elif arg.startswith("--root="):
            i += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def _module_of(command: str | None) -> str | None:
    return next((module for module, commands in COMMAND_MODULES.items()
                 if command in commands), None)


def _parser_class() -> type[argparse.ArgumentParser]:
    import argparse

    class Formatter(argparse.HelpFormatter):
        """argparse's help layout, with the width found as `shutil.get_terminal_size` finds it
        but without importing shutil (and with it zlib, bz2 and lzma) on every run."""

        def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                     width: int | None = None) -> None:
            super().__init__(prog, indent_increment, max_help_position,
                             terminal_columns() - 2 if width is None else width)

    class Parser(argparse.ArgumentParser):
        """argparse with "did you mean" for a mistyped command or choice, as git and ruff do."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("formatter_class", Formatter)  # sub-commands' parsers too
            super().__init__(*args, **kwargs)

        def error(self, message: str) -> NoReturn:
            import difflib
            import re

            match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
            if match:
                choices = re.findall(r"'([^']*)'", match.group(2))
                close = difflib.get_close_matches(match.group(1), choices, n=1, cutoff=0.6)
                if close:
                    message = f"{message}; did you mean '{close[0]}'?"
            super().error(message)

    return Parser


def terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`: $COLUMNS, else the width of the terminal standard
    output goes to, else 80."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return columns


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or with `command` (a command word) only of the commands its
    module registers: the same parser for that command's arguments, its help and its errors."""
    parser = _parser_class()(
        prog="specloom",
        description="Spec-driven development on Kiro's .kiro/ specs: check, trace and run them "
                    "outside the IDE.",
        epilog="Exit codes: 0 success, 1 findings at or above --fail-on, 2 usage error or "
               "unreadable input. Run 'specloom COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"specloom {__version__}")
    parser.add_argument("--root", metavar="PATH",
                        help="folder containing .kiro/ (default: search upward from here)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    module = _module_of(command)
    for command_module in _command_modules(tuple(COMMAND_MODULES) if module is None
                                           else (module,)):
        command_module.register(commands)
    if module is not None and command not in commands.choices:  # the table is out of date
        return build_parser()
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list in (["--version"], ["-V"]):
        print(f"specloom {__version__}")
        return 0
    from specloom.cli.common import keep_stderr

    keep_stderr()
    parser = build_parser(command_word(args_list))
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return 2  # EXIT_USAGE
    return _dispatch(args, argv is None)


def _dispatch(args: argparse.Namespace, console: bool) -> int:
    import os

    from specloom.cli.common import restore_stderr
    from specloom.cli.errors import EXIT_USAGE
    from specloom.core.errors import SpecloomError

    try:
        code: int = args.handler(args)
        return code
    except SpecloomError as exc:  # CliError and every library error a person can fix
        print(f"specloom: error: {exc.user_message()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        restore_stderr()
        print("specloom: interrupted; no file was left half-written", file=sys.stderr)
        if console:  # the console script: exit now, not after a model thread's next token
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # FileRefused, an OSError too, is a SpecloomError: handled above
        if not _environment_error(exc):
            return _internal_error(exc)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"specloom: error: {where}{exc.strerror}; give yourself access to it (or free "
              "some space) and run the command again. Files are written atomically, so "
              "nothing was left half-written.", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug: say so plainly instead of dumping a traceback
        return _internal_error(exc)


def _environment_error(exc: OSError) -> bool:
    """A folder that cannot be written, a read-only or full disk: the user's to fix, not a bug."""
    import errno

    return isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.ENOSPC,
                                                             errno.EDQUOT)


def _internal_error(exc: Exception) -> int:
    import os

    if os.environ.get("SPECLOOM_DEBUG"):
        raise exc
    print(f"specloom: internal error: {type(exc).__name__}: {exc}\n"
          "This is a bug in specloom. Re-run with SPECLOOM_DEBUG=1 for the traceback "
          "and report it.", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main())
