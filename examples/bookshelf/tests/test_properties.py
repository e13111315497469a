"""Property tests for feature book-loans, each over 200 seeded random cases (stdlib only)."""

import random
from datetime import date, timedelta

from bookshelf import Catalog, LoanService, Member, MemberRegistry
from bookshelf.errors import BookshelfError

CASES = 200
ISBNS = ["111", "222", "333"]


def random_library(rng: random.Random) -> tuple[Catalog, LoanService]:
    catalog = Catalog()
    for isbn in ISBNS:
        catalog.add_book(isbn, f"Book {isbn}", "Anon", copies=rng.randint(1, 4))
    members = MemberRegistry()
    for n in range(4):
        members.register(Member(f"m{n}", f"Member {n}", f"m{n}@example.org"))
    return catalog, LoanService(catalog, members)


def test_property_1_copies_are_conserved():
    # Feature: book-loans, Property 1: copies on the shelf plus active loans equal copies owned
    for seed in range(CASES):
        rng = random.Random(seed)
        catalog, service = random_library(rng)
        today = date(2025, 1, 1)
        for _ in range(rng.randint(1, 40)):
            today += timedelta(days=rng.randint(0, 5))
            active = service.active_loans()
            try:
                if active and rng.random() < 0.4:
                    service.return_book(rng.choice(active).loan_id, today)
                else:
                    service.checkout(f"m{rng.randint(0, 3)}", rng.choice(ISBNS), today)
            except BookshelfError:
                pass
            for isbn in ISBNS:
                book = catalog.get(isbn)
                on_loan = sum(1 for loan in service.active_loans() if loan.isbn == isbn)
                assert 0 <= book.on_shelf <= book.copies
                assert book.on_shelf + on_loan == book.copies
