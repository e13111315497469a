"""The fast line splitter gives exactly the lines of the careful one, on any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specloom.spec.source import LINE, split_lines

# Line breaks of every kind str.splitlines knows, among ordinary characters.
PIECES = st.sampled_from(["a", " ", "# h", "\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x85",
                          "\u2028", "\u2029", "é", "-"])


@pytest.mark.req("spec-check", "12.3")
@given(st.lists(PIECES, max_size=40).map("".join))
def test_split_lines_keeps_every_line_as_the_regex_does(text: str) -> None:
    assert split_lines(text) == tuple(LINE.findall(text))
    assert "".join(split_lines(text)) == text
