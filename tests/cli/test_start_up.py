"""Start-up: `--version`, `--help`, `list` and `show` import only what they use.

Each command runs in a fresh interpreter, which then reports the modules it imported; the
assertions name modules, never times (tests/test_module_size.py and this file keep the
structure, benchmarks/peer_speed.py measures the seconds).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from specloom.cli import main as cli_main
from specloom.cli.main import COMMAND_MODULES, build_parser, command_word, terminal_columns

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bookshelf"

# imports nothing of its own before the command has run (io and sys are loaded at start)
REPORT = """
import io, sys
out, sys.stdout = sys.stdout, io.StringIO()
from specloom.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --help
    code = exc.code
modules = sorted(sys.modules)
sys.stdout = out
import json
print(json.dumps({"code": code, "modules": modules}))
"""

# Never needed to list or show specs: the check engine and its settings, the task gate and
# verification, model and process machinery, and the stdlib modules they bring.
HEAVY = ("specloom.quality.check", "specloom.quality.engine", "specloom.quality.settings",
         "specloom.core.config", "specloom.trace.task_gate", "specloom.trace.verify",
         "specloom.trace.fingerprints", "specloom.agent", "specloom.models", "pydantic",
         "multiprocessing", "subprocess", "threading", "asyncio", "concurrent", "shutil",
         "difflib", "uuid", "tempfile", "platform")
OTHER_COMMANDS = tuple(f"specloom.cli.{name}" for name in COMMAND_MODULES
                       if name != "spec_cmds")


def imported(*argv: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", REPORT, *argv], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["code"] == 0, result.stderr
    return set(report["modules"])


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The names that are imported, themselves or any module inside them."""
    return [name for name in names
            if any(m == name or m.startswith(name + ".") for m in modules)]


def test_version_imports_nothing_but_the_version() -> None:
    modules = imported("--version")
    assert {m for m in modules if m.startswith("specloom")} == {
        "specloom", "specloom.cli", "specloom.cli.main"}
    assert loaded(modules, ("argparse", "typing", "re", "pathlib", "json")) == []


def test_list_imports_the_spec_model_and_nothing_heavy() -> None:
    modules = imported("--root", str(EXAMPLE), "list")
    assert loaded(modules, HEAVY + OTHER_COMMANDS) == []
    assert loaded(modules, ("specloom.quality", "specloom.spec.requirements")) == []
    assert {"specloom.spec.loader", "specloom.spec.tasks"} <= modules
    # the example records no approval of specloom's own, so no document is hashed
    assert "hashlib" not in modules


def test_list_json_imports_nothing_heavy() -> None:
    modules = imported("--root", str(EXAMPLE), "list", "--json")
    assert loaded(modules, HEAVY + OTHER_COMMANDS + ("specloom.quality",)) == []


def test_show_imports_the_ears_parser_but_not_the_check_engine() -> None:
    modules = imported("--root", str(EXAMPLE), "show", "book-loans")
    assert loaded(modules, HEAVY + OTHER_COMMANDS) == []
    assert "specloom.quality.ears" in modules  # show counts EARS patterns


def test_help_imports_the_command_modules_only() -> None:
    modules = imported("--help")
    assert set(OTHER_COMMANDS) <= modules
    assert loaded(modules, (*HEAVY, "specloom.spec", "specloom.quality", "specloom.app")) == []


def registered(module_name: str) -> list[str]:
    import importlib

    parser = argparse.ArgumentParser(prog="specloom")
    commands = parser.add_subparsers(dest="command")
    importlib.import_module(f"specloom.cli.{module_name}").register(commands)
    return list(commands.choices)


@pytest.mark.parametrize("module_name", list(COMMAND_MODULES))
def test_the_table_names_what_each_module_registers(module_name: str) -> None:
    assert registered(module_name) == list(COMMAND_MODULES[module_name])


def test_one_command_parser_is_the_full_parser_for_that_command() -> None:
    full = build_parser()
    for commands in COMMAND_MODULES.values():
        for command in commands:
            alone = build_parser(command)
            assert _sub(alone, command).format_help() == _sub(full, command).format_help()
    assert build_parser("no-such-command").format_help() == full.format_help()


def _sub(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub: argparse.ArgumentParser = action.choices[command]
    return sub


def test_a_stale_table_falls_back_to_every_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_main, "COMMAND_MODULES",
                        {**COMMAND_MODULES, "spec_cmds": ("show", "task"),
                         "run_cmds": ("run", "list")})
    parser = build_parser("list")
    assert parser.parse_args(["list"]).command == "list"
    assert "checkpoint" in parser.format_help()


@pytest.mark.parametrize(("argv", "word"), [
    (["list"], "list"),
    (["--root", "x", "show", "cart"], "show"),
    (["--root=x", "check", "--help"], "check"),
    (["--root", "list", "show"], "show"),
    (["--help"], None),
    (["-h", "list"], None),
    (["--ro", "x", "list"], None),
    (["--root", "x"], None),
    ([], None),
])
def test_command_word(argv: list[str], word: str | None) -> None:
    assert command_word(argv) == word


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-3", "50", "123"])
def test_terminal_columns_is_shutils(monkeypatch: pytest.MonkeyPatch,
                                     columns: str | None) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns
