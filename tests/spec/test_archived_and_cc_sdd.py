"""Archived specs (`_archived/<name>`), cc-sdd's `spec.json` approvals and unreadable files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from specloom.cli.main import main
from specloom.quality.check import UnknownSpecError, check_workspace, resolve_spec_names
from specloom.spec.loader import load_spec
from specloom.spec.workspace import Workspace
from specloom.trace.matrix import build_trace
from specloom.trace.scan import scan_links
from specloom.workflows.approval import approval_state
from specloom.workflows.flow import AuthoringError, approvable_phases, approve

from spec_fixtures import MakeWorkspace

REQUIREMENTS = """# Requirements Document

## Requirements

### Requirement 1: Add an item

#### Acceptance Criteria

1. WHEN a shopper adds an item, THE Cart_Service SHALL store the item.
"""
DESIGN = "# Design\n\n## Overview\n\nA store.\n"
TASKS = "# Implementation Plan\n\n- [ ] 1. Build the store\n  - _Requirements: 1.1_\n"


def spec_json(requirements: bool, design: bool, tasks: bool) -> str:
    return json.dumps({
        "feature_name": "cart", "language": "en", "phase": "tasks-generated",
        "approvals": {
            "requirements": {"generated": True, "approved": requirements},
            "design": {"generated": True, "approved": design},
            "tasks": {"generated": True, "approved": tasks},
        },
        "ready_for_implementation": False,
    }, indent=2) + "\n"


def archived_workspace(make_workspace: MakeWorkspace) -> Workspace:
    return make_workspace({
        ".kiro/specs/cart/requirements.md": REQUIREMENTS,
        ".kiro/specs/_archived/old-cart/requirements.md": REQUIREMENTS,
        ".kiro/specs/_archived/notes.md": "not a spec\n",
        ".kiro/specs/.drafts/idea/requirements.md": REQUIREMENTS,
    })


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    code = main(["--root", str(root), *args])
    return code, capsys.readouterr().out


# ---- archived specs ----------------------------------------------------------------------


@pytest.mark.req("spec-check", "10.6")
def test_archive_folders_are_not_specs_and_hold_archived_specs(
        make_workspace: MakeWorkspace) -> None:
    workspace = archived_workspace(make_workspace)

    assert workspace.spec_names() == ["cart"]
    assert workspace.archived_spec_names() == [".drafts/idea", "_archived/old-cart"]
    spec = load_spec(workspace, "_archived/old-cart")
    assert spec.archived and not load_spec(workspace, "cart").archived
    assert spec.display_path == ".kiro/specs/_archived/old-cart"
    assert spec.requirements is not None


@pytest.mark.req("spec-check", "10.6")
def test_list_flags_archived_specs(
        make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = archived_workspace(make_workspace)

    code, out = run(capsys, workspace.root, "list", "--json")
    rows = {row["name"]: row["archived"] for row in json.loads(out)["specs"]}
    assert code == 0
    assert rows == {"cart": False, ".drafts/idea": True, "_archived/old-cart": True}

    _, text = run(capsys, workspace.root, "list")
    assert "_archived/old-cart (archived)" in text
    assert "cart (archived)" not in text.replace("old-cart (archived)", "")


@pytest.mark.req("spec-check", "10.6")
def test_show_finds_an_archived_spec_by_name_path_or_bare_name(
        make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = archived_workspace(make_workspace)

    for name in ("_archived/old-cart", ".kiro/specs/_archived/old-cart/", "old-cart"):
        code, out = run(capsys, workspace.root, "show", name, "--json")
        data = json.loads(out)
        assert code == 0 and (data["name"], data["archived"]) == ("_archived/old-cart", True)
    _, text = run(capsys, workspace.root, "show", "old-cart")
    assert text.startswith("_archived/old-cart (archived)")


@pytest.mark.req("spec-check", "10.6")
def test_check_skips_archived_specs_unless_named(make_workspace: MakeWorkspace) -> None:
    workspace = archived_workspace(make_workspace)

    report = check_workspace(workspace)
    assert report.specs == ("cart",)
    assert not [d for d in report.diagnostics if "_archived" in d.path or d.code == "S004"]

    named = check_workspace(workspace, ["_archived/old-cart"])
    assert named.specs == ("_archived/old-cart",)
    assert named.files == (".kiro/specs/_archived/old-cart/requirements.md",)


def test_a_bare_name_shared_by_two_archived_specs_is_ambiguous(
        make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace({
        ".kiro/specs/_archived/cart/requirements.md": REQUIREMENTS,
        ".kiro/specs/_old/cart/requirements.md": REQUIREMENTS,
    })

    with pytest.raises(UnknownSpecError, match="did you mean"):
        resolve_spec_names(workspace, ["cart"])
    assert resolve_spec_names(workspace, ["_old/cart"]) == ["_old/cart"]


@pytest.mark.req("spec-check", "10.6")
def test_trace_links_to_archived_specs_resolve(make_workspace: MakeWorkspace) -> None:
    workspace = archived_workspace(make_workspace)
    tests = workspace.root / "tests"
    tests.mkdir()
    (tests / "test_old.py").write_text(
        "import pytest\n\n\n"
        "@pytest.mark.req(\"_archived/old-cart\", \"1.1\")\n"
        "def test_full_name():\n    pass\n\n\n"
        "@pytest.mark.req(\"old-cart\", \"1.1\")\n"
        "def test_written_before_archiving():\n    pass\n\n\n"
        "def test_tag():\n    # specloom: _archived/old-cart 1.1\n    pass\n\n\n"
        "@pytest.mark.req(\"gone\", \"1.1\")\n"
        "def test_unknown():\n    pass\n", encoding="utf-8")
    scan = scan_links(workspace.root)

    report = build_trace(workspace, scan=scan)
    assert [o.link.spec for o in report.orphans] == ["gone"]
    assert [s.name for s in report.specs] == ["cart"]

    archived = build_trace(workspace, ["_archived/old-cart"], scan=scan)
    (criterion,) = archived.specs[0].criteria
    assert len(criterion.tests) == 3


# ---- cc-sdd spec.json --------------------------------------------------------------------


def cc_sdd_workspace(make_workspace: MakeWorkspace, **approved: bool) -> Workspace:
    return make_workspace({
        ".kiro/specs/cart/requirements.md": REQUIREMENTS,
        ".kiro/specs/cart/design.md": DESIGN,
        ".kiro/specs/cart/tasks.md": TASKS,
        ".kiro/specs/cart/spec.json": spec_json(**approved),
        ".kiro/specs/plain/requirements.md": REQUIREMENTS,
    })


@pytest.mark.req("spec-check", "10.9")
def test_list_and_show_json_carry_cc_sdd_phase_and_approvals(
        make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = cc_sdd_workspace(make_workspace, requirements=True, design=True, tasks=False)
    expected = {"phase": "tasks-generated",
                "approvals": {"requirements": True, "design": True, "tasks": False}}

    _, out = run(capsys, workspace.root, "list", "--json")
    rows = {row["name"]: row for row in json.loads(out)["specs"]}
    assert rows["cart"]["cc_sdd"] == expected
    assert rows["plain"]["cc_sdd"] is None
    assert rows["cart"]["approvals"] == {"requirements": "approved", "design": "approved",
                                         "tasks": "pending"}

    _, out = run(capsys, workspace.root, "show", "cart", "--json")
    data = json.loads(out)
    assert data["cc_sdd"] == expected
    assert data["spec_json"]["ready_for_implementation"] is False


@pytest.mark.req("spec-check", "10.9")
def test_list_and_show_text_print_cc_sdd_phase_and_approvals(
        make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = cc_sdd_workspace(make_workspace, requirements=True, design=False, tasks=False)

    _, listing = run(capsys, workspace.root, "list")
    header, cart, plain = listing.splitlines()
    assert header.endswith("CC-SDD")
    assert cart.endswith("tasks-generated requirements:approved design:not-approved "
                         "tasks:not-approved")
    assert "tasks-generated" not in plain

    _, shown = run(capsys, workspace.root, "show", "cart")
    assert "  cc-sdd: phase tasks-generated (spec.json)" in shown
    assert "    design        not approved" in shown


def test_spec_json_approvals_count_for_the_authoring_gate(make_workspace: MakeWorkspace) -> None:
    workspace = cc_sdd_workspace(make_workspace, requirements=True, design=True, tasks=False)
    spec = load_spec(workspace, "cart")

    assert approvable_phases(spec, None) == ("tasks",)


def test_every_phase_approved_in_spec_json_leaves_nothing_to_approve(
        make_workspace: MakeWorkspace) -> None:
    workspace = cc_sdd_workspace(make_workspace, requirements=True, design=True, tasks=True)

    with pytest.raises(AuthoringError, match="already approved"):
        approve(workspace, "cart")


def test_specloom_approval_record_decides_over_spec_json(make_workspace: MakeWorkspace) -> None:
    workspace = cc_sdd_workspace(make_workspace, requirements=False, design=True, tasks=False)
    before = (workspace.spec_dir("cart") / "spec.json").read_bytes()

    approve(workspace, "cart", "requirements")
    assert approval_state(load_spec(workspace, "cart"))["requirements"] == "approved"

    (workspace.spec_dir("cart") / "requirements.md").write_text(REQUIREMENTS + "\n")
    states = approval_state(load_spec(workspace, "cart"))
    assert states["requirements"] == "edited"
    assert states["design"] == "approved"  # no specloom record: spec.json's approval counts
    assert (workspace.spec_dir("cart") / "spec.json").read_bytes() == before  # never written


# ---- unreadable files --------------------------------------------------------------------


@pytest.fixture
def unreadable_tasks(make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    workspace = cc_sdd_workspace(make_workspace, requirements=True, design=True, tasks=False)
    denied = workspace.spec_dir("cart") / "tasks.md"
    real = os.open

    def open_file(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path) == denied:  # chmod 000 would not stop root; refuse the open instead
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_file)
    return workspace


def test_an_unreadable_file_is_a_finding_not_a_crash(
        unreadable_tasks: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    root = unreadable_tasks.root

    code, out = run(capsys, root, "list", "--json")
    rows = {row["name"]: row for row in json.loads(out)["specs"]}
    assert code == 0 and rows["cart"]["approvals"]["tasks"] == "pending"
    code, _ = run(capsys, root, "show", "cart")
    assert code == 0

    report = check_workspace(unreadable_tasks)
    found = [(d.code, d.path) for d in report.diagnostics if d.code == "S001"]
    assert found == [("S001", ".kiro/specs/cart/tasks.md")]


def test_approving_an_unreadable_document_is_refused(unreadable_tasks: Workspace) -> None:
    with pytest.raises(AuthoringError, match="cannot read"):
        approve(unreadable_tasks, "cart", "tasks")
    with pytest.raises(FileNotFoundError, match="cannot be read"):
        approve(unreadable_tasks, "cart", "tasks", force=True)
