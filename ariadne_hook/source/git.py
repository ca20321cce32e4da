"""The source stage: staged changes, a revision range, or unified-diff text -> (SourceInfo, [FileChange]).

One ``git diff`` through GitPython's command wrapper (never its object diff, which scans submodules per
file), parsed by :func:`parse_patch`, and one streamed ``git cat-file --batch`` for every blob the diff
names. That was the fastest option measured: a ``--batch-check`` pass first reads every object header a
second time, and GitPython's ``odb.stream`` costs one round trip per object. GitPython is imported lazily:
the no-op path never loads it.

Text is split into lines with ``str.split("\\n")`` semantics (see :mod:`ariadne_hook.source.patch`), so a
CRLF file keeps its ``\\r`` and line numbers match git's hunks.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TypeAlias

from ariadne_hook.models import ADDED, COPIED, DELETED, MODIFIED, RENAMED, FileChange, Hunk, SourceInfo
from ariadne_hook.source.patch import (
    PatchError,
    PatchFile,
    apply_hunks,
    line_sets,
    parse_patch,
    reverse_hunks,
)
from ariadne_hook.source.root import find_repo_root as find_repo_root  # re-exported
from ariadne_hook.words import plural

# Make git's output independent of user configuration that would change what we parse.
_CONFIG = (
    "-c", "core.quotepath=false",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "diff.relative=false",
    "-c", "color.ui=false",
)  # fmt: skip
_DIFF = (
    "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "--full-index",
    "--src-prefix=a/", "--dst-prefix=b/", "-U3", "--no-relative", "--submodule=short",
    "--ignore-submodules=none",
)  # fmt: skip
_FETCH_HINT = "fetch more history, e.g. actions/checkout with fetch-depth: 0"
SUBMODULE_MODE, SYMLINK_MODE = "160000", "120000"

Side: TypeAlias = "bytes | int | None"  # a side's content, its size when over the limit, or unknown


class SourceError(Exception):
    """The diff source cannot be read; the message is one line for the user."""


class BadInput(SourceError):
    """What the user named does not exist or is not a diff (an unknown revision, text that is not a patch):
    a usage error when run by hand."""


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "git failed"


def _git_status(root: Path, args: Sequence[str]) -> tuple[int, bytes, str]:
    """(exit status, stdout, stderr) of ``git <args>`` run by GitPython in root."""
    from git.cmd import Git
    from git.exc import GitCommandNotFound

    try:
        status, out, err = Git(str(root)).execute(
            ["git", *_CONFIG, *args],
            with_extended_output=True,
            with_exceptions=False,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
    except GitCommandNotFound:
        raise SourceError("git is not installed or not on PATH") from None
    return status, out, err


def _git(root: Path, args: Sequence[str]) -> str:
    status, out, err = _git_status(root, args)
    if status != 0:
        raise SourceError(f"git {args[0]}: {_first_line(err)}")
    return out.decode("utf-8", "surrogateescape")


def _parse_git_diff(text: str) -> list[PatchFile]:
    try:
        return parse_patch(text)
    except PatchError as exc:
        raise SourceError(f"cannot parse git's diff output: {exc}") from None


def read_blobs(root: Path, names: Iterable[str], max_bytes: int) -> dict[str, bytes | int]:
    """Contents of git objects (shas, ``rev:path``, ``:path``) by name; the size when over max_bytes.

    One ``git cat-file --batch`` reads them all; its header gives each size first, so an over-large blob is
    drained in chunks and never held in memory. The request goes through a temporary file, so neither side
    of the pipe can block the other. Missing objects and non-blobs are left out.
    """
    wanted = list(dict.fromkeys(n for n in names if n and "\n" not in n))
    if not wanted:
        return {}
    with tempfile.TemporaryFile() as request:
        request.write(("\n".join(wanted) + "\n").encode("utf-8", "surrogateescape"))
        request.seek(0)
        try:
            proc = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=root,
                stdin=request,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise SourceError(f"cannot run git cat-file: {exc}") from None
        assert proc.stdout is not None
        with proc.stdout as stream:
            out = _read_batch(stream, wanted, max_bytes)
        proc.wait()
    return out


def _read_batch(stream: IO[bytes], names: Sequence[str], max_bytes: int) -> dict[str, bytes | int]:
    """Parse ``cat-file --batch`` output: ``<oid> <type> <size>`` + content, or ``<name> missing``."""
    out: dict[str, bytes | int] = {}
    for name in names:
        header = stream.readline()
        if not header:
            break  # git stopped early (e.g. a name it refused): the rest stay unknown
        fields = header.split()
        if len(fields) != 3 or not fields[2].isdigit():
            continue  # missing or ambiguous: no content follows
        size = int(fields[2])
        if fields[1] == b"blob" and size <= max_bytes:
            out[name] = stream.read(size + 1)[:size]
            continue
        left = size + 1
        while left > 0:
            chunk = stream.read(min(left, 1 << 20))
            if not chunk:
                break
            left -= len(chunk)
        if fields[1] == b"blob":
            out[name] = size
    return out


def _static_skip(pf: PatchFile) -> str | None:
    """Why a file is listed but not read, known from the diff alone."""
    modes = (pf.old_mode, pf.new_mode)
    if SUBMODULE_MODE in modes:
        return "submodule"
    if SYMLINK_MODE in modes:
        return "symlink"
    if pf.binary:
        return "binary file"
    if not pf.hunks and pf.status == MODIFIED and pf.old_mode and pf.new_mode and pf.old_mode != pf.new_mode:
        return "mode change only"
    return None


def _decode(sides: Sequence[Side], max_bytes: int) -> tuple[list[str | None], str | None]:
    """The sides' texts, or a skip reason (over-large, binary, not UTF-8) with no texts."""
    texts: list[str | None] = []
    for side in sides:
        if isinstance(side, int) or (side is not None and len(side) > max_bytes):
            return [], f"file over {plural(max_bytes, 'byte')}"
        if side is not None and b"\0" in side:
            return [], "binary file"
        try:
            texts.append(None if side is None else side.decode("utf-8"))
        except UnicodeDecodeError:
            return [], "not UTF-8 text"
    return texts, None


def _as_addition(pf: PatchFile, new_text: str | None) -> PatchFile:
    """A copy is an addition: the file it was copied from is still there, unchanged by the copy, so each
    function of the copy is new, not a changed version of the source's. Its hunk is the whole new file, as
    git shows an added file (``git diff`` runs without ``-C``; a patch given with ``copy from`` gets here)."""
    hunks: tuple[Hunk, ...] = ()
    if new_text:
        lines = new_text.split("\n")
        if new_text.endswith("\n"):
            lines.pop()
        hunks = (Hunk(0, 0, 1, len(lines), "", tuple(f"+{line}" for line in lines)),)
    return replace(pf, old_path=None, status=ADDED, hunks=hunks, old_blob=None, similarity=None)


def _build(pf: PatchFile, old: Side, new: Side, max_bytes: int, reason: str | None = None) -> FileChange:
    """The FileChange of one diff section; skipped files keep their line sets but no text and no hunks."""
    texts: list[str | None] = []
    if reason is None:
        texts, reason = _decode((old, new), max_bytes)
    if pf.status == COPIED:
        copy = texts[1] if texts else None
        pf = _as_addition(pf, copy)
        texts = [None, copy] if texts else []
    removed, added = line_sets(pf.hunks)
    return FileChange(
        path=pf.path,
        old_path=pf.old_path if pf.status in (RENAMED, COPIED) else None,
        status=pf.status,
        old_text=texts[0] if texts else None,
        new_text=texts[1] if texts else None,
        hunks=pf.hunks if reason is None else (),
        removed_lines=removed,
        added_lines=added,
        skip_reason=reason,
    )


def _object_names(pf: PatchFile, old_rev: str | None, new_rev: str) -> tuple[str | None, str | None]:
    """Object names of both sides: the ``index`` line's blob ids; ``rev:path`` for a 100% rename/copy."""
    old = None if pf.status == ADDED else pf.old_blob
    new = None if pf.status == DELETED else pf.new_blob
    if pf.status in (RENAMED, COPIED) and new is None and pf.new_path is not None:
        new = f"{new_rev}:{pf.new_path}"  # identical content: read once, use for both sides
        old = new if old_rev is not None else None
    return old, new


def _changes_from_git(
    root: Path, files: Sequence[PatchFile], old_rev: str | None, new_rev: str, max_bytes: int
) -> list[FileChange]:
    """FileChanges for parsed ``git diff`` output; new_rev "" means the index."""
    skips = [_static_skip(pf) for pf in files]
    pairs = [
        (None, None) if skip else _object_names(pf, old_rev, new_rev)
        for pf, skip in zip(files, skips, strict=True)
    ]
    blobs = read_blobs(root, (name for pair in pairs for name in pair if name), max_bytes)
    return [
        _build(pf, blobs.get(old) if old else None, blobs.get(new) if new else None, max_bytes, skip)
        for pf, skip, (old, new) in zip(files, skips, pairs, strict=True)
    ]


def staged(
    root: Path, max_file_bytes: int, pathspecs: Sequence[str] = ()
) -> tuple[SourceInfo, list[FileChange]]:
    """The index against HEAD (what a pre-commit hook sees); the empty tree before the first commit.
    ``pathspecs``: git pathspecs relative to root (``:(top)...``) that limit the review."""
    head = _resolve_optional(root, "HEAD")
    if head is None:
        _require_repository(root)
    files = _parse_git_diff(_git(root, [*_DIFF, "--cached", "--", *pathspecs]))
    info = SourceInfo(kind="staged", base=head, head=None, label="staged changes")
    return info, _changes_from_git(root, files, head, "", max_file_bytes)


def _resolve_optional(root: Path, rev: str) -> str | None:
    status, out, _ = _git_status(root, ["rev-parse", "--verify", "-q", f"{rev}^{{commit}}"])
    return out.decode().strip() if status == 0 else None


def _require_repository(root: Path) -> None:
    """Raise SourceError outside a repository (where ``git diff`` silently acts as ``diff --no-index``)."""
    if _git_status(root, ["rev-parse", "--git-dir"])[0] != 0:
        raise SourceError(f"not a git repository: {root}")


def _is_shallow(root: Path) -> bool:
    status, out, _ = _git_status(root, ["rev-parse", "--is-shallow-repository"])
    return status == 0 and out.strip() == b"true"


def split_spec(spec: str) -> tuple[str, str, bool]:
    """(base, head, merge-base form) of ``A..B`` / ``A...B``; an empty side is HEAD; ``A`` is A..HEAD."""
    text = spec.strip()
    if not text:
        raise BadInput("empty revision range; expected BASE..HEAD, BASE...HEAD or BASE")
    merge = "..." in text
    base, sep, head = text.partition("..." if merge else "..")
    if not sep:
        head = "HEAD"
    base, head = base or "HEAD", head or "HEAD"
    for rev in (base, head):
        if rev.startswith("-") or any(c.isspace() for c in rev):
            raise BadInput(f"invalid revision range {spec!r}")
    return base, head, merge


def _resolve(root: Path, rev: str, role: str) -> str:
    sha = _resolve_optional(root, rev)
    if sha is not None:
        return sha
    _require_repository(root)
    if _is_shallow(root):
        raise SourceError(f"{role} revision {rev!r} is not in this clone (shallow?); {_FETCH_HINT}")
    raise BadInput(f"unknown {role} revision {rev!r}")


def _merge_base(root: Path, base: str, head: str) -> str:
    status, out, _ = _git_status(root, ["merge-base", base, head])
    if status == 0 and out.strip():
        return out.decode().strip()
    if _is_shallow(root):
        raise SourceError(
            f"no merge base of {base[:7]} and {head[:7]} in this clone (shallow?); {_FETCH_HINT}"
        )
    raise SourceError(f"{base[:7]} and {head[:7]} have no common history (no merge base)")


def revision_range(
    root: Path, spec: str, max_file_bytes: int, pathspecs: Sequence[str] = ()
) -> tuple[SourceInfo, list[FileChange]]:
    """``BASE..HEAD`` (the two commits), ``BASE...HEAD`` (from their merge base) or ``BASE`` (= BASE..HEAD).

    SourceInfo.base is the commit of the old side (the merge base for ``...``); the label names the given
    commits in git's notation.
    """
    base_rev, head_rev, merge = split_spec(spec)
    base = _resolve(root, base_rev, "base")
    head = _resolve(root, head_rev, "head")
    old = _merge_base(root, base, head) if merge else base
    files = _parse_git_diff(_git(root, [*_DIFF, old, head, "--", *pathspecs]))
    label = f"{base[:7]}{'...' if merge else '..'}{head[:7]}"
    info = SourceInfo(kind="range", base=old, head=head, label=label)
    return info, _changes_from_git(root, files, old, head, max_file_bytes)


def _has_surrogates(hunks: Sequence[Hunk]) -> bool:
    """True when hunk text came from bytes that are not UTF-8 (decoded with surrogateescape)."""
    try:
        for hunk in hunks:
            "".join(hunk.lines).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _inside(path: str) -> bool:
    """True for a relative path that stays inside the repository (no ``..``, not absolute, no newline)."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "\n" not in path


def _worktree(root: Path, path: str, max_bytes: int) -> Side:
    """A regular file of the working tree inside root: its bytes, its size when too large, else None."""
    base = root.resolve()
    target = base / path
    try:
        if not _inside(path) or target.is_symlink() or not target.is_file():
            return None
        if not target.resolve().is_relative_to(base):
            return None
        size = target.stat().st_size
        return size if size > max_bytes else target.read_bytes()
    except OSError:
        return None


def _candidates(sides: Iterable[Side], max_bytes: int) -> Iterator[str | int]:
    """Decodable texts of the given sides (sizes pass through for over-large ones); others are dropped."""
    for side in sides:
        if isinstance(side, int):
            yield side
        elif side is not None and b"\0" not in side:
            try:
                yield side.decode("utf-8")
            except UnicodeDecodeError:
                continue


def _fit(
    hunks: Sequence[Hunk], new_sides: Iterable[str | int], old_sides: Iterable[str | int]
) -> tuple[Side, Side]:
    """Both sides' bytes from the first candidate the hunks fit (a size when it is over-large)."""
    back = reverse_hunks(hunks)
    for candidate in new_sides:
        if isinstance(candidate, int):
            return None, candidate
        old = apply_hunks(candidate, back)
        if old is not None:
            return old.encode("utf-8"), candidate.encode("utf-8")
    for candidate in old_sides:
        if isinstance(candidate, int):
            return candidate, None
        new = apply_hunks(candidate, hunks)
        if new is not None:
            return candidate.encode("utf-8"), new.encode("utf-8")
    return None, None


def _index_name(path: str) -> str | None:
    return f":{path}" if _inside(path) else None


def _patch_change(
    pf: PatchFile, root: Path | None, blobs: dict[str, bytes | int], max_bytes: int
) -> FileChange:
    reason = _static_skip(pf) or ("not UTF-8 text" if _has_surrogates(pf.hunks) else None)
    if reason is not None:
        return _build(pf, None, None, max_bytes, reason)
    if pf.status == ADDED:  # the hunk holds the whole new file
        new_sides: Iterable[Side] = ()
        old_sides: Iterable[Side] = (b"",)
    elif pf.status == DELETED:  # the hunk holds the whole old file
        new_sides, old_sides = (b"",), ()
    else:
        path = pf.new_path or ""
        worktree = [_worktree(root, path, max_bytes)] if root is not None else []
        new_sides = [*worktree, *(blobs.get(n) for n in (pf.new_blob, _index_name(path)) if n)]
        old_sides = [blobs.get(pf.old_blob)] if pf.old_blob else []
    old, new = _fit(pf.hunks, _candidates(new_sides, max_bytes), _candidates(old_sides, max_bytes))
    return _build(pf, old, new, max_bytes)


def from_patch_text(
    text: str, root: Path | None, max_file_bytes: int, label: str = "patch from stdin"
) -> tuple[SourceInfo, list[FileChange]]:
    """FileChanges of a unified diff (git's, ``git show``/format-patch, or plain ``diff -u`` / ``diff -ruN``).

    Inside a repository both sides are read in full where the hunks fit them: the new side from the working
    tree file, the new blob, or the index; the old side by reverse-applying the hunks to it, or from the old
    blob of git's ``index`` line. Added and deleted files are rebuilt from their hunks. Otherwise the change
    keeps its hunks and line sets with both texts None. Paths are taken relative to root.
    """
    try:
        files = parse_patch(text)
    except PatchError as exc:
        where = label.removeprefix("patch from ").removeprefix("patch ")
        raise BadInput(f"{where} is not a unified diff: {exc}") from None
    readable = [pf for pf in files if pf.status not in (ADDED, DELETED) and _static_skip(pf) is None]
    names = (n for pf in readable for n in (pf.old_blob, pf.new_blob, _index_name(pf.new_path or "")) if n)
    blobs = read_blobs(root, names, max_file_bytes) if root is not None else {}
    info = SourceInfo(kind="patch", label=label)
    return info, [_patch_change(pf, root, blobs, max_file_bytes) for pf in files]
