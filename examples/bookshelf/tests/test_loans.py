"""Feature book-loans: checkout, limits, renewal and return (requirements 1 to 4)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bookshelf import Catalog, LoanPolicy, LoanService, MemberRegistry
from bookshelf.errors import (
    FeesOutstanding,
    LoanClosed,
    LoanLimitReached,
    NoCopyAvailable,
    RenewalRefused,
    UnknownBook,
    UnknownMember,
)

TODAY = date(2025, 3, 3)
EARTHSEA = "978-0-553-38016-3"
MOCKINGBIRD = "978-0-06-112008-4"


def test_checkout_sets_due_date_14_days_out(service: LoanService):
    loan = service.checkout("m1", EARTHSEA, TODAY)
    assert loan.due == date(2025, 3, 17)
    assert loan.active


def test_checkout_takes_a_copy_off_the_shelf(service: LoanService, catalog: Catalog):
    service.checkout("m1", MOCKINGBIRD, TODAY)
    assert catalog.get(MOCKINGBIRD).on_shelf == 5


def test_checkout_with_no_copy_on_the_shelf_is_rejected(service: LoanService):
    service.checkout("m1", EARTHSEA, TODAY)
    with pytest.raises(NoCopyAvailable):
        service.checkout("m2", EARTHSEA, TODAY)


def test_checkout_of_unknown_book_or_member_is_rejected(service: LoanService):
    with pytest.raises(UnknownBook):
        service.checkout("m1", "000", TODAY)
    with pytest.raises(UnknownMember):
        service.checkout("nobody", EARTHSEA, TODAY)


def test_sixth_loan_is_rejected(service: LoanService):
    for _ in range(5):
        service.checkout("m1", MOCKINGBIRD, TODAY)
    with pytest.raises(LoanLimitReached):
        service.checkout("m1", MOCKINGBIRD, TODAY)


def test_policy_can_lower_the_loan_limit(catalog: Catalog, members: MemberRegistry):
    service = LoanService(catalog, members, policy=LoanPolicy(max_active_loans=2))
    service.checkout("m1", MOCKINGBIRD, TODAY)
    service.checkout("m1", MOCKINGBIRD, TODAY)
    with pytest.raises(LoanLimitReached):
        service.checkout("m1", MOCKINGBIRD, TODAY)


def test_member_owing_ten_dollars_cannot_borrow(service: LoanService):
    service.ledger.charge("m1", Decimal("10.00"))
    with pytest.raises(FeesOutstanding):
        service.checkout("m1", EARTHSEA, TODAY)
    service.ledger.pay("m1", Decimal("0.01"))
    assert service.checkout("m1", EARTHSEA, TODAY).active


def test_renewal_extends_from_the_current_due_date(service: LoanService):
    loan = service.checkout("m1", EARTHSEA, TODAY)
    service.renew(loan.loan_id, TODAY + timedelta(days=10))
    assert loan.due == date(2025, 3, 31)


def test_third_renewal_is_refused(service: LoanService):
    loan = service.checkout("m1", EARTHSEA, TODAY)
    service.renew(loan.loan_id, TODAY)
    service.renew(loan.loan_id, TODAY)
    with pytest.raises(RenewalRefused):
        service.renew(loan.loan_id, TODAY)


def test_overdue_loan_cannot_be_renewed(service: LoanService):
    loan = service.checkout("m1", EARTHSEA, TODAY)
    with pytest.raises(RenewalRefused):
        service.renew(loan.loan_id, loan.due + timedelta(days=1))
    assert service.renew(loan.loan_id, loan.due).renewals == 1


def test_return_closes_the_loan_and_shelves_the_copy(service: LoanService, catalog: Catalog):
    loan = service.checkout("m1", EARTHSEA, TODAY)
    service.return_book(loan.loan_id, TODAY + timedelta(days=3))
    assert loan.returned == date(2025, 3, 6)
    assert not loan.active
    assert catalog.get(EARTHSEA).on_shelf == 1


def test_late_return_charges_the_member(service: LoanService):
    loan = service.checkout("m1", EARTHSEA, TODAY)
    service.return_book(loan.loan_id, loan.due + timedelta(days=4))
    assert loan.fee == Decimal("1.00")
    assert service.ledger.balance("m1") == Decimal("1.00")


def test_on_time_return_charges_nothing(service: LoanService):
    loan = service.checkout("m1", EARTHSEA, TODAY)
    service.return_book(loan.loan_id, loan.due)
    assert service.ledger.balance("m1") == Decimal("0.00")


def test_returning_a_closed_loan_is_rejected(service: LoanService):
    loan = service.checkout("m1", EARTHSEA, TODAY)
    service.return_book(loan.loan_id, TODAY)
    with pytest.raises(LoanClosed):
        service.return_book(loan.loan_id, TODAY)
    with pytest.raises(LoanClosed):
        service.renew(loan.loan_id, TODAY)
