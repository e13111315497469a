"""The model path: a spec written by a model from the fact sheet only, kept grounded.

The model sees the facts (never the source) and answers with one JSON object. Every criterion
must cite fact ids; a criterion citing none that exist is dropped and reported, unknown ids
are stripped and reported. The draft is checked with `check_workspace` in a scratch folder and
error-level findings go back to the model, up to `max_repairs` rounds. This module takes a
pydantic-ai `Model`; it must not open sessions, read configuration or write the user's files.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic_ai.direct import model_request
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextPart,
    UserPromptPart,
)
from pydantic_ai.models import Model

from specloom.core import jsontext
from specloom.core.errors import SpecloomError
from specloom.extract.design_sections import architecture, data_models
from specloom.extract.draft import (
    CriterionDraft,
    ExtractedSpec,
    RequirementPlan,
    cited_facts,
    render_extracted,
    renumbered_properties,
)
from specloom.extract.facts import Fact, FactSheet
from specloom.spec.render import PropertyDraft

MAX_PROMPT_FACTS = 400
JSON_BLOCK = re.compile(r"\{.*\}", re.DOTALL)

SYSTEM_PROMPT = """\
You write a Kiro spec (requirements in EARS and a design) for existing code, using ONLY the fact
sheet you are given. Never invent behaviour the facts do not show.
Answer with one JSON object and nothing else:
{"introduction": "...", "glossary": [{"term": "Cart_Service", "definition": "..."}],
 "requirements": [{"title": "...", "user_story": "As a ..., I want ..., so that ...",
   "criteria": [{"text": "WHEN ..., THE Cart_Service SHALL ...", "facts": ["F1a2b3c"]}]}],
 "design": {"overview": "...", "components": "...", "error_handling": "...",
            "testing_strategy": "..."},
 "properties": [{"title": "...", "statement": "*For any* ...", "validates": ["1.1"]}]}
Rules: each criterion is one EARS sentence (WHEN/IF/WHILE/WHERE ..., THE <System_Name> SHALL
...) on one line, with system names defined in the glossary; each criterion lists in "facts"
the ids of the facts it rests on (at least one); "validates" cites criteria as N.M.
"""
Progress = Callable[[str], None]


class GroundingError(SpecloomError):
    """The model's answer could not be made into a spec without errors; the message says why."""


@dataclass(frozen=True, slots=True)
class Dropped:
    """A criterion removed or changed by grounding, with the reason (shown and saved)."""

    requirement: str
    text: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"requirement": self.requirement, "text": self.text, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class GroundedResult:
    spec: ExtractedSpec
    dropped: tuple[Dropped, ...]
    rounds: int


def fact_prompt(sheet: FactSheet, spec_name: str) -> str:
    """The user prompt: the spec name and one line per fact (tests summarised)."""
    described = [f for f in sheet.facts if f.kind != "test"]
    lines = [f"Spec name: {spec_name}", f"Source: {sheet.source} ({len(sheet.files)} files)",
             f"Facts ({min(len(described), MAX_PROMPT_FACTS)} of {len(described)}):"]
    lines.extend(fact_line(fact) for fact in described[:MAX_PROMPT_FACTS])
    tests = sheet.of_kind("test")
    if tests:
        lines.append(f"Existing tests: {len(tests)} (they are linked to criteria afterwards).")
    return "\n".join(lines)


def fact_line(fact: Fact) -> str:
    extra = [fact.details.get("signature"), fact.summary]
    raises = fact.details.get("raises")
    if raises:
        extra.append("raises " + ", ".join(map(str, raises)))
    if fact.kind == "data_model":
        extra.append("fields " + ", ".join(f["name"] for f in fact.details.get("fields", ())))
    text = "; ".join(str(e) for e in extra if e)
    return f"{fact.id} {fact.kind} {fact.name} ({fact.location}){': ' + text if text else ''}"


def write_grounded(model: Model, sheet: FactSheet, spec_name: str, max_repairs: int = 2,
                   progress: Progress | None = None) -> GroundedResult:
    """Ask, ground, check, repair; the first draft with no error-level findings wins."""
    messages: list[ModelMessage] = [ModelRequest(parts=[
        SystemPromptPart(SYSTEM_PROMPT), UserPromptPart(fact_prompt(sheet, spec_name))])]
    problem = ""
    for round_number in range(max_repairs + 1):
        if progress:
            progress(f"model round {round_number + 1} of at most {max_repairs + 1}")
        # asyncio.run closes its loop; model_request_sync would leave one open per process
        response = asyncio.run(model_request(model, messages))
        messages.append(response)
        try:
            parsed = parse_answer(_text_of(response), sheet)
        except ValueError as exc:
            problem = f"your answer could not be read: {exc}"
        else:
            grounded = ground(parsed, sheet)
            errors = check_errors(grounded[0], spec_name)
            if not errors:
                return GroundedResult(grounded[0], grounded[1], round_number + 1)
            problem = "specloom check found errors:\n" + "\n".join(errors)
        messages.append(ModelRequest(parts=[UserPromptPart(
            f"{problem}\nFix them and answer again with the whole JSON object only.")]))
    raise GroundingError(f"after {max_repairs + 1} rounds the draft still fails: {problem}")


def parse_answer(text: str, sheet: FactSheet) -> ExtractedSpec:
    """The model's JSON answer as an `ExtractedSpec` (not yet grounded)."""
    match = JSON_BLOCK.search(text)
    if not match:
        raise ValueError("no JSON object found")
    try:
        data = jsontext.loads(match.group(0))
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("requirements"), list):
        raise ValueError('the object needs a "requirements" list')
    raw_design = data.get("design")
    design: dict[str, Any] = raw_design if isinstance(raw_design, dict) else {}
    overview = _text(design.get("overview"), multiline=True) or f"Extracted from {sheet.source}."
    sections = {"Architecture": architecture(sheet),
                "Components and Interfaces": _text(design.get("components"), multiline=True),
                "Data Models": data_models(sheet),
                "Error Handling": _text(design.get("error_handling"), multiline=True),
                "Testing Strategy": _text(design.get("testing_strategy"), multiline=True)}
    return ExtractedSpec(
        _text(data.get("introduction"), multiline=True),
        tuple((_text(g.get("term")), _text(g.get("definition")))
              for g in _dicts(data.get("glossary")) if _text(g.get("term"))),
        tuple(_requirement(r) for r in _dicts(data["requirements"])),
        overview, sections,
        tuple(PropertyDraft(_text(p.get("title")), _text(p.get("statement"), multiline=True),
                            [str(v) for v in p.get("validates") or []])
              for p in _dicts(data.get("properties"))))


def ground(spec: ExtractedSpec, sheet: FactSheet) -> tuple[ExtractedSpec, tuple[Dropped, ...]]:
    """Keep criteria citing real facts; renumber; remap properties to the kept criteria."""
    known = sheet.by_id()
    dropped: list[Dropped] = []
    requirements: list[RequirementPlan] = []
    renumber: dict[str, str] = {}
    for number, requirement in enumerate(spec.requirements, start=1):
        kept: list[CriterionDraft] = []
        for index, criterion in enumerate(requirement.criteria, start=1):
            real = tuple(f for f in criterion.facts if f in known)
            unknown = [f for f in criterion.facts if f not in known]
            if unknown:
                dropped.append(Dropped(requirement.title, criterion.text,
                                       f"unknown facts {', '.join(unknown)}"
                                       + ("" if real else "; criterion dropped")))
            elif not real:
                dropped.append(Dropped(requirement.title, criterion.text,
                                       "cites no fact; criterion dropped"))
            if real:
                kept.append(CriterionDraft(criterion.text, real))
                renumber[f"{number}.{index}"] = f"{len(requirements) + 1}.{len(kept)}"
        if kept:
            requirements.append(RequirementPlan(requirement.title, requirement.user_story,
                                                tuple(kept)))
    properties = renumbered_properties(spec.properties, renumber)
    grounded = ExtractedSpec(spec.introduction, spec.glossary, tuple(requirements), spec.overview,
                             spec.sections, properties)
    return grounded, tuple(dropped)


def check_errors(spec: ExtractedSpec, spec_name: str) -> list[str]:
    """Error-level `specloom check` findings on the draft, written to a scratch workspace."""
    from specloom.core.rule import Severity
    from specloom.quality.check import check_workspace
    from specloom.spec.workspace import Workspace

    if not spec.requirements:
        return ["no criterion cites a fact from the fact sheet; cite fact ids in \"facts\""]
    try:
        requirements, design = render_extracted(spec, spec_name)
    except ValueError as exc:
        return [str(exc)]
    with tempfile.TemporaryDirectory(prefix="specloom-extract-") as scratch:
        folder = Path(scratch, ".kiro", "specs", spec_name)
        folder.mkdir(parents=True)
        (folder / "requirements.md").write_text(requirements, encoding="utf-8")
        (folder / "design.md").write_text(design, encoding="utf-8")
        report = check_workspace(Workspace(Path(scratch)), [spec_name], jobs=1)
    return [f"{d.path.rsplit('/', 1)[-1]}:{d.line} {d.code} {d.message}"
            for d in report.diagnostics if d.severity >= Severity.ERROR]


def _requirement(data: Mapping[str, Any]) -> RequirementPlan:
    criteria = []
    for item in data.get("criteria") or []:
        if isinstance(item, str):
            criteria.append(CriterionDraft(_strip_comment(item), cited_facts(item)))
        elif isinstance(item, dict):
            text = _text(item.get("text"))
            facts = tuple(str(f) for f in item.get("facts") or []) or cited_facts(text)
            criteria.append(CriterionDraft(_strip_comment(text), facts))
    return RequirementPlan(_text(data.get("title")), _text(data.get("user_story")),
                           tuple(c for c in criteria if c.text))


def _strip_comment(text: str) -> str:
    return re.sub(r"<!--.*?-->", "", text).strip()


def _text(value: Any, multiline: bool = False) -> str:
    """A string field: whitespace collapsed to one line, or kept as a body when `multiline`."""
    if not isinstance(value, str):
        return ""
    return value.strip() if multiline else " ".join(value.split())


def _dicts(value: Any) -> Sequence[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text_of(response: ModelResponse) -> str:
    return "".join(part.content for part in response.parts if isinstance(part, TextPart))
