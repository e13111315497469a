"""`extract_spec`: fact sheet -> grounded or skeleton spec -> test links -> files on disk.

The one library entry point the CLI (and later the MCP server) calls. It writes only inside
`.kiro/specs/<name>/` (requirements.md, design.md, facts.json, .config.kiro), plus comment lines
above matched tests when `link_tests` is set. It refuses to replace a spec a person wrote, or
an extracted one without `force`. No tasks.md is written: an extracted spec describes what
exists, so there is nothing to implement until a person plans a change.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specloom.extract.draft import ExtractedSpec, render_extracted
from specloom.extract.facts import FactSheet
from specloom.extract.linking import CriterionLink, TagEdit, insert_tags, link_criteria
from specloom.extract.sheet import build_fact_sheet
from specloom.extract.skeleton import skeleton_spec
from specloom.spec.config import SpecConfig, parse_config
from specloom.spec.files import write_atomic
from specloom.spec.workspace import Workspace

if TYPE_CHECKING:
    from pydantic_ai.models import Model

    from specloom.extract.grounded import Dropped

ORIGIN_KEY = "specloom"
SPEC_FILES = ("requirements.md", "design.md", "facts.json", ".config.kiro")
Progress = Callable[[str], None]


class ExtractError(Exception):
    """The extraction cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class ExtractResult:
    spec_dir: Path
    sheet: FactSheet
    spec: ExtractedSpec
    links: tuple[CriterionLink, ...]
    dropped: tuple[Dropped, ...]
    tag_edits: tuple[TagEdit, ...]
    rounds: int
    used_model: bool


def extract_spec(workspace: Workspace, source: Path, name: str, model: Model | None = None, *,
                 tests: Sequence[Path] = (), link_tests: bool = False, force: bool = False,
                 max_repairs: int = 2, progress: Progress | None = None) -> ExtractResult:
    spec_dir = workspace.spec_dir(name)
    guard_existing(spec_dir, force)
    if not source.exists():
        raise ExtractError(f"{source}: no such file or folder")
    test_roots = list(tests) or default_test_roots(workspace.root, source)
    sheet = build_fact_sheet(source, workspace.root, test_roots, progress)
    if not any(f.kind != "test" and f.kind != "module" for f in sheet.facts):
        skipped = "".join(f"\n  skipped {s.path}: {s.reason}" for s in sheet.skipped[:10])
        raise ExtractError(f"{source}: no Python definitions found to describe "
                           f"({len(sheet.files)} files read, {len(sheet.skipped)} skipped); "
                           "point PATH at a Python file or package with functions or classes"
                           f"{skipped}")
    dropped: tuple[Dropped, ...] = ()
    rounds = 0
    if model is None:
        spec = skeleton_spec(sheet, name)
    else:
        from specloom.extract.grounded import write_grounded

        result = write_grounded(model, sheet, name, max_repairs, progress)
        spec, dropped, rounds = result.spec, result.dropped, result.rounds
    links = tuple(link_criteria(spec.citations(), sheet, spec.criterion_texts()))
    _write_spec(spec_dir, workspace, source, name, sheet, spec, links, dropped, model is not None)
    edits = tuple(insert_tags(workspace.root, name, links)) if link_tests else ()
    return ExtractResult(spec_dir, sheet, spec, links, dropped, edits, rounds, model is not None)


def guard_existing(spec_dir: Path, force: bool) -> None:
    """Refuse to replace a person's spec; replace an unreviewed extracted one only on `force`."""
    if not spec_dir.exists() or not any(spec_dir.iterdir()):
        return
    config = _read_config(spec_dir)
    marker = config.get(ORIGIN_KEY)
    origin = marker.get("origin") if isinstance(marker, dict) else None
    if origin != "extracted":
        raise ExtractError(f"{spec_dir.name}: a spec with this name exists and was not "
                           "extracted by specloom; choose another --name")
    if isinstance(marker, dict) and marker.get("reviewed"):
        raise ExtractError(f"{spec_dir.name}: this extracted spec was reviewed by a person; "
                           "choose another --name rather than overwrite their review")
    if not force:
        raise ExtractError(f"{spec_dir.name}: an extracted spec with this name exists; pass "
                           "--force to replace it")


def default_test_roots(root: Path, source: Path) -> list[Path]:
    """`tests/` and `test/` at the workspace root, unless they are inside the source already."""
    found = []
    for name in ("tests", "test"):
        folder = root / name
        if folder.is_dir() and not _inside(folder, source):
            found.append(folder)
    return found


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _read_config(spec_dir: Path) -> dict[str, Any]:
    try:
        return dict(parse_config((spec_dir / ".config.kiro").read_text(encoding="utf-8")).raw)
    except (OSError, UnicodeDecodeError):
        return {}


def _write_spec(spec_dir: Path, workspace: Workspace, source: Path, name: str,
                sheet: FactSheet, spec: ExtractedSpec, links: Sequence[CriterionLink],
                dropped: Sequence[Dropped], used_model: bool) -> None:
    requirements, design = render_extracted(spec, name)
    facts = sheet.to_json([link.to_json() for link in links])
    facts["dropped_criteria"] = [d.to_json() for d in dropped]
    facts["written_by"] = "model" if used_model else "skeleton"
    existing = _read_config(spec_dir)
    text = SpecConfig(existing).updated(
        specId=existing.get("specId") or str(uuid.uuid4()), workflowType="requirements-first",
        specType="feature", **{ORIGIN_KEY: {"origin": "extracted", "reviewed": False,
                                            "source": workspace.relative(source.resolve()),
                                            "writer": facts["written_by"]}})
    write_atomic(spec_dir / "requirements.md", requirements.encode("utf-8"))
    write_atomic(spec_dir / "design.md", design.encode("utf-8"))
    write_atomic(spec_dir / "facts.json",
                 (json.dumps(facts, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    write_atomic(spec_dir / ".config.kiro", text.encode("utf-8"))
