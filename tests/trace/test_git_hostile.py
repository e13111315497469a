"""A repository specloom did not write cannot make its git calls run a program.

Each test builds a real git repository whose config names a script for every hook git offers a
repository (fsmonitor, clean/smudge filters, textconv, external diff, gpg for signature display,
hooks, pager, ssh) and then runs `trace`, `drift`, `check --drift`, the file listing and the
checkpoint store. The script writes a marker file; the marker must never appear, and the
commands must still give the right answers.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from trace_helpers import GIT_ENV, git, git_commit_all, run_cli, spec_files, write_files

from specloom.agent.checkpoints import CheckpointStore
from specloom.agent.shadowgit import ShadowGit
from specloom.core.gitrun import GitRunError, driver_overrides, run_git
from specloom.core.repository import git_listed_files
from specloom.spec.workspace import Workspace
from specloom.trace.drift import drift
from specloom.trace.fingerprints import FingerprintStore, Verified, fingerprint
from specloom.trace.gitinfo import commits_touching, head_commit
from specloom.trace.matrix import build_trace

TESTS = 'import pytest\n\n\n@pytest.mark.req("cart", "1.1")\ndef test_add():\n    pass\n'
HOOKS = ("post-index-change", "pre-commit", "post-commit", "post-checkout", "reference-transaction",
         "pre-auto-gc", "fsmonitor-watchman")


def evil_script(base: Path) -> tuple[Path, Path]:
    """A script that appends its name and arguments to a marker file, and the marker."""
    marker = base / "marker"
    script = base / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "$(basename "$0") $*" >> "{marker}"\ncat\n')
    script.chmod(0o755)
    return script, marker


def hostile_config(script: Path, hooks: Path) -> str:
    hooks.mkdir(exist_ok=True)
    for name in HOOKS:
        (hooks / name).write_text(script.read_text())
        (hooks / name).chmod(0o755)
    return (f"[core]\n\tfsmonitor = {script} fsmonitor\n\tpager = {script} pager\n"
            f"\thooksPath = {hooks}\n\tsshCommand = {script} ssh\n"
            f"\talternateRefsCommand = {script} alternate\n\teditor = {script} editor\n"
            f"[diff]\n\texternal = {script} external\n"
            f'[diff "evil"]\n\ttextconv = {script} textconv\n\tcommand = {script} command\n'
            f'[filter "evil"]\n\tclean = {script} clean\n\tsmudge = {script} smudge\n'
            f"\trequired = true\n"
            f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {script} gpg\n"
            f'[gpg "ssh"]\n\tprogram = {script} gpgssh\n'
            f"[pager]\n\tlog = {script} pagerlog\n\tdiff = {script} pagerdiff\n")


def signed_commit(root: Path) -> str:
    """Replace HEAD by the same commit with a (fake) PGP signature, so `log` would verify it."""
    body = git(root, "cat-file", "commit", "HEAD")
    header, _, message = body.partition("\n\n")
    signature = ("gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n"
                 " -----END PGP SIGNATURE-----")
    raw = f"{header}\n{signature}\n\n{message}"
    sha = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=root,
                         input=raw, text=True, capture_output=True, check=True,
                         env={**os.environ, **GIT_ENV}).stdout.strip()
    git(root, "update-ref", "HEAD", sha)
    return sha


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Workspace, Path, str]:
    """A project with one verified criterion, a later signed commit, an uncommitted edit, and
    a `.git/config` + `.gitattributes` that would run the evil script from every git hook."""
    root = tmp_path / "repo"
    files = spec_files()
    files["tests/test_cart.py"] = TESTS
    workspace = write_files(root, files)
    verified = git_commit_all(root, "initial")
    cart = root / "src/cart.py"
    cart.write_text(cart.read_text() + "\n\ndef remove(cart, item):\n    return cart\n")
    git_commit_all(root, "touch the cart code")
    touched = signed_commit(root)
    (root / "tests/test_cart.py").write_text(TESTS + "# edited, not committed\n")
    (root / "src/cart.py").touch()
    store = FingerprintStore.load(root)
    (spec,) = build_trace(workspace, (), store).specs
    for criterion in spec.criteria:
        store.record("cart", criterion.id,
                     Verified(fingerprint(criterion.text), verified, "2024-01-01T00:00:00Z"))
    store.save()
    script, marker = evil_script(tmp_path)
    with (root / ".git/config").open("a") as config:
        config.write(hostile_config(script, tmp_path / "hooks"))
    for name in HOOKS:
        (root / ".git/hooks" / name).write_text(script.read_text())
        (root / ".git/hooks" / name).chmod(0o755)
    (root / ".gitattributes").write_text("* diff=evil filter=evil\n")
    (root / ".git/info/attributes").write_text("* diff=evil filter=evil\n")
    return workspace, marker, touched


def _ran(marker: Path) -> str:
    return marker.read_text() if marker.exists() else ""


def test_the_hostile_repository_does_run_the_script_under_plain_git(
        hostile: tuple[Workspace, Path, str]) -> None:
    """The fixture is armed: plain git in it runs the script (so the other tests mean something)."""
    workspace, marker, _ = hostile
    subprocess.run(["git", "diff", "--name-only", "HEAD~1", "--", "src/cart.py"],
                   cwd=workspace.root, capture_output=True, check=False,
                   env={**os.environ, **GIT_ENV})
    assert "fsmonitor" in _ran(marker) and "clean" in _ran(marker)


@pytest.mark.req("traceability", "8.1", "8.2", "8.6")
def test_trace_drift_and_check_drift_run_nothing_from_the_repository(
        hostile: tuple[Workspace, Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    workspace, marker, touched = hostile
    root = str(workspace.root)
    run_cli(["--root", root, "trace"])
    assert _ran(marker) == "", "trace ran a program named by the repository"
    assert run_cli(["--root", root, "drift"]) == 0
    out = capsys.readouterr().out
    assert _ran(marker) == "", "drift ran a program named by the repository"
    run_cli(["--root", root, "check", "--drift", "--select", "T"])
    out += capsys.readouterr().out
    assert _ran(marker) == "", "check --drift ran a program named by the repository"
    assert "T007" in out
    # and git still answered: the signed commit and both edited files are reported
    (item,) = drift(workspace).criteria
    assert [c.sha for c in item.commits] == [touched]
    assert set(item.changed_files) == {"src/cart.py", "tests/test_cart.py"}
    assert _ran(marker) == ""


def test_listing_files_runs_nothing_from_the_repository(
        hostile: tuple[Workspace, Path, str]) -> None:
    workspace, marker, _ = hostile
    listed = git_listed_files(workspace.root)
    assert listed is not None and "src/cart.py" in listed and ".gitattributes" in listed
    assert head_commit(workspace.root) is not None
    assert _ran(marker) == ""


def test_callers_git_variables_are_ignored(hostile: tuple[Workspace, Path, str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """GIT_CONFIG_PARAMETERS, GIT_EXTERNAL_DIFF or GIT_DIR in the environment do not leak in."""
    workspace, marker, touched = hostile
    script = marker.parent / "evil.sh"
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", f"'core.fsmonitor'='{script} params'")
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", f"{script} envdiff")
    monkeypatch.setenv("GIT_DIR", str(marker.parent / "elsewhere"))
    assert head_commit(workspace.root) == touched
    git_listed_files(workspace.root)
    commits_touching(workspace.root, "HEAD~1", ["src/cart.py"])
    assert _ran(marker) == ""


def test_a_driver_name_git_cannot_override_is_refused(tmp_path: Path) -> None:
    """`[filter "a=b"]` cannot be blanked with `-c`; git is not run rather than run unguarded."""
    root = tmp_path / "repo"
    write_files(root, spec_files())
    git_commit_all(root, "initial")
    script, marker = evil_script(tmp_path)
    with (root / ".git/config").open("a") as config:
        config.write(f'[filter "a=b"]\n\tclean = {script} clean\n')
    (root / ".gitattributes").write_text("* filter=a=b\n")
    (root / "src/cart.py").touch()
    with pytest.raises(GitRunError, match="a=b"):
        run_git(root, "diff", "--name-only", "HEAD")
    assert git_listed_files(root) is None
    assert head_commit(root) is None
    assert run_cli(["--root", str(root), "drift"]) == 0
    assert _ran(marker) == ""


def test_driver_overrides_blank_every_driver_command() -> None:
    listing = b"\0".join([
        b"local", b"filter.Lfs Thing.process\ngit-lfs filter-process",
        b"global", b"diff.pdf.textconv\npdftotext",
        b"local", b"gpg.x509.program\nx",
        b"local", b"protocol.ext.allow\nalways",
        b"command", b"filter.ours.clean\nkept",
        b"local", b"core.fsmonitor\nx",
        b"local", b"filter.bare",
    ]) + b"\0"
    assert driver_overrides(listing) == [
        ("diff.pdf.textconv", ""), ("filter.Lfs Thing.process", ""),
        ("filter.Lfs Thing.required", "false"), ("gpg.x509.program", "false"),
        ("protocol.ext.allow", "never")]


def test_a_planted_checkpoint_repository_runs_nothing(tmp_path: Path) -> None:
    """The shadow repository lives inside the workspace, so a repository can ship one."""
    root = tmp_path / "ws"
    (root / ".kiro/specs").mkdir(parents=True)
    (root / "a.txt").write_text("one\n")
    store = CheckpointStore(Workspace(root))
    first = store.snapshot("first")
    script, marker = evil_script(tmp_path)
    shadow = ShadowGit(Workspace(root))
    with (shadow.git_dir / "config").open("a") as config:
        config.write(hostile_config(script, tmp_path / "hooks"))
    (shadow.git_dir / "info/attributes").write_text("* diff=evil filter=evil\n")
    (root / ".gitattributes").write_text("* diff=evil filter=evil\n")
    (root / "a.txt").write_text("two\n")
    store.snapshot("second")
    assert "-one\n+two" in store.diff(first.id)
    assert set(store.changed_files(first.id)) == {"a.txt", ".gitattributes"}
    assert [c.label for c in store.list()][:2] == ["second", "first"]
    store.restore(first.id)
    assert (root / "a.txt").read_text() == "one\n"
    assert "a.txt" in shadow.list_files()
    assert _ran(marker) == ""
