"""Tokens per second of the embedded model through specloom, against llama.cpp's own figure.

Runs the same prompt (same settings: temperature 0, fixed seed, same max_tokens) three ways:
a direct `Llama.create_completion` call (wall time), llama.cpp's internal eval timings for that
call (`llama_perf_context`), and specloom's `LocalModel` through a pydantic-ai `Agent`. Prints
the figures. Nothing is downloaded; the GGUF comes from the `specloom[local]` packages.

Usage: python benchmarks/local_model_speed.py [--tokens N] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from pydantic_ai import Agent

from specloom.models.local import SEED, LocalModel, generate, load_llama, render_prompt

PROMPT = "Write a short paragraph about why requirements should be testable."


def direct(tokens: int) -> tuple[float, float]:
    """(tokens/s by wall time, tokens/s by llama.cpp's own eval timing) for one direct call."""
    from pydantic_ai.messages import ModelRequest, UserPromptPart

    llama: Any = load_llama()
    prompt = render_prompt([ModelRequest(parts=[UserPromptPart(PROMPT)])], None)
    llama.reset()
    started = time.perf_counter()
    result = llama.create_completion(prompt, max_tokens=tokens, temperature=0.0, seed=SEED,
                                     stop=["<end_of_turn>"])
    wall = time.perf_counter() - started
    produced = int(result["usage"]["completion_tokens"])
    return produced / wall, llama_cpp_eval_rate(llama)


def llama_cpp_eval_rate(llama: Any) -> float:
    """Generation tokens/s as llama.cpp measures it (eval time only, prompt excluded)."""
    import llama_cpp

    perf = llama_cpp.llama_perf_context(llama._ctx.ctx)
    return float(perf.n_eval) / (perf.t_eval_ms / 1000.0) if perf.t_eval_ms else 0.0


def through_specloom(tokens: int) -> tuple[float, float]:
    """(tokens/s end to end through Agent + LocalModel, tokens/s of the generate call alone)."""
    agent = Agent(LocalModel())
    started = time.perf_counter()
    result = agent.run_sync(PROMPT, model_settings={"max_tokens": tokens})
    wall = time.perf_counter() - started
    produced = result.usage.output_tokens
    llama = load_llama()
    gen = generate(llama, render_prompt(result.all_messages()[:1], None), max_tokens=tokens,
                   temperature=0.0, grammar=None)
    return produced / wall, gen.output_tokens / gen.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load_started = time.perf_counter()
    load_llama()
    print(f"model load: {time.perf_counter() - load_started:.2f}s (n_threads=2, n_ctx=8192)")
    rows: dict[str, list[float]] = {"direct Llama call (wall)": [], "llama.cpp eval timing": [],
                                    "specloom Agent+LocalModel (wall)": [],
                                    "specloom generate() (wall)": []}
    for _ in range(args.runs):
        wall, internal = direct(args.tokens)
        rows["direct Llama call (wall)"].append(wall)
        rows["llama.cpp eval timing"].append(internal)
        agent_rate, gen_rate = through_specloom(args.tokens)
        rows["specloom Agent+LocalModel (wall)"].append(agent_rate)
        rows["specloom generate() (wall)"].append(gen_rate)
    print(f"prompt: {PROMPT!r}, max_tokens={args.tokens}, runs={args.runs}, medians:")
    for label, values in rows.items():
        print(f"  {label:36} {statistics.median(values):7.1f} tokens/s")


if __name__ == "__main__":
    main()
