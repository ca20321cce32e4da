"""Writing the review: atomic file writes into a self-ignoring ``.ariadne/`` folder."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

ARIADNE_DIR = ".ariadne"


class UnsafeFolder(OSError):
    """``.ariadne`` is not a plain folder (a symlink or a file the repository holds): nothing is written."""


def ariadne_dir(repo_root: Path) -> Path:
    """``<root>/.ariadne``, created with a ``.gitignore`` of ``*`` so git never sees what is inside.

    The user's own ``.gitignore`` is never touched (the way pytest and ruff keep their caches out of git).
    A ``.ariadne`` that is a symlink or a file (a repository can commit either) is refused: the repository
    under review cannot choose where the review is written.
    """
    folder = repo_root / ARIADNE_DIR
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UnsafeFolder(
            f"{folder} is a symlink or a file, not a folder: the review is not written there "
            f"(remove it, or choose a file with --output)"
        )
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, "# created by ariadne-hook: nothing in this folder belongs in git\n*\n")
    return folder


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and one rename.

    A reader sees the old file or the new one, never a half-written one; two concurrent writers leave one
    complete file. The temporary file is removed if anything fails.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _exclusive_temp(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _exclusive_temp(path: Path) -> tuple[int, str]:
    """A new, private file next to ``path`` (``O_EXCL``, mode 0600), like ``tempfile.mkstemp`` without
    importing ``tempfile`` (and ``random``) on the hook's fast path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name next to {path}")
