"""Both cores for a large diff: the files to map are shared between this process and one forked helper.

Parsing (``ast.parse``, tree-sitter) holds the GIL, so threads cannot help; a second process can. It pays
only past a size (forking costs a few milliseconds; about a megabyte of text takes a third of a second to
parse), and when `forked.can_fork` (Linux, two cores, no other thread: the helper inherits the loaded
modules instead of importing them again). Output is the same either way: every file's entries come back in
input order. A helper that fails or dies only costs time: its share is then mapped here. Both processes
stop starting work at the same ``deadline_at`` instant (the monotonic clock is the system's), so the
helper's share keeps the deadline too.
"""

from __future__ import annotations

from collections.abc import Sequence

from ariadne_hook import forked
from ariadne_hook.locate.core import locate_file
from ariadne_hook.models import FileChange, FunctionChange

Job = tuple[FileChange, str]  # a file with text to map, and its language
MIN_CHARS = 1_000_000  # text to parse (both sides, all files) before a helper process pays for itself


def locate_files(jobs: Sequence[Job], deadline_at: float | None = None) -> list[list[FunctionChange]]:
    """``locate_file`` of every job, in order; a forked helper maps a share when that pays. ``deadline_at``: a
    ``time.monotonic()`` instant past which no more work starts (None: no limit)."""
    if not _worth_a_helper(jobs):
        return _locate_many(jobs, deadline_at)
    cut = _halfway(jobs)
    return _with_helper(jobs[:cut], jobs[cut:], deadline_at)


def _locate_many(jobs: Sequence[Job], deadline_at: float | None = None) -> list[list[FunctionChange]]:
    return [locate_file(change, language, deadline_at) for change, language in jobs]


def _size(job: Job) -> int:
    change = job[0]
    return len(change.old_text or "") + len(change.new_text or "")


def _worth_a_helper(jobs: Sequence[Job]) -> bool:
    return len(jobs) >= 2 and sum(_size(job) for job in jobs) >= MIN_CHARS and forked.can_fork()


def _halfway(jobs: Sequence[Job]) -> int:
    """The index that splits the jobs into two runs of about the same amount of text."""
    half, total = sum(_size(job) for job in jobs) / 2, 0
    for index, job in enumerate(jobs):
        total += _size(job)
        if total >= half:
            return max(1, min(index + 1, len(jobs) - 1))
    return len(jobs) - 1


def _with_helper(
    theirs: Sequence[Job], ours: Sequence[Job], deadline_at: float | None = None
) -> list[list[FunctionChange]]:
    """Map ``theirs`` in a forked helper while this process maps ``ours``; the helper is gone on return."""
    import gc

    gc.freeze()  # nor does this process's collector walk (and copy on write) what both share meanwhile
    try:
        helper = forked.Forked(lambda: _locate_many(theirs, deadline_at)) if forked.can_fork() else None
        try:
            mine = _locate_many(ours, deadline_at)
            return (helper.result() if helper else _locate_many(theirs, deadline_at)) + mine
        finally:
            if helper is not None:
                helper.cancel()  # only when this process failed first: no helper outlives the call
    finally:
        gc.unfreeze()
