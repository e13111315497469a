"""Spec names: kebab-case validation with a suggested fix.

Only checks and suggests; it must not touch the file system.
"""

from __future__ import annotations

import re
import unicodedata

from specloom.core.errors import SpecloomError

KEBAB_CASE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_NAME_LENGTH = 64


class SpecNameError(ValueError, SpecloomError):
    """A spec name that Kiro's layout does not accept; the message suggests one that works."""


def suggest_kebab_case(name: str) -> str:
    """`Cart Service`, `cartService`, `cart_service` and `Café!` become `cart-service`, `cafe`."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    split_camel = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", ascii_text)
    words = re.findall(r"[a-z0-9]+", split_camel.lower())
    return "-".join(words)[:MAX_NAME_LENGTH].strip("-")


def validate_spec_name(name: str) -> str:
    """Return `name` if it is kebab-case; otherwise raise `SpecNameError` with a suggestion."""
    if KEBAB_CASE.match(name) and len(name) <= MAX_NAME_LENGTH:
        return name
    suggestion = suggest_kebab_case(name)
    if len(name) > MAX_NAME_LENGTH:
        problem = f"spec name is {len(name)} characters; at most {MAX_NAME_LENGTH} are allowed"
    else:
        problem = f"spec name {name!r} is not kebab-case (lower-case words joined by '-')"
    hint = f"; try {suggestion!r}" if suggestion else "; use letters, digits and '-'"
    raise SpecNameError(problem + hint)
