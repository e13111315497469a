"""`specloom init`: the steering trio (product.md, tech.md, structure.md) from repository facts.

The facts come from `specloom.project.scan`; a model, when given, adds a short prose overview to
each file (`write_prose`), written from those facts only. `review_prose` is the gate every
model's prose passes before it is written: prose that copies the prompt's instructions, holds a
placeholder, is nearly empty or names none of the scanned facts is refused, and the files get
the facts alone. Rendering is deterministic: the same facts and prose give the same bytes.
`apply_init` writes through the manifest so that a file the user edited is never overwritten
without `force`.
"""

from __future__ import annotations

import functools
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


# -- the prose gate -------------------------------------------------------------------------

SECTIONS = ("product", "tech", "structure")
ECHO_WORDS = 6  # this many consecutive words shared with PROSE_INSTRUCTIONS is a copy of them
MIN_WORDS = 3   # a section with fewer words is no overview
WORD = re.compile(r"[a-z0-9]+", re.IGNORECASE)
# "(2-5 sentences: what the project is for ...)" and its kin: a length to write, or a label
# followed by the questions to answer, or an order to the writer, in parentheses
INSTRUCTION_PLACEHOLDER = re.compile(
    r"\b\d+\s*(?:[-\u2013]|to)\s*\d+\s+(?:sentences|paragraphs|bullets|bullet points)\b"
    r"|\([^()\n]{0,40}:\s*(?:what|how|who|where|which|why)\b[^()\n]*\)?"
    r"|\(\s*(?:describe|explain|summari[sz]e|insert|fill in)\b[^()\n]*\)",
    re.IGNORECASE)
# <project name>, <description>: not a generic type such as List<String>, not an HTML comment
ANGLE_PLACEHOLDER = re.compile(r"(?<![\w<])<\s*([A-Za-z][A-Za-z0-9 _-]{0,40}?)\s*>")
HTML_TAGS = frozenset({"a", "b", "i", "p", "br", "hr", "em", "strong", "code", "kbd", "pre",
                       "sub", "sup", "div", "span", "details", "summary", "ul", "ol", "li"})
# Case-sensitive TODO/TBD/FIXME, as in rule A011: "a todo app" is not a placeholder. Every
# repetition here is bounded or stops at a bracket, so a long answer is read in linear time.
TEMPLATE_TEXT = re.compile(
    r"(?<![\w-])(?:TODO|TBD|FIXME|XXX+)(?![\w-])|\?\?\?"
    r"|(?i:lorem ipsum|\binsert\b[^.\n]{0,40}\bhere\b|\byour (?:project|text|description)"
    r"(?: name)? here\b"
    r"|\[[^\]\n]{0,40}\b(?:name|description|insert|placeholder)\b[^\]\n]{0,40}\](?!\())")
PROMPT_MARKERS = ("<!-- specloom:", "=== product", "=== tech", "=== structure")
# Words in a command line that say nothing about this repository
GENERIC_COMMAND_WORDS = frozenset({"run", "exec", "check", "all", "dev", "start", "install",
                                   "format", "fix", "make", "python", "python3", "go"})


@dataclass(frozen=True, slots=True)
class ProseReview:
    """The prose to write, or None with the reason it was refused (a note for the user)."""

    prose: SteeringProse | None
    refusal: str | None = None


def review_prose(prose: SteeringProse, facts: RepoFacts) -> ProseReview:
    """Accept the model's prose only if every section it wrote is an overview of these facts.

    One bad section refuses all three: a model that copied the instructions into one section
    did not do the task, and its other sections are not trusted either. A section the answer
    lacks is no refusal: that file gets the facts alone (requirement 8.4).
    """
    written = [(name, text) for name in SECTIONS
               if (text := prose.for_file(f"{name}.md")) is not None]
    if not written:
        return ProseReview(None, "the model's answer had no product, tech or structure "
                                 "section; wrote the facts only")
    terms = fact_terms(facts)
    for name, text in written:
        problem = section_problem(text, terms)
        if problem is not None:
            return ProseReview(None, f"the model's {name} overview {problem}; "
                                     "wrote the facts only")
    return ProseReview(prose)


def section_problem(text: str, terms: frozenset[str]) -> str | None:
    """Why one section of model prose must not be written, or None if it may."""
    copied = copied_instructions(text)
    if copied is not None:
        return f"echoed the prompt's instructions ({_quote(copied)})"
    placeholder = find_placeholder(text)
    if placeholder is not None:
        return f"held a placeholder ({_quote(placeholder)})"
    if len(re.findall(r"[^\W\d_]+", text)) < MIN_WORDS:
        return f"was empty or nearly empty ({_quote(text)})"
    if not any(_mentions(text, term) for term in terms):
        return ("named none of the scanned facts (the project's name, languages, tools, "
                "manifests or top-level folders)")
    return None


def copied_instructions(text: str) -> str | None:
    """Text copied from the prompt: a parenthesised order, a run of its words, a marker."""
    match = INSTRUCTION_PLACEHOLDER.search(text)
    if match is not None:
        return match.group()
    words = list(WORD.finditer(text))
    phrases = _instruction_phrases()
    for length in sorted({len(phrase) for phrase in phrases}):
        for start in range(len(words) - length + 1):
            run = words[start:start + length]
            if tuple(word.group().lower() for word in run) in phrases:
                return text[run[0].start():run[-1].end()]
    lowered = text.lower()
    return next((marker for marker in PROMPT_MARKERS if marker in lowered), None)


def find_placeholder(text: str) -> str | None:
    """An angle-bracket placeholder or template text (TODO, lorem ipsum, [Project Name])."""
    for angle in ANGLE_PLACEHOLDER.finditer(text):
        if angle.group(1).strip().lower() not in HTML_TAGS:
            return angle.group()
    template = TEMPLATE_TEXT.search(text)
    return template.group() if template is not None else None


def fact_terms(facts: RepoFacts) -> frozenset[str]:
    """Words that name this repository: its name, languages, tools, manifests and folders.

    Words of the instructions are left out, so that copying the instructions never counts as
    naming a fact (a folder called `tools` proves nothing: the prompt says "tools" too).
    """
    terms = {facts.name, *(part for part in re.split(r"[-_. ]+", facts.name) if len(part) >= 4)}
    terms.update(language for language, _count in facts.languages)
    terms.update(folder.name for folder in facts.folders)
    terms.update(path.rsplit("/", 1)[-1] for path in facts.manifests)
    for command in facts.commands:
        terms.update(word for word in re.findall(r"[A-Za-z][\w+-]*", command.command)
                     if len(word) >= 3 and word.lower() not in GENERIC_COMMAND_WORDS)
    instruction_words = set(_words(PROSE_INSTRUCTIONS))
    return frozenset(term for term in terms
                     if term.strip() and term.lower() not in instruction_words)


def _mentions(text: str, term: str) -> bool:
    """Whether `term` occurs as a whole word; terms of one or two letters (C, R, Go) only in
    their own case, so that "go" the verb does not name the Go language."""
    flags = 0 if len(term) <= 2 else re.IGNORECASE
    return re.search(rf"(?<!\w){re.escape(term)}(?![\w+#])", text, flags) is not None


@functools.cache
def _instruction_phrases() -> frozenset[tuple[str, ...]]:
    """Every run of ECHO_WORDS words of the instructions, and each shorter line of 3 words or
    more whole."""
    words = _words(PROSE_INSTRUCTIONS)
    phrases = {tuple(words[i:i + ECHO_WORDS]) for i in range(len(words) - ECHO_WORDS + 1)}
    phrases.update(tuple(line_words) for line in PROSE_INSTRUCTIONS.splitlines()
                   if MIN_WORDS <= len(line_words := _words(line)) < ECHO_WORDS)
    return frozenset(phrases)


def _words(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(text)]


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return f'"{flat[:57]}..."' if len(flat) > 60 else f'"{flat}"'


# -- writing --------------------------------------------------------------------------------

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
