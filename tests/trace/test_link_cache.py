"""The link cache of `trace`: unchanged files are not parsed again, a changed byte is, and
`--no-cache` neither reads nor writes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from trace_helpers import spec_files, write_files

from specloom.trace import scan as scan_module
from specloom.trace.link_cache import CACHE_FOLDER
from specloom.trace.matrix import build_trace
from specloom.trace.render_trace import trace_to_dict

TEST_FILE = '''import pytest


@pytest.mark.req("cart", "1.2")
def test_rejects():
    pass
'''


def parsed_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the files the scan parses (as opposed to taking from the cache)."""
    seen: list[str] = []
    real = scan_module._scan_file

    def counting(relative: str, data: bytes) -> object:
        seen.append(relative)
        return real(relative, data)

    monkeypatch.setattr(scan_module, "_scan_file", counting)
    return seen


@pytest.mark.req("traceability", "3.7")
def test_unchanged_files_come_from_the_cache_and_a_changed_byte_is_parsed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = write_files(tmp_path, {**spec_files(), "tests/test_cart.py": TEST_FILE})
    fresh = trace_to_dict(build_trace(workspace))
    seen = parsed_files(monkeypatch)
    first = trace_to_dict(build_trace(workspace, cache=True))
    assert sorted(seen) == ["src/cart.py", "tests/test_cart.py"]
    seen.clear()
    second = trace_to_dict(build_trace(workspace, cache=True))
    assert seen == [] and first == second == fresh
    test_file = tmp_path / "tests" / "test_cart.py"
    test_file.write_text(TEST_FILE.replace('"1.2"', '"1.1"'))
    third = trace_to_dict(build_trace(workspace, cache=True))
    assert seen == ["tests/test_cart.py"]
    assert third == trace_to_dict(build_trace(workspace))
    criteria = {c["id"]: c for c in third["specs"][0]["criteria"]}
    assert criteria["1.1"]["tests"] and not criteria["1.2"]["tests"]


@pytest.mark.req("traceability", "3.7")
def test_a_broken_cache_entry_is_a_miss(tmp_path: Path) -> None:
    workspace = write_files(tmp_path, {**spec_files(), "tests/test_cart.py": TEST_FILE})
    fresh = trace_to_dict(build_trace(workspace, cache=True))
    entry = tmp_path / CACHE_FOLDER / "links.json"
    data = json.loads(entry.read_text())
    for path in data["value"]:
        data["value"][path] = [data["value"][path][0], [["not", "a", "link"]], []]
    entry.write_text(json.dumps(data))
    assert trace_to_dict(build_trace(workspace, cache=True)) == fresh
    entry.write_text("{ broken")
    assert trace_to_dict(build_trace(workspace, cache=True)) == fresh


@pytest.mark.req("traceability", "3.8")
def test_no_cache_leaves_the_cache_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    from specloom.cli.main import main

    write_files(tmp_path, {**spec_files(), "tests/test_cart.py": TEST_FILE})
    assert main(["--root", str(tmp_path), "trace", "--json", "--no-cache"]) == 0
    assert not (tmp_path / CACHE_FOLDER).exists()
    assert main(["--root", str(tmp_path), "trace", "--json"]) == 0
    assert (tmp_path / CACHE_FOLDER / "links.json").is_file()
    capsys.readouterr()
