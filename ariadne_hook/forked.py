"""A call run in a forked copy of this process while this process does something else: the second core;
and a list mapped by this process and such a helper together (:func:`map_shared`: locate's files past a
megabyte of text, the offline summaries past 300 entries, a large report's redaction).

Threads share the GIL: the openai import (pure Python, ~0.7 s idle, the longest step before the first
request) and the source stage (GitPython, the diff's parsing) slow each other down when they run as two
threads. A forked helper runs beside this process for real.

It is forked, on Linux, only while the calling thread is the process's only one (fork copies just that
thread: a lock another thread held, an import half done, would stay held in the copy for ever) and when the
process may run on two cores. The helper inherits the loaded modules and the call itself: nothing is pickled
on the way in, only the call's value on the way back, through a pipe. Plain ``os.fork`` and no
multiprocessing pool: importing `multiprocessing` alone costs ~50 ms of this process's time, here the time
that is saved. The helper writes nothing but the pipe (this process flushes its own streams before the
fork, so the helper holds no output of it to write twice) and ends with ``os._exit`` once the pipe is
flushed and closed, as a multiprocessing fork child does. It is gone when :meth:`Forked.result` returns.

Whatever goes wrong in it (it died, its call raised, its value did not pickle) only costs time: the call is
then made here, which gives exactly what no helper would have given (the same value, or the same exception).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Linux, two cores to run on, and no thread but this one (no import to load `threading` for it)."""
    threading = sys.modules.get("threading")
    alone = threading is None or threading.active_count() == 1
    return sys.platform.startswith("linux") and alone and cores() >= 2


class Forked(Generic[T]):
    """``call()`` running in a forked helper from construction; :meth:`result` gives its value. Build it
    only when :func:`can_fork`; :meth:`result` must be called (it reaps the helper)."""

    def __init__(self, call: Callable[[], T]) -> None:
        import gc

        self._call = call
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        read, write = os.pipe()
        frozen = gc.get_freeze_count() > 0
        gc.freeze()  # the helper's collector never walks (and copies on write) what it inherited
        try:
            self.pid = os.fork()
        finally:
            if not frozen:
                gc.unfreeze()
        if self.pid == 0:
            os.close(read)
            _serve(call, write)  # never returns
        os.close(write)
        self._read = read

    def cancel(self) -> None:
        """The helper ended without its value (this process failed before it asked for it): killed and
        reaped; nothing when :meth:`result` has run."""
        if self._read < 0:
            return
        os.close(self._read)
        self._read = -1
        _kill(self.pid)
        os.waitpid(self.pid, 0)

    def result(self) -> T:
        """The call's value, from the helper or, when anything went wrong there, made here."""
        import gc
        import pickle

        read, self._read = self._read, -1
        done = False
        try:
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
            done = True
        finally:
            if not done:  # Ctrl-C while waiting: the helper is not waited for
                _kill(self.pid)
            os.waitpid(self.pid, 0)
        # Unpickling a share of the entries makes ~10^5 objects at once: without a pause the collector would
        # pass over them, and over this process's whole heap, several times for nothing (~2/3 of the time)
        collecting = gc.isenabled()
        gc.disable()
        try:
            ok, value = pickle.loads(data) if data else (False, None)
        except Exception:  # cut short (the helper was killed while writing)
            ok, value = False, None
        finally:
            if collecting:
                gc.enable()
        return cast(T, value) if ok else self._call()


RUNS = (
    64  # runs a shared list is cut into: the last one taken is ~1/64 of the work, what the two can differ by
)


def map_shared(
    func: Callable[[Sequence[T]], list[R]], items: Sequence[T], sizes: Sequence[int], min_size: int
) -> list[R]:
    """``func(items)``, one result per item in order; when the items' total ``sizes`` reach ``min_size``
    and a helper can run, this process and a forked helper share the work (:func:`claimed`). The helper's
    share is inherited through the fork (``func`` may be a closure; the items need not pickle); only its
    results come back."""
    if not worth_a_helper(sizes, min_size):
        return func(items)
    return claimed(func, items, runs(sizes, RUNS))


def worth_a_helper(sizes: Sequence[int], min_size: int) -> bool:
    return len(sizes) >= 2 and sum(sizes) >= min_size and can_fork()


def runs(sizes: Sequence[int], count: int) -> list[tuple[int, int]]:
    """The items cut into at most ``count`` runs (start, stop) of about the same total size, in order: an item
    goes to the run its middle falls in."""
    total = sum(sizes)
    if not total:
        sizes, total = [1] * len(sizes), len(sizes)
    cut: list[tuple[int, int]] = []
    start, filled, current = 0, 0, 0
    for index, size in enumerate(sizes):
        run = min(count - 1, (2 * filled + size) * count // (2 * total))
        filled += size
        if run != current and index > start:
            cut.append((start, index))
            start = index
        current = run
    return [*cut, (start, len(sizes))] if sizes else cut


def claimed(
    func: Callable[[Sequence[T]], list[R]], items: Sequence[T], cuts: Sequence[tuple[int, int]]
) -> list[R]:
    """``func`` over each run of ``items`` (``cuts``), results in order: a forked helper takes runs from the
    first on, this process from the last back, each the next one the other has not taken (a byte per run in
    memory both share), until they meet. Whichever core is faster maps more (the machine's other work
    slows one or the other by a third at times: a fixed half would wait for the slower). A run the helper
    took and did not bring back (it died, its call raised) is mapped here, after: the same value or the same
    exception. The helper is gone on return, also when this process fails first."""
    import gc
    import mmap

    if len(cuts) < 2:  # nothing to share
        return func(items)
    taken = mmap.mmap(-1, len(cuts))  # anonymous and shared: the helper's writes are seen here at once

    def take(order: Sequence[int]) -> dict[int, list[R]]:
        done: dict[int, list[R]] = {}
        for run in order:
            if taken[run]:  # the other end reached it: everything beyond is the other's
                break
            taken[run] = 1
            start, stop = cuts[run]
            done[run] = func(items[start:stop])
        return done

    gc.freeze()  # nor does this process's collector walk (and copy on write) what both share meanwhile
    try:
        helper = Forked(lambda: take(range(len(cuts)))) if can_fork() else None
        try:
            done = take(range(len(cuts) - 1, -1, -1))
            if helper is not None:
                done.update(helper.result())
        finally:
            if helper is not None:
                helper.cancel()  # only when this process failed first: no helper outlives the call
    finally:
        gc.unfreeze()
        taken.close()
    results: list[R] = []
    for run, (start, stop) in enumerate(cuts):
        results += done[run] if run in done else func(items[start:stop])
    return results


def _serve(call: Callable[[], object], write: int) -> None:
    """In the helper: run the call, send ``(True, value)`` (or ``(False, None)`` when it failed), end."""
    import pickle

    try:
        try:
            data = pickle.dumps((True, call()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # its exception is raised again when this process makes the call itself
            data = pickle.dumps((False, None))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)


def _kill(pid: int) -> None:
    import signal

    with contextlib.suppress(OSError):  # already gone
        os.kill(pid, signal.SIGKILL)
