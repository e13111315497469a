import pytest

from bookshelf import Catalog, LoanPolicy, LoanService, Member, MemberRegistry


@pytest.fixture
def catalog() -> Catalog:
    catalog = Catalog()
    catalog.add_book("978-0-14-143951-8", "Pride and Prejudice", "Jane Austen", copies=2)
    catalog.add_book("978-0-553-38016-3", "A Wizard of Earthsea", "Ursula K. Le Guin")
    catalog.add_book("978-0-06-112008-4", "To Kill a Mockingbird", "Harper Lee", copies=6)
    return catalog


@pytest.fixture
def members() -> MemberRegistry:
    registry = MemberRegistry()
    registry.register(Member("m1", "Ada", "ada@example.org"))
    registry.register(Member("m2", "Ben", "ben@example.org", concession=True))
    registry.register(Member("m3", "Cleo", "cleo@example.org", reminders=False))
    return registry


@pytest.fixture
def service(catalog: Catalog, members: MemberRegistry) -> LoanService:
    return LoanService(catalog, members, policy=LoanPolicy())
