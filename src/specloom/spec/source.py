"""Reading spec files as lossless text with line positions.

A `SourceText` keeps every byte it was given: lines keep their own endings (LF, CRLF or
none), so joining `lines` gives back the text, and encoding the text with `encoding` gives
back the file. Reading never raises for bad content: a binary or undecodable file becomes a
`Problem` the checker reports with the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024  # files larger than this are refused, not parsed
# Lines end at LF, CRLF or a lone CR, as in editors; str.splitlines would also break at form
# feeds, U+2028 and other separators, shifting every later line number.
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a parser could not read or found malformed. `line` is 1-based; 0 = whole file."""

    code: str
    line: int
    message: str
    hint: str = ""
    column: int = 1
    end_column: int = 0


@dataclass(frozen=True, slots=True)
class SourceText:
    """The text of one file split into lines that keep their line endings."""

    path: str
    text: str
    encoding: str = "utf-8"
    lines: tuple[str, ...] = field(default=())

    @classmethod
    def from_text(cls, path: str, text: str, encoding: str = "utf-8") -> SourceText:
        return cls(path=path, text=text, encoding=encoding, lines=tuple(LINE.findall(text)))

    def line(self, number: int) -> str:
        """The 1-based line without its ending ('' when out of range)."""
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1].rstrip("\r\n")
        return ""

    def to_bytes(self) -> bytes:
        return self.text.encode(self.encoding)


@dataclass(frozen=True, slots=True)
class ReadResult:
    source: SourceText | None
    problem: Problem | None


def decode(path: str, data: bytes) -> ReadResult:
    """Decode file bytes, refusing binary and undecodable content with a clear problem."""
    if len(data) > MAX_BYTES:
        size_mb = len(data) / (1024 * 1024)
        return ReadResult(
            None,
            Problem("S001", 0, f"file is {size_mb:.1f} MB, over the {MAX_BYTES // 2**20} MB limit",
                    "split the document; specs this large cannot be reviewed"),
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return ReadResult(
            None,
            Problem("S001", line, "file is binary (contains a NUL byte), not markdown text",
                    "replace it with a UTF-8 markdown file"),
        )
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ReadResult(
            None,
            Problem("S001", line, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                    "save the file as UTF-8"),
        )
    return ReadResult(SourceText.from_text(path, text, encoding), None)


def read_source(file: Path, display_path: str | None = None) -> ReadResult:
    """Read a file from disk; I/O errors become problems, never exceptions."""
    shown = display_path or str(file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return ReadResult(None, Problem("S001", 0, f"cannot read file: {reason}",
                                        "check that the file exists and is readable"))
    return decode(shown, data)
