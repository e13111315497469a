"""Small model completions for the offline drafter: one short phrase each, under a grammar.

The grammar admits only lower-case words (3 to 12 of them), so the model cannot write `<...>`
placeholders, template names such as `System_Name`, headings or a second sentence. A phrase
that still says nothing (a template word, the question repeated, fewer than three words) is
replaced by the drafter's deterministic fallback, and the document says nothing false either
way. Without a model every slot takes its fallback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic_ai.messages import ModelMessage, ModelRequest, SystemPromptPart, UserPromptPart
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings

from specloom.context.matching import content_words

SLOT_GRAMMAR = r"""
root ::= word (" " word){2,11}
word ::= [a-z] [a-z0-9'-]{0,13}
""".strip() + "\n"
SLOT_TOKENS = 32
MIN_WORDS = 3
MAX_WORD = 14  # longer: words run together
ECHO_SHARE = 0.75  # at most this share of the phrase's content words may come from the question
PRONOUNS = frozenset({"you", "i", "we", "it", "they", "he", "she", "this", "that"})
FEW_SHOT = {
    "reason": ("want: to reset my password by email\nso that: i can get back into my account\n\n"
               "want: to export my invoices as a spreadsheet\nso that: i can send them to my "
               "accountant\n\nwant: {subject}\nso that:"),
    "refusal": ("action: reset a password by email\nrefuse if: the email address belongs to no "
                "account\n\naction: export invoices as a spreadsheet\nrefuse if: the date range "
                "holds more than one year\n\naction: {subject}\nrefuse if:"),
}
INSTRUCTIONS = "Complete the last line like the examples."
TEMPLATE_WORDS = frozenset({
    "trigger", "response", "benefit", "capability", "role", "placeholder", "condition",
    "todo", "tbd", "shall", "requirement", "requirements", "criteria", "criterion",
    "sentence", "phrase", "lowercase", "lower-case", "words", "answer", "feature",
    "complete", "examples", "example", "line",
})

Progress = Callable[[int, int], None]
SlotKind = Literal["reason", "refusal"]


@dataclass(frozen=True, slots=True)
class Slot:
    """One slot as filled: the model's phrase (None without a model), what the document got."""

    question: str
    phrase: str | None
    chosen: str
    by_model: bool


@dataclass
class SlotFiller:
    """Fills slots with the model (None: every slot takes its fallback)."""

    model: Model | None
    idea: str
    progress: Progress | None = None
    filled: list[Slot] = field(default_factory=list)

    def fill(self, kind: SlotKind, subject: str, fallback: str) -> str:
        """The model's phrase for a `kind` slot about `subject` (an action, as the idea words
        it), or `fallback` when it says nothing usable."""
        question = FEW_SHOT[kind].format(subject=subject)
        phrase = self._ask(question) if self.model is not None else None
        usable = phrase is not None and usable_phrase(phrase, question, subject)
        chosen = phrase if usable and phrase is not None else fallback
        self.filled.append(Slot(question, phrase, chosen, usable))
        return chosen

    def _ask(self, question: str) -> str | None:
        from specloom.models.phase_stream import request_text

        assert self.model is not None
        messages: list[ModelMessage] = [ModelRequest(parts=[
            SystemPromptPart(INSTRUCTIONS), UserPromptPart(question)])]
        settings: ModelSettings = {"extra_body": {"grammar": SLOT_GRAMMAR},
                                   "max_tokens": SLOT_TOKENS, "temperature": 0.0}
        text, _ = request_text(self.model, messages, settings, self.progress)
        return " ".join(text.split()) or None


def usable_phrase(phrase: str, question: str, subject: str) -> bool:
    """A phrase of three or more words about the subject that adds something: no template
    word, no run-together words, not opening with a pronoun, mostly not the question again."""
    words = re.findall(r"[a-z0-9'-]+", phrase.lower())
    if len(words) < MIN_WORDS or TEMPLATE_WORDS & set(words) or words[0] in PRONOUNS:
        return False
    if any(len(word) > MAX_WORD for word in words) or any(ch in phrase for ch in "<>[]{}_#*`"):
        return False
    own = content_words(phrase)
    asked = content_words(question)
    new = [stem for stem in own if stem not in asked]
    about = set(own) & set(content_words(subject))
    return bool(new and about) and len(own) - len(new) <= ECHO_SHARE * len(own)
