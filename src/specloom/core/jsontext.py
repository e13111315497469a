"""JSON from files specloom did not write: every failure is a `json.JSONDecodeError`.

`json.loads` has two failures that are not `JSONDecodeError`: nesting deeper than the
interpreter's recursion limit raises `RecursionError`, and an integer longer than Python's
digit limit raises a plain `ValueError`. A hostile `.config.kiro`, hook or MCP file could use
either to turn a clear "invalid JSON" finding into an internal error, so every reader of such a
file goes through `loads`, which reports both as malformed JSON with a position.
"""

from __future__ import annotations

import json
from typing import Any

MAX_INT_DIGITS = 4000  # below Python's default limit of 4300


def loads(text: str) -> Any:
    """`json.loads`, with deep nesting and huge integers reported as `JSONDecodeError`."""
    try:
        return json.loads(text, parse_int=_bounded_int)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply to read", text, 0) from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        raise json.JSONDecodeError(str(exc), text, 0) from None


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a number with {len(digits)} digits is longer than any real value")
    return int(digits)
