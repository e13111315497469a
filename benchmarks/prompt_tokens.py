"""How many tokens does each authoring phase send, and how much is a cacheable prefix?

Runs `specloom new` (requirements-first) on the example idea below with the steering of
examples/bookshelf, in a temporary copy, with a scripted model that answers with the
bookshelf's own book-loans documents and records every prompt. For each phase it prints the
estimated tokens sent (characters/4, as `steering show` estimates) and how many of them are
a prefix shared byte for byte with the previous phase's prompt, which providers with prompt
caching bill at a discount. It prints figures and asserts nothing.

    .venv/bin/python benchmarks/prompt_tokens.py
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from pydantic_ai.messages import ModelMessage, ModelRequest, SystemPromptPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.context.steering import render_steering, select_steering
from specloom.context.tokens import estimate_tokens
from specloom.spec.workspace import Workspace
from specloom.workflows.authoring import Authoring
from specloom.workflows.flow import advance, approve, start_spec

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "bookshelf"
IDEA = ("Let members borrow books for 14 days, renew a loan once if nobody reserved the book, "
        "and return books; charge overdue fees per day after a grace period.")


def prompt_text(messages: list[ModelMessage]) -> str:
    parts: list[str] = []
    for message in messages:
        if isinstance(message, ModelRequest):
            parts.extend(str(p.content) for p in message.parts
                         if isinstance(p, SystemPromptPart | UserPromptPart))
    return "\n".join(parts)


def common_prefix(a: str, b: str) -> int:
    """Characters at the start of `a` and `b` that are the same."""
    length = min(len(a), len(b))
    return next((i for i in range(length) if a[i] != b[i]), length)


def main() -> None:
    answers = [(EXAMPLE / ".kiro/specs/book-loans" / name).read_text(encoding="utf-8")
               for name in ("requirements.md", "design.md", "tasks.md")]
    prompts: list[str] = []

    async def scripted(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        prompts.append(prompt_text(messages))
        yield answers[len(prompts) - 1]

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(EXAMPLE / ".kiro/steering", root / ".kiro/steering")
        (root / ".kiro/specs").mkdir()
        workspace = Workspace(root)
        steering = render_steering(select_steering(workspace, prompt=IDEA))
        start_spec(workspace, "book-loans", IDEA, "requirements-first")
        authoring = Authoring(workspace, "book-loans", "requirements-first",
                              FunctionModel(stream_function=scripted), IDEA, steering)
        for _ in range(3):
            advance(authoring, gate=None)
            approve(workspace, "book-loans", force=True)

    print(f"steering included: {estimate_tokens(steering):,} tokens")
    print(f"{'phase':<13} {'tokens sent':>11} {'shared prefix':>14} {'of this':>8} "
          f"{'of previous':>12}")
    previous = ""
    for phase, text in zip(("requirements", "design", "tasks"), prompts, strict=True):
        shared = estimate_tokens(text[:common_prefix(previous, text)])
        total = estimate_tokens(text)
        reused = f"{shared / estimate_tokens(previous):.0%}" if previous else "-"
        print(f"{phase:<13} {total:>11,} {shared:>14,} {shared / total:>8.0%} {reused:>12}")
        previous = text


if __name__ == "__main__":
    main()
