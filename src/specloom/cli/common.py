"""Helpers shared by command modules: workspace lookup and output.

Every command module imports this one when the parser is built, for `--help` and `list` as
much as for `check`, so it imports only what registering needs; the rest is imported by the
helper that uses it (tests/cli/test_start_up.py holds start-up to that).
"""

from __future__ import annotations

import contextlib
import os
import sys

from specloom.cli.errors import EXIT_FINDINGS, EXIT_USAGE, CliError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy reads the name)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator
    from pathlib import Path
    from typing import Any

    from specloom.spec.workspace import Workspace


def workspace_from(args: argparse.Namespace) -> Workspace:
    from pathlib import Path

    from specloom.spec.workspace import find_workspace

    root = Path(args.root) if getattr(args, "root", None) else None
    return find_workspace(root=root)


_stderr_copy: int | None = None


def keep_stderr() -> None:
    """Remember where standard error goes: a model thread may point fd 2 and `sys.stderr` at
    /dev/null for a moment (llama.cpp logs from C), and an interrupt must still be reported."""
    global _stderr_copy
    if _stderr_copy is None:
        try:
            _stderr_copy = os.dup(2)
        except OSError:
            _stderr_copy = None


def restore_stderr() -> None:
    """Point fd 2 and `sys.stdout`/`sys.stderr` back where they went when the command started
    (after an interrupt)."""
    if sys.__stderr__ is not None and getattr(sys.stderr, "name", None) == os.devnull:
        sys.stderr = sys.__stderr__
    if sys.__stdout__ is not None and getattr(sys.stdout, "name", None) == os.devnull:
        sys.stdout = sys.__stdout__
    if _stderr_copy is not None:
        with contextlib.suppress(OSError):
            os.dup2(_stderr_copy, 2)


def workspace_or_create(args: argparse.Namespace) -> Workspace:
    """The workspace for a command that writes specs or steering (`new`, `extract`, `init`).

    `--root PATH` when given; else the nearest `.kiro/` at or above here within this repository;
    else a new `.kiro/` at the repository root (the nearest folder above with `.git`, or the
    current folder outside git), announced on standard error, so the first run just works.
    """
    from pathlib import Path

    from specloom.spec.workspace import Workspace, WorkspaceError, find_workspace, workspace_home

    if getattr(args, "root", None):
        root = Path(args.root).expanduser().resolve()
        try:
            return find_workspace(root=root)
        except WorkspaceError as exc:
            if not root.is_dir():
                raise CliError(str(exc)) from None
            return _create_kiro(root, "the folder --root names")
    root, found = workspace_home(Path.cwd().resolve())
    if found:
        return Workspace(root)
    return _create_kiro(root, "the repository root")


def _create_kiro(root: Path, what: str) -> Workspace:
    from specloom.spec.workspace import Workspace

    (root / ".kiro").mkdir(exist_ok=True)
    print(f"specloom: created .kiro/ in {root} (no .kiro/ folder was found; this is {what})",
          file=sys.stderr)
    return Workspace(root)


def write_output(path: str, text: str, flag: str = "--output") -> None:
    """Write a report to the file a flag names; an unwritable path is a usage error."""
    from pathlib import Path

    from specloom.spec.files import write_atomic

    target = Path(path)
    if target.is_dir():
        raise CliError(f"{flag} {path}: is a folder; give a file name such as "
                       f"{(target / 'report.txt').as_posix()}")
    try:
        if target.exists() and not target.is_file():
            # a device or pipe (`/dev/null`, `/dev/stdout`, a FIFO): written to, never
            # replaced; an atomic rename would put a regular file in its place
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
            return
        write_atomic(target, text.encode("utf-8"))
    except OSError as exc:
        raise CliError(f"{flag} {path}: cannot write the report: "
                       f"{exc.strerror or exc}; choose a writable file") from None


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """The use cases' expected failures (specloom.app.errors) as a CliError with the message
    every adapter shows: exit 1 for a refusal, 2 for bad input. Anything else goes on."""
    try:
        yield
    except CliError:
        raise
    except Exception as exc:
        from specloom.app.errors import user_error

        found = user_error(exc)
        if found is None:
            raise
        raise CliError(str(found), EXIT_FINDINGS if found.refusal else EXIT_USAGE) from None
