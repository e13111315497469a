"""bookshelf: a tiny library-lending service (catalog, members, loans, fees, reminders)."""

from bookshelf.catalog import Book, Catalog
from bookshelf.errors import BookshelfError
from bookshelf.fees import FeeCalculator, FeeLedger
from bookshelf.loans import Loan, LoanPolicy, LoanService
from bookshelf.members import Member, MemberRegistry
from bookshelf.reminders import Outbox, Reminder, ReminderKind, ReminderService, RunReport

__all__ = [
    "Book",
    "BookshelfError",
    "Catalog",
    "FeeCalculator",
    "FeeLedger",
    "Loan",
    "LoanPolicy",
    "LoanService",
    "Member",
    "MemberRegistry",
    "Outbox",
    "Reminder",
    "ReminderKind",
    "ReminderService",
    "RunReport",
]
