"""The one front-matter reader, shared by the spec parsers and the steering loader."""

from __future__ import annotations

from specloom.spec.front_matter import FrontMatter, front_matter
from specloom.spec.markdown import front_matter_end


def test_the_block_ends_at_the_next_fence_or_dots() -> None:
    assert front_matter(["---", "a: 1", "---", "body"]) == FrontMatter(2)
    assert front_matter(["---\r\n", "a: 1\r\n", "...\r\n"]) == FrontMatter(2)
    assert front_matter(["--- ", "a: 1", "---\t", "body"]) == FrontMatter(2)  # trailing blanks


def test_no_front_matter_unless_the_first_line_is_a_fence() -> None:
    assert front_matter([]) is None
    assert front_matter(["# Title", "---"]) is None
    assert front_matter([" ---", "a: 1", "---"]) is None  # an indented fence opens nothing
    assert front_matter(["----", "a: 1", "----"]) is None


def test_an_unclosed_block_and_the_parsers_view_of_it() -> None:
    assert front_matter(["---", "a: 1"]) == FrontMatter(None)
    assert FrontMatter(None).body_start == 0 and FrontMatter(2).body_start == 3
    assert front_matter_end(["---", "a: 1", "---", "# R"]) == (3, None)
    start, problem = front_matter_end(["---", "# R"])
    assert start == 0 and problem is not None and problem.code == "S003"
