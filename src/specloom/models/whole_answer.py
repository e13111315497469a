"""A base for models that produce the whole answer at once (the embedded model, replay).

Streaming callers still work: the finished answer is streamed as one piece.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from pydantic_ai.messages import ModelMessage
from pydantic_ai.models import (
    CompletedStreamedResponse,
    Model,
    ModelRequestParameters,
    StreamedResponse,
)
from pydantic_ai.settings import ModelSettings


class WholeAnswerModel(Model):
    """`request_stream` answers through `request`, then yields the response in one piece."""

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: Any = None,
    ) -> AsyncGenerator[StreamedResponse]:
        response = await self.request(messages, model_settings, model_request_parameters)
        _, params = self.prepare_request(model_settings, model_request_parameters)
        yield CompletedStreamedResponse(response, model_request_parameters=params,
                                        replay_events=True)
