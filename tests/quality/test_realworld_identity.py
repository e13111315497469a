"""The fast parser and rule pass give what the careful one gave, on the specs real users wrote.

`data/realworld_digests.json` holds, for each of the eight public `.kiro/` trees in
`../shared/data/realworld/`, a SHA-256 of everything specloom reads from them (every parsed
document, field by field, with line numbers) and of every diagnostic `check --select ALL`
reports. The digests were recorded before the speed work of issue 14; any change to what the
parsers or rules produce on real input changes a digest. Only digests are committed, never
the data's text. After an intended change to parsing or rules, re-record with
`python tests/quality/test_realworld_identity.py --write` and say why in the commit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from specloom.quality.check import check_workspace
from specloom.quality.settings import CheckSettings
from specloom.spec.loader import load_spec
from specloom.spec.source import SourceText
from specloom.spec.workspace import Workspace

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REALWORLD = PROJECT_ROOT.parent / "shared" / "data" / "realworld"
DIGESTS = Path(__file__).with_name("data") / "realworld_digests.json"


def plain(value: Any) -> Any:
    """A JSON-able copy of a parsed document; the raw source text is left out (the fields
    parsed from it are what is compared)."""
    if isinstance(value, SourceText):
        return value.path
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple, as a record
        return {name: plain(getattr(value, name)) for name in value._fields}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Path):
        return value.as_posix()
    return repr(value)


def digest(payload: Any, tree: Path) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(text.replace(str(tree), "<tree>").encode("utf-8")).hexdigest()


def tree_digests(tree: Path) -> dict[str, str]:
    workspace = Workspace(tree)
    parsed = [plain({"name": spec.name, "config": spec.config, "requirements": spec.requirements,
                     "design": spec.design, "tasks": spec.tasks,
                     "problems": spec.file_problems})
              for spec in (load_spec(workspace, name) for name in workspace.spec_names())]
    report = check_workspace(workspace, settings=CheckSettings(select=("ALL",)), jobs=1)
    diagnostics = [dataclasses.astuple(d) for d in report.diagnostics]
    return {"parsed": digest(parsed, tree), "diagnostics": digest(diagnostics, tree)}


def trees() -> list[Path]:
    return sorted(p for p in REALWORLD.iterdir() if (p / ".kiro").is_dir()) \
        if REALWORLD.is_dir() else []


@pytest.mark.req("spec-check", "12.3")
@pytest.mark.parametrize("tree", trees(), ids=lambda p: p.name)
def test_parsing_and_rules_give_the_recorded_results_on_real_specs(tree: Path) -> None:
    recorded = json.loads(DIGESTS.read_text())
    assert tree_digests(tree) == recorded[tree.name]


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    DIGESTS.write_text(json.dumps({t.name: tree_digests(t) for t in trees()}, indent=2) + "\n")
    print(f"wrote {DIGESTS}")


@pytest.mark.req("spec-check", "12.3")
@pytest.mark.parametrize("tree", trees(), ids=lambda p: p.name)
def test_the_default_selection_reports_what_all_rules_report_for_its_codes(tree: Path) -> None:
    """Rules the settings leave out are not run at all (the EARS parse when no EARS rule and
    not A013 is selected); what is reported is exactly the selected part of `ALL`."""
    workspace = Workspace(tree)
    default = CheckSettings()
    everything = check_workspace(workspace, settings=CheckSettings(select=("ALL",)), jobs=1)
    selected = [d for d in everything.diagnostics if default.enabled(d.code)]
    assert list(check_workspace(workspace, settings=default, jobs=1).diagnostics) == selected
