"""Selecting steering for files and a prompt: modes, reasons, order, tokens and rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from specloom.context.steering import render_steering, select_steering
from specloom.context.tokens import estimate_tokens

from spec_fixtures import MakeWorkspace

FILES = {
    "AGENTS.md": "Agents: run the tests.\n",
    ".kiro/steering/tech.md": "Python 3.11.\n",
    ".kiro/steering/product.md": "---\ninclusion: always\n---\nA cart service.\n",
    ".kiro/steering/api.md": "---\ninclusion: fileMatch\nfileMatchPattern: 'src/api/**/*.py'\n---\nREST.\n",
    ".kiro/steering/release.md": "---\ninclusion: manual\n---\nRelease steps.\n",
    ".kiro/steering/rest.md": "---\ninclusion: auto\ndescription: REST API conventions. Use when adding or changing endpoints.\n---\nUse nouns.\n",
}


def names(selection: object) -> list[str]:
    return [item.file.name for item in selection.included]  # type: ignore[attr-defined]


@pytest.mark.req("steering-and-init", "3.1", "3.6")
def test_without_context_only_always_and_agents(make_workspace: MakeWorkspace,
                                                tmp_path: Path) -> None:
    selection = select_steering(make_workspace(FILES), home=tmp_path / "home")
    assert names(selection) == ["AGENTS", "product", "tech"]
    reasons = {i.file.name: i.reason for i in selection.included}
    assert reasons["tech"] == "always (no front matter)"
    assert reasons["product"] == "always"
    assert reasons["AGENTS"].startswith("always")
    excluded = {f.name: why for f, why in selection.excluded}
    assert excluded["api"].startswith("fileMatch src/api/**/*.py: no file in context")
    assert "#release is not mentioned" in excluded["release"]
    assert excluded["rest"].startswith("auto: no prompt")
    assert len(selection.excluded_tokens) == len(selection.excluded)


@pytest.mark.req("steering-and-init", "3.2", "3.3", "3.4", "6.1")
def test_file_match_manual_and_auto(make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    selection = select_steering(
        make_workspace(FILES), home=tmp_path / "home",
        paths=["src/api/v1/users.py", "README.md"],
        prompt="Add a REST endpoint for users, see #release")
    assert names(selection) == ["AGENTS", "product", "tech", "api", "release", "rest"]
    reasons = {i.file.name: i.reason for i in selection.included}
    assert reasons["api"] == "fileMatch src/api/**/*.py matched src/api/v1/users.py"
    assert reasons["release"] == "manual: #release"
    assert reasons["rest"] == "auto: description matches 'REST', 'adding', 'endpoints'"
    assert selection.excluded == ()


@pytest.mark.req("steering-and-init", "3.6")
def test_auto_below_threshold_says_what_was_shared(make_workspace: MakeWorkspace,
                                                   tmp_path: Path) -> None:
    selection = select_steering(make_workspace(FILES), home=tmp_path / "home",
                                prompt="rename the REST module")
    excluded = {f.name: why for f, why in selection.excluded}
    assert excluded["rest"] == "auto: prompt shares only 'REST' with the description (needs 2)"


@pytest.mark.req("steering-and-init", "3.3")
def test_mention_includes_a_file_of_another_mode(make_workspace: MakeWorkspace,
                                                 tmp_path: Path) -> None:
    selection = select_steering(make_workspace(FILES), home=tmp_path / "home",
                                prompt="follow #api please")
    reasons = {i.file.name: i.reason for i in selection.included}
    assert reasons["api"] == "mentioned: #api (fileMatch did not match)"


@pytest.mark.req("steering-and-init", "4.5")
def test_absolute_paths_become_workspace_relative(make_workspace: MakeWorkspace,
                                                  tmp_path: Path) -> None:
    ws = make_workspace(FILES)
    selection = select_steering(ws, home=tmp_path / "home",
                                paths=[str(ws.root / "src/api/x.py")])
    assert "api" in names(selection)


@pytest.mark.req("steering-and-init", "6.2")
def test_tokens_count_inlined_text(make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    ws = make_workspace({".kiro/steering/tech.md": "See #[[file:docs/a.md]]\n",
                         "docs/a.md": "x" * 40})
    (item,) = select_steering(ws, home=tmp_path / "home").included
    assert item.text == "See " + "x" * 40 + "\n"
    assert item.tokens == estimate_tokens(item.text) == 12


@pytest.mark.req("steering-and-init", "2.3")
def test_problems_are_reported_and_sorted(make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    ws = make_workspace({".kiro/steering/b.md": "---\ninclusion: nope\n---\n",
                         ".kiro/steering/a.md": "#[[file:missing.md]]\n"})
    selection = select_steering(ws, home=tmp_path / "home")
    assert [(p.path, p.code, p.line) for p in selection.problems] == [
        (".kiro/steering/a.md", "K003", 1), (".kiro/steering/b.md", "K002", 2)]
    assert names(selection) == ["a"]


@pytest.mark.req("steering-and-init", "6.3")
def test_render_is_deterministic_and_delimited(make_workspace: MakeWorkspace,
                                               tmp_path: Path) -> None:
    ws = make_workspace(FILES)
    first = render_steering(select_steering(ws, home=tmp_path / "home"))
    second = render_steering(select_steering(ws, home=tmp_path / "home"))
    assert first == second
    assert first.startswith('<steering name="AGENTS" source="AGENTS.md">\nAgents: run the tests.\n</steering>')
    assert '<steering name="tech" source=".kiro/steering/tech.md">\nPython 3.11.\n</steering>\n' in first


@pytest.mark.req("steering-and-init", "6.3")
def test_render_empty_selection(make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    assert render_steering(select_steering(make_workspace({}), home=tmp_path / "home")) == ""


@pytest.mark.req("steering-and-init", "6.2")
def test_estimate_tokens() -> None:
    assert [estimate_tokens("x" * n) for n in (0, 1, 4, 5, 8)] == [0, 1, 1, 2, 2]
