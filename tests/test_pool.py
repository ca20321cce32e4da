"""The engine: bounded, ordered, deadline-bound, interruptible, no thread left behind."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from ariadne_hook.summarize.pool import DEADLINE, INTERRUPTED, map_bounded
from ariadne_hook.summarize.provider import ProviderError
from ariadne_hook.summarize.ratelimit import AdaptiveLimiter, Retry, parse_retry_after
from tests.llm_server import pool_threads, pool_threads_left


class Gauge:
    """Counts calls in flight and the maximum seen."""

    def __init__(self) -> None:
        self.now = self.peak = self.calls = 0
        self.lock = threading.Lock()

    def __enter__(self) -> None:
        with self.lock:
            self.now += 1
            self.calls += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.now -= 1


def test_order_and_bound_under_random_latency() -> None:
    gauge, rng = Gauge(), random.Random(7)
    delays = [rng.uniform(0.001, 0.02) for _ in range(40)]

    def work(i: int) -> int:
        with gauge:
            time.sleep(delays[i])
            return i * i

    outcomes = map_bounded(work, list(range(40)), 4)
    assert [o.value for o in outcomes] == [i * i for i in range(40)]
    assert all(o.ok for o in outcomes)
    assert gauge.peak <= 4 and gauge.calls == 40


def test_empty_and_invalid() -> None:
    assert map_bounded(lambda x: x, [], 3) == []
    with pytest.raises(ValueError):
        map_bounded(lambda x: x, [1], 0)


def test_individual_failure_is_isolated() -> None:
    def work(i: int) -> int:
        if i == 2:
            raise RuntimeError("boom")
        return i

    outcomes = map_bounded(work, [0, 1, 2, 3], 2)
    assert [o.value for o in outcomes] == [0, 1, None, 3]
    assert isinstance(outcomes[2].error, RuntimeError) and not outcomes[2].ok


def test_meanwhile_runs_once_in_the_calling_thread_while_the_workers_wait() -> None:
    """The caller's work is done after every item is submitted and before the wait: here the workers wait
    for it, so the batch ends only because it ran; a meanwhile that fails costs the batch nothing."""
    ran: list[str] = []
    released = threading.Event()

    def work(i: int) -> int:
        assert released.wait(5), "meanwhile never ran while the workers waited"
        return i

    def meanwhile() -> None:
        ran.append(threading.current_thread().name)
        released.set()

    outcomes = map_bounded(work, [0, 1, 2], 3, meanwhile=meanwhile)
    assert [o.value for o in outcomes] == [0, 1, 2] and ran == [threading.current_thread().name]

    def fails() -> None:
        raise RuntimeError("boom")

    assert [o.value for o in map_bounded(lambda i: i, [5, 6], 2, meanwhile=fails)] == [5, 6]


def test_no_thread_outlives_the_call() -> None:
    before = pool_threads()
    map_bounded(lambda i: time.sleep(0.005) or i, list(range(20)), 5)
    assert pool_threads_left(before, within=0) == []  # joined before it returned: no waiting needed


def test_deadline_marks_unfinished_items_and_returns() -> None:
    release = threading.Event()

    def work(i: int) -> int:
        if i >= 2:
            release.wait(2.0)  # bounded, like a request timeout capped by the deadline; ends after it
        return i

    before = pool_threads()
    outcomes = map_bounded(work, list(range(8)), 2, deadline=1.0)  # a second to start 4 trivial items
    assert [o.value for o in outcomes[:4]] == [0, 1, 2, 3]  # in flight at the deadline: kept when answered
    assert {o.not_run for o in outcomes[4:]} == {DEADLINE}  # never started
    assert pool_threads_left(before, within=0) == []


def test_at_the_deadline_it_can_leave_a_call_in_flight_behind() -> None:
    """join_at_deadline=False: it returns at the deadline while a call is still running (the summarize stage:
    the review is written and the CLI ends the process); the worker ends when its call does."""
    release, entered = threading.Event(), threading.Event()

    def work(i: int) -> int:
        if i == 0:
            entered.set()
            release.wait(120)  # a call that outlives the deadline by far
        return i

    before = pool_threads()
    try:
        outcomes = map_bounded(work, [0, 1], 2, deadline=1.0, join_at_deadline=False)
        returned_while_running = entered.is_set() and not release.is_set()
        left = pool_threads() - before
    finally:
        release.set()
    assert returned_while_running and outcomes[0].not_run == DEADLINE
    assert outcomes[1].value == 1 or outcomes[1].not_run == DEADLINE
    assert left  # not joined: the worker still in its call is alive
    assert pool_threads_left(before) == []  # and it ends when its call does


def test_ctrl_c_returns_what_is_done() -> None:
    gate = threading.Event()

    def work(i: int) -> int:
        if i == 3:
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, delivered to the main thread
        if i >= 3:
            gate.wait(0.3)
        return i

    outcomes = map_bounded(work, list(range(10)), 1)
    assert [o.value for o in outcomes[:3]] == [0, 1, 2]
    assert INTERRUPTED in {o.not_run for o in outcomes[3:]}
    assert all(o.ok or o.not_run == INTERRUPTED for o in outcomes)


def test_limiter_retries_a_retryable_failure() -> None:
    calls: dict[int, int] = {}

    def work(i: int) -> int:
        calls[i] = calls.get(i, 0) + 1
        if calls[i] == 1:
            raise ProviderError("HTTP 503", retryable=True, retry_after=0.0)
        return i

    outcomes = map_bounded(work, [0, 1, 2], 2, limiter=AdaptiveLimiter(2, retries=1))
    assert [o.value for o in outcomes] == [0, 1, 2]
    assert calls == {0: 2, 1: 2, 2: 2}


def test_limiter_gives_up_after_the_budget_and_on_non_retryable() -> None:
    calls = {"retryable": 0, "final": 0}

    def work(kind: str) -> str:
        calls[kind] += 1
        raise ProviderError(kind, retryable=kind == "retryable", retry_after=0.0)

    outcomes = map_bounded(work, ["retryable", "final"], 2, limiter=AdaptiveLimiter(2, retries=2))
    assert calls == {"retryable": 3, "final": 1}
    assert all(isinstance(o.error, ProviderError) for o in outcomes)


def test_retry_that_would_pass_the_deadline_is_not_made() -> None:
    calls = []

    def work(i: int) -> int:
        calls.append(i)
        raise ProviderError("rate limited", throttled=True, retry_after=30.0)

    outcomes = map_bounded(work, [0], 1, deadline=1.0, limiter=AdaptiveLimiter(1, retries=5))
    assert calls == [0]
    assert isinstance(outcomes[0].error, ProviderError)


def test_aimd_halves_once_per_burst_and_recovers() -> None:
    limiter = AdaptiveLimiter(8, retries=0)
    stop = threading.Event()
    tickets = [limiter.acquire(stop, None) for _ in range(8)]
    assert tickets == [0] * 8
    throttle = ProviderError("rate limited", throttled=True)
    for _ in range(4):
        limiter.failed(0, throttle, 0, 0)
    assert limiter.limit == 4  # four 429s from one burst: one cut
    limiter.succeeded(0)
    limiter.succeeded(0)
    ticket = limiter.acquire(stop, None)
    assert ticket == 1  # admitted after the cut: a new generation
    limiter.failed(ticket, throttle, 0, 0)
    assert limiter.limit == 2 and limiter.lowest == 2 and limiter.throttles == 5
    limiter.succeeded(0)
    limiter.succeeded(0)
    assert limiter.limit == 3  # +1 after a run of `limit` successes


def test_aimd_bounds() -> None:
    limiter = AdaptiveLimiter(1, retries=0)
    stop = threading.Event()
    for _ in range(5):
        limiter.failed(limiter.acquire(stop, None) or 0, ProviderError("x", throttled=True), 0, 0)
        limiter.succeeded(limiter.acquire(stop, None) or 0)
    assert limiter.limit == 1
    with pytest.raises(ValueError):
        AdaptiveLimiter(0)


def test_acquire_gives_up_at_the_deadline_or_stop() -> None:
    limiter = AdaptiveLimiter(1)
    stop = threading.Event()
    assert limiter.acquire(stop, None) == 0
    assert limiter.acquire(stop, time.monotonic() + 0.05) is None
    stop.set()
    assert limiter.acquire(stop, None) is None


def test_parse_retry_after() -> None:
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({}) is None
    assert parse_retry_after({"retry-after": "soon"}) is None
    now = datetime(2030, 1, 1, tzinfo=timezone.utc)
    later = format_datetime(now + timedelta(seconds=10), usegmt=True)
    assert parse_retry_after({"retry-after": later}, now=now.timestamp()) == pytest.approx(10)
    earlier = format_datetime(now - timedelta(seconds=10), usegmt=True)
    assert parse_retry_after({"retry-after": earlier}, now=now.timestamp()) == 0.0


@pytest.mark.parametrize(
    "value", ["1e400", "inf", "-inf", "nan", "-5", "-0.5", "soon", "", "Thu, 99 Foo 2030 99:99:99 GMT"]
)
def test_retry_after_that_is_not_a_finite_number_of_seconds_is_ignored(value: str) -> None:
    assert parse_retry_after({"retry-after": value}) is None
    assert parse_retry_after({"retry-after-ms": value}) is None


def test_retry_after_far_away_is_finite() -> None:
    now = datetime(2030, 1, 1, tzinfo=timezone.utc)
    far = format_datetime(datetime(9999, 12, 31, tzinfo=timezone.utc), usegmt=True)
    assert 0 < (parse_retry_after({"retry-after": far}, now=now.timestamp()) or 0) < float("inf")
    assert parse_retry_after({"retry-after": "3600"}) == 3600.0  # read as is; the limiter decides


@pytest.mark.parametrize(
    ("after", "delay"),
    [
        (0.0, 0.0),
        (12.5, 12.5),
        (30.0, 30.0),
        (30.5, None),
        (3600.0, None),
        (float("inf"), None),
        (float("nan"), None),
    ],
)
def test_limiter_waits_a_retry_after_of_30_s_at_most(after: float, delay: float | None) -> None:
    limiter = AdaptiveLimiter(4, retries=2)
    ticket = limiter.acquire(threading.Event(), None) or 0
    retry = limiter.failed(ticket, ProviderError("rate limited", throttled=True, retry_after=after), 0, 0)
    assert (retry.delay if retry else None) == delay


def test_a_limiter_that_misbehaves_fails_its_item_not_the_batch() -> None:
    class Broken(AdaptiveLimiter):
        def failed(self, ticket: int, error: Exception, attempt: int, spent: int) -> Retry | None:
            super().failed(ticket, error, attempt, spent)
            return Retry(delay=float("inf"), counted=True)  # stop.wait(inf) raised OverflowError

    def work(i: int) -> int:
        if i == 1:
            raise ProviderError("rate limited", throttled=True)
        return i

    outcomes = map_bounded(work, [0, 1, 2], 2, limiter=Broken(2))
    assert [o.value for o in outcomes] == [0, None, 2]
    assert isinstance(outcomes[1].error, ProviderError)
