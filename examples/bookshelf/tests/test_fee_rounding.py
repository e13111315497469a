"""Bugfix fee-rounding-fix: half a cent rounds up, everything else is unchanged.

Property 1 was written first and failed on the unfixed code ($0.12 instead of $0.13).
"""

import random
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from bookshelf.fees import CENT, FEE_CAP, FeeCalculator, round_to_cent

CASES = 200


def raw_fee(days: int, concession: bool, grace: int = 0) -> Decimal:
    raw = Decimal("0.25") * max(0, days - grace)
    return raw * Decimal("0.5") if concession else raw


def is_bug_condition(raw: Decimal) -> bool:
    """True where round-half-even and round-half-up disagree."""
    cents = raw * 100
    return cents % 1 == Decimal("0.5") and int(cents) % 2 == 0


@pytest.mark.parametrize(("days", "expected"), [(1, "0.13"), (5, "0.63"), (9, "1.13")])
def test_concession_fee_with_half_a_cent_rounds_up(days, expected):
    assert FeeCalculator().fee(days, concession=True) == Decimal(expected)


def test_property_1_fix_holds_where_the_bug_condition_holds():
    # Feature: fee-rounding-fix, Property 1: half a cent rounds up
    rng = random.Random(20250303)
    checked = 0
    while checked < CASES:
        days, grace = rng.randint(0, 200), rng.randint(0, 3)
        raw = raw_fee(days, True, grace)
        if not is_bug_condition(raw):
            continue
        fee = FeeCalculator(grace_days=grace).fee(days, concession=True)
        higher_cent = Decimal(int(raw * 100) + 1) / 100
        assert fee == min(higher_cent, FEE_CAP)
        checked += 1


def test_property_2_unchanged_where_the_bug_condition_does_not_hold():
    # Feature: fee-rounding-fix, Property 2: fees outside the bug condition are unchanged
    rng = random.Random(7)
    for _ in range(CASES):
        days, grace = rng.randint(0, 200), rng.randint(0, 3)
        concession = rng.random() < 0.5
        raw = raw_fee(days, concession, grace)
        if is_bug_condition(raw):
            continue
        old_behaviour = min(raw.quantize(CENT, rounding=ROUND_HALF_EVEN), FEE_CAP)
        assert FeeCalculator(grace_days=grace).fee(days, concession=concession) == old_behaviour


def test_round_to_cent_examples():
    assert round_to_cent(Decimal("0.125")) == Decimal("0.13")
    assert round_to_cent(Decimal("0.375")) == Decimal("0.38")
    assert round_to_cent(Decimal("0.124")) == Decimal("0.12")
