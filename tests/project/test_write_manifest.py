"""The write manifest: create, update, unchanged and conflict plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specloom.project.manifest import MANIFEST_PATH, WriteManifest, sha256_text


@pytest.mark.req("steering-and-init", "9.1")
def test_create_then_unchanged_then_update(tmp_path: Path) -> None:
    manifest = WriteManifest(tmp_path)
    assert manifest.plan_write("a.md", "one\n").action == "create"
    manifest.write("a.md", "one\n")
    manifest.save()
    again = WriteManifest(tmp_path)
    assert again.plan_write("a.md", "one\n").action == "unchanged"
    plan = again.plan_write(tmp_path / "a.md", "two\n")
    assert plan.action == "update" and "-one\n+two\n" in plan.diff
    stored = json.loads((tmp_path / MANIFEST_PATH).read_text())
    assert stored == {"version": 1, "files": {"a.md": sha256_text("one\n")}}


def test_user_edit_is_a_conflict_with_diff(tmp_path: Path) -> None:
    manifest = WriteManifest(tmp_path)
    manifest.write("a.md", "one\n")
    (tmp_path / "a.md").write_text("one\nmine\n")
    assert manifest.is_user_edited("a.md")
    plan = manifest.plan_write("a.md", "two\n")
    assert plan.action == "conflict"
    assert plan.diff.startswith("--- a/a.md\n+++ b/a.md\n")


def test_file_not_written_by_specloom_is_a_conflict(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("hand written\n")
    manifest = WriteManifest(tmp_path)
    assert manifest.is_user_edited("a.md")
    assert manifest.plan_write("a.md", "generated\n").action == "conflict"
    assert not manifest.is_user_edited("missing.md")


def test_corrupt_manifest_is_treated_as_empty(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_PATH).parent.mkdir(parents=True)
    (tmp_path / MANIFEST_PATH).write_text("{broken")
    assert WriteManifest(tmp_path).hashes == {}
