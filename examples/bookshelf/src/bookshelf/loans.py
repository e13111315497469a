"""Checking books out, renewing and returning them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from bookshelf.catalog import Catalog
from bookshelf.errors import (
    FeesOutstanding,
    LoanClosed,
    LoanLimitReached,
    RenewalRefused,
    UnknownLoan,
)
from bookshelf.fees import ZERO, FeeCalculator, FeeLedger
from bookshelf.members import MemberRegistry


@dataclass(frozen=True)
class LoanPolicy:
    loan_days: int = 14
    max_active_loans: int = 5
    max_renewals: int = 2
    fee_block_threshold: Decimal = Decimal("10.00")
    grace_days: int = 0


@dataclass
class Loan:
    loan_id: int
    member_id: str
    isbn: str
    checked_out: date
    due: date
    renewals: int = 0
    returned: date | None = None
    fee: Decimal = ZERO

    @property
    def active(self) -> bool:
        return self.returned is None

    def is_overdue(self, today: date) -> bool:
        return self.active and today > self.due


@dataclass
class LoanService:
    catalog: Catalog
    members: MemberRegistry
    ledger: FeeLedger = field(default_factory=FeeLedger)
    policy: LoanPolicy = field(default_factory=LoanPolicy)
    _loans: dict[int, Loan] = field(default_factory=dict, init=False, repr=False)
    _ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(1), init=False, repr=False
    )

    @property
    def fees(self) -> FeeCalculator:
        return FeeCalculator(grace_days=self.policy.grace_days)

    def get(self, loan_id: int) -> Loan:
        try:
            return self._loans[loan_id]
        except KeyError:
            raise UnknownLoan(f"no loan with id {loan_id}") from None

    def active_loans(self, member_id: str | None = None) -> list[Loan]:
        return [
            loan
            for loan in self._loans.values()
            if loan.active and (member_id is None or loan.member_id == member_id)
        ]

    def checkout(self, member_id: str, isbn: str, today: date) -> Loan:
        member = self.members.get(member_id)
        book = self.catalog.get(isbn)
        owed = self.ledger.balance(member.member_id)
        if owed >= self.policy.fee_block_threshold:
            raise FeesOutstanding(
                f"{member.name} owes ${owed}; pay below "
                f"${self.policy.fee_block_threshold} to borrow again"
            )
        if len(self.active_loans(member.member_id)) >= self.policy.max_active_loans:
            raise LoanLimitReached(
                f"{member.name} already has {self.policy.max_active_loans} books on loan"
            )
        self.catalog.take_copy(book.isbn)
        loan = Loan(
            loan_id=next(self._ids),
            member_id=member.member_id,
            isbn=book.isbn,
            checked_out=today,
            due=today + timedelta(days=self.policy.loan_days),
        )
        self._loans[loan.loan_id] = loan
        return loan

    def renew(self, loan_id: int, today: date) -> Loan:
        loan = self.get(loan_id)
        if not loan.active:
            raise LoanClosed(f"loan {loan_id} was returned on {loan.returned}")
        if loan.renewals >= self.policy.max_renewals:
            raise RenewalRefused(f"loan {loan_id} was already renewed {loan.renewals} times")
        if loan.is_overdue(today):
            raise RenewalRefused(f"loan {loan_id} is overdue since {loan.due}; return it first")
        loan.due += timedelta(days=self.policy.loan_days)
        loan.renewals += 1
        return loan

    def return_book(self, loan_id: int, today: date) -> Loan:
        loan = self.get(loan_id)
        if not loan.active:
            raise LoanClosed(f"loan {loan_id} was already returned on {loan.returned}")
        member = self.members.get(loan.member_id)
        loan.returned = today
        self.catalog.put_back(loan.isbn)
        overdue = self.fees.overdue_days(loan.due, today)
        loan.fee = self.fees.fee(overdue, concession=member.concession)
        if loan.fee > ZERO:
            self.ledger.charge(member.member_id, loan.fee, loan.loan_id)
        return loan
