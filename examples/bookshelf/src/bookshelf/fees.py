"""Overdue fees and the ledger of what each member owes.

Amounts are `Decimal` dollars, never floats: a fee is money, and 0.1 + 0.2 must be 0.3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bookshelf.errors import InvalidPayment

DAILY_FEE = Decimal("0.25")
FEE_CAP = Decimal("20.00")
CONCESSION_RATE = Decimal("0.5")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_to_cent(amount: Decimal) -> Decimal:
    """Round to whole cents; the library's posted policy is that half a cent rounds up.

    `quantize` without an explicit rounding mode uses the context default, ROUND_HALF_EVEN,
    which charged concession members $0.12 instead of $0.13 for one overdue day
    (see .kiro/specs/fee-rounding-fix).
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FeeCalculator:
    daily_fee: Decimal = DAILY_FEE
    cap: Decimal = FEE_CAP
    grace_days: int = 0

    @staticmethod
    def overdue_days(due: date, returned: date) -> int:
        return max(0, (returned - due).days)

    def fee(self, overdue_days: int, *, concession: bool = False) -> Decimal:
        """The fee for one loan returned `overdue_days` after its due date."""
        chargeable_days = max(0, overdue_days - self.grace_days)
        raw = self.daily_fee * chargeable_days
        if concession:
            raw *= CONCESSION_RATE
        return min(round_to_cent(raw), self.cap)


@dataclass(frozen=True)
class LedgerEntry:
    member_id: str
    amount: Decimal
    """Positive for a fee charged, negative for a payment."""
    loan_id: int | None = None


@dataclass
class FeeLedger:
    entries: list[LedgerEntry] = field(default_factory=list)

    def balance(self, member_id: str) -> Decimal:
        owed = sum((e.amount for e in self.entries if e.member_id == member_id), ZERO)
        return owed.quantize(CENT)

    def charge(self, member_id: str, amount: Decimal, loan_id: int | None = None) -> None:
        if amount <= ZERO:
            raise ValueError(f"a fee must be positive, got {amount}")
        self.entries.append(LedgerEntry(member_id, amount, loan_id))

    def pay(self, member_id: str, amount: Decimal) -> Decimal:
        """Record a payment and return the balance still owed."""
        if amount <= ZERO:
            raise InvalidPayment(f"a payment must be more than $0.00, got ${amount}")
        owed = self.balance(member_id)
        if amount > owed:
            raise InvalidPayment(f"payment of ${amount} is more than the ${owed} owed")
        self.entries.append(LedgerEntry(member_id, -amount))
        return self.balance(member_id)
