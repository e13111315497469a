"""Reading spec files as lossless text with line positions.

A `SourceText` keeps every byte it was given: lines keep their own endings (LF, CRLF or
none), so joining `lines` gives back the text, and encoding the text with `encoding` gives
back the file. Reading never raises for bad content: a binary or undecodable file becomes a
`Problem` the checker reports with the file and line.

Files come from repositories specloom did not write, so `read_bounded` looks before it
reads: only a regular file is opened (a directory, named pipe, socket or device named
`tasks.md` is refused by its `stat`, never opened), its size is checked before a byte is
read, and at most `MAX_BYTES + 1` bytes are read even if the file grows meanwhile. A
symbolic link is followed wherever it points, as git does when it reads a work tree; a
dangling link or a link loop is refused with a reason.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from specloom.core.errors import SpecloomError

MAX_BYTES = 20 * 1024 * 1024  # files larger than this are refused, not parsed
# Lines end at LF, CRLF or a lone CR, as in editors; str.splitlines would also break at form
# feeds, U+2028 and other separators, shifting every later line number.
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# The separators str.splitlines breaks at besides LF, CR and CRLF: without them (nearly every
# file), the fast str.splitlines gives exactly the lines of LINE.
OTHER_SEPARATORS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def split_lines(text: str) -> tuple[str, ...]:
    """The lines of `text`, each with its own ending (LF, CRLF or a lone CR)."""
    if OTHER_SEPARATORS.search(text) is None:
        return tuple(text.splitlines(keepends=True))
    return tuple(LINE.findall(text))


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
        return cls(path=path, text=text, encoding=encoding, lines=split_lines(text))

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


class FileRefused(OSError, SpecloomError):
    """A path specloom will not read: not a regular file, or over the size limit.

    An `OSError`, so callers that already turn I/O errors into findings handle it too;
    `str()` is the reason ("tasks.md is a directory, not a file") and `hint` what to do.
    """

    hint: str

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint

    def __str__(self) -> str:
        return self.reason


_KINDS = (
    (stat.S_ISDIR, "is a directory, not a file", "remove or rename the folder"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a file; specloom does not open it",
     "replace it with a regular file"),
    (stat.S_ISSOCK, "is a socket, not a file", "replace it with a regular file"),
    (stat.S_ISCHR, "is a character device, not a file", "replace it with a regular file"),
    (stat.S_ISBLK, "is a block device, not a file", "replace it with a regular file"),
)
_CHUNK = 1024 * 1024


def check_regular(mode: int, name: str) -> None:
    """Raise `FileRefused` unless `mode` (from a stat) is that of a regular file."""
    if stat.S_ISREG(mode):
        return
    for test, reason, hint in _KINDS:
        if test(mode):
            raise FileRefused(f"{name} {reason}", hint)
    raise FileRefused(f"{name} is not a regular file", "replace it with a regular file")


def _too_large(name: str, size: int, limit: int) -> FileRefused:
    return FileRefused(f"{name} is {size / 2**20:.1f} MB, over the {limit // 2**20} MB limit",
                       "split the document; specs this large cannot be reviewed")


def _stat(file: str | Path) -> os.stat_result:
    """`os.stat` (links followed) with a dangling link or a link loop named as such."""
    try:
        return os.stat(file)
    except FileNotFoundError:
        try:
            is_link = stat.S_ISLNK(os.lstat(file).st_mode)
        except OSError:
            is_link = False
        if is_link:
            target = os.readlink(file)
            raise FileRefused(f"{os.path.basename(file)} is a symbolic link to {target}, which "
                              "does not exist", "point the link at an existing file, or remove it"
                              ) from None
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused(f"{os.path.basename(file)} is a symbolic link loop",
                              "point the link at a real file, or remove it") from None
        raise


def read_bounded(file: str | Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else raises.

    Raises `FileRefused` (an `OSError`) for a directory, FIFO, socket, device, dangling link,
    link loop or a file over `limit`, and `OSError` when the file cannot be read. Only a
    path whose `stat` says it is a regular file is opened, and with `O_NONBLOCK`, so a FIFO
    swapped in after the `stat` cannot block; the opened file is checked again by `fstat`.
    """
    name = os.path.basename(file)
    info = _stat(file)
    check_regular(info.st_mode, name)
    if info.st_size > limit:
        raise _too_large(name, info.st_size, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) \
        | getattr(os, "O_BINARY", 0)
    chunks: list[bytes] = []
    remaining = limit + 1  # one byte more tells a file that grew past the limit
    fd = os.open(file, flags)
    try:
        info = os.fstat(fd)
        check_regular(info.st_mode, name)
        if info.st_size > limit:
            raise _too_large(name, info.st_size, limit)
        while remaining > 0:
            chunk = os.read(fd, min(remaining, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(fd)
    if remaining <= 0:
        raise FileRefused(f"{name} grew past the {limit // 2**20} MB limit while it was read",
                          "split the document; specs this large cannot be reviewed")
    return b"".join(chunks)


def read_source(file: Path, display_path: str | None = None) -> ReadResult:
    """Read a file from disk; I/O errors become problems, never exceptions."""
    shown = display_path or str(file)
    try:
        data = read_bounded(file)
    except FileRefused as exc:
        return ReadResult(None, Problem("S001", 0, exc.reason, exc.hint))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return ReadResult(None, Problem("S001", 0, f"cannot read file: {reason}",
                                        "check that the file exists and is readable"))
    return decode(shown, data)


def read_text_bounded(file: Path, limit: int = MAX_BYTES) -> str:
    """The text of a regular file of at most `limit` bytes (a UTF-8 BOM dropped, undecodable
    bytes replaced); raises `FileRefused` or `OSError` as `read_bounded` does."""
    return read_bounded(file, limit).decode("utf-8-sig", errors="replace")
