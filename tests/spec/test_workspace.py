"""Workspace discovery, flat spec folders, `.config.kiro` and cc-sdd's `spec.json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specloom.cli.main import main
from specloom.spec.config import SpecConfig, parse_config
from specloom.spec.loader import load_spec
from specloom.spec.workspace import Workspace, WorkspaceError, find_workspace

CC_SDD_SPEC_JSON = {
    "feature_name": "cart",
    "created_at": "2025-08-01T10:00:00Z",
    "language": "ja",
    "phase": "tasks-generated",
    "approvals": {
        "requirements": {"generated": True, "approved": True},
        "design": {"generated": True, "approved": False},
        "tasks": {"generated": True, "approved": False},
    },
    "ready_for_implementation": False,
}


def make_specs(root: Path, *names: str) -> Workspace:
    for name in names:
        (root / ".kiro" / "specs" / name).mkdir(parents=True, exist_ok=True)
    (root / ".kiro" / "specs").mkdir(parents=True, exist_ok=True)
    return Workspace(root)


def write_spec_file(workspace: Workspace, spec: str, name: str, content: str) -> None:
    folder = workspace.spec_dir(spec)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(content, encoding="utf-8")


@pytest.mark.req("spec-check", "1.1")
def test_discovery_walks_up_from_a_nested_folder(tmp_path: Path) -> None:
    make_specs(tmp_path, "cart")
    nested = tmp_path / "src" / "pkg" / "deep"
    nested.mkdir(parents=True)

    assert find_workspace(nested).root == tmp_path.resolve()


@pytest.mark.req("spec-check", "1.1")
def test_discovery_stops_at_the_nearest_kiro_folder(tmp_path: Path) -> None:
    make_specs(tmp_path, "top")
    package = tmp_path / "packages" / "api"
    make_specs(package, "api-spec")
    inner = package / "src"
    inner.mkdir()

    found = find_workspace(inner)

    assert found.root == package.resolve()
    assert found.spec_names() == ["api-spec"]


@pytest.mark.req("spec-check", "1.2")
def test_explicit_root_wins_over_discovery(tmp_path: Path) -> None:
    make_specs(tmp_path / "a", "one")
    make_specs(tmp_path / "b", "two")

    found = find_workspace(start=tmp_path / "a", root=tmp_path / "b")

    assert found.root == (tmp_path / "b").resolve()
    assert found.spec_names() == ["two"]


def test_explicit_root_without_kiro_explains_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match=r"--root .*no \.kiro/ folder there.*specloom init"):
        find_workspace(root=tmp_path)


def test_explicit_root_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no such folder"):
        find_workspace(root=tmp_path / "missing")


@pytest.mark.req("spec-check", "1.3")
def test_missing_kiro_folder_gives_a_helpful_message(tmp_path: Path) -> None:
    start = tmp_path / "project" / "src"
    start.mkdir(parents=True)

    with pytest.raises(WorkspaceError) as raised:
        find_workspace(start)

    message = str(raised.value)
    assert str(start.resolve()) in message
    assert "no .kiro/ folder" in message and "--root PATH" in message


@pytest.mark.req("spec-check", "1.2")
def test_cli_root_option_finds_specs_from_anywhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    make_specs(tmp_path / "project", "cart")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    code = main(["--root", str(tmp_path / "project"), "list", "--json"])

    assert code == 0
    assert [row["name"] for row in json.loads(capsys.readouterr().out)["specs"]] == ["cart"]


@pytest.mark.req("spec-check", "1.3")
def test_cli_without_a_workspace_says_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)

    code = main(["list"])

    assert code == 2
    assert "no .kiro/ folder" in capsys.readouterr().err


def test_a_kiro_file_is_not_a_workspace(tmp_path: Path) -> None:
    (tmp_path / ".kiro").write_text("not a folder")

    with pytest.raises(WorkspaceError):
        find_workspace(root=tmp_path)


@pytest.mark.req("spec-check", "1.4")
def test_specs_are_flat_sorted_and_hidden_folders_skipped(tmp_path: Path) -> None:
    workspace = make_specs(tmp_path, "zeta", "alpha", "alpha/nested-not-a-spec", ".trash",
                           ".git")
    (workspace.specs_dir / "README.md").write_text("not a spec")

    assert workspace.spec_names() == ["alpha", "zeta"]


def test_no_specs_folder_means_no_specs(tmp_path: Path) -> None:
    (tmp_path / ".kiro" / "steering").mkdir(parents=True)

    assert Workspace(tmp_path).spec_names() == []


def test_relative_display_paths(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)

    assert workspace.relative(workspace.spec_dir("cart") / "tasks.md") == \
        ".kiro/specs/cart/tasks.md"
    assert workspace.relative(Path("/elsewhere/file.md")) == "/elsewhere/file.md"


def test_config_is_read_with_known_and_unknown_keys(tmp_path: Path) -> None:
    workspace = make_specs(tmp_path, "cart")
    write_spec_file(workspace, "cart", ".config.kiro", json.dumps(
        {"specId": "6f1c", "workflowType": "design-first", "specType": "bugfix", "team": "web"}))

    spec = load_spec(workspace, "cart")

    assert (spec.config.spec_id, spec.config.workflow_type, spec.config.spec_type) == (
        "6f1c", "design-first", "bugfix")
    assert spec.config.raw["team"] == "web"
    assert spec.kind == "bugfix"
    assert spec.file_problems == {}


@pytest.mark.req("spec-check", "4.1")
def test_invalid_config_json_is_a_problem_with_its_line(tmp_path: Path) -> None:
    workspace = make_specs(tmp_path, "cart")
    write_spec_file(workspace, "cart", ".config.kiro", '{\n  "specId": "6f1c",\n}\n')

    spec = load_spec(workspace, "cart")

    (problem,) = spec.file_problems[".kiro/specs/cart/.config.kiro"]
    assert (problem.code, problem.line) == ("S008", 3)
    assert "not valid JSON" in problem.message
    assert spec.config.raw == {} and spec.kind == "feature"


@pytest.mark.req("spec-check", "4.1")
def test_config_with_wrong_values_keeps_them_and_points_at_their_line() -> None:
    config = parse_config('{\n  "specId": 7,\n  "workflowType": "vibes"\n}')

    assert config.spec_id is None and config.workflow_type == "vibes"
    (problem,) = config.problems
    assert (problem.code, problem.line) == ("S008", 3)
    assert "requirements-first" in problem.hint


@pytest.mark.req("spec-check", "4.1")
def test_config_that_is_not_an_object() -> None:
    config = parse_config("[1, 2]")

    assert config.raw == {}
    assert [(p.code, p.line) for p in config.problems] == [("S008", 1)]


def test_empty_config_is_an_empty_config() -> None:
    assert parse_config("  \n") == SpecConfig()


@pytest.mark.req("spec-check", "1.6")
def test_updated_config_keeps_unknown_keys_and_their_order() -> None:
    original = '{"zeta": [1, 2], "specId": "6f1c", "nested": {"keep": true}, "specType": "feature"}'
    config = parse_config(original)

    text = config.updated(specType="bugfix", workflowType="fast-task")

    assert text == ('{"zeta": [1, 2], "specId": "6f1c", "nested": {"keep": true}, '
                    '"specType": "bugfix", "workflowType": "fast-task"}')  # one line, as read
    assert list(json.loads(text).items()) == [
        ("zeta", [1, 2]), ("specId", "6f1c"), ("nested", {"keep": True}),
        ("specType", "bugfix"), ("workflowType", "fast-task")]
    assert config.raw["specType"] == "feature"  # the parsed config is not changed


@pytest.mark.req("spec-check", "1.6")
def test_updated_config_keeps_non_ascii_text() -> None:
    assert '"名前"' in parse_config('{"title": "名前"}').updated()


def test_cc_sdd_spec_json_is_read_intact(tmp_path: Path) -> None:
    workspace = make_specs(tmp_path, "cart")
    write_spec_file(workspace, "cart", "spec.json", json.dumps(CC_SDD_SPEC_JSON, indent=2))

    spec = load_spec(workspace, "cart")

    assert spec.cc_sdd == CC_SDD_SPEC_JSON
    assert spec.cc_sdd is not None
    assert spec.cc_sdd["approvals"]["requirements"]["approved"] is True
    assert spec.file_problems == {}


@pytest.mark.req("spec-check", "4.1")
def test_broken_cc_sdd_spec_json_is_a_problem(tmp_path: Path) -> None:
    workspace = make_specs(tmp_path, "cart")
    write_spec_file(workspace, "cart", "spec.json", '{"approvals": {\n  "design": tru\n}}')

    spec = load_spec(workspace, "cart")

    (problem,) = spec.file_problems[".kiro/specs/cart/spec.json"]
    assert (problem.code, problem.line) == ("S008", 2)
    assert spec.cc_sdd == {}


def test_spec_without_config_or_spec_json(tmp_path: Path) -> None:
    workspace = make_specs(tmp_path, "cart")

    spec = load_spec(workspace, "cart")

    assert spec.config == SpecConfig() and spec.cc_sdd is None
    assert spec.documents() == [] and spec.phase == "empty"


def test_bugfix_spec_is_recognised_from_its_document(tmp_path: Path) -> None:
    workspace = make_specs(tmp_path, "fix")
    write_spec_file(workspace, "fix", "bugfix.md",
                    "### Current Behavior (Defect)\n1.1 WHEN x THEN y\n")

    spec = load_spec(workspace, "fix")

    assert spec.kind == "bugfix" and spec.phase == "requirements"
    assert spec.requirements is not None and spec.requirements.kind == "bugfix"
    assert spec.display_path == ".kiro/specs/fix"


@pytest.mark.parametrize(
    ("tasks", "phase"),
    [
        ("- [ ] 1. A\n", "tasks"),
        ("- [-] 1. A\n- [ ] 2. B\n", "implementing"),
        ("- [x] 1. A\n  - [x] 1.1 B\n  - [ ]* 1.2 C\n", "done"),
    ],
)
def test_phase_follows_task_progress(tmp_path: Path, tasks: str, phase: str) -> None:
    workspace = make_specs(tmp_path, "cart")
    write_spec_file(workspace, "cart", "tasks.md", tasks)

    assert load_spec(workspace, "cart").phase == phase
