"""The link model: a test or a piece of code naming the criteria (or property) it serves.

Three syntaxes produce links (see docs/trace.md):
- the pytest marker `@pytest.mark.req("cart", "1.2", "1.3")` or `@pytest.mark.req("cart:1.2")`,
  on a test, a test class or as module-level `pytestmark`;
- a comment or docstring tag in any language, `specloom: <spec> <N.M>[, <N.M>...]`;
- Kiro's property-test tag `Feature: <spec>, Property <N>` (links to a correctness property).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# a spec folder name, optionally inside an archive folder: `cart` or `_archived/cart`
SPEC_NAME = r"(?:[_.][\w.-]*/)?[A-Za-z0-9][\w.-]*"
TAG = re.compile(rf"specloom:[ \t]*({SPEC_NAME})[ \t]+(\d+\.\d+(?:[ \t]*,[ \t]*\d+\.\d+)*)")
PROPERTY_TAG = re.compile(rf"Feature:[ \t]*({SPEC_NAME})[ \t]*,[ \t]*Property[ \t]+(\d+)")
CRITERION_ID = re.compile(r"\d+\.\d+")


@dataclass(frozen=True, slots=True)
class Link:
    """One link from a test or code symbol to a criterion (`criterion`) or property (`prop`)."""

    spec: str
    criterion: str | None
    prop: int | None
    path: str          # relative to the workspace root, forward slashes
    line: int          # where the link is written
    symbol: str | None  # qualified name of the function/class it attaches to; None: the module
    kind: str          # "test" or "code"
    via: str           # "marker", "tag" or "property-tag"
    nodeid: str | None = None  # pytest node id for Python tests
    property_based: bool = False  # the test uses Hypothesis's @given

    @property
    def target(self) -> str:
        return self.criterion if self.criterion is not None else f"Property {self.prop}"

    @property
    def test_key(self) -> str:
        """How verification identifies the test: its node id, else path::symbol."""
        return self.nodeid or f"{self.path}::{self.symbol or ''}"


@dataclass(frozen=True, slots=True)
class ScanProblem:
    """Something in a source file that prevents reading its links exactly."""

    path: str
    line: int
    message: str


def criteria_of_tag(text: str) -> list[str]:
    """Criterion ids in the `1.2, 1.3` part of a tag."""
    return CRITERION_ID.findall(text)


def marker_targets(args: list[str]) -> tuple[str, list[str]] | None:
    """(spec, criteria) from marker arguments: ("cart", "1.2", ...) or ("cart:1.2, 1.3",)."""
    if not args:
        return None
    if len(args) == 1 and ":" in args[0]:
        spec, _, rest = args[0].partition(":")
        return spec.strip(), criteria_of_tag(rest)
    return args[0].strip(), [a.strip() for a in args[1:]]
