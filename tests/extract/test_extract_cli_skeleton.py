"""`specloom extract --no-llm`: the skeleton passes `check`, is marked extracted, and the command
refuses to overwrite a spec a person wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from extract_shop_project import run_cli, write_project

from specloom.cli.errors import CliError
from specloom.core.errors import SpecloomError
from specloom.core.rule import Severity
from specloom.extract.draft import cited_facts
from specloom.quality.check import check_workspace
from specloom.spec.loader import load_spec
from specloom.spec.workspace import Workspace


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A fresh copy of the shop project (with a `.kiro/` folder) in a temporary folder."""
    return write_project(tmp_path / "proj")


@pytest.mark.req("extract-from-code", "2.3", "3.1", "3.2", "3.3", "3.4", "3.5", "6.4")
def test_no_llm_spec_passes_check_and_cites_facts(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm") == 0
    out, err = capsys.readouterr()
    assert "extract: [1/" in err and "linked to existing tests" in out
    assert '@pytest.mark.req("shop", ' in out
    report = check_workspace(Workspace(shop), ["shop"])
    assert not [d for d in report.diagnostics if d.severity >= Severity.ERROR]
    assert {d.code for d in report.diagnostics} <= {"A011", "A005", "A008", "A013"}
    spec = load_spec(Workspace(shop), "shop")
    assert spec.requirements is not None and spec.design is not None and spec.tasks is None
    facts = json.loads((shop / ".kiro/specs/shop/facts.json").read_text())
    known = {f["id"] for f in facts["facts"]}
    lines = (shop / ".kiro/specs/shop/requirements.md").read_text().splitlines()
    criteria = [line for line in lines if line[:1].isdigit()]
    assert criteria and all(set(cited_facts(line)) <= known and cited_facts(line)
                            for line in criteria)
    assert "WHEN a client sends GET /items/{name}, THE Api SHALL" in "\n".join(criteria)
    design = (shop / ".kiro/specs/shop/design.md").read_text()
    assert "```mermaid" in design and "shop_api --> shop_store" in design
    assert "NotFound" in design and "`price`: `float` = `0.0`" in design


@pytest.mark.req("extract-from-code", "8.1")
def test_config_marks_extracted_and_unreviewed(shop: Path) -> None:
    run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm", "--json")
    config = json.loads((shop / ".kiro/specs/shop/.config.kiro").read_text())
    assert config["specloom"] == {"origin": "extracted", "reviewed": False, "source": "shop",
                                  "writer": "skeleton"}
    assert config["workflowType"] == "requirements-first" and config["specId"]


@pytest.mark.req("extract-from-code", "5.5")
def test_json_report(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["written_by"] == "skeleton" and data["facts"]["route"] == 2
    assert data["linked_criteria"] > 0 and len(data["skipped"]) == 2


@pytest.mark.req("extract-from-code", "8.2")
def test_refuses_a_person_written_spec(shop: Path) -> None:
    folder = shop / ".kiro/specs/shop"
    folder.mkdir()
    (folder / "requirements.md").write_text("# Requirements\n")
    with pytest.raises(SpecloomError, match="not extracted by specloom"):
        run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm", "--force")
    assert (folder / "requirements.md").read_text() == "# Requirements\n"


@pytest.mark.req("extract-from-code", "8.3", "8.4", "8.5")
def test_replacing_an_extracted_spec_needs_force(shop: Path) -> None:
    run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm")
    spec_id = json.loads((shop / ".kiro/specs/shop/.config.kiro").read_text())["specId"]
    with pytest.raises(SpecloomError, match="--force"):
        run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm")
    assert run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm", "--force") == 0
    config = json.loads((shop / ".kiro/specs/shop/.config.kiro").read_text())
    assert config["specId"] == spec_id
    config["specloom"]["reviewed"] = True
    (shop / ".kiro/specs/shop/.config.kiro").write_text(json.dumps(config))
    with pytest.raises(SpecloomError, match="reviewed by a person"):
        run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm", "--force")


@pytest.mark.req("extract-from-code", "5.6")
def test_bad_name_and_missing_path(shop: Path) -> None:
    with pytest.raises(SpecloomError, match="kebab-case"):
        run_cli(shop, str(shop / "shop"), "--name", "Shop Spec", "--no-llm")
    with pytest.raises(SpecloomError, match="no such file"):
        run_cli(shop, str(shop / "nowhere"), "--name", "shop", "--no-llm")


@pytest.mark.req("extract-from-code", "5.4")
def test_a_model_that_cannot_be_opened_suggests_no_llm(shop: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from specloom.models import session
    from specloom.models.errors import ModelConfigError

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise ModelConfigError("the openai provider needs an API key: set OPENAI_API_KEY")

    monkeypatch.setattr(session, "open_model_session", refuse)
    with pytest.raises(CliError, match=r"OPENAI_API_KEY[\s\S]*--no-llm") as refused:
        run_cli(shop, str(shop / "shop"), "--name", "shop")
    assert refused.value.exit_code == 2
    assert not (shop / ".kiro/specs/shop").exists()


@pytest.mark.req("extract-from-code", "8.6")
def test_approving_every_extracted_document_marks_the_spec_reviewed(shop: Path) -> None:
    import re

    from specloom.workflows.flow import AuthoringError, approve

    run_cli(shop, str(shop / "shop"), "--name", "shop", "--no-llm", "--json")
    config_file = shop / ".kiro/specs/shop/.config.kiro"
    with pytest.raises(AuthoringError, match="placeholder"):  # the skeleton's <...> must go
        approve(Workspace(shop), "shop", "requirements", force=True)
    for name in ("requirements.md", "design.md"):  # the review: a person states each <...>
        path = shop / ".kiro/specs/shop" / name
        path.write_text(re.sub(r"<([^<>\n]*)>", r"\1", path.read_text()))
    approve(Workspace(shop), "shop", "requirements")
    assert json.loads(config_file.read_text())["specloom"]["reviewed"] is False
    approve(Workspace(shop), "shop", "design")
    block = json.loads(config_file.read_text())["specloom"]
    assert block["reviewed"] is True and block["origin"] == "extracted"
    assert set(block["approvals"]) == {"requirements", "design"}
