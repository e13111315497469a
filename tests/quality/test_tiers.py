"""The default rule selection (tiers) and the measured precision behind it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from specloom.cli.main import main
from specloom.core.config_files import SettingsError
from specloom.quality import tiers
from specloom.quality.check import check_workspace
from specloom.quality.registry import all_rules, default_codes
from specloom.quality.settings import CheckSettings, load_settings

from spec_fixtures import GOOD_REQUIREMENTS, MakeWorkspace, good_spec

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REALWORLD = PROJECT_ROOT.parent / "shared" / "data" / "realworld"


def _opt_in_code() -> str | None:
    opt_in = [code for code, rule in all_rules().items() if rule.tier == "opt-in"]
    return opt_in[0] if opt_in else None


@pytest.mark.req("spec-check", "11.1")
def test_every_rule_carries_its_tier_and_the_measurement_behind_it() -> None:
    for code, rule in all_rules().items():
        assert rule.tier in ("default", "opt-in")
        measured = tiers.MEASURED.get(code)
        if measured is None:
            assert rule.precision is None and rule.judged == 0
            continue
        true, judged = measured
        assert rule.judged == judged and rule.precision == pytest.approx(true / judged)
        expected = "default" if true / judged >= tiers.DEFAULT_MIN_PRECISION else "opt-in"
        assert rule.tier == expected


@pytest.mark.req("spec-check", "11.2", "11.3")
def test_without_select_only_the_default_tier_runs_and_all_selects_every_tier() -> None:
    default = CheckSettings()
    everything = CheckSettings(select=("ALL",))
    for code in all_rules():
        assert default.enabled(code) == (code in default_codes())
        assert everything.enabled(code)
    opt_in = _opt_in_code()
    if opt_in is not None:
        assert CheckSettings(select=(opt_in[0],)).enabled(opt_in)  # a family prefix
        assert CheckSettings(select=(opt_in,)).enabled(opt_in)  # the code itself
        assert CheckSettings(extend_select=(opt_in,)).enabled(opt_in)
        assert not CheckSettings(extend_select=(opt_in,), ignore=(opt_in,)).enabled(opt_in)


@pytest.mark.req("spec-check", "11.3")
def test_extend_select_and_all_are_read_from_the_configuration(
        make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace({
        "pyproject.toml": '[tool.specloom]\nextend-select = ["A007"]\nignore = ["C011"]\n'})
    settings = load_settings(workspace.root)
    assert settings.enabled("A007") and not settings.enabled("C011")
    workspace = make_workspace({"pyproject.toml": '[tool.specloom]\nselect = ["ALL"]\n'})
    settings = load_settings(workspace.root)
    assert all(settings.enabled(code) for code in all_rules())
    settings.require_known_codes()
    with pytest.raises(SettingsError, match="matches no rule"):
        CheckSettings(extend_select=("Q9",)).require_known_codes()


@pytest.mark.req("spec-check", "11.2", "11.3")
def test_check_reports_an_opt_in_rule_only_when_selected(make_workspace: MakeWorkspace) -> None:
    files = good_spec()
    files[".kiro/specs/cart/requirements.md"] = GOOD_REQUIREMENTS.replace(
        "SHALL delete the item from the cart.", "the item shall be deleted quickly.")
    workspace = make_workspace(files)
    everything = {d.code for d in check_workspace(
        workspace, settings=CheckSettings(select=("ALL",))).diagnostics}
    default = {d.code for d in check_workspace(workspace).diagnostics}
    assert default == {code for code in everything if code in default_codes()}
    assert everything - default == {code for code in everything
                                     if all_rules()[code].tier == "opt-in"}


@pytest.mark.req("spec-check", "11.4")
def test_rules_prints_the_tier_and_the_measured_precision(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for code, rule in all_rules().items():
        line = next(line for line in out.splitlines() if line.strip().startswith(code))
        assert rule.tier in line
        if rule.precision is not None:
            assert f"{rule.precision:.2f}" in line
    assert main(["rules", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {row["code"]: row["tier"] for row in data} == {
        code: rule.tier for code, rule in all_rules().items()}


@pytest.mark.req("spec-check", "11.1")
def test_the_tier_table_agrees_with_the_committed_labels() -> None:
    """Recomputes the measurement: a rule change or a label edit must update tiers.py."""
    if not REALWORLD.is_dir():
        pytest.skip(f"{REALWORLD} is absent: the real-world measurement cannot be repeated")
    printed = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "realworld.py"), "--tiers"],
        capture_output=True, text=True, check=True).stdout
    assert "# unjudged" not in printed, "a rule fires on real specs without judged findings"
    measured: dict[str, tuple[int, int]] = {}
    for line in printed.splitlines():
        if line.strip().startswith('"'):
            code, value = line.split(":", 1)
            true, judged = value.strip(" (),").split(",")
            measured[code.strip(' "')] = (int(true), int(judged))
    assert measured == tiers.MEASURED


@pytest.mark.req("spec-check", "11.2")
def test_model_drafts_are_judged_by_every_rule_unless_the_project_selects() -> None:
    drafts = CheckSettings().for_drafts()
    assert all(drafts.enabled(code) for code in all_rules())
    chosen = CheckSettings(select=("C",))
    assert chosen.for_drafts() is chosen
