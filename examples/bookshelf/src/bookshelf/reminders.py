"""Due-soon reminders and overdue notices.

The service plans what to send for a given day, queues it in an outbox and hands it to a
`Notifier`. A reminder the notifier fails to deliver stays queued and is retried on the next run.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from bookshelf.errors import DeliveryError
from bookshelf.loans import Loan, LoanService
from bookshelf.members import Member

DUE_SOON_DAYS = 2
OVERDUE_REPEAT_DAYS = 7


class ReminderKind(enum.Enum):
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Reminder:
    loan_id: int
    member_id: str
    email: str
    kind: ReminderKind
    day: date
    subject: str
    body: str


class Notifier(Protocol):
    def send(self, reminder: Reminder) -> None:
        """Deliver one reminder or raise DeliveryError."""


@dataclass
class Outbox:
    """An in-memory notifier: keeps what was sent, for tests and the demo."""

    sent: list[Reminder] = field(default_factory=list)

    def send(self, reminder: Reminder) -> None:
        self.sent.append(reminder)


@dataclass(frozen=True)
class RunReport:
    sent: int
    failed: int


@dataclass
class ReminderService:
    loans: LoanService
    notifier: Notifier
    pending: list[Reminder] = field(default_factory=list)
    _queued: set[tuple[int, ReminderKind, date]] = field(default_factory=set, repr=False)
    _last_overdue: dict[int, date] = field(default_factory=dict, repr=False)

    def plan(self, today: date) -> list[Reminder]:
        """The reminders to queue on `today`, without queueing them."""
        planned = []
        for loan in self.loans.active_loans():
            member = self.loans.members.get(loan.member_id)
            if (loan.due - today).days == DUE_SOON_DAYS and member.reminders:
                planned.append(self._due_soon(loan, member, today))
            overdue_days = (today - loan.due).days
            last = self._last_overdue.get(loan.loan_id)
            if overdue_days >= 1 and (last is None or (today - last).days >= OVERDUE_REPEAT_DAYS):
                planned.append(self._overdue(loan, member, today, overdue_days))
        return [r for r in planned if (r.loan_id, r.kind, r.day) not in self._queued]

    def run(self, today: date) -> RunReport:
        """Queue today's reminders, then try to deliver everything in the outbox."""
        for reminder in self.plan(today):
            self._queued.add((reminder.loan_id, reminder.kind, reminder.day))
            if reminder.kind is ReminderKind.OVERDUE:
                self._last_overdue[reminder.loan_id] = today
            self.pending.append(reminder)
        sent, still_pending = 0, []
        for reminder in self.pending:
            try:
                self.notifier.send(reminder)
            except DeliveryError:
                still_pending.append(reminder)
            else:
                sent += 1
        self.pending = still_pending
        return RunReport(sent=sent, failed=len(still_pending))

    def _due_soon(self, loan: Loan, member: Member, today: date) -> Reminder:
        title = self.loans.catalog.get(loan.isbn).title
        return Reminder(
            loan.loan_id,
            member.member_id,
            member.email,
            ReminderKind.DUE_SOON,
            today,
            subject=f"Due in {DUE_SOON_DAYS} days: {title}",
            body=f"Hi {member.name}, {title!r} is due back on {loan.due.isoformat()}.",
        )

    def _overdue(self, loan: Loan, member: Member, today: date, days: int) -> Reminder:
        title = self.loans.catalog.get(loan.isbn).title
        fee = self.loans.fees.fee(days, concession=member.concession)
        plural = "day" if days == 1 else "days"
        return Reminder(
            loan.loan_id,
            member.member_id,
            member.email,
            ReminderKind.OVERDUE,
            today,
            subject=f"Overdue: {title}",
            body=(
                f"Hi {member.name}, {title!r} was due back on {loan.due.isoformat()}. "
                f"It is {days} {plural} overdue and the fee so far is ${fee}."
            ),
        )
