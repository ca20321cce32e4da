"""Both cores for a large diff: the files to map are shared between this process and one forked helper.

Parsing (``ast.parse``, tree-sitter) holds the GIL, so threads cannot help; a second process can. It pays
only past a size (forking and the pool cost a few tens of milliseconds; about a megabyte of text takes a
third of a second to parse), on Linux (``fork`` start: the helper inherits the loaded modules instead of
importing them again), and when this process may run on two cores. Output is the same either way: every
file's entries come back in input order. A helper that fails or dies only costs time: its share is then
mapped here. Both processes stop starting work at the same ``deadline_at`` instant (the monotonic clock is the
system's), so the helper's share keeps the deadline too.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

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


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def _worth_a_helper(jobs: Sequence[Job]) -> bool:
    return (
        sys.platform.startswith("linux")
        and len(jobs) >= 2
        and _cores() >= 2
        and sum(_size(job) for job in jobs) >= MIN_CHARS
    )


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
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    gc.freeze()  # the helper's collector then never walks (and copies on write) what it inherited
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            future = pool.submit(_locate_many, list(theirs), deadline_at)
            mine = _locate_many(ours, deadline_at)
            try:
                helped = future.result()
            except Exception:  # a helper that died (BrokenProcessPool), or a result that did not pickle
                helped = _locate_many(theirs, deadline_at)
    finally:
        gc.unfreeze()
    return helped + mine
