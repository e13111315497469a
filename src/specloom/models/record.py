"""Record and replay of model calls.

`RecordingModel` wraps any pydantic-ai `Model` (a provider's, the embedded one, a `FunctionModel`)
and writes every request and its response to `<run-dir>/NNNN.json`: messages, model, settings,
request parameters, response, usage and timing. Every secret the process knows (see
`specloom.core.redact`: key and token environment variables, values shaped like keys, `.env`
and configured secret files, and pattern matches) is replaced by "[redacted]" in every string,
mapping key and number before anything is written. `ReplayModel` answers from such
a record, in order, without calling any model, and fails with `ReplayError` as soon as the
workflow sends something other than what was recorded.

This module must not call a model itself, and must never write a secret to disk.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncGenerator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic_ai.exceptions import ModelAPIError
from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter, ModelResponse
from pydantic_ai.models import (
    Model,
    ModelRequestParameters,
    StreamedResponse,
)
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.profiles import ModelProfile
from pydantic_ai.settings import ModelSettings

from specloom.core.redact import Redactor
from specloom.models.errors import ModelCallError, ReplayError
from specloom.models.usage import UsageTotals
from specloom.models.whole_answer import WholeAnswerModel

REDACTED = "[redacted]"
RUNS_PARTS = (".kiro", "specloom", "runs")
_SECRET_HEADER = re.compile(r"^(authorization|x-api-key|api-key|cookie)$", re.IGNORECASE)
# Fields that differ between two runs of the same workflow; ignored when matching a replay.
VOLATILE_KEYS = frozenset({"timestamp", "run_id", "conversation_id", "history_digest"})
# The profile fields that decide how an agent talks to a model; kept in meta.json for replay.
PROFILE_KEYS = ("supports_tools", "supports_text_output", "supports_json_schema_output",
                "supports_json_object_output", "default_structured_output_mode")
PERMISSIVE_PROFILE: dict[str, Any] = {"supports_json_schema_output": True,
                                      "supports_json_object_output": True}


def profile_summary(model: Model) -> dict[str, Any]:
    """The fields of `model.profile` a replay needs to make the same requests."""
    profile = model.profile
    return {key: profile[key] for key in PROFILE_KEYS if key in profile}  # type: ignore[literal-required]


# ---- redaction ---------------------------------------------------------------------------------

def secret_values(env: Mapping[str, str] | None = None) -> list[str]:
    """Secret values of the environment (see `Redactor.from_environment`), longest first."""
    return [value for value, _ in Redactor.from_environment(env).secrets]


def workspace_of(run_dir: Path) -> Path | None:
    """The workspace root of a run folder `<root>/.kiro/specloom/runs/<id>`, else None."""
    parts = run_dir.parts
    if len(parts) > len(RUNS_PARTS) + 1 and parts[-4:-1] == RUNS_PARTS:
        return run_dir.parents[3]
    return None


def record_redactor(run_dir: Path, secrets: list[str] | None = None) -> Redactor:
    """What every file of a run folder is redacted with: the process's secrets, the workspace's
    `.env` and secret files, and `secrets`; placeholders are the plain `[redacted]`."""
    redactor = Redactor.from_environment(root=workspace_of(run_dir), named=False)
    return redactor.with_values(secrets or ())


def redact(value: Any, secrets: list[str] | Redactor) -> Any:
    """`value` (JSON-like) with every secret (in strings, keys and numbers) and every auth
    header value replaced."""
    redactor = secrets if isinstance(secrets, Redactor) else Redactor(
        (), named=False).with_values(secrets)
    return redactor.redact_json(_without_auth_headers(value))


def _without_auth_headers(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: REDACTED if _SECRET_HEADER.match(str(k)) else _without_auth_headers(v)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_auth_headers(v) for v in value]
    return value


def dumps_redacted(data: Any, redactor: Redactor, *, indent: int = 2) -> str:
    """`data` as JSON with every secret removed; if a secret survives in the JSON text (through
    escaping), the text itself is redacted, even if that leaves it unreadable."""
    text = json.dumps(redact(data, redactor), indent=indent, ensure_ascii=False)
    return redactor(text) if redactor.leaks(text) else text


def _jsonable(value: Any) -> Any:
    """Settings and parameters as JSON: dataclasses become dicts, other objects their repr."""
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def dump_messages(messages: Iterable[ModelMessage]) -> list[Any]:
    dumped: list[Any] = ModelMessagesTypeAdapter.dump_python(list(messages), mode="json")
    return dumped


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _parameters(params: ModelRequestParameters) -> dict[str, Any]:
    """The part of the request parameters that decides the answer: tools and output shape."""
    return {
        "function_tools": [t.name for t in params.function_tools],
        "output_tools": [t.name for t in params.output_tools],
        "output_mode": params.output_mode,
        "allow_text_output": params.allow_text_output,
        "output_schema": params.output_object.json_schema if params.output_object else None,
    }


# ---- the record --------------------------------------------------------------------------------

@dataclass
class Recorder:
    """Writes `NNNN.json` per call and `meta.json` for a run; keeps usage totals."""

    run_dir: Path
    model_name: str
    free: bool = False  # the embedded model, or a replay: no cost
    write: bool = True  # False for a replay: totals only, nothing written
    secrets: list[str] = field(default_factory=secret_values)
    totals: UsageTotals = field(default_factory=UsageTotals)
    count: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    def write_call(self, *, model_id: str, messages: list[ModelMessage],
                   settings: ModelSettings | None, params: ModelRequestParameters,
                   response: ModelResponse, started: datetime, seconds: float) -> None:
        self.count += 1
        self.totals.add(response, free=self.free)
        if not self.write:
            return
        record = {
            "index": self.count,
            "model": model_id,
            "started": started.isoformat(),
            "seconds": round(seconds, 3),
            "settings": _jsonable(dict(settings or {})),
            "parameters": _jsonable(_parameters(params)),
            "messages": dump_messages(messages),
            "response": dump_messages([response])[0],
            "usage": {"input_tokens": response.usage.input_tokens,
                      "output_tokens": response.usage.output_tokens},
        }
        self._write(f"{self.count:04d}.json", record)

    def write_meta(self, updates: Mapping[str, Any]) -> None:
        """Merge `updates` into the run's meta.json (written whole each time)."""
        self.meta.update(updates)
        self._write("meta.json", self.meta)

    def _write(self, name: str, data: Any) -> None:
        if not self.write:
            return
        self.run_dir.mkdir(parents=True, exist_ok=True)
        text = dumps_redacted(data, record_redactor(self.run_dir, self.secrets)) + "\n"
        tmp = self.run_dir / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.run_dir / name)


def call_error(exc: ModelAPIError, model: Model) -> ModelCallError:
    """The final failure of a model call, with the URL and what to do."""
    url = model.base_url or model.system
    return ModelCallError(
        f"the model call to {model.model_id} at {url} failed after retries: {exc}. "
        "Check that the server is running and reachable, the key is valid, and the rate limit "
        "allows it; or choose another model with --model."
    )


class RecordingModel(WrapperModel):
    """Passes requests to the wrapped model and records each exchange."""

    def __init__(self, wrapped: Model, recorder: Recorder) -> None:
        super().__init__(wrapped)
        self.recorder = recorder

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        started, clock = datetime.now(UTC), time.perf_counter()
        try:
            response = await self.wrapped.request(
                messages, model_settings, model_request_parameters)
        except ModelAPIError as exc:
            raise call_error(exc, self.wrapped) from exc
        self.recorder.write_call(
            model_id=self.wrapped.model_id, messages=messages, settings=model_settings,
            params=model_request_parameters, response=response, started=started,
            seconds=time.perf_counter() - clock,
        )
        return response

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: Any = None,
    ) -> AsyncGenerator[StreamedResponse]:
        started, clock = datetime.now(UTC), time.perf_counter()
        try:
            async with self.wrapped.request_stream(
                messages, model_settings, model_request_parameters, run_context
            ) as stream:
                yield stream
        except ModelAPIError as exc:
            raise call_error(exc, self.wrapped) from exc
        self.recorder.write_call(
            model_id=self.wrapped.model_id, messages=messages, settings=model_settings,
            params=model_request_parameters, response=stream.get(), started=started,
            seconds=time.perf_counter() - clock,
        )


# ---- replay ------------------------------------------------------------------------------------

def load_calls(run_dir: Path) -> list[dict[str, Any]]:
    """The recorded calls of a run, in order."""
    if not run_dir.is_dir():
        raise ReplayError(f"no recorded run at {run_dir}")
    calls = []
    for path in sorted(run_dir.glob("[0-9][0-9][0-9][0-9].json")):
        call = read_record_file(path)
        if not isinstance(call.get("response"), dict) or "messages" not in call:
            raise ReplayError(f"{path}: not a recorded model call (no 'response' or "
                              "'messages'); the record is damaged, record the run again")
        calls.append(call)
    return calls


def read_record_file(path: Path) -> dict[str, Any]:
    """One JSON object of a run record; ReplayError naming the file (and line) if damaged."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReplayError(f"{path}:{exc.lineno}: the run record is not valid JSON ({exc.msg}); "
                          "it is damaged, record the run again") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReplayError(f"{path}: cannot read the run record ({exc}); record the run "
                          "again") from None
    if not isinstance(value, dict):
        raise ReplayError(f"{path}: the run record must be a JSON object; it is damaged, "
                          "record the run again")
    return value


class ReplayModel(WholeAnswerModel):
    """Answers each request with the next recorded response; calls no model."""

    _announces_lookalike_notes = False

    def __init__(self, run_dir: Path, *, model_name: str = "replay", system: str = "replay",
                 profile: Mapping[str, Any] | None = None, strict: bool = True) -> None:
        if profile is not None and not (isinstance(profile, Mapping)
                                        and set(profile) <= set(PROFILE_KEYS)):
            raise ReplayError(f"{run_dir / 'meta.json'}: 'profile' must be an object with the "
                              f"keys {', '.join(PROFILE_KEYS)}; record the run again")
        super().__init__(profile=ModelProfile(**(profile or PERMISSIVE_PROFILE)))  # type: ignore[typeddict-item]
        self.run_dir = run_dir
        self.calls = load_calls(run_dir)
        self.position = 0
        self.strict = strict
        self._model_name = model_name
        self._system = system
        first = self.calls[0].get("model") if self.calls else None
        self._model_id = str(first) if first else f"{system}:{model_name}"

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def system(self) -> str:
        return self._system

    @property
    def model_id(self) -> str:
        """The recorded model's id: the agent stamps it into the history the replay compares."""
        return self._model_id

    def next_response(self, messages: list[ModelMessage]) -> ModelResponse:
        if self.position >= len(self.calls):
            raise ReplayError(
                f"replay of {self.run_dir}: the workflow made request {self.position + 1} but the "
                f"record holds only {len(self.calls)}; the workflow changed since it was recorded"
            )
        call = self.calls[self.position]
        self.position += 1
        if self.strict:
            self._check(call, messages)
        restored = ModelMessagesTypeAdapter.validate_python([call["response"]])[0]
        assert isinstance(restored, ModelResponse)
        return restored

    def _check(self, call: dict[str, Any], messages: list[ModelMessage]) -> None:
        sent = _comparable(dump_messages(messages))
        recorded = _comparable(call["messages"])
        if sent != recorded:  # the record holds redacted text: compare what it would hold
            sent = _comparable(redact(dump_messages(messages), record_redactor(self.run_dir)))
        if sent != recorded:
            where = _first_difference(recorded, sent)
            raise ReplayError(
                f"replay of {self.run_dir}: request {call['index']} differs from the record at "
                f"{where}; the workflow or its inputs changed since it was recorded"
            )

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        return self.next_response(messages)


def _first_difference(a: Any, b: Any, path: str = "messages") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}")
        return path
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
        return f"{path} (recorded {len(a)} items, sent {len(b)})"
    return f"{path} (recorded {json.dumps(a)[:80]}, sent {json.dumps(b)[:80]})"
