"""`specloom extract PATH --name SPEC`: a spec from existing Python code; `specloom link SPEC`:
its test links recomputed in place.

Parses arguments, opens a model session when one is wanted, calls
`specloom.extract.pipeline.extract_spec` (or `link_spec`) and prints the outcome. Library
imports are lazy so `specloom --help` stays fast; it must not hold extraction logic of its own.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from specloom.cli.common import add_json_flag, print_json, workspace_from, workspace_or_create
from specloom.cli.errors import EXIT_OK, CliError

NO_MODEL_HINT = "run with --no-llm for the deterministic skeleton instead"
MAX_SHOWN = 20


def register(commands: Any) -> None:
    extract = commands.add_parser(
        "extract", help="write a spec (requirements and design) from existing Python code",
        description="Build a fact sheet from the code with static analysis (the code is never "
                    "imported), then write requirements.md and design.md under "
                    ".kiro/specs/SPEC/ from the facts alone, each criterion citing its facts, "
                    "and link the criteria to the existing tests that exercise them.")
    extract.add_argument("path", metavar="PATH", help="a Python file or folder (a package)")
    extract.add_argument("--name", required=True, metavar="SPEC", help="spec name (kebab-case)")
    extract.add_argument("--model", metavar="MODEL", help="model to write the spec with")
    extract.add_argument("--replay", metavar="RUN", help="answer from a recorded run")
    extract.add_argument("--no-llm", action="store_true",
                         help="no model: a deterministic design and a requirements skeleton")
    extract.add_argument("--tests", action="append", default=[], metavar="DIR",
                         help="where the existing tests are (default: tests/ and test/ at the "
                              "root, and test files inside PATH); repeatable")
    extract.add_argument("--link-tests", action="store_true",
                         help="add '# specloom: SPEC N.M' comment lines above matched tests; "
                              "on an existing extracted spec (without --force), only relink "
                              "it as 'specloom link SPEC' does")
    extract.add_argument("--max-repairs", type=int, default=2, metavar="N",
                         help="rounds of check findings sent back to the model (default 2)")
    extract.add_argument("--force", action="store_true",
                         help="replace an existing, unreviewed extracted spec of this name")
    add_json_flag(extract)
    extract.set_defaults(handler=run_extract)

    link = commands.add_parser(
        "link", help="recompute an extracted spec's links to the existing tests, in place",
        description="Find the tests that exercise each criterion of a spec written by "
                    "'specloom extract' (through imports, fixtures, conftest.py files, "
                    "inherited test classes and calls), write the links with their evidence "
                    "to facts.json and add missing '# specloom: SPEC N.M' comment lines above "
                    "the tests. requirements.md and design.md are never touched, so a "
                    "reviewed spec keeps its review.")
    link.add_argument("spec", metavar="SPEC", help="an extracted spec (with facts.json)")
    link.add_argument("--tests", action="append", default=[], metavar="DIR",
                      help="where the tests are (default: the folders the extraction used); "
                           "repeatable")
    link.add_argument("--no-tags", action="store_true",
                      help="update facts.json only; leave the test files alone")
    add_json_flag(link)
    link.set_defaults(handler=run_link)


def run_extract(args: argparse.Namespace) -> int:
    from specloom.workflows.naming import validate_spec_name

    name = validate_spec_name(args.name)
    workspace = workspace_or_create(args)
    if args.max_repairs < 0:
        raise CliError("--max-repairs must be 0 or more")
    if args.link_tests and not args.force:
        from specloom.extract.pipeline import is_extracted_spec

        if is_extracted_spec(workspace.spec_dir(name)):
            return _link(workspace, name, [Path(t) for t in args.tests], True, args.json)
    if args.no_llm:
        result, usage = _extract(args, workspace, name, None), ""
    else:
        result, usage = _extract_with_model(args, workspace, name)
    data = report_data(result, workspace, usage)
    data["link_tests"] = bool(args.link_tests)
    if args.json:
        print_json(data)
    else:
        _print_report(data)
    return EXIT_OK


def _extract(args: argparse.Namespace, workspace: Any, name: str, model: Any) -> Any:
    from specloom.extract.grounded import GroundingError
    from specloom.extract.pipeline import extract_spec

    try:
        return extract_spec(workspace, Path(args.path), name, model,
                            tests=[Path(t) for t in args.tests], link_tests=args.link_tests,
                            force=args.force, max_repairs=args.max_repairs,
                            progress=_progress)
    except GroundingError as exc:
        raise CliError(f"{exc}\nTry a stronger --model, more --max-repairs, or "
                       f"{NO_MODEL_HINT}", exit_code=1) from None


def _extract_with_model(args: argparse.Namespace, workspace: Any, name: str) -> tuple[Any, str]:
    from specloom.models.errors import ModelCallError, ModelConfigError
    from specloom.models.session import open_model_session

    try:
        session = open_model_session(workspace, model=args.model, replay=args.replay,
                                     command="extract")
    except (ModelConfigError, ModelCallError) as exc:  # ModelCallError: --replay of no run
        raise CliError(f"{exc}\nOr {NO_MODEL_HINT}.") from None
    try:
        note = session.note()
        if note:
            print(note, file=sys.stderr)
        result = _extract(args, workspace, name, session.model)
        return result, str(session.usage_line() or "")
    except ModelCallError as exc:
        raise CliError(f"{exc}\nOr {NO_MODEL_HINT}.") from None
    finally:
        session.close()


def run_link(args: argparse.Namespace) -> int:
    from specloom.workflows.naming import validate_spec_name

    workspace = workspace_from(args)
    name = validate_spec_name(args.spec)
    return _link(workspace, name, [Path(t) for t in args.tests], not args.no_tags, args.json)


def _link(workspace: Any, name: str, tests: list[Path], tag: bool, as_json: bool) -> int:
    from specloom.extract.pipeline import link_spec

    result = link_spec(workspace, name, tests=tests, tag=tag, progress=_progress)
    data = link_report(result, workspace)
    if as_json:
        print_json(data)
    else:
        _print_link_report(data)
    return EXIT_OK


def link_report(result: Any, workspace: Any) -> dict[str, Any]:
    tests = result.sheet.of_kind("test")
    return {
        "spec": result.spec_dir.name, "path": workspace.relative(result.spec_dir),
        "tests": len(tests), "criteria": len(result.links),
        "linked_criteria": sum(1 for link in result.links if link.tests),
        "linked_tests": len({t for link in result.links for t in link.tests}),
        "facts_changed": result.facts_changed,
        "added": [{"criterion": c, "test": t} for c, t in result.added],
        "removed": [{"criterion": c, "test": t} for c, t in result.removed],
        "links": [link.to_json() for link in result.links],
        "tags_added": [{"path": e.path, "test": e.test, "line": e.line, "text": e.text}
                       for e in result.tag_edits],
        "untagged": [{"test": t, "reason": r} for t, r in result.untagged],
    }


def _print_link_report(data: dict[str, Any]) -> None:
    print(f"Linked {data['path']}/: {data['linked_criteria']} of {data['criteria']} criteria "
          f"to {data['linked_tests']} of {data['tests']} tests "
          f"({len(data['added'])} links added, {len(data['removed'])} gone); facts.json "
          f"{'updated' if data['facts_changed'] else 'unchanged'}; requirements.md and "
          "design.md untouched.")
    evidence = {(e["test"], link["criterion"]): e for link in data["links"]
                for e in link["evidence"]}
    for added in data["added"][:MAX_SHOWN]:
        found = evidence.get((added["test"], added["criterion"]), {})
        print(f"  + {added['criterion']} {added['test']}\n      {found.get('via', '')} "
              f"({found.get('path', '')}:{found.get('line', '')})")
    if len(data["added"]) > MAX_SHOWN:
        print(f"  ... and {len(data['added']) - MAX_SHOWN} more (see facts.json, or --json)")
    for removed in data["removed"][:MAX_SHOWN]:
        print(f"  - {removed['criterion']} {removed['test']} (no longer found; its tag line, "
              "if any, is kept)")
    if data["tags_added"]:
        print("Tagged tests (comment lines added):")
        for edit in data["tags_added"]:
            print(f"  {edit['path']}:{edit['line']} {edit['text']}")
    if data["untagged"]:
        print(f"Linked in facts.json only ({len(data['untagged'])} inherited tests: no def "
              "of their own to put a tag above):")
        for item in data["untagged"][:MAX_SHOWN]:
            print(f"  {item['test']}")


def _progress(message: str) -> None:
    print(f"extract: {message}", file=sys.stderr, flush=True)


def report_data(result: Any, workspace: Any, usage: str) -> dict[str, Any]:
    from specloom.extract.linking import suggested_markers

    spec_name = result.spec_dir.name
    kinds = Counter(fact.kind for fact in result.sheet.facts)
    criteria = sum(len(r.criteria) for r in result.spec.requirements)
    return {
        "spec": spec_name, "path": workspace.relative(result.spec_dir),
        "written_by": "model" if result.used_model else "skeleton", "rounds": result.rounds,
        "files": len(result.sheet.files), "lines": result.sheet.lines,
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.sheet.skipped],
        "facts": dict(sorted(kinds.items())), "requirements": len(result.spec.requirements),
        "criteria": criteria, "linked_criteria": sum(1 for link in result.links if link.tests),
        "links": [link.to_json() for link in result.links],
        "suggested_markers": suggested_markers(spec_name, result.links),
        "dropped": [d.to_json() for d in result.dropped],
        "tags_added": [{"path": e.path, "test": e.test, "line": e.line, "text": e.text}
                       for e in result.tag_edits],
        "usage": usage,
    }


def _print_report(data: dict[str, Any]) -> None:
    facts = ", ".join(f"{kind} {count}" for kind, count in data["facts"].items())
    print(f"Wrote {data['path']}/ (requirements.md, design.md, facts.json, .config.kiro); "
          f"written by the {data['written_by']}, marked extracted and unreviewed.")
    print(f"  read {data['files']} files ({data['lines']} lines); facts: {facts}")
    for skipped in data["skipped"]:
        print(f"  skipped {skipped['path']}: {skipped['reason']}")
    print(f"  requirements {data['requirements']}, criteria {data['criteria']}, "
          f"linked to existing tests {data['linked_criteria']}")
    for dropped in data["dropped"]:
        print(f"  grounding: {dropped['reason']}: {dropped['text']}")
    if data["usage"]:
        print(f"  {data['usage']}")
    _print_links(data)
    print(f"Next: review the spec, run 'specloom check {data['spec']}' and "
          f"'specloom verify {data['spec']}'.")


def _print_links(data: dict[str, Any]) -> None:
    if data["tags_added"]:
        print("Tagged tests (comment lines added):")
        for edit in data["tags_added"]:
            print(f"  {edit['path']}:{edit['line']} {edit['text']}")
        return
    markers = data["suggested_markers"]
    if not markers:
        return
    if data.get("link_tests"):
        print("Matched tests already carry their `# specloom:` tags; nothing added.")
        return
    print("Suggested links (add them, or re-run with --link-tests to add comment tags):")
    for test, criteria in markers.items():
        quoted = ", ".join(f'"{c}"' for c in criteria)
        print(f"  {test}\n    @pytest.mark.req(\"{data['spec']}\", {quoted})")
