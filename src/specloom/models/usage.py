"""Usage and cost of the model calls of one command, as one summary line.

Prices come from genai-prices (through `ModelResponse.cost()`) when it knows the model; otherwise
the line shows tokens only and says "cost unknown". The embedded model costs $0.

This module must not call a model or the network (genai-prices uses its bundled price data).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pydantic_ai.messages import ModelResponse


@dataclass
class UsageTotals:
    """Running totals over the responses of a run."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: Decimal = Decimal(0)
    cost_known: bool = True

    def add(self, response: ModelResponse, *, free: bool = False) -> None:
        self.requests += 1
        self.input_tokens += response.usage.input_tokens
        self.output_tokens += response.usage.output_tokens
        if free:
            return
        price = response_cost(response)
        if price is None:
            self.cost_known = False
        else:
            self.cost += price

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests, "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": str(self.cost) if self.cost_known else None,
        }


def response_cost(response: ModelResponse) -> Decimal | None:
    """The price of one response in USD, or None when genai-prices does not know the model."""
    if not response.model_name:
        return None
    try:
        return Decimal(str(response.cost().total_price))
    except Exception:  # genai-prices raises LookupError and others for unknown models
        return None


def format_cost(totals: UsageTotals) -> str:
    if not totals.cost_known:
        return "cost unknown"
    if totals.cost == 0:
        return "$0.00"
    return f"${totals.cost:.4f}" if totals.cost < 1 else f"${totals.cost:,.2f}"


def usage_line(name: str, totals: UsageTotals, *, is_local: bool = False,
               replaying: bool = False) -> str:
    """e.g. `model local (embedded, tiny): 3 requests, 1,234 input + 567 output tokens, $0.00`."""
    label = f"model {name}" + (" (embedded, tiny)" if is_local else "")
    if replaying:
        label += " (replayed, no model called)"
    plural = "request" if totals.requests == 1 else "requests"
    return (f"{label}: {totals.requests} {plural}, {totals.input_tokens:,} input + "
            f"{totals.output_tokens:,} output tokens, {format_cost(totals)}")
