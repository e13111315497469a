"""Helpers shared by command modules: workspace lookup and output."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from specloom.cli.errors import CliError
from specloom.spec.workspace import Workspace, WorkspaceError, find_workspace


def workspace_from(args: argparse.Namespace) -> Workspace:
    root = Path(args.root) if getattr(args, "root", None) else None
    try:
        return find_workspace(root=root)
    except WorkspaceError as exc:
        raise CliError(str(exc)) from None


def write_output(path: str, text: str, flag: str = "--output") -> None:
    """Write a report to the file a flag names; an unwritable path is a usage error."""
    from specloom.spec.files import write_atomic

    target = Path(path)
    if target.is_dir():
        raise CliError(f"{flag} {path}: is a folder; give a file name such as "
                       f"{(target / 'report.txt').as_posix()}")
    try:
        write_atomic(target, text.encode("utf-8"))
    except OSError as exc:
        raise CliError(f"{flag} {path}: cannot write the report: "
                       f"{exc.strerror or exc}; choose a writable file") from None


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
