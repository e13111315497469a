"""Every error bookshelf raises on purpose derives from BookshelfError."""


class BookshelfError(Exception):
    """Base class: callers can catch this one to handle any refused operation."""


class UnknownBook(BookshelfError):
    """The ISBN is not in the catalog."""


class UnknownMember(BookshelfError):
    """No member is registered under that id."""


class UnknownLoan(BookshelfError):
    """No loan has that id."""


class NoCopyAvailable(BookshelfError):
    """Every copy of the book is out on loan."""


class LoanLimitReached(BookshelfError):
    """The member already holds as many loans as the policy allows."""


class FeesOutstanding(BookshelfError):
    """The member owes enough in fees to be blocked from borrowing."""


class RenewalRefused(BookshelfError):
    """The loan is overdue or has used up its renewals."""


class LoanClosed(BookshelfError):
    """The loan was already returned."""


class InvalidPayment(BookshelfError):
    """A payment of zero, a negative amount, or more than the member owes."""


class DeliveryError(BookshelfError):
    """A notifier could not deliver a reminder; the reminder service will retry it."""
