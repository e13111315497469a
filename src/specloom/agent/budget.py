"""The context budget of an agent run: count tokens per turn and summarise older turns.

Tokens are estimated as characters / 4 (`specloom.context.tokens`), so the figure is the same
everywhere. When the instructions plus the message history pass `threshold` of the model's
context (80% by default), older tool-call/return pairs are replaced by a short deterministic
summary (tool, arguments, size and first line of the result) appended to the first request;
the most recent turns stay whole, and the history stays a valid alternation of requests and
responses whose tool calls all have their returns.

This module must never touch the spec documents: they live in the instructions, which are
rebuilt whole from disk on every turn and are only counted here, never shortened.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)

from specloom.context.tokens import estimate_tokens

SUMMARY_TAG = "earlier-turns-summary"
DEFAULT_CONTEXT_TOKENS = 128_000
DEFAULT_THRESHOLD = 0.8


@dataclass(frozen=True, slots=True)
class BudgetPolicy:
    context_tokens: int = DEFAULT_CONTEXT_TOKENS
    threshold: float = DEFAULT_THRESHOLD
    keep_recent: int = 4  # messages kept whole at the end of the history

    @property
    def limit(self) -> int:
        return int(self.context_tokens * self.threshold)


@dataclass
class Budget:
    """Per-run budget state; `process` is the agent's history processor."""

    policy: BudgetPolicy = dataclasses.field(default_factory=BudgetPolicy)
    instructions_tokens: int = 0
    last_tokens: int = 0
    summarised_messages: int = 0

    def process(self, messages: list[ModelMessage]) -> list[ModelMessage]:
        kept = compact(messages, self.policy, self.instructions_tokens)
        self.summarised_messages += len(messages) - len(kept)
        self.last_tokens = self.instructions_tokens + estimate_messages(kept)
        return kept


def part_text(part: object) -> str:
    """The text a part puts in front of the model (for counting and summaries)."""
    if isinstance(part, ToolCallPart):
        return f"{part.tool_name}({part.args_as_json_str()})"
    if isinstance(part, ToolReturnPart):
        return part.model_response_str()
    if isinstance(part, RetryPromptPart):
        return part.model_response()
    content = getattr(part, "content", "")
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return " ".join(item for item in content if isinstance(item, str))
    return ""


def estimate_messages(messages: Sequence[ModelMessage]) -> int:
    return sum(estimate_tokens(part_text(p)) for m in messages for p in m.parts)


def compact(messages: list[ModelMessage], policy: BudgetPolicy,
            fixed_tokens: int = 0) -> list[ModelMessage]:
    """`messages`, with older turns summarised if they push the total past the limit."""
    result = messages
    for keep in (policy.keep_recent, 2):
        if fixed_tokens + estimate_messages(result) <= policy.limit:
            break
        result = _summarise(result, keep)
    return result


def _summarise(messages: list[ModelMessage], keep: int) -> list[ModelMessage]:
    if not messages or not isinstance(messages[0], ModelRequest):
        return messages
    cut = len(messages) - keep
    while cut > 1 and not isinstance(messages[cut], ModelResponse):
        cut -= 1
    if cut <= 1:
        return messages
    middle = messages[1:cut]
    lines = [line for message in middle for line in _summary_lines(message)]
    note = (f"<{SUMMARY_TAG} turns=\"{len(middle)}\">\nTo stay within the context budget, "
            "these earlier steps were summarised (re-read any file you need):\n"
            + "\n".join(lines) + f"\n</{SUMMARY_TAG}>")
    head = messages[0]
    summary = UserPromptPart(note)
    stamp = getattr(head.parts[0], "timestamp", None) if head.parts else None
    if stamp is not None:  # the same input gives the same summary, timestamp included
        summary = UserPromptPart(note, timestamp=stamp)
    new_head = dataclasses.replace(head, parts=[*head.parts, summary])
    return [new_head, *messages[cut:]]


def _summary_lines(message: ModelMessage) -> list[str]:
    lines: list[str] = []
    for part in message.parts:
        if isinstance(part, ToolCallPart):
            lines.append(f"- called {_short(part_text(part), 160)}")
        elif isinstance(part, ToolReturnPart):
            text = part.model_response_str()
            first = text.strip().splitlines()[0] if text.strip() else ""
            lines.append(f"  -> {part.tool_name}: {len(text)} characters; "
                         f"first line: {_short(first, 120)}")
        elif isinstance(part, RetryPromptPart):
            lines.append(f"  -> retry: {_short(part.model_response(), 120)}")
        elif isinstance(part, TextPart | UserPromptPart) and part_text(part).strip():
            who = "you said" if isinstance(part, TextPart) else "user said"
            lines.append(f"- {who}: {_short(part_text(part), 200)}")
    return lines


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."
