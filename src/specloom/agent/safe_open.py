"""Open workspace files at the moment of use, without following links out of the workspace.

`Sandbox.resolve` decides on a path string; between that check and the actual read or write the
tree can change (a folder swapped for a symbolic link while a person reads an approval prompt).
The functions here therefore never open a path string below the workspace root: they open the
root, then walk the (already resolved) relative path one component at a time with
`os.open(name, O_DIRECTORY | O_NOFOLLOW, dir_fd=parent)`, and open the last component with
`O_NOFOLLOW`. A symbolic link met during the walk means the tree changed after the check; the
call is refused with `PathRefused` (a message for the model) and nothing is read or written.

Writes go to a fresh temporary file created with `O_CREAT | O_EXCL | O_NOFOLLOW` inside the
parent folder's descriptor, then `os.rename(..., src_dir_fd=, dst_dir_fd=)` over the target,
so the target is replaced atomically and a link at the target name is replaced, not followed.

Regular files with more than one hard link are refused for reading and writing: a hard link
inside the workspace can share its data with a file outside it, and from inside the workspace
there is no way to tell where the other links are. Files whose every link lies inside the
workspace are refused too, because that cannot be known; the message says so.

Limits: a process running concurrently (for example one the agent started in the background)
that renames a folder of the path out of the workspace after the walk opened it can still
redirect that one call; the walk closes the gap during approval and everything before the walk.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from specloom.agent.sandbox import PathRefused

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIR_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
# What opening a symbolic link with O_NOFOLLOW gives: ELOOP on Linux and macOS, EMLINK on FreeBSD.
_LINK_ERRNOS = frozenset({errno.ELOOP, errno.EMLINK})


def hard_link_message(shown: str, links: int) -> str:
    return (f"{shown}: the file has {links} hard links; specloom does not follow hard links out "
            "of the workspace, and it cannot tell whether the other links are inside it, so the "
            "file is neither read nor written by the agent's file tools")


def _changed(shown: str, component: str) -> PathRefused:
    return PathRefused(
        f"{shown}: '{component}' is a symbolic link or changed since the path was checked; "
        "specloom does not follow it (the file tools only use paths whose folders are real "
        "folders inside the workspace at the moment of use); nothing was read or written"
    )


def _parts(relative: str) -> list[str]:
    parts = [p for p in relative.split("/") if p not in ("", ".")]
    if ".." in parts:  # `relative` comes from Sandbox.resolve, so this is a bug, not the model
        raise PathRefused(f"{relative}: '..' is not allowed here")
    return parts


@contextlib.contextmanager
def _fd(fd: int) -> Iterator[int]:
    try:
        yield fd
    finally:
        os.close(fd)


def _open_root(root: Path) -> int:
    try:
        return os.open(root, _DIR_FLAGS)
    except OSError as exc:
        raise PathRefused(f"the workspace root {root} cannot be opened: {exc.strerror}") from None


def _open_dir(parent: int, name: str, shown: str, *, create: bool) -> int:
    """The descriptor of folder `name` inside `parent`, never through a symbolic link."""
    try:
        return _open_dir_once(parent, name, shown)
    except FileNotFoundError:
        if not create:
            raise
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, 0o777, dir_fd=parent)
    return _open_dir_once(parent, name, shown)


def _open_dir_once(parent: int, name: str, shown: str) -> int:
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except OSError as exc:
        # Linux says ENOTDIR for O_DIRECTORY | O_NOFOLLOW on a link: look at what is there.
        if exc.errno in _LINK_ERRNOS or (exc.errno == errno.ENOTDIR and _is_link(parent, name)):
            raise _changed(shown, name) from None
        raise


def _is_link(parent: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _walk(root: Path, folders: list[str], shown: str, *, create: bool = False) -> int:
    """Open `root`, then each of `folders` in turn; returns the last folder's descriptor."""
    fd = _open_root(root)
    try:
        for name in folders:
            child = _open_dir(fd, name, shown, create=create)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_dir(root: Path, relative: str, shown: str) -> int:
    """A descriptor for the folder at `relative` (caller closes it)."""
    return _walk(root, _parts(relative), shown)


def _open_leaf(parent: int, name: str, shown: str) -> int | None:
    """`name` in `parent` opened read-only without following a link; None when missing."""
    try:
        return os.open(name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=parent)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in _LINK_ERRNOS:
            raise _changed(shown, name) from None
        raise


def _read_regular(fd: int, shown: str) -> bytes:
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "is a folder")
    if not stat.S_ISREG(info.st_mode):
        raise PathRefused(f"{shown}: not a regular file (a device, pipe or socket); "
                          "the file tools only read and write regular files")
    if info.st_nlink > 1:
        raise PathRefused(hard_link_message(shown, info.st_nlink))
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def read_bytes(root: Path, relative: str, shown: str) -> bytes | None:
    """The bytes of the regular file at `relative`, or None when it does not exist.

    Raises `IsADirectoryError` for a folder and `PathRefused` for a link met on the way, a
    file that is not a regular file, or a file with several hard links.
    """
    parts = _parts(relative)
    if not parts:
        raise IsADirectoryError(21, "is a folder")
    try:
        parent = _walk(root, parts[:-1], shown)
    except (FileNotFoundError, NotADirectoryError):
        return None
    with _fd(parent):
        leaf = _open_leaf(parent, parts[-1], shown)
        if leaf is None:
            return None
        with _fd(leaf):
            return _read_regular(leaf, shown)


class StaleWrite(Exception):
    """The file changed between reading and writing; the message is for the model."""


def write_bytes(root: Path, relative: str, data: bytes, shown: str, *,
                expected: bytes | None, check_expected: bool) -> bool:
    """Atomically replace (or create) the file at `relative`; True when it existed.

    Missing folders are created. With `check_expected`, the current content (None: no file)
    must equal `expected`, else `StaleWrite` is raised and nothing is written.
    """
    parts = _parts(relative)
    if not parts:
        raise IsADirectoryError(21, "is a folder")
    name = parts[-1]
    parent = _walk(root, parts[:-1], shown, create=True)
    with _fd(parent):
        leaf = _open_leaf(parent, name, shown)
        mode: int | None = None
        current: bytes | None = None
        if leaf is not None:
            with _fd(leaf):
                current = _read_regular(leaf, shown)
                mode = stat.S_IMODE(os.fstat(leaf).st_mode)
        if check_expected and current != expected:
            raise StaleWrite(f"{shown} changed on disk while specloom was working; nothing was "
                             "written. Read the file again and repeat the change.")
        _replace(parent, name, data, mode)
        return leaf is not None


def _replace(parent: int, name: str, data: bytes, mode: int | None) -> None:
    tmp = f".{name[:200]}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    fd = os.open(tmp, flags, 0o666, dir_fd=parent)  # 0666 less the umask, like a new file
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if mode is not None:  # an existing file keeps its mode
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.rename(tmp, name, src_dir_fd=parent, dst_dir_fd=parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=parent)
        raise


def is_single_link(path: Path) -> bool:
    """False for a regular file with several hard links (used to filter search candidates)."""
    try:
        info = os.lstat(path)
    except OSError:
        return True  # missing files are skipped later by the reader
    return not (stat.S_ISREG(info.st_mode) and info.st_nlink > 1)
