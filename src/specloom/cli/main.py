"""The `specloom` console script: argument parsing and dispatch, nothing else.

Command modules register their sub-commands and import the library lazily inside their
handlers; this module imports only `sys` before the `--version` fast path, and the command
modules when the parser is built, so `specloom --version` stays close to Python's own start.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from specloom import __version__

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from types import ModuleType

COMMAND_MODULES = ("check_cmd", "spec_cmds", "author_cmds", "steering_cmds", "trace_cmds",
                   "extract_cmds", "run_cmds", "mcp_cmds", "agent_cmds")


def _command_modules() -> list[ModuleType]:
    import importlib

    return [importlib.import_module(f"specloom.cli.{name}") for name in COMMAND_MODULES]


def _parser_class() -> type[argparse.ArgumentParser]:
    import argparse
    import difflib
    import re
    from typing import NoReturn

    class Parser(argparse.ArgumentParser):
        """argparse with "did you mean" for a mistyped command or choice, as git and ruff do."""

        def error(self, message: str) -> NoReturn:
            match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
            if match:
                choices = re.findall(r"'([^']*)'", match.group(2))
                close = difflib.get_close_matches(match.group(1), choices, n=1, cutoff=0.6)
                if close:
                    message = f"{message}; did you mean '{close[0]}'?"
            super().error(message)

    return Parser


def build_parser() -> argparse.ArgumentParser:
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
    for module in _command_modules():
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list in (["--version"], ["-V"]):
        print(f"specloom {__version__}")
        return 0
    from specloom.cli.common import keep_stderr

    keep_stderr()
    parser = build_parser()
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
