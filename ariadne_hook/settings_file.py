"""Reading a settings file (``pyproject.toml``, the user's ``config.toml``): only a regular file of sane size.

A ``pyproject.toml`` symlinked to ``/dev/zero`` would eat all memory, one that is a FIFO or ``/dev/tty``
would block the commit forever — before the no-op fast path, so on every commit. Cheap on that path: ``os``
and ``stat`` only (both already loaded by the interpreter).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

SETTINGS_FILE_LIMIT = 1 << 20  # bytes: a larger settings file is set aside (one warning line)


class NotSettings(ValueError):
    """A settings file that is not a regular file of sane size; the message says what it is."""


_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a FIFO")."""
    return next((word for test, word in _KINDS if test(mode)), "a special file")


def _regular(mode: int, size: int) -> None:
    if not stat.S_ISREG(mode):
        raise NotSettings(f"not a regular file ({file_kind(mode)})")
    if size > SETTINGS_FILE_LIMIT:
        raise NotSettings(f"larger than {SETTINGS_FILE_LIMIT >> 20} MiB")


def read_settings_file(path: Path) -> str | None:
    """The text of a settings file, None when there is none; NotSettings when it is not a regular file (a
    FIFO, a device such as ``/dev/zero`` or ``/dev/tty``, a folder) or larger than SETTINGS_FILE_LIMIT.

    Checked before opening (a device is never opened), opened so that nothing can block (``O_NONBLOCK``,
    ``O_NOCTTY``), checked again on what was opened, and read up to the limit plus one byte: whatever is
    swapped in between, the read is bounded and never waits."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    _regular(info.st_mode, info.st_size)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        _regular(info.st_mode, info.st_size)
        chunks: list[bytes] = []
        left = SETTINGS_FILE_LIMIT + 1
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    _regular(info.st_mode, len(data))
    return data.decode("utf-8")
