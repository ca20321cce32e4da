"""Where the review is written, and the writing: the one place that decides a path, and the one writer.

Who may choose what (docs/SECURITY.md):

- the repository under review names at most a file inside ``.ariadne/`` at its root (:func:`review_name`);
- only the user (a flag, the environment, their own config file) chooses a path elsewhere;
- nothing is ever written inside a git directory (the repository's, found through ``.git`` and its
  ``gitdir:``/``commondir`` pointers and compared after resolving symlinks, or any folder named ``.git``),
  over a file git tracks (the index is checked), over anything that is not a regular file, or through a
  ``.ariadne`` that is a symlink.

:func:`review_target` returns the absolute, resolved path it checked; :func:`write_review` writes exactly
that path and never resolves it again against the current folder: it opens the folder without following a
symlink, and writes a new temporary file there (``O_EXCL | O_NOFOLLOW``) renamed over the name, both
relative to that open folder. A reader sees the old file or the new one, never a half-written one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from ariadne_hook.render import FORMATS
from ariadne_hook.settings_file import file_kind
from ariadne_hook.source.root import git_dirs

ARIADNE_DIR = ".ariadne"
IGNORE_TEXT = "# created by ariadne-hook: nothing in this folder belongs in git\n*\n"
NAME_LIMIT = 100  # characters of a file name a repository may choose
# the folder is opened relative to nothing else when the platform can (not on Windows)
_AT = os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class Refused(OSError):
    """The review may not be written there; the message says why, in one line."""


@dataclass(frozen=True)
class Target:
    path: Path  # absolute and resolved: what was checked is what is written
    own_folder: bool  # the tool's .ariadne/ at the root (made with a .gitignore of "*")


def review_name(text: str) -> str | None:
    """The file name a repository's ``output`` chooses, or None: ``review.md`` and ``.ariadne/review.md`` both
    name ``review.md`` inside ``.ariadne/``, ``-`` is stdout. A name is ASCII letters, digits and ``._-``,
    starts with a letter or a digit (no hidden file, nothing option-like) and has at most NAME_LIMIT
    characters; anything else (another folder, ``..``, an absolute path, ``$``, a space...) is None."""
    if text == "-":
        return text
    name = text[len(ARIADNE_DIR) + 1 :] if text.startswith(ARIADNE_DIR + "/") else text
    valid = 0 < len(name) <= NAME_LIMIT and name.isascii() and name[0].isalnum()
    return name if valid and all(c.isalnum() or c in "._-" for c in name) else None


def default_name(fmt: str) -> str:
    return FORMATS.get(fmt, FORMATS["markdown"])[0]


def review_target(root: Path | None, output: str | None, name: str | None, fmt: str) -> Target | None:
    """Where the review goes, decided once: None for stdout, else the checked path; Refused (one line) when
    the review may not be written there.

    ``output`` is the user's path (relative to the current folder) or ``-``; ``name`` the repository's file
    name inside ``.ariadne/`` (or ``-``). With neither: ``.ariadne/review.md`` (``review.json``) at the
    root, stdout outside a repository. The user's path wins over the repository's name; one that lies in
    the working tree as typed must stay there once symlinks are resolved (a symlinked folder may be the
    repository's, committed to send the user's file elsewhere)."""
    if output == "-" or (not output and (root is None or name == "-")):
        return None
    top = os.path.realpath(root) if root is not None else None
    dirs = git_dirs(root) if root is not None else None
    if output:
        folder, file_name = os.path.split(output)
        if file_name in ("", ".", ".."):
            raise Refused(f"{output} names a folder, not a file")
        typed = os.path.normpath(os.path.join(os.getcwd(), folder))
        parent = os.path.realpath(typed)
        if top is not None and _below(typed, top) and not _below(parent, top):
            raise Refused(f"{output} leads out of the repository through a symlink: give the real path")
        path, hint = os.path.join(parent, file_name), "; use - for stdout"
        own = top is not None and parent == os.path.join(top, ARIADNE_DIR)
    else:
        assert top is not None
        folder = os.path.join(top, ARIADNE_DIR)
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                raise Refused(
                    f"{folder} is a symlink or a file, not a folder: the review is not written there "
                    f"(remove it, or choose a file with --output)"
                )
        path, hint, own = os.path.join(folder, name or default_name(fmt)), "", True
    _check(path, top, dirs, hint)
    return Target(Path(path), own_folder=own)


def _below(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def _check(path: str, top: str | None, dirs: tuple[Path, Path] | None, hint: str) -> None:
    """Refused when ``path`` (absolute, its folder resolved) is in a git directory, is anything but a
    regular file or nothing, or is tracked by the repository at ``top`` (resolved)."""
    if _in_git_dir(path, dirs):
        raise Refused(f"{path} is inside a git directory: the review is never written there")
    try:
        mode: int | None = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise Refused(f"{path}: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise Refused(f"{_not_regular(path, mode)}{hint}")
    if top is not None and _below(path, top) and _tracked(top, dirs, path):
        raise Refused(f"{path} is tracked by git: the review is never written over it")


def _not_regular(path: Path | str, mode: int) -> str:
    return f"{path} is not a regular file ({file_kind(mode)}): the review is not written there"


def _in_git_dir(path: str, dirs: tuple[Path, Path] | None) -> bool:
    """Below any folder named ``.git``, or inside the repository's git directory or common one (or
    ``$GIT_DIR``), compared once symlinks are resolved."""
    if "/.git/" in f"/{path.replace(os.sep, '/').lower()}/":
        return True
    found = [*dirs] if dirs is not None else []
    if os.environ.get("GIT_DIR"):
        found.append(Path(os.environ["GIT_DIR"]))
    return any(_below(path, os.path.realpath(d)) for d in dict.fromkeys(found))


def _tracked(top: str, dirs: tuple[Path, Path] | None, path: str) -> bool:
    """Whether git tracks ``path`` in the working tree at ``top``. The index is read first: when the path's
    bytes are nowhere in it (index versions 2 and 3 store every path in full) it is not tracked, and no
    subprocess is run; otherwise ``git ls-files`` says."""
    rel = path[len(top) :].lstrip(os.sep).replace(os.sep, "/")
    if dirs is not None and not _maybe_in_index(_index_path(top, dirs[0]), rel, dirs):
        return False
    return _git_tracks(top, path, rel)


def _index_path(top: str, git_dir: Path) -> str:
    chosen = os.environ.get("GIT_INDEX_FILE")  # set by git for hooks of `git commit -a` / `git commit PATH`
    return os.path.join(top, chosen) if chosen else os.path.join(git_dir, "index")


def _maybe_in_index(index: str, rel: str, dirs: tuple[Path, Path]) -> bool:
    try:
        with open(index, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return False  # no index yet: nothing is tracked
    except OSError:
        return True
    if data[:4] != b"DIRC" or data[4:8] not in (b"\0\0\0\x02", b"\0\0\0\x03"):
        return True  # version 4 shortens paths against the previous one: ask git
    if any(n.startswith("sharedindex.") for d in dict.fromkeys(dirs) for n in _names(d)):
        return True  # a split index keeps most entries in another file: ask git
    needle = os.fsencode(rel)
    if sys.platform in ("darwin", "win32"):  # case-insensitive file systems
        if not rel.isascii():
            return True
        data, needle = data.lower(), needle.lower()
    parts = needle.split(b"/")
    folders = [b"/".join(parts[:i]) + b"/" for i in range(1, len(parts))]  # a sparse index's folder entries
    return any(n + b"\0" in data for n in (needle, *folders))


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _git_tracks(top: str, path: str, rel: str) -> bool:
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--", f":(literal){rel}"],
            cwd=top,
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise Refused(f"{path}: cannot ask git whether it is tracked ({exc}): not written") from None
    if proc.returncode != 0:
        why = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["no detail"])[0]
        raise Refused(f"{path}: git cannot tell whether it is tracked ({why}): not written")
    return bool(proc.stdout)


def display_path(path: Path) -> str:
    """The path relative to the current folder when it lies below it, else absolute."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


def write_review(target: Target, text: str) -> None:
    """Write ``text`` at ``target.path`` as it is (from :func:`review_target`): the tool's ``.ariadne/`` is
    made when missing, with a ``.gitignore`` of ``*`` (created only when absent: the user's own
    ``.gitignore`` is never touched); the folders of the user's path are made when missing."""
    folder = target.path.parent
    if target.own_folder:
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder)
        fd = _open_folder(folder)
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
            with contextlib.suppress(FileExistsError):
                ignore = os.open(_at(folder, fd, ".gitignore"), flags, 0o644, dir_fd=fd)
                with os.fdopen(ignore, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(IGNORE_TEXT)
        finally:
            if fd is not None:
                os.close(fd)
    atomic_write(target.path, text)


def _open_folder(folder: Path) -> int | None:
    """A descriptor of ``folder`` opened without following a symlink (None where the platform has no
    ``*at`` calls); Refused when it is a symlink or no folder."""
    if not _AT:
        if folder.is_symlink() or not folder.is_dir():
            raise Refused(f"{folder} is a symlink or no folder: the review is not written there")
        return None
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW | _CLOEXEC)
    except OSError as exc:
        why = exc.strerror or exc
        raise Refused(
            f"{folder} is a symlink or no folder: the review is not written there ({why})"
        ) from None


def _at(folder: Path, fd: int | None, name: str) -> str:
    """``name`` relative to the open folder ``fd``; its full path where there is no descriptor."""
    return name if fd is not None else os.path.join(folder, name)


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (its folder made when missing) through a new temporary file in the same
    folder and one rename, both relative to the folder opened without following a symlink. What is at
    ``path`` must be a regular file or nothing (Refused otherwise). Two concurrent writers leave one complete
    file; the temporary file is removed if anything fails."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd = _open_folder(folder)
    try:
        try:
            mode = os.stat(_at(folder, fd, path.name), dir_fd=fd, follow_symlinks=False).st_mode
        except FileNotFoundError:
            mode = stat.S_IFREG
        if not stat.S_ISREG(mode):
            raise Refused(_not_regular(path, mode))
        handle_fd, tmp = _exclusive_temp(folder, fd, path.name)
        try:
            with os.fdopen(handle_fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
                if os.chmod in os.supports_fd:
                    os.chmod(handle.fileno(), 0o644)
            if os.chmod not in os.supports_fd:
                os.chmod(_at(folder, fd, tmp), 0o644)
            os.replace(_at(folder, fd, tmp), _at(folder, fd, path.name), src_dir_fd=fd, dst_dir_fd=fd)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(_at(folder, fd, tmp), dir_fd=fd)
            raise
    finally:
        if fd is not None:
            os.close(fd)


def _exclusive_temp(folder: Path, fd: int | None, name: str) -> tuple[int, str]:
    """A new, private file next to ``name`` (``O_EXCL | O_NOFOLLOW``, mode 0600): its descriptor and name.
    Like ``tempfile.mkstemp`` without importing ``tempfile`` (and ``random``) on the hook's fast path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    for _ in range(100):
        tmp = f".{name}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
        try:
            return os.open(_at(folder, fd, tmp), flags, 0o600, dir_fd=fd), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name next to {folder / name}")
