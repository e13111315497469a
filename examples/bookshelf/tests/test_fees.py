"""Feature book-loans, requirement 5: fee rules and the fee ledger."""

from decimal import Decimal

import pytest

from bookshelf import FeeCalculator, FeeLedger
from bookshelf.errors import InvalidPayment


def test_daily_fee_is_25_cents():
    assert FeeCalculator().fee(3) == Decimal("0.75")


def test_no_fee_when_not_overdue():
    assert FeeCalculator().fee(0) == Decimal("0.00")


def test_concession_pays_half():
    assert FeeCalculator().fee(4, concession=True) == Decimal("0.50")


def test_grace_period_waives_the_first_days():
    calc = FeeCalculator(grace_days=2)
    assert calc.fee(2) == Decimal("0.00")
    assert calc.fee(5) == Decimal("0.75")


def test_fee_is_capped_at_20_dollars():
    assert FeeCalculator().fee(79) == Decimal("19.75")
    assert FeeCalculator().fee(365) == Decimal("20.00")


def test_ledger_adds_charges_and_subtracts_payments():
    ledger = FeeLedger()
    ledger.charge("m1", Decimal("1.25"), loan_id=7)
    ledger.charge("m1", Decimal("0.50"))
    assert ledger.balance("m1") == Decimal("1.75")
    assert ledger.pay("m1", Decimal("1.00")) == Decimal("0.75")
    assert ledger.balance("m2") == Decimal("0.00")


@pytest.mark.parametrize("amount", ["0", "-1.00", "2.01"])
def test_ledger_rejects_bad_payments(amount):
    ledger = FeeLedger()
    ledger.charge("m1", Decimal("2.00"))
    with pytest.raises(InvalidPayment):
        ledger.pay("m1", Decimal(amount))
    assert ledger.balance("m1") == Decimal("2.00")
