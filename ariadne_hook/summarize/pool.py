"""THE engine: map a callable over items through a bounded thread pool, one Outcome per item, in input order.

Used by the summarize stage and by `LLMClient`. No executor or thread outlives a call:
- the executor is shut down in a `finally`: by default every worker thread is joined before `map_bounded`
  returns;
- at the deadline (or on Ctrl-C) a stop event is set, futures not yet started are cancelled, workers waiting
  for a slot or sleeping before a retry wake up and give up at once;
- a worker still inside `fn` is waited for, unless the caller says not to (`join_at_deadline=False`,
  `join_on_interrupt=False`): then `map_bounded` returns at once with what is done, and the worker ends
  when its `fn` does. `fn` must bound its own blocking time either way. The summarize stage does: every
  request is bounded in total by min(timeout setting, time left before the deadline) (`provider.Requester`
  and `bounded_http`), so a worker left behind at the deadline ends about when the deadline passes, and
  the CLI ends the process as soon as the review is written.

With a limiter, `fn` is one attempt: the pool asks the limiter for a slot before each attempt, reports the
result, and sleeps (interruptibly, never past the deadline) before a retry the limiter grants.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEADLINE, INTERRUPTED = "deadline", "interrupted"
SEND_FIRST = 0.01  # seconds the workers have to send their requests before `meanwhile` takes the GIL
THREAD_PREFIX = "ariadne"  # the pool's worker threads are named ariadne_0, ariadne_1...


class RetryDecision(Protocol):
    @property
    def delay(self) -> float: ...

    @property
    def counted(self) -> bool: ...


class Limiter(Protocol):
    def acquire(self, stop: threading.Event, deadline_at: float | None) -> int | None: ...

    def succeeded(self, ticket: int) -> None: ...

    def failed(self, ticket: int, error: Exception, attempt: int, spent: int) -> RetryDecision | None: ...


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """One item's result: a value, the error of its last attempt, or why it was not (fully) run."""

    value: R | None = None
    error: Exception | None = None
    not_run: str | None = None  # "deadline" | "interrupted"

    @property
    def ok(self) -> bool:
        return self.error is None and self.not_run is None


def map_bounded(
    fn: Callable[[T], R],
    items: Sequence[T],
    max_workers: int,
    *,
    deadline: float | None = None,
    limiter: Limiter | None = None,
    progress: Callable[[int, int], None] | None = None,
    join_on_interrupt: bool = True,
    join_at_deadline: bool = True,
    meanwhile: Callable[[], None] | None = None,
) -> list[Outcome[R]]:
    """fn over items with at most max_workers threads; `deadline` in seconds from now; results in input order.

    `meanwhile()` is called once in the calling thread when every item is submitted, before the wait: work
    the caller needs after the batch, done while the workers wait on the network (a failure in it is
    ignored here: it may only do early what the caller would do anyway).

    `progress(done, total)` is called in the calling thread as items finish. Every worker is joined before
    this returns, except after Ctrl-C with ``join_on_interrupt=False`` or at the deadline with
    ``join_at_deadline=False``: then it returns at once (the calls in flight cannot be interrupted and would
    hold it until they end) and the workers still in a call end when it does; a process that must end now
    ends itself once it has written what was done — the CLI does exactly that.
    """
    if max_workers < 1:
        raise ValueError("max_workers must be at least 1")
    if not items:
        return []
    deadline_at = None if deadline is None else time.monotonic() + deadline
    stop = threading.Event()
    results: list[Outcome[R] | None] = [None] * len(items)
    reason = DEADLINE
    pending: set[Future[Outcome[R]]] = set()
    pool = ThreadPoolExecutor(max_workers=min(max_workers, len(items)), thread_name_prefix=THREAD_PREFIX)
    try:
        index: dict[Future[Outcome[R]], int] = {
            pool.submit(_run, fn, item, limiter, stop, deadline_at): i for i, item in enumerate(items)
        }
        pending = set(index)
        try:
            if meanwhile is not None:
                wait(pending, timeout=SEND_FIRST, return_when=FIRST_COMPLETED)
                with contextlib.suppress(Exception):
                    meanwhile()
            pending = _collect(pending, index, results, deadline_at, progress)
        except KeyboardInterrupt:
            reason = INTERRUPTED
        finally:
            stop.set()
            for future in pending:
                future.cancel()
    finally:
        join = join_on_interrupt if reason == INTERRUPTED else join_at_deadline
        busy = any(not future.done() for future in pending)  # a worker still inside fn (cancelled = done)
        pool.shutdown(wait=join or not busy, cancel_futures=True)
    for future, i in index.items():
        if results[i] is None:
            results[i] = _late(future, reason)
    return [r if r is not None else Outcome(not_run=reason) for r in results]


def _collect(
    pending: set[Future[Outcome[R]]],
    index: dict[Future[Outcome[R]], int],
    results: list[Outcome[R] | None],
    deadline_at: float | None,
    progress: Callable[[int, int], None] | None,
) -> set[Future[Outcome[R]]]:
    """Gather finished futures until none is left or the deadline passes; the ones still pending."""
    done_count = 0
    while pending:
        timeout = None if deadline_at is None else max(0.0, deadline_at - time.monotonic())
        done, pending = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
        for future in done:
            results[index[future]] = future.result()
            done_count += 1
            if progress is not None:
                progress(done_count, len(results))
        if deadline_at is not None and time.monotonic() >= deadline_at:
            break
    return pending


def _late(future: Future[Outcome[R]], reason: str) -> Outcome[R]:
    """A future that was still pending at the deadline or interrupt: keep an answer it got, else `reason`."""
    if future.done() and not future.cancelled():
        outcome = future.result()
        if outcome.ok:
            return outcome
    return Outcome(not_run=reason)


def _run(
    fn: Callable[[T], R], item: T, limiter: Limiter | None, stop: threading.Event, deadline_at: float | None
) -> Outcome[R]:
    if stop.is_set():
        return Outcome(not_run=DEADLINE)
    try:
        if limiter is None:
            return Outcome(value=fn(item))
        return _attempts(fn, item, limiter, stop, deadline_at)
    except Exception as exc:  # fn's failure, or a limiter's: it stays this item's, never the batch's
        return Outcome(error=exc)


def _attempts(
    fn: Callable[[T], R], item: T, limiter: Limiter, stop: threading.Event, deadline_at: float | None
) -> Outcome[R]:
    attempt = spent = 0
    while True:
        ticket = limiter.acquire(stop, deadline_at)
        if ticket is None:
            return Outcome(not_run=DEADLINE)
        try:
            value = fn(item)
        except Exception as exc:
            retry = limiter.failed(ticket, exc, attempt, spent)
            if retry is None or not 0.0 <= retry.delay < math.inf:
                return Outcome(error=exc)
            if (
                deadline_at is not None and time.monotonic() + retry.delay >= deadline_at
            ):  # never wait past the deadline
                return Outcome(error=exc)
            if stop.wait(retry.delay):
                return Outcome(error=exc)
            attempt += 1
            spent += retry.counted
            continue
        limiter.succeeded(ticket)
        return Outcome(value=value)
