"""The catalog: which books the library owns and how many copies are on the shelf."""

from __future__ import annotations

from dataclasses import dataclass

from bookshelf.errors import NoCopyAvailable, UnknownBook


def normalize_isbn(isbn: str) -> str:
    """ISBNs are printed with hyphens and spaces in all sorts of places; store them bare."""
    return "".join(ch for ch in isbn if ch.isalnum()).upper()


@dataclass
class Book:
    isbn: str
    title: str
    author: str
    copies: int
    on_shelf: int


class Catalog:
    def __init__(self) -> None:
        self._books: dict[str, Book] = {}

    def add_book(self, isbn: str, title: str, author: str, copies: int = 1) -> Book:
        """Add a title, or more copies of a title the library already owns."""
        if copies < 1:
            raise ValueError("copies must be at least 1")
        key = normalize_isbn(isbn)
        book = self._books.get(key)
        if book is None:
            book = Book(key, title, author, copies=copies, on_shelf=copies)
            self._books[key] = book
        else:
            book.copies += copies
            book.on_shelf += copies
        return book

    def get(self, isbn: str) -> Book:
        try:
            return self._books[normalize_isbn(isbn)]
        except KeyError:
            raise UnknownBook(f"no book with ISBN {isbn!r} in the catalog") from None

    def search(self, text: str) -> list[Book]:
        """Books whose title or author contains `text`, ignoring case, sorted by title."""
        needle = text.casefold()
        hits = [
            book
            for book in self._books.values()
            if needle in book.title.casefold() or needle in book.author.casefold()
        ]
        return sorted(hits, key=lambda book: book.title.casefold())

    def take_copy(self, isbn: str) -> Book:
        book = self.get(isbn)
        if book.on_shelf == 0:
            raise NoCopyAvailable(f"all {book.copies} copies of {book.title!r} are on loan")
        book.on_shelf -= 1
        return book

    def put_back(self, isbn: str) -> Book:
        book = self.get(isbn)
        if book.on_shelf >= book.copies:
            # A return with every copy already on the shelf means the loan records are wrong.
            raise ValueError(f"all copies of {book.title!r} are already on the shelf")
        book.on_shelf += 1
        return book
