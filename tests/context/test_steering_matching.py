"""Glob matching for fileMatch and the description matcher for auto."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specloom.context.matching import match_description, path_matches, stem


@pytest.mark.req("steering-and-init", "4.1", "4.2", "4.3")
@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("src/api/**/*.py", "src/api/users.py", True),
    ("src/api/**/*.py", "src/api/v1/deep/users.py", True),
    ("src/api/**/*.py", "src/apix/users.py", False),
    ("*.py", "setup.py", True),
    ("*.py", "src/app.py", False),
    ("**/*.py", "src/app.py", True),
    ("**/*.py", "app.py", True),
    ("src/**", "src/a/b/c.txt", True),
    ("./docs/*.md", "docs/a.md", True),
    ("docs/?.md", "docs/a.md", True),
    ("docs/[ab].md", "docs/c.md", False),
    ("docs/[!ab].md", "docs/c.md", True),
    ("a+b(c).md", "a+b(c).md", True),
])
def test_globs(pattern: str, path: str, expected: bool) -> None:
    assert path_matches(pattern, path) is expected


# Feature: steering-and-init, Property 1: A double star spans any folder depth
@given(st.from_regex(r"[a-z]{1,8}(/[a-z]{1,8}){0,4}\.py", fullmatch=True))
def test_double_star_matches_every_python_path(path: str) -> None:
    assert path_matches("**/*.py", path)
    assert not path_matches("**/*.rs", path)


@pytest.mark.req("steering-and-init", "4.4")
def test_stems() -> None:
    assert [stem(w) for w in ("endpoints", "adding", "changed", "policies", "is")] == [
        "endpoint", "add", "chang", "policy", "is"]


@pytest.mark.req("steering-and-init", "3.4", "4.4")
def test_description_match_needs_two_shared_words() -> None:
    description = "REST API conventions. Use when adding or changing endpoints."
    assert match_description(description, "add an endpoint to the REST api").matched
    weak = match_description(description, "the api is slow")
    assert not weak.matched and weak.words == ("API",)
    assert not match_description(description, "use it when you want").matched


@pytest.mark.req("steering-and-init", "3.5")
def test_single_word_description_needs_one() -> None:
    assert match_description("Migrations", "write a migration").matched
