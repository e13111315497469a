"""Packs of cached results: many packs or mostly stale entries are folded into one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specloom.core.result_cache import PackedCache


def packs(folder: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text())["entries"] for p in sorted(folder.glob("pack-*.json"))]


@pytest.mark.req("spec-check", "12.5")
def test_many_packs_fold_into_one_keeping_live_and_recent_entries(tmp_path: Path) -> None:
    writer = PackedCache(tmp_path)
    for number in range(20):
        writer.put_many({f"k{number}": number})
    assert len(packs(tmp_path)) == 20
    live = {f"k{number}" for number in range(5)}
    assert PackedCache(tmp_path).prune(live) == 0  # all written within the hour: all kept
    assert packs(tmp_path) == [{f"k{number}": number for number in range(20)}]
    assert PackedCache(tmp_path).prune(live, unused_for=0) == 15
    assert packs(tmp_path) == [{f"k{number}": number for number in range(5)}]
    reader = PackedCache(tmp_path)
    assert reader.get("k3") == 3 and reader.get("k7") is None


@pytest.mark.req("spec-check", "12.6")
def test_a_broken_pack_is_a_miss_for_its_keys(tmp_path: Path) -> None:
    writer = PackedCache(tmp_path)
    writer.put_many({"a": 1})
    writer.put_many({"b": 2})
    broken = sorted(tmp_path.glob("pack-*.json"))[0]
    broken.write_bytes(b"{ not json")
    reader = PackedCache(tmp_path)
    assert sorted(k for k in ("a", "b") if reader.get(k) is not None) == \
        [k for k in ("a", "b") if PackedCache(tmp_path).get(k) is not None]
    assert (reader.get("a") is None) != (reader.get("b") is None)
