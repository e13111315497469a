"""The generated-document gate: a model's draft that is template, prompt or nothing is refused.

A tiny model can fill a grammar's layout with the prompt's own template (`WHEN <trigger>, THE
<System_Name> SHALL <response>`), copy the instructions, leave nothing after SHALL, or write
about something other than the idea; the rules alone may pass such a document. This gate runs
before a draft is written and before `approve`; it is deterministic and judges text only.

Refused, each with the line where it shows:
- placeholders: `<words>` outside code, the template names `System_Name`/`SYSTEM_NAME`, cited
  criteria `X.Y`;
- prompt text: a draft whose word 6-grams are mostly (PROMPT_SHARE) the instructions' own;
- empty responses: a criterion with fewer than two words after its last SHALL;
- off-topic (requirements and bugfix only, when the idea is known and has MIN_IDEA_WORDS
  content words or more): none of the idea's content words in the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from specloom.context.matching import content_words
from specloom.spec.requirements import parse_requirements
from specloom.spec.source import SourceText
from specloom.workflows import prompts
from specloom.workflows.phases import Phase, phase_file

SHINGLE = 6
PROMPT_SHARE = 0.3
HTML_TAGS = frozenset({
    "a", "b", "br", "code", "details", "div", "em", "hr", "i", "img", "kbd", "li", "ol", "p",
    "pre", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "u", "ul"})
PLACEHOLDER = re.compile(r"(?<![\w`])<\s*/?\s*([A-Za-z][\w .,/-]{0,40})>")
TEMPLATE_NAMES = re.compile(r"\b(?:System_Name|SYSTEM_NAME|SystemName)\b|\bX\.[YZ]\b")
CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`", re.DOTALL)
SHALL = re.compile(r"\bSHALL(?:\s+CONTINUE\s+TO)?\b(.*)$", re.DOTALL)
MIN_RESPONSE_WORDS = 2
MIN_IDEA_WORDS = 3  # a shorter idea says too little to call a document off-topic


@dataclass(frozen=True, slots=True)
class Refusal:
    line: int
    reason: str


def refusals(phase: Phase, text: str, idea: str | None = None) -> list[Refusal]:
    """Why `text` is not a document worth writing (empty when it is)."""
    found = _placeholders(text)
    share = prompt_share(text)
    if share >= PROMPT_SHARE:
        found.append(Refusal(1, f"{share:.0%} of it is the prompt's own instructions"))
    if phase not in ("requirements", "bugfix"):
        return found  # design and tasks derive from the approved requirements, not the idea
    found.extend(_empty_responses(phase, text))
    if idea is not None:
        wanted = content_words(idea)
        if len(wanted) >= MIN_IDEA_WORDS and not set(wanted) & set(content_words(_prose(text))):
            shown = ", ".join(list(wanted.values())[:6])
            found.append(Refusal(1, f"it uses none of the idea's words ({shown})"))
    return found


def refusal_reason(phase: Phase, text: str, idea: str | None = None) -> str | None:
    """One sentence for `unusable`: the first few refusals with their lines, or None."""
    found = refusals(phase, text, idea)
    if not found:
        return None
    listed = "; ".join(f"line {r.line}: {r.reason}" for r in found[:3])
    more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
    return f"it is template or prompt text, not a {phase_file(phase)}: {listed}{more}"


def _prose(text: str) -> str:
    """The text with code spans and fenced blocks blanked out (line numbers kept)."""
    return CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def _placeholders(text: str) -> list[Refusal]:
    found = []
    for number, line in enumerate(_prose(text).splitlines(), start=1):
        for match in PLACEHOLDER.finditer(line):
            if match.group(1).strip().lower() not in HTML_TAGS:
                found.append(Refusal(number, f"placeholder {match.group().strip()}"))
        for match in TEMPLATE_NAMES.finditer(line):
            found.append(Refusal(number, f"template name {match.group()}"))
    return found


def _empty_responses(phase: Phase, text: str) -> list[Refusal]:
    doc = parse_requirements(SourceText.from_text(phase_file(phase), text), phase)
    found = []
    for requirement in doc.requirements:
        for criterion in requirement.criteria:
            match = SHALL.search(criterion.text)
            words = re.findall(r"[A-Za-z0-9]+", match.group(1)) if match else ["-", "-"]
            if len(words) < MIN_RESPONSE_WORDS:
                found.append(Refusal(criterion.line,
                                     f"criterion {criterion.id} has no response after SHALL"))
    return found


def prompt_share(text: str) -> float:
    """The share of the text's word 6-grams (headings left out) found in the instructions."""
    body = " ".join(line for line in _prose(text).splitlines()
                    if not line.lstrip().startswith("#"))
    grams = _shingles(body)
    if not grams:
        return 0.0
    return len(grams & _prompt_shingles()) / len(grams)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9_]+", text.lower())
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@lru_cache(maxsize=1)
def _prompt_shingles() -> frozenset[tuple[str, ...]]:
    texts = [prompts.SYSTEM_INSTRUCTIONS, *prompts.PHASE_REQUESTS.values(),
             prompts.DESIGN_FIRST_NOTE]
    return frozenset(g for text in texts for g in _shingles(text))
