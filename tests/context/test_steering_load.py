"""Loading steering files: front matter, scopes, name clashes and K-code problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from specloom.context.rules import RULES
from specloom.context.steering import load_steering

from spec_fixtures import MakeWorkspace


@pytest.mark.req("steering-and-init", "1.3")
def test_no_front_matter_means_always(make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    ws = make_workspace({".kiro/steering/tech.md": "# Tech\nUse uv.\n"})
    files, problems = load_steering(ws, home=tmp_path / "home")
    assert problems == []
    (tech,) = files
    assert (tech.name, tech.inclusion, tech.scope) == ("tech", "always", "workspace")
    assert tech.display_path == ".kiro/steering/tech.md"
    assert tech.body == "# Tech\nUse uv.\n"


@pytest.mark.req("steering-and-init", "1.5")
def test_front_matter_fields_are_read(make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    ws = make_workspace({
        ".kiro/steering/api.md": "---\ninclusion: fileMatch\nfileMatchPattern:\n  - 'src/api/**/*.py'\n  - '*.yml'\n---\nREST rules\n",
        ".kiro/steering/style.md": "---\ninclusion: auto\ndescription: Code style for Python.\n---\nStyle\n",
    })
    files, problems = load_steering(ws, home=tmp_path / "home")
    assert problems == []
    api, style = files
    assert api.patterns == ("src/api/**/*.py", "*.yml")
    assert api.body == "REST rules\n" and api.body_line == 7
    assert style.inclusion == "auto" and style.description == "Code style for Python."


@pytest.mark.req("steering-and-init", "1.1", "1.2")
def test_workspace_wins_over_user_and_agents_comes_first(make_workspace: MakeWorkspace,
                                                          tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".kiro/steering").mkdir(parents=True)
    (home / ".kiro/steering/tech.md").write_text("user tech\n")
    (home / ".kiro/steering/personal.md").write_text("mine\n")
    ws = make_workspace({".kiro/steering/tech.md": "workspace tech\n", "AGENTS.md": "Be brief.\n"})
    files, _ = load_steering(ws, home=home)
    assert [(f.name, f.scope) for f in files] == [
        ("AGENTS", "agents"), ("tech", "workspace"), ("personal", "user")]
    assert files[1].body == "workspace tech\n"
    assert files[2].display_path == "~/.kiro/steering/personal.md"


@pytest.mark.req("steering-and-init", "2.1", "2.6")
def test_broken_yaml_is_a_finding_with_line_and_the_rest_load(
        make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    ws = make_workspace({
        ".kiro/steering/bad.md": "---\ninclusion: always\ndescription: [oops\n---\nbody\n",
        ".kiro/steering/open.md": "---\ninclusion: always\nbody without end\n",
        ".kiro/steering/good.md": "fine\n",
    })
    files, problems = load_steering(ws, home=tmp_path / "home")
    assert [f.name for f in files] == ["good"]
    found = {(p.path, p.code) for p in problems}
    assert found == {(".kiro/steering/bad.md", "K001"), (".kiro/steering/open.md", "K001")}
    bad = next(p for p in problems if p.path.endswith("bad.md"))
    assert bad.line >= 3


@pytest.mark.req("steering-and-init", "2.3")
def test_unknown_inclusion_is_k002_at_its_line(make_workspace: MakeWorkspace,
                                                tmp_path: Path) -> None:
    ws = make_workspace({".kiro/steering/x.md": "---\nname: x\ninclusion: sometimes\n---\nx\n"})
    files, problems = load_steering(ws, home=tmp_path / "home")
    assert files == []
    (problem,) = problems
    assert (problem.code, problem.line) == ("K002", 3)
    assert "sometimes" in problem.message


@pytest.mark.req("steering-and-init", "1.4")
def test_inclusion_is_case_insensitive(make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    ws = make_workspace({".kiro/steering/x.md": "---\ninclusion: FileMatch\nfileMatchPattern: '*.py'\n---\n"})
    files, problems = load_steering(ws, home=tmp_path / "home")
    assert problems == [] and files[0].inclusion == "fileMatch"


@pytest.mark.req("steering-and-init", "2.4", "2.5")
def test_filematch_without_pattern_and_auto_without_description_still_load(
        make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    ws = make_workspace({
        ".kiro/steering/a.md": "---\ninclusion: fileMatch\n---\na\n",
        ".kiro/steering/b.md": "---\ninclusion: fileMatch\nfileMatchPattern: 3\n---\nb\n",
        ".kiro/steering/c.md": "---\ninclusion: auto\n---\nc\n",
    })
    files, problems = load_steering(ws, home=tmp_path / "home")
    assert [f.name for f in files] == ["a", "b", "c"]
    assert [(p.path.rsplit("/", 1)[-1], p.code, p.line) for p in problems] == [
        ("a.md", "K005", 2), ("b.md", "K005", 3), ("c.md", "K006", 2)]


@pytest.mark.req("steering-and-init", "2.1", "2.2")
def test_non_mapping_front_matter_and_binary_files(make_workspace: MakeWorkspace,
                                                   tmp_path: Path) -> None:
    ws = make_workspace({".kiro/steering/list.md": "---\n- a\n- b\n---\nx\n",
                         ".kiro/steering/bin.md": b"\xff\xfe\x00bad"})
    files, problems = load_steering(ws, home=tmp_path / "home")
    assert files == []
    assert sorted(p.code for p in problems) == ["K001", "K001"]


def test_rules_have_unique_codes_and_names() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(r.code.startswith("K") and r.family == "steering" for r in RULES)
