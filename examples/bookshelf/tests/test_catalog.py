import pytest

from bookshelf import Catalog
from bookshelf.catalog import normalize_isbn
from bookshelf.errors import NoCopyAvailable, UnknownBook


def test_isbn_is_stored_without_hyphens_or_spaces():
    assert normalize_isbn("978-0-14 143951-8") == "9780141439518"
    assert normalize_isbn("0-8044-2957-x") == "080442957X"


def test_adding_a_known_isbn_adds_copies(catalog: Catalog):
    book = catalog.add_book("9780141439518", "Pride and Prejudice", "Jane Austen")
    assert (book.copies, book.on_shelf) == (3, 3)


def test_add_book_rejects_zero_copies():
    with pytest.raises(ValueError):
        Catalog().add_book("123", "Empty", "Nobody", copies=0)


def test_get_unknown_isbn_raises(catalog: Catalog):
    with pytest.raises(UnknownBook):
        catalog.get("000")


def test_search_matches_title_or_author_ignoring_case(catalog: Catalog):
    assert [b.title for b in catalog.search("le")] == [
        "A Wizard of Earthsea",
        "To Kill a Mockingbird",
    ]
    assert [b.title for b in catalog.search("AUSTEN")] == ["Pride and Prejudice"]
    assert catalog.search("tolkien") == []


def test_take_and_put_back_move_copies(catalog: Catalog):
    catalog.take_copy("978-0-553-38016-3")
    with pytest.raises(NoCopyAvailable):
        catalog.take_copy("978-0-553-38016-3")
    assert catalog.put_back("978-0-553-38016-3").on_shelf == 1
    with pytest.raises(ValueError):
        catalog.put_back("978-0-553-38016-3")
