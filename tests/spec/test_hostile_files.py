"""Hostile files in a checked-out repository: huge, not regular, looping, half-written.

specloom reads `.kiro/` folders it did not write (pull requests, CI checkouts). Every such
file is read with a bounded, non-blocking read or refused with an S001 finding; nothing here
may raise, hang or read a file whole before its size is known.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import socket
import stat
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from specloom.cli.main import main
from specloom.quality.check import check_workspace
from specloom.spec import source
from specloom.spec.files import TEMP_NAME, remove_stale_temp_files, write_atomic
from specloom.spec.loader import load_spec
from specloom.spec.source import MAX_BYTES, FileRefused, read_bounded
from specloom.spec.task_status import TaskStatusError, set_task_status
from specloom.spec.tasks import TaskStatus
from specloom.spec.workspace import Workspace
from specloom.workflows.flow import approve
from specloom.workflows.state import ConfigFileError, read_config, update_specloom_block

from spec_fixtures import MakeWorkspace, good_spec

SPEC = ".kiro/specs/cart"
SPEC_FILES = ("tasks.md", "requirements.md", "design.md", "bugfix.md", ".config.kiro",
              "spec.json")


def finishes(action: Callable[[], Any], timeout: float = 30.0,
             fifo: Path | None = None) -> Any:
    """Run `action` in a thread; fail (and release a reader stuck on `fifo`) if it hangs.

    A regular expression backtracking in C holds the GIL, so the join below would never get
    its turn: a faulthandler watchdog (a C thread) then ends the whole run after twice the
    timeout, printing every thread's stack, rather than letting it hang.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = action()
        except BaseException as exc:  # re-raised in the test's own thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    faulthandler.dump_traceback_later(2 * timeout, exit=True, file=sys.__stderr__)
    try:
        thread.start()
        thread.join(timeout)
    finally:
        faulthandler.cancel_dump_traceback_later()
    if thread.is_alive():
        if fifo is not None:  # a writer end lets a blocked open() of the FIFO return
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"did not finish within {timeout:.0f} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture
def spec_dir(make_workspace: MakeWorkspace) -> Path:
    workspace = make_workspace(good_spec())
    return workspace.spec_dir("cart")


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Every path `os.open` is called with while the test runs."""
    seen: list[Path] = []
    real = os.open

    def recording(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        seen.append(Path(os.fsdecode(path)))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording)
    yield seen


def s001(spec_dir: Path, name: str) -> list[str]:
    spec = load_spec(Workspace(spec_dir.parents[2]), "cart")
    return [p.message for p in spec.file_problems.get(f"{SPEC}/{name}", ()) if p.code == "S001"]


# ---- 1. size checked before reading ------------------------------------------------------


@pytest.mark.req("spec-check", "4.5")
def test_a_sparse_2_gb_file_is_refused_by_its_size_without_being_read(spec_dir: Path) -> None:
    huge = spec_dir / "tasks.md"
    huge.write_bytes(b"")
    os.truncate(huge, 2 * 2**30 + 5)  # sparse: costs no disk, would cost 2 GB to read

    tracemalloc.start()
    try:
        messages = finishes(lambda: s001(spec_dir, "tasks.md"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert messages == ["tasks.md is 2048.0 MB, over the 20 MB limit"]
    assert peak < 16 * 2**20


@pytest.mark.req("spec-check", "4.5")
def test_an_oversized_file_costs_no_memory_to_refuse(spec_dir: Path) -> None:
    big = spec_dir / "design.md"
    big.write_bytes(b"")
    os.truncate(big, 3 * MAX_BYTES)

    tracemalloc.start()
    try:
        report = check_workspace(Workspace(spec_dir.parents[2]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    found = [(d.code, d.path, d.message) for d in report.diagnostics if d.code == "S001"]
    assert found == [("S001", f"{SPEC}/design.md", "design.md is 60.0 MB, over the 20 MB limit")]
    assert peak < MAX_BYTES  # the file was never read, let alone whole


@pytest.mark.req("spec-check", "4.5")
def test_a_file_growing_after_its_stat_is_read_no_further_than_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "tasks.md"
    file.write_bytes(b"x" * 1000)
    small = os.stat_result((stat.S_IFREG | 0o644, 0, 0, 1, 0, 0, 10, 0, 0, 0))
    real_fstat, real_read = os.fstat, os.read
    read_sizes: list[int] = []

    def reading(fd: int, size: int) -> bytes:
        read_sizes.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(source.os, "stat", lambda *_a, **_k: small)  # it was 10 bytes ...
    monkeypatch.setattr(os, "fstat",
                        lambda fd: small if fd > 2 else real_fstat(fd))  # ... when looked at
    monkeypatch.setattr(os, "read", reading)

    with pytest.raises(FileRefused, match="grew past"):
        read_bounded(file, limit=100)

    assert sum(read_sizes) <= 101


@pytest.mark.req("spec-check", "4.6")
def test_a_file_at_the_limit_is_read_in_full(tmp_path: Path) -> None:
    file = tmp_path / "tasks.md"
    file.write_bytes(b"a\n" * 500)

    assert read_bounded(file, limit=1000) == b"a\n" * 500
    with pytest.raises(FileRefused, match="over the"):
        read_bounded(file, limit=999)


def test_steering_files_are_read_bounded(make_workspace: MakeWorkspace) -> None:
    from specloom.context.steering import load_steering

    workspace = make_workspace({".kiro/steering/huge.md": "", ".kiro/steering/ok.md": "# ok\n"})
    os.truncate(workspace.kiro / "steering" / "huge.md", 2 * 2**30)

    files, problems = finishes(lambda: load_steering(workspace, home=workspace.root / "home"))

    assert [f.name for f in files] == ["ok"]
    assert len(problems) == 1 and "over the 20 MB limit" in problems[0].message


# ---- 2. directories, FIFOs, sockets, links -----------------------------------------------


def make_fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def make_directory(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir()


@pytest.mark.req("spec-check", "4.1")
@pytest.mark.parametrize("name", SPEC_FILES)
@pytest.mark.parametrize(("make", "reason"), [
    (make_directory, "is a directory, not a file"),
    (make_fifo, "is a named pipe (FIFO), not a file; specloom does not open it"),
], ids=["directory", "fifo"])
def test_a_spec_file_that_is_not_a_regular_file_is_a_finding_and_never_opened(
        spec_dir: Path, opened: list[Path], name: str, make: Callable[[Path], None],
        reason: str) -> None:
    path = spec_dir / name
    make(path)

    messages = finishes(lambda: s001(spec_dir, name), fifo=path)

    assert messages == [f"{name} {reason}"]
    assert path not in opened


@pytest.mark.req("spec-check", "4.1")
def test_a_socket_named_tasks_md_is_a_finding(spec_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (spec_dir / "tasks.md").unlink()
    monkeypatch.chdir(spec_dir)  # a relative bind keeps under the 108-byte socket path limit
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("tasks.md")
        assert s001(spec_dir, "tasks.md") == ["tasks.md is a socket, not a file"]


@pytest.mark.req("spec-check", "4.1")
def test_check_names_the_fifo_with_its_path(spec_dir: Path) -> None:
    make_fifo(spec_dir / "requirements.md")

    report = finishes(lambda: check_workspace(Workspace(spec_dir.parents[2])),
                      fifo=spec_dir / "requirements.md")

    found = [(d.code, d.path, d.message) for d in report.diagnostics if d.code == "S001"]
    assert found == [("S001", f"{SPEC}/requirements.md",
                      "requirements.md is a named pipe (FIFO), not a file; specloom does not "
                      "open it")]


def test_a_fifo_swapped_in_after_the_stat_cannot_hang_the_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regular = tmp_path / "regular.md"
    regular.write_bytes(b"# ok\n")
    fifo = tmp_path / "tasks.md"
    os.mkfifo(fifo)
    looks_regular = os.stat(regular)
    monkeypatch.setattr(source.os, "stat", lambda *_a, **_k: looks_regular)  # the race

    with pytest.raises(FileRefused, match="named pipe"):
        finishes(lambda: read_bounded(fifo), fifo=fifo)


@pytest.mark.req("spec-check", "4.1")
def test_a_dangling_link_and_a_link_loop_are_findings(spec_dir: Path) -> None:
    (spec_dir / "tasks.md").unlink()
    (spec_dir / "tasks.md").symlink_to("gone.md")
    (spec_dir / "design.md").unlink()
    (spec_dir / "design.md").symlink_to("design.md")

    assert s001(spec_dir, "tasks.md") == [
        "tasks.md is a symbolic link to gone.md, which does not exist"]
    assert s001(spec_dir, "design.md") == ["design.md is a symbolic link loop"]


def test_a_link_to_a_file_outside_the_workspace_is_read_like_git_reads_it(
        spec_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "tasks.md"
    outside.write_text("# Implementation Plan\n\n- [ ] 1. Outside task\n", encoding="utf-8")
    (spec_dir / "tasks.md").unlink()
    (spec_dir / "tasks.md").symlink_to(outside)

    spec = load_spec(Workspace(spec_dir.parents[2]), "cart")

    assert spec.tasks is not None and [t.title for t in spec.tasks.tasks] == ["Outside task"]


def test_task_status_on_a_folder_named_tasks_md_says_what_it_is(spec_dir: Path) -> None:
    make_directory(spec_dir / "tasks.md")

    with pytest.raises(TaskStatusError, match=r"tasks\.md is a directory, not a file"):
        set_task_status(Workspace(spec_dir.parents[2]), "cart", "1", TaskStatus.DONE)


def test_a_config_fifo_neither_hangs_reading_nor_is_replaced(spec_dir: Path) -> None:
    config = spec_dir / ".config.kiro"
    make_fifo(config)

    assert finishes(lambda: read_config(spec_dir), fifo=config).raw == {}
    with pytest.raises(ConfigFileError, match="named pipe"):
        finishes(lambda: update_specloom_block(spec_dir, dict), fifo=config)
    assert stat.S_ISFIFO(os.lstat(config).st_mode)


def test_list_and_show_survive_every_kind_of_hostile_file(
        spec_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_fifo(spec_dir / "tasks.md")
    make_directory(spec_dir / "design.md")
    (spec_dir / "requirements.md").unlink()
    (spec_dir / "requirements.md").symlink_to("requirements.md")
    root = str(spec_dir.parents[2])

    code = finishes(lambda: main(["--root", root, "list", "--json"]), fifo=spec_dir / "tasks.md")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)["specs"]}
    assert rows["cart"]["approvals"]["tasks"] == "pending"
    assert finishes(lambda: main(["--root", root, "show", "cart"])) == 0


# ---- 3. .config.kiro keeps its layout ----------------------------------------------------


TAB_CONFIG = ('{\n\t"specId": "0b0e",\n\t"workflowType": "requirements-first",\n'
              '\t"specType": "feature",\n\t"zUnknown": {\n\t\t"keep": [\n\t\t\t1\n\t\t]\n\t}\n}\n')
FOUR_SPACE_CONFIG = TAB_CONFIG.replace("\t", "    ").rstrip("\n")  # and no final newline


@pytest.mark.req("spec-check", "1.6")
@pytest.mark.parametrize(("original", "indent", "ending"), [
    (TAB_CONFIG, "\t", "\n"), (FOUR_SPACE_CONFIG, "    ", "")], ids=["tabs", "four-spaces"])
def test_approve_keeps_the_layout_of_config_kiro(
        make_workspace: MakeWorkspace, original: str, indent: str, ending: str) -> None:
    files = good_spec()
    files[f"{SPEC}/.config.kiro"] = original
    workspace = make_workspace(files)

    approve(workspace, "cart", "requirements", force=True)

    written = (workspace.spec_dir("cart") / ".config.kiro").read_text(encoding="utf-8")
    value = json.loads(written)
    assert list(value) == ["specId", "workflowType", "specType", "zUnknown", "specloom"]
    assert value["zUnknown"] == {"keep": [1]}
    assert "requirements" in value["specloom"]["approvals"]
    assert written == json.dumps(value, indent=indent) + ending
    assert written.startswith(original[: original.index('"zUnknown"')])  # untouched lines


# ---- 4. stale temporary files ------------------------------------------------------------


def test_a_write_removes_specloom_stale_temp_files_and_nothing_else(tmp_path: Path) -> None:
    hour_ago = time.time() - 3600
    stale = tmp_path / ".tasks.md.specloom-k3j_9x2a.tmp"
    fresh = tmp_path / ".tasks.md.specloom-ab12cd34.tmp"  # another process writing right now
    users = [tmp_path / name for name in (
        ".tasks.md.backup.tmp", "tasks.md.specloom-k3j_9x2a.tmp", ".notes.specloom-k3j_9x2a.tmp.bak",
        ".tasks.md.k3j_9x2a.tmp", "specloom-k3j_9x2a.tmp", ".tasks.md.specloom-KEEP.tmp")]
    for file in (stale, fresh, *users):
        file.write_bytes(b"half-written")
    for file in (stale, *users):
        os.utime(file, (hour_ago, hour_ago))
    link = tmp_path / ".design.md.specloom-zz99yy88.tmp"
    link.symlink_to(users[0])
    os.utime(link, (hour_ago, hour_ago), follow_symlinks=False)

    write_atomic(tmp_path / "tasks.md", b"new\n")

    assert not stale.exists()
    assert fresh.exists() and link.is_symlink() and all(file.exists() for file in users)
    assert (tmp_path / "tasks.md").read_bytes() == b"new\n"


def test_the_temp_file_of_a_write_has_the_name_the_cleanup_looks_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names: list[str] = []
    real = os.replace

    def replacing(src: Any, dst: Any) -> None:
        names.append(Path(src).name)
        real(src, dst)

    monkeypatch.setattr(os, "replace", replacing)
    write_atomic(tmp_path / ".config.kiro", b"{}\n")

    assert len(names) == 1 and TEMP_NAME.match(names[0])
    assert remove_stale_temp_files(tmp_path, older_than=0) == []  # nothing was left behind


# ---- 5. task-like lines in comments and code ---------------------------------------------


@pytest.mark.req("spec-check", "4.1")
def test_task_status_flips_only_the_real_task_below_a_commented_out_one(
        spec_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("# Implementation Plan\n\n"
            "<!-- - [ ] 1. Old idea -->\n"
            "<!--\n- [ ] 1. Another old idea\n-->\n"
            "```\n- [ ] 1. An example in code\n```\n"
            "- [ ] 1. The real task\n")
    (spec_dir / "tasks.md").write_text(text, encoding="utf-8")

    code = main(["--root", str(spec_dir.parents[2]), "task", "cart", "1", "--status", "done"])

    assert code == 0
    assert (spec_dir / "tasks.md").read_text(encoding="utf-8") == text.replace(
        "- [ ] 1. The real task", "- [x] 1. The real task")


# ---- 6. long heading lines stay linear ---------------------------------------------------


@pytest.mark.req("spec-check", "4.1")
@pytest.mark.parametrize("spaces", [1_500, 100_000])
@pytest.mark.parametrize("command", [["list"], ["check"], ["show", "cart"], ["trace"]],
                         ids=["list", "check", "show", "trace"])
def test_commands_finish_on_a_heading_with_a_long_run_of_spaces(
        make_workspace: MakeWorkspace, capsys: pytest.CaptureFixture[str], spaces: int,
        command: list[str]) -> None:
    files = good_spec()
    files[f"{SPEC}/requirements.md"] = str(files[f"{SPEC}/requirements.md"]) \
        + "\n# a" + " " * spaces + "x\n" + "## b" + " " * spaces + "#\n"
    workspace = make_workspace(files)

    code = finishes(lambda: main(["--root", str(workspace.root), *command]))

    assert code in (0, 1)
    capsys.readouterr()
