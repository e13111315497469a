"""Configuration (select, ignore, severity, fail-on) and inline suppression comments."""

from __future__ import annotations

import pytest

from specloom.core.config_files import SettingsError
from specloom.core.rule import Severity
from specloom.quality.check import check_workspace
from specloom.quality.settings import CheckSettings, load_settings
from specloom.quality.suppression import find_suppressions

from spec_fixtures import GOOD_REQUIREMENTS, MakeWorkspace, good_spec

VAGUE = GOOD_REQUIREMENTS.replace("SHALL delete the item from the cart.",
                                  "SHALL quickly delete the item from the cart.")


def test_prefix_selection_prefers_the_longest_prefix() -> None:
    settings = CheckSettings(select=("A",), ignore=("A0",))
    assert not settings.enabled("A001")
    settings = CheckSettings(select=("A001",), ignore=("A",))
    assert settings.enabled("A001")
    assert not settings.enabled("A002")
    assert not settings.enabled("C001")


@pytest.mark.req("spec-check", "7.3", "7.4", "7.5")
def test_pyproject_and_kiro_settings_are_merged(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace({
        "pyproject.toml": '[tool.specloom]\nignore = ["A005"]\nfail-on = "warning"\n'
                          '[tool.specloom.severity]\nA001 = "error"\n',
        ".kiro/settings/specloom.toml": 'ignore = ["A006"]\n',
    })
    settings = load_settings(workspace.root)
    assert settings.ignore == ("A006",)  # specloom.toml wins key by key
    assert settings.fail_on is Severity.WARNING
    assert settings.severity_of("A001", Severity.WARNING) is Severity.ERROR


def test_a_command_line_select_replaces_the_files_whole_selection() -> None:
    configured = CheckSettings(select=("E",), extend_select=("A001",), ignore=("A006", "E002"),
                               severity={"A006": Severity.ERROR}, fail_on=Severity.WARNING)
    # as in ruff: --select drops the files' select, extend-select and ignore
    settings = configured.with_overrides(["A006"], None, None)
    assert (settings.select, settings.extend_select, settings.ignore) == (("A006",), (), ())
    assert settings.enabled("A006")
    assert not settings.enabled("A001")
    assert not settings.enabled("E001")
    # the command line's own extend-select and ignore still apply; severity and fail-on stay
    settings = configured.with_overrides(["A"], ["A00"], None, ["E002"])
    assert (settings.select, settings.extend_select, settings.ignore) == (
        ("A",), ("E002",), ("A00",))
    assert settings.enabled("A010") and settings.enabled("E002")
    assert not settings.enabled("A006")
    assert settings.severity_of("A006", Severity.WARNING) is Severity.ERROR
    assert settings.fail_on is Severity.WARNING


def test_without_a_command_line_select_the_command_line_adds_to_the_files() -> None:
    configured = CheckSettings(select=("E",), extend_select=("A001",), ignore=("E002",))
    settings = configured.with_overrides(None, ["E003"], "info", ["A005"])
    assert settings.select == ("E",)
    assert settings.extend_select == ("A001", "A005")
    assert settings.ignore == ("E002", "E003")
    assert settings.fail_on is Severity.INFO
    assert settings.enabled("A001") and settings.enabled("A005") and settings.enabled("E001")
    assert not settings.enabled("E002") and not settings.enabled("E003")


def test_check_select_reports_a_rule_the_pyproject_ignores(
        make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]) -> None:
    from specloom.cli.main import main

    files = good_spec()
    files[".kiro/specs/cart/requirements.md"] = VAGUE
    files["pyproject.toml"] = ('[tool.specloom]\nextend-select = ["A005"]\n'
                               'ignore = ["A001"]\n')
    workspace = make_workspace(files)
    root = str(workspace.root)
    assert main(["--root", root, "check", "--format", "json", "--select", "A00"]) == 0
    out = capsys.readouterr().out
    assert '"code": "A001"' in out
    assert main(["--root", root, "check", "--format", "json", "--select", "A002"]) == 0
    assert '"code": "A001"' not in capsys.readouterr().out
    assert main(["--root", root, "check", "--format", "json", "--extend-select", "A0"]) == 0
    assert '"code": "A001"' not in capsys.readouterr().out  # without --select the file's ignore holds


def test_a_typo_in_the_files_is_an_error_even_under_a_command_line_select(
        make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]) -> None:
    from specloom.cli.main import main

    files = good_spec()
    files["pyproject.toml"] = '[tool.specloom]\nignore = ["A0O1"]\n'
    workspace = make_workspace(files)
    assert main(["--root", str(workspace.root), "check", "--select", "A001"]) == 2
    assert "'A0O1' matches no rule code" in capsys.readouterr().err


@pytest.mark.parametrize(("content", "expected"), [
    ('[tool.specloom]\nselect = "A001"\n', "must be a list"),
    ('[tool.specloom]\nfail-on = "fatal"\n', "unknown severity"),
    ('[tool.specloom]\nselec = ["A"]\n', "selec: unknown key; did you mean 'select'?"),
    ("[tool.specloom\n", "invalid TOML"),
])
def test_bad_settings_name_the_file_and_the_fix(make_workspace: MakeWorkspace, content: str,
                                                expected: str) -> None:
    workspace = make_workspace({"pyproject.toml": content})
    with pytest.raises(SettingsError, match=r"pyproject\.toml") as caught:
        load_settings(workspace.root)
    assert expected in str(caught.value)


def test_configured_severity_applies(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/requirements.md"] = VAGUE
    workspace = make_workspace(files)
    report = check_workspace(workspace, settings=CheckSettings(
        select=("ALL",), severity={"A001": Severity.ERROR}))
    vague = [d for d in report.diagnostics if d.code == "A001"]
    assert vague and all(d.severity is Severity.ERROR for d in vague)
    assert report.failed


@pytest.mark.req("spec-check", "7.6")
def test_inline_suppression_on_the_line_and_the_next_line(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/requirements.md"] = VAGUE.replace(
        "from the cart.", "from the cart. <!-- specloom-ignore: A001 -->")
    report = check_workspace(make_workspace(files))
    assert not [d for d in report.diagnostics if d.code == "A001"]


@pytest.mark.req("spec-check", "7.6")
def test_suppression_comment_forms() -> None:
    lines = [
        "<!-- specloom-ignore: A001, a005 -->\n",
        "\n",
        "1. first\n",
        "2. second <!-- specloom-ignore -->\n",
        "<!-- specloom-ignore-file: C002 -->\n",
    ]
    found = find_suppressions(lines)
    assert found.silences("A001", 3) and found.silences("A005", 3)
    assert not found.silences("A002", 3)
    assert found.silences("Z999", 4)
    assert found.silences("C002", 1)
    assert not found.silences("A001", 1)


@pytest.mark.req("spec-check", "5.4")
def test_code_spans_are_not_read_as_prose(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/requirements.md"] = GOOD_REQUIREMENTS.replace(
        "SHALL delete the item from the cart.",
        "SHALL print `specloom rules <code> TBD` for the item.")
    report = check_workspace(make_workspace(files), settings=CheckSettings(select=("A",)))
    assert [d.code for d in report.diagnostics] == []
    files[".kiro/specs/cart/requirements.md"] = GOOD_REQUIREMENTS.replace(
        "SHALL delete the item from the cart.", "SHALL print TBD for the item.")
    report = check_workspace(make_workspace(files), settings=CheckSettings(select=("A",)))
    assert [d.code for d in report.diagnostics] == ["A011"]


@pytest.mark.parametrize("argv", [["--select", "ZZZ"], ["--ignore", "A001,Q9"], ["--jobs", "0"]])
def test_selectors_matching_no_rule_and_bad_jobs_are_usage_errors(
        make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    from specloom.cli.main import main

    workspace = make_workspace(good_spec())
    assert main(["--root", str(workspace.root), "check", *argv]) == 2
    err = capsys.readouterr().err
    assert "matches no rule code" in err or "--jobs 0" in err
