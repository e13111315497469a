"""Small line-level markdown helpers shared by the spec parsers.

Parsers work line by line (they must keep every byte); these helpers recognise the block shapes
specs use: ATX and setext headings, fenced and indented code blocks, HTML comment blocks, list
items and front matter. Every regex here runs in linear time (bounded or atomic repetition).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple

from specloom.spec.front_matter import front_matter
from specloom.spec.source import Problem

ATX_OPEN = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
NUMBERED_ITEM = re.compile(r"^([ \t]*)(\d{1,9})[.)][ \t]+(.*)$")
BULLET_ITEM = re.compile(r"^([ \t]*)[-*+][ \t]+(.*)$")
LIST_ITEM_START = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
BOLD = re.compile(r"\*\*([^*]+)\*\*")
THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")

# Citation tokens, tried in this order at each position:
#   ID-style (`FR-2`, `NFR-1`, `REQ-003`, `US-1.2`, `US-1 (Acceptance Criteria 2)`),
#   numbers and ranges (`1.2`, `3`, `R1.1`, `1.1-1.3`, `1.1 – 1.3`, `1.1 to 1.3`),
#   any other word holding a digit (kept as written, so a checker can quote it).
_NUMBER = r"\d{1,6}(?:\.\d{1,6}){0,3}"
_ID = r"[A-Za-z][A-Za-z0-9]{0,15}(?:-[A-Za-z][A-Za-z0-9]{0,15}){0,3}-\d{1,6}"
_SEP = r"[ \t]*(?:[-\u2010-\u2015~\u301c\uff5e]|\.\.)[ \t]*|[ \t]+(?:to|through|thru)[ \t]+"
CITATION = re.compile(
    r"(?<![A-Za-z0-9.\-])(?:"
    rf"(?>(?P<id>{_ID})(?:\.(?P<idc>\d{{1,6}}))?"
    rf"(?:[ \t]*\([ \t]*(?:Acceptance[ \t]+Criteri(?:on|a)|AC)[ \t]*(?P<idac>\d{{1,6}})[ \t]*\))?)"
    r"(?![A-Za-z0-9])"
    rf"|(?P<rp>R)?(?>(?P<a>{_NUMBER}))(?:(?:{_SEP})R?(?>(?P<b>{_NUMBER})))?(?![A-Za-z0-9])"
    r"|(?=[A-Za-z0-9_.\-]{0,40}\d)(?P<other>[A-Za-z0-9][A-Za-z0-9_.\-]{0,40}+)"
    r")",
    re.IGNORECASE,
)
RANGE_LIMIT = 200  # a range wider than this is read as its two ends only


class Line(NamedTuple):
    """One line without its ending, with its 1-based number and what block it belongs to.

    `kind` is "text", "fence" (fenced code, delimiters included), "code" (indented code),
    "comment" (an HTML comment block) or "underline" (a setext heading's underline).
    `heading` is (level, title) for an ATX heading or the title line of a setext heading.
    (A named tuple: parsers make one for every line of every file.)
    """

    number: int
    text: str
    kind: str = "text"
    heading: tuple[int, str] | None = None

    @property
    def in_fence(self) -> bool:
        """True for every line that is not content: code, comments, setext underlines."""
        return self.kind != "text"


class Ref(NamedTuple):
    """A citation such as `1.2` (criterion) or `3` (whole requirement or task) in a file.

    `id` is the normalised id (`1.2`; for an ID-style reference the ID itself, `FR-2`, or
    `US-1.2` for its criterion 2); `written` is the citation exactly as written in the file
    (`R1.2`, `1.1–1.3` for each criterion of a range, `FR-2`). `column` is 1-based.
    """

    id: str
    line: int
    column: int
    written: str = ""

    @property
    def quoted(self) -> str:
        return self.written or self.id

    @property
    def is_id_style(self) -> bool:
        return "-" in self.id or not self.id[:1].isdigit()


def iter_lines(lines: Sequence[str], start: int = 0) -> Iterator[Line]:
    """Yield lines with block tracking (fences, indented code, HTML comments, setext).

    Each regex runs only where the first character of the line allows a match: this loop
    sees every line of every spec file."""
    texts = [line.rstrip("\r\n") for line in lines[start:]]
    fence: str | None = None
    comment = False
    in_code = False
    in_list = False
    previous_blank = True  # start of document
    previous_paragraph = False  # the line before is paragraph text (setext, lazy lines)
    skip_underline = False
    last = len(texts) - 1
    for offset, text in enumerate(texts):
        number = start + offset + 1
        if skip_underline:
            skip_underline = False
            previous_blank, previous_paragraph = False, False
            yield Line(number, text, "underline")
            continue
        if fence is not None:
            fence = None if closes_fence(text, fence) else fence
            yield Line(number, text, "fence")
            previous_blank, previous_paragraph = False, False
            continue
        if comment:
            comment = "-->" not in text
            yield Line(number, text, "comment")
            continue
        stripped = text.lstrip(" \t")
        blank = not stripped or not stripped.strip()
        width = 0 if stripped is text else len(text[:len(text) - len(stripped)].expandtabs(4))
        if in_code:
            if blank or width >= 4:
                yield Line(number, text, "code")
                continue
            in_code = False
        if blank:
            previous_blank, previous_paragraph = True, False
            yield Line(number, text)
            continue
        if width >= 4 and previous_blank and not in_list:
            in_code = True
            yield Line(number, text, "code")
            continue
        first = stripped[0]
        if first in "`~":
            fence = fence_opening(text)
            if fence is not None:
                in_list = in_list and width > 0
                previous_blank, previous_paragraph = False, False
                yield Line(number, text, "fence")
                continue
        elif first == "<" and width < 4 and stripped.startswith("<!--"):
            comment = "-->" not in stripped[4:]
            yield Line(number, text, "comment")
            continue
        elif first == "#":
            head = heading(text)
            if head is not None:
                in_list = False
                previous_blank, previous_paragraph = False, False
                yield Line(number, text, heading=head)
                continue
        is_item = (first in "-*+" or first.isdigit()) and LIST_ITEM_START.match(text) \
            is not None and THEMATIC_BREAK.match(text) is None
        # an item opens a list (or continues it); text at the margin after a blank line ends it
        in_list = is_item or (in_list and not (previous_blank and width < 2))
        if not is_item and not in_list and not previous_paragraph and offset < last \
                and texts[offset + 1].lstrip(" ")[:1] in ("=", "-") \
                and SETEXT_UNDERLINE.match(texts[offset + 1]) and width < 4 \
                and THEMATIC_BREAK.match(text) is None:
            level = 1 if texts[offset + 1].strip()[0] == "=" else 2
            skip_underline = True
            yield Line(number, text, heading=(level, text.strip()))
            continue
        previous_blank = False
        previous_paragraph = not is_item and not in_list
        yield Line(number, text)


def fence_opening(text: str) -> str | None:
    """The run of backticks or tildes that opens a fenced code block on this line (```` is
    closed by ```` or longer), or None (a backtick run followed by another backtick is an
    inline code span, not a fence)."""
    match = FENCE.match(text)
    if match is None or (match.group(1)[0] == "`" and "`" in text[match.end():]):
        return None
    return match.group(1)


def closes_fence(text: str, fence: str) -> bool:
    """True when `text` closes the code block opened by the run `fence` (CommonMark): a run of
    the same character at least as long as the opening one, with nothing but spaces after it.
    A ``` line inside a block opened with ```` is content."""
    match = FENCE.match(text)
    if match is None:
        return False
    run = match.group(1)
    return run[0] == fence[0] and len(run) >= len(fence) and not text[match.end():].strip(" \t")


def heading(text: str) -> tuple[int, str] | None:
    """(level, title) for an ATX heading line (up to three spaces of indentation)."""
    if not text.lstrip(" ").startswith("#"):
        return None
    match = ATX_OPEN.match(text)
    if match is None:
        return None
    title = text[match.end():].strip(" \t\r\n")
    stripped = title.rstrip("#")
    if not stripped:
        title = ""
    elif stripped != title and stripped[-1] in " \t":
        title = stripped.rstrip(" \t")  # a closing sequence of '#'
    return len(match.group(1)), title


def front_matter_end(lines: Sequence[str]) -> tuple[int, Problem | None]:
    """Index of the first line after YAML front matter (0 when there is none), and S003 when
    it is never closed (see `spec.front_matter`)."""
    found = front_matter(lines)
    if found is None or found.closing is not None:
        return (found.body_start if found else 0), None
    problem = Problem(
        "S003", 1, "front matter opened with '---' is never closed",
        "add a closing '---' line after the front matter, or remove the opening one",
    )
    return 0, problem


def parse_refs(text: str, line: int, column_offset: int) -> tuple[Ref, ...]:
    """Citations in `text`; `column_offset` is the 0-based column where `text` starts.

    Ranges `1.1-1.3`, `1.1–1.3` and `1.1 to 1.3` give one Ref per criterion between the ends
    (both included), each with the range as `written`. A range across requirements
    (`1.3-2.2`) gives its first end, each whole requirement strictly between, and the criteria
    1 to the second end of the last requirement (the first requirement's length is unknown
    here). ID-style references keep the ID as their id; they are never read as numbers.
    """
    return tuple(Ref(ident, line, column_offset + start, written)
                 for ident, start, written in _citations(text))


@lru_cache(maxsize=4096)
def _citations(text: str) -> tuple[tuple[str, int, str], ...]:
    """(id, 1-based column in `text`, as written) of each citation: the same citation lines
    recur across tasks and specs, so they are read once."""
    found: list[tuple[str, int, str]] = []
    for match in CITATION.finditer(text):
        column = match.start() + 1
        written = match.group(0)
        if match.group("id") is not None:
            ident = _normal_id(match.group("id"))
            criterion = match.group("idc") or match.group("idac")
            found.append((f"{ident}.{int(criterion)}" if criterion else ident, column, written))
        elif match.group("a") is not None:
            first, second = match.group("a"), match.group("b")
            if second is None:
                found.append((_normal_number(first), column, written))
            else:
                found.extend((i, column, written) for i in _expand(first, second))
        else:
            written = written.rstrip("._-")
            found.append((written, column, written))
    return tuple(found)


def _normal_id(ident: str) -> str:
    """`req-003` -> `REQ-3`: upper case, no leading zeros in the number."""
    prefix, _, digits = ident.rpartition("-")
    return f"{prefix.upper()}-{int(digits)}"


def normal_id(ident: str) -> str:
    """Normalise an ID-style reference or definition (`FR-02.1` -> `FR-2.1`)."""
    base, dot, criterion = ident.partition(".")
    if "-" not in base or not base.rpartition("-")[2].isdigit():
        return ident
    return _normal_id(base) + (f".{int(criterion)}" if dot and criterion.isdigit() else "")


def _normal_number(number: str) -> str:
    return ".".join(str(int(part)) for part in number.split("."))


def _expand(first: str, second: str) -> list[str]:
    a = [int(p) for p in first.split(".")]
    b = [int(p) for p in second.split(".")]
    if len(a) != len(b) or len(a) > 2:
        return [_normal_number(first), _normal_number(second)]
    if len(a) == 1 or a[0] == b[0]:
        low, high = sorted((a[-1], b[-1]))
        if high - low > RANGE_LIMIT:
            return [_normal_number(first), _normal_number(second)]
        head = f"{a[0]}." if len(a) == 2 else ""
        return [f"{head}{n}" for n in range(low, high + 1)]
    (ra, ca), (rb, cb) = sorted((a, b))
    if rb - ra > RANGE_LIMIT or cb > RANGE_LIMIT:
        return [f"{ra}.{ca}", f"{rb}.{cb}"]
    return [f"{ra}.{ca}", *(str(r) for r in range(ra + 1, rb)),
            *(f"{rb}.{n}" for n in range(1, cb + 1))]
