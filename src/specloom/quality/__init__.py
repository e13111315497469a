"""Deterministic quality rules for specs: EARS grammar, requirement smells, consistency."""
