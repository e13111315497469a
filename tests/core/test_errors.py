"""One error base: every user-facing exception is a `SpecloomError`, and the adapters translate
it once (the CLI into `specloom: error: ...` with its exit code, the MCP server into a tool
error with the same message)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import NoReturn

import pytest

import specloom
from specloom.cli import trace_cmds
from specloom.cli.main import main
from specloom.core.config_files import SettingsError
from specloom.core.errors import SpecloomError
from specloom.spec.source import FileRefused

# Exceptions that never reach a person as an error, each with the reason.
INTERNAL = {
    # messages for the model: returned to it as the file tool's result, never raised to an adapter
    "specloom.agent.safe_open.StaleWrite",
    "specloom.agent.sandbox.PathRefused",
    # the shell policy's control flow: turned into a refusal verdict with its own wording
    "specloom.agent.shell_policy.scan.CannotJudge",
    "specloom.agent.shell_policy.scan.WritesOutside",
    # scanner control flow: "this file cannot be tokenized", read it another way
    "specloom.trace.python_scan._Untokenizable",
    # scanner control flow: "this file cannot be read without tokenize", read it through it
    "specloom.trace.python_fast._NotSure",
    # a value, never raised: what reading a spec file met, turned into an S001 finding
    "specloom.spec.folder.UnsearchableFolder",
}


def exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in a specloom module, by dotted name."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(specloom.__path__, "specloom."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, BaseException)
                    and value.__module__ == module.__name__):
                found[f"{module.__name__}.{value.__qualname__}"] = value
    return found


def test_every_user_facing_exception_is_a_specloom_error() -> None:
    classes = exception_classes()
    outside = sorted(name for name, cls in classes.items()
                     if not issubclass(cls, SpecloomError) and name not in INTERNAL)
    assert outside == [], ("derive these from specloom.core.errors.SpecloomError, or list them "
                           "in INTERNAL with the reason they never reach a person")
    assert "specloom.quality.check.UnknownSpecError" in classes  # the walk found the modules


def test_the_internal_list_names_only_internal_exceptions() -> None:
    classes = exception_classes()
    assert sorted(INTERNAL - classes.keys()) == []
    assert [name for name in sorted(INTERNAL) if issubclass(classes[name], SpecloomError)] == []


def test_existing_bases_are_kept_for_callers_that_catch_them() -> None:
    from specloom.quality.check import UnknownSpecError
    from specloom.workflows.naming import SpecNameError

    assert issubclass(FileRefused, OSError)
    assert issubclass(UnknownSpecError, LookupError)
    assert issubclass(SpecNameError, ValueError)


def test_defaults_and_attributes() -> None:
    plain = SpecloomError("tasks.md:4: no task 9; use one of 1, 2")
    assert (plain.path, plain.line, plain.hint, plain.exit_code) == (None, None, None, 2)
    assert plain.user_message() == "tasks.md:4: no task 9; use one of 1, 2"
    full = SpecloomError("tasks.md:4: bad box", path="tasks.md", line=4, hint="use [ ] or [x]",
                         exit_code=1)
    assert (full.path, full.line, full.exit_code) == ("tasks.md", 4, 1)
    assert full.user_message() == "tasks.md:4: bad box; use [ ] or [x]"
    refused = FileRefused("tasks.md is a directory, not a file", "remove or rename the folder")
    assert str(refused) == "tasks.md is a directory, not a file"
    assert refused.user_message() == ("tasks.md is a directory, not a file; remove or rename "
                                      "the folder")


def raising(error: BaseException) -> object:
    def handler(args: object) -> NoReturn:
        raise error

    return handler


@pytest.mark.parametrize(("error", "message", "code"), [
    (SpecloomError("requirements.md:3: bad line; write it in EARS"),
     "requirements.md:3: bad line; write it in EARS", 2),
    (SettingsError("pyproject.toml: [tool.specloom] fail-on must be a string"),
     "pyproject.toml: [tool.specloom] fail-on must be a string", 2),
    (FileRefused("tasks.md is a directory, not a file", "remove or rename the folder"),
     "tasks.md is a directory, not a file; remove or rename the folder", 2),
    (SpecloomError("task 2 of cart is not done", exit_code=1), "task 2 of cart is not done", 1),
])
def test_a_specloom_error_in_a_cli_handler_is_one_line_and_its_exit_code(
        error: SpecloomError, message: str, code: int, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SPECLOOM_DEBUG", raising=False)
    monkeypatch.setattr(trace_cmds, "run_trace", raising(error))
    (tmp_path / ".kiro" / "specs").mkdir(parents=True)

    assert main(["--root", str(tmp_path), "trace"]) == code
    captured = capsys.readouterr()
    assert captured.err == f"specloom: error: {message}\n"
    assert "Traceback" not in captured.out + captured.err


def test_a_library_error_reaches_the_cli_untranslated_by_the_handler(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SPECLOOM_DEBUG", raising=False)
    (tmp_path / ".kiro" / "specs" / "cart").mkdir(parents=True)

    assert main(["--root", str(tmp_path), "trace", "carts"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("specloom: error: ") and "cart" in err
    assert "Traceback" not in err and "internal error" not in err


def test_the_mcp_server_returns_the_cli_message_as_the_tool_error() -> None:
    from mcp.server.mcpserver.exceptions import ToolError

    from specloom.mcp_server.server import guarded

    refused = FileRefused("tasks.md is a directory, not a file", "remove or rename the folder")

    def read() -> NoReturn:
        raise refused

    with pytest.raises(ToolError) as caught:
        guarded(read)
    assert str(caught.value) == refused.user_message()
