"""Every rule specloom knows, by code."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import cache
from typing import Any

from specloom.core.diagnostic import Diagnostic
from specloom.core.errors import SpecloomError
from specloom.core.rule import Rule
from specloom.quality.tiers import precision_of, tier_of

ENTRY_POINT_GROUP = "specloom.rules"
FAMILIES = ("structure", "ears", "smells", "glossary", "consistency", "trace", "steering", "mcp",
            "hooks")  # the order `rules` lists them in; a plug-in family comes after


class RegistryError(RuntimeError, SpecloomError):
    """The rule families are not registered: specloom's install metadata is missing."""


@cache
def all_rules() -> dict[str, Rule]:
    """Every registered rule by code, with its tier and measured precision. Families register
    through the `specloom.rules` entry point group (pyproject.toml), as ruff's plug-ins would,
    so this engine imports none of them."""
    from importlib.metadata import entry_points

    found = {point.name: point for point in entry_points(group=ENTRY_POINT_GROUP)}
    missing = [name for name in FAMILIES if name not in found]
    if missing:
        raise RegistryError(
            f"specloom's rule families {', '.join(missing)} are not registered (entry point "
            f"group {ENTRY_POINT_GROUP!r}); reinstall specloom: pip install -e . or "
            "bash scripts/setup.sh")
    order = [*FAMILIES, *sorted(set(found) - set(FAMILIES))]
    rules: dict[str, Rule] = {}
    for name in order:
        for rule in found[name].load():
            precision, judged = precision_of(rule.code)
            rules[rule.code] = dataclasses.replace(
                rule, tier=tier_of(rule.code), precision=precision, judged=judged)
    return dict(sorted(rules.items()))


@cache
def default_codes() -> frozenset[str]:
    """Codes of the rules `check` runs when the settings select nothing."""
    return frozenset(code for code, rule in all_rules().items() if rule.tier == "default")


def diagnostics_json(diagnostics: Iterable[Diagnostic]) -> list[dict[str, Any]]:
    """Diagnostics as every JSON output shows them (`Diagnostic.to_json`), each named by its
    registered rule; the rule families are loaded only when there is a diagnostic to name."""
    found = list(diagnostics)
    rules = all_rules() if found else {}
    return [d.to_json(rules[d.code].name if d.code in rules else None) for d in found]


def find_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    rules = all_rules()
    if key.upper() in rules:
        return rules[key.upper()]
    for rule in rules.values():
        if rule.name == key.lower():
            return rule
    return None
