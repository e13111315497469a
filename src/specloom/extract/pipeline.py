"""`extract_spec`: fact sheet -> grounded or skeleton spec -> test links -> files on disk.

The one library entry point the CLI (and later the MCP server) calls. It writes only inside
`.kiro/specs/<name>/` (requirements.md, design.md, facts.json, .config.kiro), plus comment lines
above matched tests when `link_tests` is set. It refuses to replace a spec a person wrote, or
an extracted one without `force`. No tasks.md is written: an extracted spec describes what
exists, so there is nothing to implement until a person plans a change.

`link_spec` (`specloom link SPEC`) recomputes the test links of an extracted spec, reviewed or
not, from its facts.json and the current tests: it rewrites facts.json's test facts and links
and adds missing tag lines, and never touches requirements.md, design.md or .config.kiro.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specloom.core.errors import SpecloomError
from specloom.extract.draft import ExtractedSpec, render_extracted
from specloom.extract.facts import FactSheet, sheet_from_json
from specloom.extract.linking import CriterionLink, TagEdit, insert_tags, link_criteria
from specloom.extract.sheet import build_fact_sheet
from specloom.extract.skeleton import skeleton_spec
from specloom.extract.tests_facts import list_test_files, with_suite_tests
from specloom.spec.config import SpecConfig, parse_config
from specloom.spec.files import write_atomic
from specloom.spec.workspace import Workspace
from specloom.trace.anchors import fact_fingerprints

if TYPE_CHECKING:
    from pydantic_ai.models import Model

    from specloom.extract.grounded import Dropped

ORIGIN_KEY = "specloom"
SPEC_FILES = ("requirements.md", "design.md", "facts.json", ".config.kiro")
Progress = Callable[[str], None]


class ExtractError(SpecloomError):
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
    sheet = with_suite_tests(sheet, workspace.root, list_test_files(source, test_roots))
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
    _write_spec(spec_dir, workspace, source, name, sheet, spec, links, dropped, model is not None,
                [workspace.relative(t.resolve()) for t in test_roots])
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


def is_extracted_spec(spec_dir: Path) -> bool:
    """A spec folder `extract` wrote (reviewed or not) that still has its facts.json."""
    marker = _read_config(spec_dir).get(ORIGIN_KEY) if spec_dir.is_dir() else None
    return isinstance(marker, dict) and marker.get("origin") == "extracted" and \
        (spec_dir / "facts.json").is_file()


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
                dropped: Sequence[Dropped], used_model: bool, test_roots: list[str]) -> None:
    requirements, design = render_extracted(spec, name)
    facts = sheet.to_json([link.to_json() for link in links])
    facts["dropped_criteria"] = [d.to_json() for d in dropped]
    facts["written_by"] = "model" if used_model else "skeleton"
    facts["test_roots"] = test_roots
    facts["fingerprints"] = fact_fingerprints(  # drift's reference until the spec is verified
        workspace.root, [(f.id, f.kind, f.path, f.name) for f in sheet.facts])
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


@dataclass(frozen=True, slots=True)
class LinkResult:
    """What `link_spec` did: the links now in facts.json, what changed, the tag lines added,
    and linked tests no tag line can mark (inherited test methods)."""

    spec_dir: Path
    sheet: FactSheet
    links: tuple[CriterionLink, ...]
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]
    tag_edits: tuple[TagEdit, ...]
    untagged: tuple[tuple[str, str], ...]
    facts_changed: bool


def link_spec(workspace: Workspace, name: str, *, tests: Sequence[Path] = (), tag: bool = True,
              progress: Progress | None = None) -> LinkResult:
    """Recompute the test links of extracted spec `name` from its facts.json and the tests.

    The criteria and what they cite are read from requirements.md as it is now (a reviewer may
    have renumbered or removed criteria); facts.json's saved links fill in when requirements.md
    carries no `<!-- facts: -->` comments. Only facts.json (when its content changes) and the
    test files (tag lines added) are written."""
    spec_dir = workspace.spec_dir(name)
    facts_path = spec_dir / "facts.json"
    if not spec_dir.is_dir():
        raise ExtractError(f"{name}: no spec folder {workspace.relative(spec_dir)}; run "
                           f"'specloom extract PATH --name {name}' first")
    if not facts_path.is_file():
        raise ExtractError(
            f"{workspace.relative(facts_path)}: not found. 'specloom link' relinks a spec "
            "written by 'specloom extract' from its fact sheet; for a spec you wrote, link "
            f"tests with @pytest.mark.req(\"{name}\", \"N.M\") or a '# specloom: {name} N.M' "
            "comment above the test (see docs/trace.md)")
    data = _read_facts(facts_path, workspace)
    sheet = sheet_from_json(data)
    citations, texts = _current_citations(spec_dir, data)
    roots = list(tests) or _saved_test_roots(workspace, data, sheet)
    source = workspace.root / sheet.source
    if progress:
        progress(f"reading tests under {', '.join(workspace.relative(r) for r in roots)}")
    files = list_test_files(source, roots)
    code_sheet = sheet
    sheet = with_suite_tests(code_sheet, workspace.root, files)
    links = tuple(link_criteria(citations, sheet, texts))
    edits = tuple(insert_tags(workspace.root, name, links)) if tag else ()
    if edits:  # the added lines moved the tests: record where they are now
        sheet = with_suite_tests(code_sheet, workspace.root, files)
        links = tuple(link_criteria(citations, sheet, texts))
    before = {(str(link.get("criterion")), str(test)) for link in data.get("links") or []
              if isinstance(link, dict) for test in link.get("tests") or []}
    after = {(link.criterion, test) for link in links for test in link.tests}
    updated = dict(data)
    updated["facts"] = [fact.to_json() for fact in sheet.facts]
    updated["links"] = [link.to_json() for link in links]
    updated["test_roots"] = [workspace.relative(r.resolve()) for r in roots]
    text = (json.dumps(updated, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    changed = text != facts_path.read_bytes()
    if changed:
        write_atomic(facts_path, text)
    return LinkResult(spec_dir, sheet, links, tuple(sorted(after - before)),
                      tuple(sorted(before - after)), edits, _untaggable(sheet, links), changed)


def _read_facts(path: Path, workspace: Workspace) -> dict[str, Any]:
    from specloom.spec.source import read_text_bounded

    shown = workspace.relative(path)
    try:
        data = json.loads(read_text_bounded(path))
    except json.JSONDecodeError as exc:
        raise ExtractError(f"{shown}:{exc.lineno}: not valid JSON ({exc.msg}); restore it "
                           "from version control or re-run 'specloom extract --force'") from None
    if not isinstance(data, dict) or data.get("kind") != "facts" or \
            not isinstance(data.get("facts"), list):
        raise ExtractError(f"{shown}: not a specloom fact sheet (expected \"kind\": \"facts\" "
                           "and a \"facts\" list); restore it from version control")
    return data


def _current_citations(spec_dir: Path, data: Mapping[str, Any]
                       ) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Criterion id -> cited fact ids and criterion id -> text, from requirements.md."""
    from specloom.extract.draft import cited_facts
    from specloom.spec.requirements import parse_requirements
    from specloom.spec.source import SourceText, read_text_bounded

    citations: dict[str, tuple[str, ...]] = {}
    texts: dict[str, str] = {}
    path = spec_dir / "requirements.md"
    if path.is_file():
        source = SourceText.from_text(str(path), read_text_bounded(path))
        for criterion in parse_requirements(source).criteria():
            last = max([s.line for s in criterion.segments] or [criterion.line])
            raw = " ".join(source.line(n) for n in range(criterion.line, last + 1))
            texts[criterion.id] = criterion.text
            cited = cited_facts(raw)
            if cited:
                citations[criterion.id] = cited
    if citations:
        return citations, texts
    saved = {str(link["criterion"]): tuple(str(f) for f in link.get("facts") or [])
             for link in data.get("links") or [] if isinstance(link, dict)
             and "criterion" in link}
    return saved, texts


def _saved_test_roots(workspace: Workspace, data: Mapping[str, Any],
                      sheet: FactSheet) -> list[Path]:
    saved = data.get("test_roots")
    if isinstance(saved, list):
        return [workspace.root / str(r) for r in saved]
    return default_test_roots(workspace.root, workspace.root / sheet.source)


def _untaggable(sheet: FactSheet, links: Sequence[CriterionLink]) -> tuple[tuple[str, str], ...]:
    inherited = {str(t.details.get("nodeid")): str(t.details["inherited_from"])
                 for t in sheet.of_kind("test") if t.details.get("inherited_from")}
    linked = sorted({test for link in links for test in link.tests if test in inherited})
    return tuple((test, f"inherited from {inherited[test]}: a tag above that def would link "
                        "the base class's test, so this link stays in facts.json")
                 for test in linked)
