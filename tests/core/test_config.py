"""The one configuration model (core/config.py): every key, the merge rule, the errors, and the
same error message whether the CLI or the MCP server reads a bad file."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specloom.core.config import KIRO_SETTINGS, SpecloomConfig, load_config
from specloom.core.config_files import SettingsError
from specloom.core.rule import Severity

BOOKSHELF = Path(__file__).resolve().parents[2] / "examples" / "bookshelf"


def write(root: Path, pyproject: str | None = None, kiro: str | None = None) -> Path:
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    if kiro is not None:
        (root / KIRO_SETTINGS).parent.mkdir(parents=True, exist_ok=True)
        (root / KIRO_SETTINGS).write_text(kiro, encoding="utf-8")
    return root


def error_of(root: Path) -> str:
    with pytest.raises(SettingsError) as caught:
        load_config(root)
    return str(caught.value)


# -- each key -----------------------------------------------------------------------------------

KEYS: list[tuple[str, Callable[[SpecloomConfig], Any], Any]] = [
    ('select = ["a001", " c "]', lambda c: c.check.select, ("A001", "C")),
    ('extend-select = ["A007"]', lambda c: c.check.extend_select, ("A007",)),
    ('ignore = ["C011"]', lambda c: c.check.ignore, ("C011",)),
    ('fail-on = "warning"', lambda c: c.check.fail_on, Severity.WARNING),
    ('fail_on = "info"', lambda c: c.check.fail_on, Severity.INFO),
    ('severity = {a001 = "Error", C = "info"}', lambda c: c.check.severity,
     {"A001": Severity.ERROR, "C": Severity.INFO}),
    ('check = {select = ["ALL"], fail-on = "info"}', lambda c: (c.check.select, c.check.fail_on),
     (("ALL",), Severity.INFO)),
    ('model = "anthropic:claude-x"', lambda c: c.model, "anthropic:claude-x"),
    ('base-url = "http://127.0.0.1:8080/v1"', lambda c: c.base_url, "http://127.0.0.1:8080/v1"),
    ('test-command = "npx jest --outputFile {junit}"', lambda c: c.test_command,
     "npx jest --outputFile {junit}"),
    ('run-test-command = "python -m pytest -q"', lambda c: c.run_test_command,
     "python -m pytest -q"),
    ('commands = {allow = ["pytest*", "ruff  *"], deny = ["rm -rf *"]}',
     lambda c: (c.commands.allow, c.commands.deny), (("pytest*", "ruff *"), ("rm -rf *",))),
    ('sandbox = "off"', lambda c: c.sandbox, "off"),
    ("sandbox-network = true", lambda c: c.sandbox_network, True),
    ('secret-files = ["deploy.secrets"]', lambda c: c.secret_files, ("deploy.secrets",)),
]


@pytest.mark.req("spec-check", "7.3", "7.4")
@pytest.mark.parametrize(("line", "read", "expected"), KEYS, ids=[k[0] for k in KEYS])
@pytest.mark.parametrize("where", ["pyproject", "kiro"])
def test_each_key_is_parsed(tmp_path: Path, where: str, line: str,
                            read: Callable[[SpecloomConfig], Any], expected: Any) -> None:
    if where == "pyproject":
        write(tmp_path, pyproject=f"[project]\nname = 'x'\n\n[tool.specloom]\n{line}\n")
    else:
        write(tmp_path, kiro=f"{line}\n")
    assert read(load_config(tmp_path)) == expected


def test_defaults_without_files(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == SpecloomConfig()
    assert config.check.fail_on is Severity.ERROR and config.sandbox == "on"
    assert config.files == () and config.origin("model") is None


@pytest.mark.req("spec-check", "7.5")
def test_specloom_toml_overrides_pyproject_key_by_key(tmp_path: Path) -> None:
    write(tmp_path,
          pyproject='[tool.specloom]\nselect = ["A"]\nmodel = "anthropic:a"\n'
                    'base-url = "http://h/v1"\n[tool.specloom.commands]\nallow = ["pytest*"]\n'
                    'deny = ["rm *", "curl *"]\n[tool.specloom.severity]\nA001 = "error"\n',
          kiro='model = "google:g"\n[check]\nfail-on = "warning"\n[check.severity]\n'
               'A002 = "info"\n[commands]\ndeny = ["git push*"]\n')
    config = load_config(tmp_path)
    pyproject, kiro = tmp_path / "pyproject.toml", tmp_path / KIRO_SETTINGS
    assert config.files == (pyproject, kiro)
    assert config.check.select == ("A",) and config.origin("check.select") == pyproject
    assert config.check.fail_on is Severity.WARNING and config.origin("check.fail-on") == kiro
    assert config.check.severity == {"A002": Severity.INFO}  # a table value is replaced whole
    assert (config.model, config.origin("model")) == ("google:g", kiro)
    assert config.base_url == "http://h/v1"  # merged on its own, whichever file sets model
    assert config.commands.allow == ("pytest*",)
    assert config.commands.deny == ("rm *", "curl *", "git push*")  # deny lists add up


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    write(tmp_path, pyproject='[tool.specloom]\nmodel = "openai:a"\n')
    assert load_config(tmp_path).model == "openai:a"
    write(tmp_path, pyproject='[tool.specloom]\nmodel = "openai:b"\n')  # same size, same tick
    assert load_config(tmp_path).model == "openai:b"


# -- errors -------------------------------------------------------------------------------------

@pytest.mark.req("spec-check", "7.7")
@pytest.mark.parametrize(("pyproject", "kiro", "expected"), [
    ('[tool.specloom]\ntest-comand = "x"\n', None,
     "pyproject.toml: [tool.specloom] test-comand: unknown key; did you mean 'test-command'?"),
    ("[tool.specloom.commands]\ndenny = []\n", None,
     "pyproject.toml: [tool.specloom.commands] denny: unknown key; did you mean 'deny'?"),
    (None, 'modle = "local"\n',
     "settings/specloom.toml: modle: unknown key; did you mean 'model'?"),
    (None, '[check]\nfail-onn = "info"\n',
     "settings/specloom.toml: [check] fail-onn: unknown key; did you mean 'fail-on'?"),
    (None, "bogus = 1\n", "settings/specloom.toml: bogus: unknown key (known keys: base-url,"),
])
def test_an_unknown_key_names_the_file_the_key_and_the_nearest(
        tmp_path: Path, pyproject: str | None, kiro: str | None, expected: str) -> None:
    message = error_of(write(tmp_path, pyproject, kiro))
    assert expected in message
    assert "(known keys: " in message


@pytest.mark.req("spec-check", "7.8")
@pytest.mark.parametrize(("body", "expected"), [
    ("test-command = 5", "[tool.specloom] test-command: must be a string"),
    ('test-command = ["npx", "jest"]', "[tool.specloom] test-command: must be a string"),
    ('select = "A001"', '[tool.specloom] select: must be a list of rule codes, for example'),
    ('fail-on = "fatal"', "[tool.specloom] fail-on: unknown severity 'fatal'"),
    ('severity = {A001 = "loud"}', "[tool.specloom.severity] A001: unknown severity 'loud'"),
    ('check = {ignore = [1]}', "[tool.specloom.check] ignore: must be a list of rule codes"),
    ('model = ""', "[tool.specloom] model: must be a model string"),
    ("run-test-command = 5", "[tool.specloom] run-test-command: must be a non-empty string"),
    ("commands = 5", "[tool.specloom] commands: must be a table with allow"),
    ('commands = {allow = "pytest"}', "[tool.specloom.commands] allow: must be a list of glob"),
    ('sandbox = "maybe"', '[tool.specloom] sandbox: must be "on" or "off"'),
    ('sandbox-network = "yes"', "[tool.specloom] sandbox-network: must be true or false"),
    ('select = ["A"]\ncheck = {select = ["C"]}', "[tool.specloom] select: set both here and in "
                                                 "[tool.specloom.check]; keep one"),
])
def test_a_bad_value_names_the_file_and_the_key(tmp_path: Path, body: str,
                                                expected: str) -> None:
    message = error_of(write(tmp_path, pyproject=f"[tool.specloom]\n{body}\n"))
    assert message.startswith(f"{tmp_path / 'pyproject.toml'}: ")
    assert expected in message


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    assert "specloom.toml: invalid TOML" in error_of(write(tmp_path, kiro="= broken\n"))
    (tmp_path / KIRO_SETTINGS).write_bytes(b'model = "\xff"\n')
    assert "specloom.toml: not UTF-8 text" in error_of(tmp_path)


# -- the same message through the CLI and the MCP server ----------------------------------------

BAD_TEST_COMMAND = "[tool.specloom]\ntest-command = 5\n"


@pytest.fixture
def bad_shelf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SPECLOOM_DEBUG", raising=False)
    root = tmp_path / "bookshelf"
    shutil.copytree(BOOKSHELF, root, ignore=shutil.ignore_patterns(
        "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info"))
    with (root / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n" + BAD_TEST_COMMAND)
    return root


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.req("spec-check", "7.9")
@pytest.mark.anyio
async def test_a_bad_test_command_is_the_same_error_in_the_cli_and_over_mcp(
        bad_shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    from specloom.cli.main import main

    expected = error_of(bad_shelf)
    assert "pyproject.toml: [tool.specloom] test-command: must be a string" in expected
    tasks = bad_shelf / ".kiro/specs/book-loans/tasks.md"
    before = tasks.read_bytes()
    cli: list[str] = []
    for argv in (["verify", "book-loans"], ["task", "book-loans", "2.4", "--status", "done"]):
        assert main(["--root", str(bad_shelf), *argv]) == 2
        cli.append(capsys.readouterr().err)
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "specloom.cli.main", "--root", str(bad_shelf), "mcp"],
        cwd=bad_shelf)
    over_mcp: list[str] = []
    with open(bad_shelf.parent / "server-stderr.txt", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write_stream), \
                ClientSession(read, write_stream, read_timeout_seconds=120) as session:
            await session.initialize()
            for tool, arguments in (("verify", {"specs": ["book-loans"]}),
                                    ("set_task_status", {"spec": "book-loans", "task_id": "2.4",
                                                         "status": "done"})):
                result = await session.call_tool(tool, arguments)
                assert result.is_error
                over_mcp.append("".join(getattr(block, "text", "") for block in result.content))
    for text in cli + over_mcp:
        assert expected in text, text
    assert tasks.read_bytes() == before


# -- round trip ---------------------------------------------------------------------------------

CODES = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=5)
LEVELS = st.sampled_from(["error", "warning", "info"])
TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
NON_BLANK = TEXT.filter(lambda text: bool(text.strip()))
PATTERNS = st.lists(st.text("abcdefghijklmnopqrstuvwxyz*?-", min_size=1, max_size=6),
                    min_size=1, max_size=3).map(" ".join)

CHECK = st.fixed_dictionaries({}, optional={
    "select": st.lists(CODES, max_size=3), "extend-select": st.lists(CODES, max_size=3),
    "ignore": st.lists(CODES, max_size=3), "severity": st.dictionaries(CODES, LEVELS, max_size=3),
    "fail-on": LEVELS})
COMMANDS = st.fixed_dictionaries({}, optional={
    "allow": st.lists(PATTERNS, max_size=3), "deny": st.lists(PATTERNS, max_size=3)})
CONFIG = st.fixed_dictionaries({}, optional={
    "check": CHECK, "model": NON_BLANK, "base-url": TEXT, "test-command": TEXT,
    "run-test-command": NON_BLANK, "commands": COMMANDS, "sandbox": st.sampled_from(["on", "off"]),
    "sandbox-network": st.booleans(), "secret-files": st.lists(TEXT, max_size=3)})


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string for printable ASCII
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


@pytest.mark.req("spec-check", "7.3", "7.4")
@settings(max_examples=60, deadline=None)
@given(CONFIG, st.sampled_from(["pyproject", "kiro"]))
def test_any_valid_config_round_trips(data: dict[str, Any], where: str) -> None:
    assert SpecloomConfig.model_validate(data).model_dump(
        mode="json", by_alias=True, exclude_unset=True) == data
    body = "".join(f"{key} = {toml_value(value)}\n" for key, value in data.items())
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if where == "pyproject":
            write(root, pyproject=f"[tool.specloom]\n{body}")
        else:
            write(root, kiro=body)
        loaded = load_config(root)
    assert loaded.model_dump(mode="json", by_alias=True, exclude_unset=True) == data
