"""Both cores for a large diff: the files to map are shared between this process and one forked helper
(``forked.map_shared``).

Parsing (``ast.parse``, tree-sitter) holds the GIL, so threads cannot help; a second process can. It pays
only past a size (forking costs a few milliseconds; about a megabyte of text takes a third of a second to
parse), and when `forked.can_fork` (Linux, two cores, no other thread: the helper inherits the loaded
modules instead of importing them again). Output is the same either way: every file's entries come back in
input order. A helper that fails or dies only costs time: its share is then mapped here. Both processes
stop starting work at the same ``deadline_at`` instant (the monotonic clock is the system's), so the
helper's share keeps the deadline too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from functools import partial

from ariadne_hook.forked import map_shared, worth_a_helper
from ariadne_hook.languages import scanner_for
from ariadne_hook.locate.core import locate_file
from ariadne_hook.models import FileChange, FunctionChange

Job = tuple[FileChange, str]  # a file with text to map, and its language
MIN_CHARS = 1_000_000  # text to parse (both sides, all files) before a helper process pays for itself


def locate_files(jobs: Sequence[Job], deadline_at: float | None = None) -> list[list[FunctionChange]]:
    """``locate_file`` of every job, in order; a forked helper maps a share when that pays (``forked.py``).
    ``deadline_at``: a ``time.monotonic()`` instant past which no more work starts (None: no limit)."""
    sizes = [size(j) for j in jobs]
    if worth_a_helper(sizes, MIN_CHARS):  # each language's parser loaded once, before the fork: not in each
        for language in sorted({language for _, language in jobs}):
            with contextlib.suppress(Exception):  # a parser that cannot load: each file's mapping says so
                scanner_for(language)
    return map_shared(partial(locate_many, deadline_at=deadline_at), jobs, sizes, MIN_CHARS)


def locate_many(jobs: Sequence[Job], deadline_at: float | None = None) -> list[list[FunctionChange]]:
    return [locate_file(change, language, deadline_at) for change, language in jobs]


def size(job: Job) -> int:
    change = job[0]
    return len(change.old_text or "") + len(change.new_text or "")
