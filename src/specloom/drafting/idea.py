"""What an idea says, read deterministically: clauses with their actor, action, trigger and
condition, so that a tiny model only has to fill small slots.

The reading is shallow on purpose (no parser, no model): sentences and `;` split clauses; a
leading or trailing `when`/`if`/`while` clause is the trigger or condition; `ACTOR can|should|
must ... VERB ...`, `let|allow ACTOR VERB ...` and `As a ROLE, I want ...` give an actor and
an action; a clause that starts with a verb followed by an article is an instruction to the
system; anything else is a statement the system must make true. Numbers stay in the words they
came with, so "for three days" reaches the criterion as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["capability", "instruction", "statement"]
TriggerKind = Literal["event", "unwanted", "state"]

MAX_CLAUSES = 8
MAX_WORDS = 40
DETERMINERS = ("a", "an", "the", "each", "every", "all", "any", "their", "its", "his", "her",
               "our", "my", "your", "them", "it", "new", "one", "two", "three")
MODAL = (r"(?:can|could|should|must|may|will|shall|need to|needs to|want to|wants to|"
         r"would like to|get to|are allowed to|is allowed to)")
ABLE = r"(?:be able to\s+)?"
LEADING = re.compile(r"^(when|whenever|once|as soon as|if|while|during)\s+(.+?),\s*(.+)$", re.I)
TRAILING = re.compile(r"^(.+?)\s+(when|whenever|once|if|while)\s+(.+)$", re.I)
WITH_MODAL = re.compile(
    rf"^(?:(?:the|a|an|each|every|all|any|our)\s+)?([a-z][\w-]*(?:\s+[a-z][\w-]*)?)\s+"
    rf"{MODAL}\s+{ABLE}(.+)$", re.I)
LET = re.compile(r"^(?:let|allow|enable|help)\s+(?:the\s+|a\s+|an\s+)?([a-z][\w-]*)\s+(?:to\s+)?"
                 r"(.+)$", re.I)
STORY = re.compile(r"^as an?\s+(.+?),?\s+i (?:want|need|would like)(?: to)?\s+(.+)$", re.I)
PURPOSE = re.compile(r",?\s+(?:so that|in order to|so)\s+(.+)$", re.I)
PLURAL_ACTOR = re.compile(r"^(?:the\s+)?([a-z]+(?:ers|ors|ists|ants|ents|s))\s+(.+)$", re.I)
SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+|\s+-\s+(?=[A-Z])")
BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@dataclass(frozen=True, slots=True)
class Clause:
    """One thing the idea asks for."""

    kind: Kind
    text: str              # what the system or the actor does, as the idea words it
    actor: str | None = None
    trigger: str | None = None
    trigger_kind: TriggerKind | None = None
    purpose: str | None = None


def read_idea(idea: str) -> list[Clause]:
    """The idea's clauses in order (at most MAX_CLAUSES; empty for an empty idea)."""
    clauses = []
    for sentence in _sentences(idea):
        clause = _clause(sentence)
        if clause is not None:
            clauses.append(clause)
        if len(clauses) == MAX_CLAUSES:
            break
    return clauses


def _sentences(idea: str) -> list[str]:
    found = []
    for piece in SENTENCES.split(idea.replace("\r", "")):
        piece = BULLET.sub("", piece).strip().rstrip(".!?;:").strip()
        words = piece.split()
        if len(words) >= 2:
            found.append(" ".join(words[:MAX_WORDS]))
    return found


def _clause(sentence: str) -> Clause | None:
    purpose = None
    story = STORY.match(sentence)
    if story:
        action, purpose = _split_purpose(story.group(2))
        return Clause("capability", _tidy(action), _singular(story.group(1)), purpose=purpose)
    trigger = trigger_kind = None
    leading = LEADING.match(sentence)
    trailing = TRAILING.match(sentence) if leading is None else None
    if leading:
        word, trigger, sentence = leading.group(1), leading.group(2), leading.group(3)
        trigger_kind = _trigger_kind(word)
    elif trailing and len(trailing.group(1).split()) >= 2:
        sentence, word, trigger = trailing.group(1), trailing.group(2), trailing.group(3)
        trigger_kind = _trigger_kind(word)
    sentence, purpose = _split_purpose(sentence)
    kind: Kind
    actor = None
    for pattern in (WITH_MODAL, LET):
        match = pattern.match(sentence)
        if match and not match.group(1).lower().startswith(("system", "app", "it ")):
            actor, sentence, kind = _singular(match.group(1)), match.group(2), "capability"
            break
    else:
        first = sentence.split()
        plural = PLURAL_ACTOR.match(sentence)
        if len(first) >= 2 and first[1].lower() in DETERMINERS and first[0][0].isupper():
            kind, sentence = "instruction", first[0].lower() + " " + " ".join(first[1:])
        elif plural and len(first) >= 3 and first[1].lower() not in ("is", "are", "was", "were"):
            actor, sentence, kind = _singular(plural.group(1)), plural.group(2), "capability"
        else:
            kind = "statement"
    text = _tidy(sentence, actor)
    if not text:
        return None
    return Clause(kind, text, actor, _tidy(trigger) if trigger else None, trigger_kind,
                  purpose)


def _split_purpose(text: str) -> tuple[str, str | None]:
    match = PURPOSE.search(text)
    if match and len(text[:match.start()].split()) >= 2:
        return text[:match.start()], _tidy(match.group(1))
    return text, None


def _trigger_kind(word: str) -> TriggerKind:
    word = word.lower()
    if word == "if":
        return "unwanted"
    if word in ("while", "during"):
        return "state"
    return "event"


def _singular(actor: str) -> str:
    actor = actor.strip().lower()
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("s", "")):
        if actor.endswith(suffix) and len(actor) > len(suffix) + 2 and not actor.endswith("ss"):
            return actor[: len(actor) - len(suffix)] + replacement
    return actor


def _tidy(text: str, actor: str | None = None) -> str:
    """One line, no trailing punctuation, possessives of the actor made explicit."""
    text = " ".join(text.split()).strip(" ,.;:")
    if actor:
        text = re.sub(r"\b(?:their|his|her)\b", f"the {actor}'s", text, flags=re.I)
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
