"""`#[[file:...]]` inlining: confinement, missing files, cycles and the depth limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specloom.context.inline import inline_files


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.req("steering-and-init", "5.1", "5.2")
def test_inlines_recursively(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": "A[#[[file:docs/b.md]]]", "docs/b.md": "B(#[[file: c.md ]])",
                     "c.md": "C"})
    result = inline_files("x #[[file:a.md]] y", root=tmp_path, source="s.md")
    assert result.text == "x A[B(C)] y"
    assert result.problems == ()


@pytest.mark.req("steering-and-init", "5.4")
def test_missing_file_is_k003_with_line_and_column(tmp_path: Path) -> None:
    result = inline_files("one\ntwo #[[file:nope.md]]\n", root=tmp_path, source="s.md",
                          first_line=4)
    (problem,) = result.problems
    assert (problem.code, problem.path, problem.line, problem.column) == ("K003", "s.md", 5, 5)
    assert result.text == "one\ntwo #[[file:nope.md]]\n"


@pytest.mark.req("steering-and-init", "5.3")
@pytest.mark.parametrize("reference", ["../outside.md", "/etc/hostname", "sub/../../outside.md"])
def test_outside_workspace_is_k004(tmp_path: Path, reference: str) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (tmp_path / "outside.md").write_text("secret")
    result = inline_files(f"#[[file:{reference}]]", root=root, source="s.md")
    assert [p.code for p in result.problems] == ["K004"]
    assert "secret" not in result.text


@pytest.mark.req("steering-and-init", "5.3")
@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_leaving_workspace_is_k004(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (tmp_path / "outside.md").write_text("secret")
    (root / "link.md").symlink_to(tmp_path / "outside.md")
    result = inline_files("#[[file:link.md]]", root=root, source="s.md")
    assert [p.code for p in result.problems] == ["K004"]


@pytest.mark.req("steering-and-init", "5.5")
def test_cycle_is_reported_once_and_stops(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": "a>#[[file:b.md]]", "b.md": "b>#[[file:a.md]]"})
    result = inline_files("#[[file:a.md]]", root=tmp_path, source="s.md")
    assert result.text == "a>b>#[[file:a.md]]"
    (problem,) = result.problems
    assert (problem.code, problem.path) == ("K007", "b.md")


@pytest.mark.req("steering-and-init", "5.5")
def test_self_reference_from_origin_is_a_cycle(tmp_path: Path) -> None:
    write(tmp_path, {"s.md": "#[[file:s.md]]"})
    result = inline_files("#[[file:s.md]]", root=tmp_path, source="s.md",
                          origin=tmp_path / "s.md")
    assert [p.code for p in result.problems] == ["K007"]


@pytest.mark.req("steering-and-init", "5.6")
def test_depth_limit(tmp_path: Path) -> None:
    write(tmp_path, {f"f{i}.md": f"{i}#[[file:f{i + 1}.md]]" for i in range(10)})
    result = inline_files("#[[file:f0.md]]", root=tmp_path, source="s.md", max_depth=3)
    assert result.text.startswith("0123")
    assert [p.code for p in result.problems] == ["K008"]


@pytest.mark.req("steering-and-init", "5.4")
def test_unreadable_file_is_k003(tmp_path: Path) -> None:
    (tmp_path / "bin.md").write_bytes(b"\xff\xfe\xfa")
    result = inline_files("#[[file:bin.md]]", root=tmp_path, source="s.md")
    assert [p.code for p in result.problems] == ["K003"]


def test_symlink_loop_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    result = inline_files("see #[[file:loop.md]]\n", root=tmp_path, source="x.md")
    assert result.text == "see #[[file:loop.md]]\n"
    assert [(p.code, "symlink loop" in p.message) for p in result.problems] == [("K003", True)]
