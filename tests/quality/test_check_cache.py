"""The result cache of `check`: unchanged specs are answered without the rule engine, any
byte change is a miss, `--no-cache` bypasses it, concurrent runs and broken entries are safe."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from specloom.quality.check import check_workspace
from specloom.quality.check_cache import CACHE_FOLDER
from specloom.quality.settings import CheckSettings
from specloom.spec.workspace import Workspace

from spec_fixtures import GOOD_REQUIREMENTS, MakeWorkspace, good_spec

# Runs the CLI in a fresh interpreter and says, after its output, whether the rule engine
# was imported: a cached answer must not need it.
PROBE = ("import sys; from specloom.cli.main import main; code = main(sys.argv[1:]); "
         "print('ENGINE', 'specloom.quality.engine' in sys.modules); sys.exit(code)")


def run_check(root: Path, *extra: str) -> tuple[dict[str, object], bool]:
    done = subprocess.run([sys.executable, "-c", PROBE, "--root", str(root), "check",
                           "--format", "json", *extra], capture_output=True, text=True,
                          check=False)
    assert done.returncode in (0, 1), done.stderr
    report, _, probe = done.stdout.rpartition("ENGINE ")
    return json.loads(report), probe.strip() == "True"


def two_specs(make_workspace: MakeWorkspace) -> Workspace:
    vague = GOOD_REQUIREMENTS.replace("quantity 1.", "quantity 1 as appropriate.", 1)
    return make_workspace({**good_spec("cart"), **good_spec("shop"),
                           ".kiro/specs/shop/requirements.md": vague})


@pytest.mark.req("spec-check", "12.1")
def test_an_unchanged_workspace_is_answered_without_the_rule_engine(
        make_workspace: MakeWorkspace) -> None:
    root = two_specs(make_workspace).root
    first, engine_first = run_check(root)
    second, engine_second = run_check(root)
    assert engine_first and not engine_second
    assert second == first
    assert any(d["path"].endswith("shop/requirements.md") for d in first["diagnostics"])


@pytest.mark.req("spec-check", "12.2")
def test_one_changed_byte_or_other_settings_check_the_spec_again(
        make_workspace: MakeWorkspace) -> None:
    root = two_specs(make_workspace).root
    before, _ = run_check(root)
    cart = root / ".kiro" / "specs" / "cart" / "requirements.md"
    cart.write_text(cart.read_text().replace("quantity 1.", "quantity 1 as appropriate.", 1))
    after, engine = run_check(root)
    assert engine
    new = [d for d in after["diagnostics"] if d not in before["diagnostics"]]
    assert new and all(d["spec"] == "cart" for d in new)
    everything, engine = run_check(root, "--select", "ALL")
    assert engine and len(everything["diagnostics"]) >= len(after["diagnostics"])
    assert run_check(root)[0] == after  # back to the default selection: the same answer


@pytest.mark.req("spec-check", "12.4")
def test_no_cache_neither_reads_nor_writes_the_cache(make_workspace: MakeWorkspace) -> None:
    root = two_specs(make_workspace).root
    report, engine = run_check(root, "--no-cache")
    assert engine and not (root / CACHE_FOLDER).exists()
    run_check(root)
    again, engine = run_check(root, "--no-cache")
    assert engine and again == report


@pytest.mark.req("spec-check", "12.5")
def test_concurrent_runs_leave_whole_entries(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace({**{k: v for i in range(12) for k, v in
                                   good_spec(f"spec{i:02d}").items()}})
    command = [sys.executable, "-m", "specloom.cli.main", "--root", str(workspace.root),
               "check", "--format", "json", "--jobs", "1"]
    running = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(4)]
    outputs = [process.communicate()[0] for process in running]
    assert all(process.returncode == 0 for process in running)
    assert len({json.dumps(json.loads(out)["diagnostics"]) for out in outputs}) == 1
    packs = list((workspace.root / CACHE_FOLDER).glob("pack-*.json"))
    assert packs  # the same twelve results: each run wrote the same pack, whole
    for pack in packs:
        assert len(json.loads(pack.read_text())["entries"]) == 12
    assert not list((workspace.root / CACHE_FOLDER).glob("*.tmp"))


@pytest.mark.req("spec-check", "12.6")
def test_a_broken_entry_is_a_miss_and_is_replaced(make_workspace: MakeWorkspace) -> None:
    workspace = two_specs(make_workspace)
    fresh = check_workspace(workspace, cache=True)
    pack = next((workspace.root / CACHE_FOLDER).glob("pack-*.json"))
    document = json.loads(pack.read_text())
    for key in document["entries"]:
        document["entries"][key] = {"files": "not a list", "rules": 3}
    pack.write_text(json.dumps(document))
    assert check_workspace(workspace, cache=True).diagnostics == fresh.diagnostics
    pack.write_bytes(b"\x00\xff not json")
    again = check_workspace(workspace, cache=True)
    assert again.diagnostics == fresh.diagnostics
    assert again == check_workspace(workspace, settings=CheckSettings())
    rewritten = [json.loads(p.read_text()) for p in
                 (workspace.root / CACHE_FOLDER).glob("pack-*.json") if p.read_bytes()[:1] == b"{"]
    assert any(len(d["entries"]) == 2 for d in rewritten)


@pytest.mark.req("spec-check", "12.7")
def test_git_never_sees_the_cache(make_workspace: MakeWorkspace) -> None:
    workspace = two_specs(make_workspace)
    subprocess.run(["git", "init", "-q"], cwd=workspace.root, check=True)
    check_workspace(workspace, cache=True)
    assert (workspace.root / ".kiro" / "specloom" / "cache" / ".gitignore").read_text() \
        .splitlines()[-1] == "*"
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=workspace.root, capture_output=True, text=True, check=True)
    assert "specloom/cache" not in status.stdout


@pytest.mark.req("spec-check", "12.2")
def test_an_edit_that_keeps_size_and_mtime_is_still_seen(make_workspace: MakeWorkspace,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from specloom.quality import check_cache

    workspace = two_specs(make_workspace)
    time.sleep(2.1)  # older than the racy window, so the lstat signatures are kept
    check_workspace(workspace, cache=True)
    check_workspace(workspace, cache=True)  # keys by hashing; signatures recorded
    read: list[str] = []
    real = check_cache.read_spec_files
    monkeypatch.setattr(check_cache, "read_spec_files",
                        lambda folder: read.append(str(folder)) or real(folder))
    unchanged = check_workspace(workspace, cache=True)
    assert read == []  # every key came from the signatures
    shop = workspace.root / ".kiro" / "specs" / "shop" / "requirements.md"
    before = os.stat(shop)
    text = shop.read_text()
    edited = text.replace("as appropriate", "as stated now", 1)  # the A002 finding goes
    assert len(edited.encode()) == len(text.encode()) - 1
    shop.write_text(edited + " ")
    os.utime(shop, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime
    assert os.stat(shop).st_size == before.st_size
    after = check_workspace(workspace, cache=True)
    assert read == [str(shop.parent)]  # its ctime changed: read and hashed again
    assert after == check_workspace(workspace)
    assert len(after.diagnostics) == len(unchanged.diagnostics) - 1
