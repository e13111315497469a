"""`specloom init`: the steering trio (product.md, tech.md, structure.md) from repository facts.

The facts come from `specloom.project.scan`; a model, when given, adds a short prose overview to
each file (`write_prose`), written from those facts only. Rendering is deterministic: the same
facts and prose give the same bytes. `apply_init` writes through the manifest so that a file the
user edited is never overwritten without `force`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from specloom.project.manifest import WriteManifest, WritePlan
from specloom.project.scan import Command, RepoFacts

if TYPE_CHECKING:
    from pydantic_ai.models import Model

STEERING_DIR = ".kiro/steering"
STEERING_FILES = ("product.md", "tech.md", "structure.md")
PROSE_MARKER = "<!-- specloom: overview written by a model from the facts below; edit freely -->"
FACTS_MARKER = "<!-- specloom: facts from a scan of the repository; re-run 'specloom init' -->"
PURPOSE_ORDER = ("build", "test", "lint", "typecheck", "format", "run", "other")


@dataclass(frozen=True, slots=True)
class SteeringProse:
    product: str | None = None
    tech: str | None = None
    structure: str | None = None

    def for_file(self, file_name: str) -> str | None:
        text: str | None = getattr(self, file_name.removesuffix(".md"))
        return text


@dataclass(frozen=True, slots=True)
class InitOutcome:
    plan: WritePlan
    written: bool


# -- rendering ------------------------------------------------------------------------------

def render_steering_files(facts: RepoFacts, prose: SteeringProse | None = None) -> dict[str, str]:
    """File name -> content for the three steering files."""
    prose = prose or SteeringProse()
    return {
        "product.md": _document("Product", prose.product, _product_facts(facts)),
        "tech.md": _document("Tech", prose.tech, _tech_facts(facts)),
        "structure.md": _document("Structure", prose.structure, _structure_facts(facts)),
    }


def _document(title: str, prose: str | None, facts: list[str]) -> str:
    parts = [f"# {title}", ""]
    if prose and prose.strip():
        parts += [PROSE_MARKER, "", prose.strip(), ""]
    parts += [FACTS_MARKER, "", *facts]
    return "\n".join(parts).rstrip("\n") + "\n"


def _product_facts(facts: RepoFacts) -> list[str]:
    lines = ["## Facts", "", f"- Name: {facts.name}"]
    if facts.summary:
        lines.append(f"- Summary (from the project metadata or README): {facts.summary}")
    return lines


def _tech_facts(facts: RepoFacts) -> list[str]:
    lines = ["## Languages", ""]
    if facts.languages:
        lines += [f"- {language}: {count} file{'s' if count != 1 else ''}"
                  for language, count in facts.languages[:12]]
    else:
        lines.append("- none recognised by file extension")
    lines += ["", "## Manifests", ""]
    lines += [f"- `{path}`" for path in facts.manifests] or ["- none found"]
    lines += ["", "## Common commands", ""]
    lines += _command_lines(facts.commands) or ["- none found in the root manifests"]
    return lines


def _command_lines(commands: tuple[Command, ...]) -> list[str]:
    ordered = sorted(commands, key=lambda c: PURPOSE_ORDER.index(c.purpose))
    return [f"- {c.purpose}: `{c.command}` (from {c.source})" for c in ordered]


def _structure_facts(facts: RepoFacts) -> list[str]:
    source = "git ls-files (respecting .gitignore)" if facts.git else "a walk of the folder"
    lines = ["## Top-level layout", "", f"{facts.file_count} files, listed by {source}.", ""]
    for folder in facts.folders:
        about = f": {folder.description}" if folder.description else ""
        lines.append(f"- `{folder.name}/` ({folder.files} files){about}")
    if facts.top_files:
        shown = ", ".join(f"`{name}`" for name in facts.top_files[:30])
        more = f" and {len(facts.top_files) - 30} more" if len(facts.top_files) > 30 else ""
        lines += ["", f"Files at the root: {shown}{more}."]
    return lines


# -- model prose ----------------------------------------------------------------------------

PROSE_INSTRUCTIONS = """\
You write steering documents that brief a coding agent on a software repository.
Use only the facts given; do not invent features, users or tools. Be concise and concrete.
Answer with exactly three sections, each starting with its marker line:
=== product ===
(2-5 sentences: what the project is for, who uses it, its goals)
=== tech ===
(2-5 sentences: the stack and how to build, test and lint it)
=== structure ===
(2-5 sentences: how the repository is laid out and where things belong)
"""
SECTION = re.compile(r"^\s*={2,}\s*(product|tech|structure)\s*={2,}\s*$",
                     re.IGNORECASE | re.MULTILINE)


def write_prose(model: Model, facts: RepoFacts) -> SteeringProse:
    """Ask `model` for a short overview per file, grounded in the rendered facts."""
    import asyncio

    from pydantic_ai import Agent

    agent = Agent(model, instructions=PROSE_INSTRUCTIONS, output_type=str)
    # asyncio.run closes its event loop; Agent.run_sync would leave one open per call
    result = asyncio.run(agent.run(facts_prompt(facts)))
    return parse_prose(result.output)


def facts_prompt(facts: RepoFacts) -> str:
    files = render_steering_files(facts)
    body = "\n\n".join(files[name] for name in STEERING_FILES)
    return f"Facts about the repository:\n\n{body}"


def parse_prose(answer: str) -> SteeringProse:
    """The three sections of a model answer; a missing or empty section is None."""
    sections: dict[str, str] = {}
    matches = list(SECTION.finditer(answer))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(answer)
        text = answer[match.end():end].strip()
        if text:
            sections.setdefault(match.group(1).lower(), text)
    return SteeringProse(sections.get("product"), sections.get("tech"),
                         sections.get("structure"))


# -- writing --------------------------------------------------------------------------------

def plan_init(root: Path, contents: dict[str, str]) -> list[WritePlan]:
    manifest = WriteManifest(root)
    return [manifest.plan_write(f"{STEERING_DIR}/{name}", contents[name])
            for name in STEERING_FILES]


def apply_init(root: Path, contents: dict[str, str], *, force: bool = False) -> list[InitOutcome]:
    """Create or update the steering files; leave user-edited files alone unless `force`."""
    manifest = WriteManifest(root)
    outcomes: list[InitOutcome] = []
    for name in STEERING_FILES:
        path = f"{STEERING_DIR}/{name}"
        plan = manifest.plan_write(path, contents[name])
        writes = plan.action in ("create", "update") or (plan.action == "conflict" and force)
        if writes:
            manifest.write(path, contents[name])
        elif plan.action == "unchanged":
            manifest.record(path, contents[name])
        outcomes.append(InitOutcome(plan, writes))
    (root / ".kiro").mkdir(exist_ok=True)
    manifest.save()
    return outcomes
