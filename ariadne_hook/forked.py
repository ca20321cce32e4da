"""Both cores for CPU-bound work: a share of a list is mapped in one forked helper process.

Parsing and the offline summaries hold the GIL, so threads cannot help; a second process can. It pays only
past a size (forking and the pool cost a few tens of milliseconds), on Linux (``fork`` start: the helper
inherits the loaded modules, and the work itself, instead of importing or receiving them), and when this
process may run on two cores. Output is the same either way: results come back in input order. A helper
that fails or dies only costs time: its share is then mapped here.

The helper's share is not sent to it: it is set in this module before the fork and inherited (so ``func``
may be a closure and the items need not pickle); only the results travel back, pickled.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# the helper's work, set just before it is forked and inherited by it: (func, items)
_INHERITED: list[tuple[Callable[[Sequence[Any]], list[Any]], Sequence[Any]]] = []


def map_shared(
    func: Callable[[Sequence[T]], list[R]], items: Sequence[T], sizes: Sequence[int], min_size: int
) -> list[R]:
    """``func(items)``, one result per item in order; when the items' total ``sizes`` reach ``min_size``
    (and a helper can run), the first part, about half of the size, is mapped by a forked helper while this
    process maps the rest."""
    if not worth_a_helper(sizes, min_size):
        return func(items)
    cut = halfway(sizes)
    return with_helper(func, items[:cut], items[cut:])


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def worth_a_helper(sizes: Sequence[int], min_size: int) -> bool:
    return sys.platform.startswith("linux") and len(sizes) >= 2 and cores() >= 2 and sum(sizes) >= min_size


def halfway(sizes: Sequence[int]) -> int:
    """The index that splits the items into two runs of about the same size."""
    half, total = sum(sizes) / 2, 0
    for index, size in enumerate(sizes):
        total += size
        if total >= half:
            return max(1, min(index + 1, len(sizes) - 1))
    return len(sizes) - 1


def _run_inherited() -> list[Any]:
    func, items = _INHERITED[-1]
    return func(items)


def with_helper(func: Callable[[Sequence[T]], list[R]], theirs: Sequence[T], ours: Sequence[T]) -> list[R]:
    """``func(theirs) + func(ours)``: ``theirs`` mapped in a forked helper while this process maps ``ours``;
    the helper is gone on return."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    gc.freeze()  # the helper's collector then never walks (and copies on write) what it inherited
    _INHERITED.append((func, theirs))
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            future = pool.submit(_run_inherited)  # the pool forks its process here, after the append
            mine = func(ours)
            try:
                helped: list[R] = future.result()
            except Exception:  # a helper that died (BrokenProcessPool), or a result that did not pickle
                helped = func(theirs)
    finally:
        _INHERITED.pop()
        gc.unfreeze()
    return helped + mine
