"""One streamed model request for a phase, with progress, and model faults made readable.

Retries belong to the model layer; this module turns its final error into a message that
says what failed and what to do. It never writes files, so Ctrl-C here loses nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from pydantic_ai.direct import model_request_stream
from pydantic_ai.exceptions import (
    AgentRunError,
    ModelAPIError,
    ModelHTTPError,
    UnexpectedModelBehavior,
)
from pydantic_ai.messages import (
    ModelMessage,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
)
from pydantic_ai.models import Model
from pydantic_ai.settings import ModelSettings

from specloom.core.errors import SpecloomError
from specloom.models.errors import ModelCallError, ModelConfigError

Progress = Callable[[int, int], None]
"""Called while the model writes with (characters so far, output tokens so far)."""

CHARS_PER_TOKEN = 4  # the estimate used until the provider reports usage


class ModelFailure(SpecloomError):
    """The model could not produce an answer; the message says why and what to do next."""


def describe_model_error(exc: BaseException) -> str:
    if isinstance(exc, ModelHTTPError):
        status = exc.status_code
        if status == 429:
            return "the provider is rate limiting requests (HTTP 429); wait and try again"
        if status >= 500:
            return f"the provider had a server error (HTTP {status}); try again later"
        return f"the provider refused the request (HTTP {status}): {exc}"
    if isinstance(exc, TimeoutError):
        return "the model did not answer in time"
    return str(exc) or type(exc).__name__


def request_text(model: Model, messages: Sequence[ModelMessage],
                 settings: ModelSettings | None = None,
                 progress: Progress | None = None) -> tuple[str, int]:
    """The model's text answer and the output tokens it used (streamed, with progress)."""
    try:
        return asyncio.run(_stream(model, list(messages), settings, progress))
    except (ModelAPIError, UnexpectedModelBehavior, AgentRunError, TimeoutError,
            ModelCallError, ModelConfigError) as exc:
        raise ModelFailure(describe_model_error(exc)) from exc


async def _stream(model: Model, messages: list[ModelMessage], settings: ModelSettings | None,
                  progress: Progress | None) -> tuple[str, int]:
    characters = 0
    async with model_request_stream(model, messages, model_settings=settings) as stream:
        async for event in stream:
            characters += _text_length(event)
            if progress is not None:
                tokens = stream.usage.output_tokens or characters // CHARS_PER_TOKEN
                progress(characters, tokens)
        response = stream.get()
    text = "".join(p.content for p in response.parts if isinstance(p, TextPart))
    return text, response.usage.output_tokens or len(text) // CHARS_PER_TOKEN


def _text_length(event: object) -> int:
    if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
        return len(event.part.content)
    if isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
        return len(event.delta.content_delta)
    return 0
