"""Every rule specloom knows, by code."""

from __future__ import annotations

import dataclasses
from functools import cache

from specloom.quality.rule import Rule
from specloom.quality.tiers import precision_of, tier_of


@cache
def all_rules() -> dict[str, Rule]:
    from specloom.agent.hooks import rules as hook_rules
    from specloom.context import rules as steering_rules
    from specloom.mcp_client import rules as mcp_rules
    from specloom.quality import consistency, ears, glossary, smells, structure
    from specloom.trace import rules as trace_rules

    rules: dict[str, Rule] = {}
    for module_rules in (structure.RULES, ears.RULES, smells.RULES, glossary.RULES,
                         consistency.RULES, trace_rules.RULES, steering_rules.RULES,
                         mcp_rules.RULES, hook_rules.RULES):
        for rule in module_rules:
            precision, judged = precision_of(rule.code)
            rules[rule.code] = dataclasses.replace(
                rule, tier=tier_of(rule.code), precision=precision, judged=judged)
    return dict(sorted(rules.items()))


@cache
def default_codes() -> frozenset[str]:
    """Codes of the rules `check` runs when the settings select nothing."""
    return frozenset(code for code, rule in all_rules().items() if rule.tier == "default")


def find_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    rules = all_rules()
    if key.upper() in rules:
        return rules[key.upper()]
    for rule in rules.values():
        if rule.name == key.lower():
            return rule
    return None
