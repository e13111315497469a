"""Feature overdue-reminders."""

from datetime import date, timedelta

import pytest

from bookshelf import LoanService, Outbox, Reminder, ReminderKind, ReminderService
from bookshelf.errors import DeliveryError

TODAY = date(2025, 3, 3)
DUE = TODAY + timedelta(days=14)
EARTHSEA = "978-0-553-38016-3"
MOCKINGBIRD = "978-0-06-112008-4"


class FlakyNotifier:
    """Fails the first `failures` sends, then delivers."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[Reminder] = []

    def send(self, reminder: Reminder) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryError("mail server unavailable")
        self.sent.append(reminder)


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def reminders(service: LoanService, outbox: Outbox) -> ReminderService:
    return ReminderService(service, outbox)


def test_due_soon_reminder_two_days_before_due(service, reminders, outbox):
    service.checkout("m1", EARTHSEA, TODAY)
    assert reminders.run(DUE - timedelta(days=3)).sent == 0
    assert reminders.run(DUE - timedelta(days=2)).sent == 1
    [reminder] = outbox.sent
    assert reminder.kind is ReminderKind.DUE_SOON
    assert reminder.email == "ada@example.org"
    assert "A Wizard of Earthsea" in reminder.body
    assert "2025-03-17" in reminder.body


def test_opted_out_member_gets_no_due_soon_reminder(service, reminders, outbox):
    service.checkout("m3", EARTHSEA, TODAY)
    reminders.run(DUE - timedelta(days=2))
    assert outbox.sent == []


def test_overdue_notice_on_first_overdue_day_with_fee(service, reminders, outbox):
    service.checkout("m2", EARTHSEA, TODAY)
    reminders.run(DUE + timedelta(days=1))
    [notice] = outbox.sent
    assert notice.kind is ReminderKind.OVERDUE
    assert "1 day overdue" in notice.body
    assert "$0.13" in notice.body


def test_overdue_notice_repeats_every_seven_days(service, reminders, outbox):
    service.checkout("m1", EARTHSEA, TODAY)
    for day in range(1, 17):
        reminders.run(DUE + timedelta(days=day))
    assert [(r.day - DUE).days for r in outbox.sent] == [1, 8, 15]
    assert "$3.75" in outbox.sent[-1].body


def test_opted_out_member_still_gets_overdue_notices(service, reminders, outbox):
    service.checkout("m3", EARTHSEA, TODAY)
    reminders.run(DUE + timedelta(days=1))
    assert [r.kind for r in outbox.sent] == [ReminderKind.OVERDUE]


def test_second_run_on_the_same_day_sends_nothing_new(service, reminders, outbox):
    service.checkout("m1", EARTHSEA, TODAY)
    service.checkout("m1", MOCKINGBIRD, TODAY)
    day = DUE - timedelta(days=2)
    assert reminders.run(day).sent == 2
    assert reminders.run(day).sent == 0
    assert len(outbox.sent) == 2


def test_returned_loans_get_no_reminders(service, reminders, outbox):
    loan = service.checkout("m1", EARTHSEA, TODAY)
    service.return_book(loan.loan_id, TODAY)
    reminders.run(DUE + timedelta(days=1))
    assert outbox.sent == []


def test_failed_delivery_is_kept_and_retried(service):
    notifier = FlakyNotifier(failures=1)
    reminders = ReminderService(service, notifier)
    service.checkout("m1", EARTHSEA, TODAY)
    day = DUE - timedelta(days=2)
    report = reminders.run(day)
    assert (report.sent, report.failed) == (0, 1)
    assert len(reminders.pending) == 1
    report = reminders.run(day + timedelta(days=1))
    assert (report.sent, report.failed) == (1, 0)
    assert reminders.pending == []
    assert notifier.sent[0].day == day
