"""The token estimate shown by `steering show` and used for context budgets.

The estimate is deliberately simple and deterministic: one token per four characters of text,
rounded up (`ceil(len(text) / 4)`). Real tokenizers differ by model; for English prose and code
this is within roughly 20% of common BPE tokenizers, which is enough to see which steering file
costs what. It never depends on an installed package, so the figure is the same everywhere.
"""

from __future__ import annotations

CHARS_PER_TOKEN = 4
ESTIMATE_METHOD = "characters/4, rounded up"


def estimate_tokens(text: str) -> int:
    """Estimated tokens for `text`: characters divided by four, rounded up (0 for '')."""
    return -(-len(text) // CHARS_PER_TOKEN)
