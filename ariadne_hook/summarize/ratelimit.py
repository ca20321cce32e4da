"""Adaptive concurrency (AIMD) and the retry schedule shared by the workers of one batch.

`AdaptiveLimiter` admits at most `limit` attempts at a time, `1 <= limit <= max_workers`:
- a 429 halves the limit — once per "generation": attempts admitted before the last cut do not cut again,
  so one burst of 429s counts as one signal;
- each run of `limit` consecutive successes raises it by one, up to max_workers.

Retries: a retryable failure (5xx, timeout, 429) is retried after the server's Retry-After, else after an
exponential backoff with jitter. 5xx and timeouts spend the `retries` budget; a 429 spends it only when the
limit is already 1 (before that, lowering the concurrency is the answer), so a server that admits 4 requests
in flight completes a batch of 16 workers without fallbacks.

Retry-After is untrusted input: a value that is not a finite number of seconds >= 0 (or an HTTP date) is
ignored (the backoff applies); a server asking for more than `max_retry_after` (30 s) gets no retry at all:
that item fails at once ("rate limited") rather than wait, or come back early only to be refused again.
And the pool never sleeps past the deadline.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

_POLL = 0.05  # seconds between checks of the stop event while waiting for a slot
MAX_RETRY_AFTER = 30.0  # the longest Retry-After we wait for; a server asking for more gets no retry


@dataclass(frozen=True)
class Retry:
    delay: float  # seconds to wait before the next attempt
    counted: bool  # whether this retry spends the item's budget


class AdaptiveLimiter:
    def __init__(
        self,
        max_workers: int,
        retries: int = 2,
        *,
        backoff: float = 0.25,
        max_backoff: float = 8.0,
        max_retry_after: float = MAX_RETRY_AFTER,
        rng: random.Random | None = None,
    ) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.limit = max_workers
        self.lowest = max_workers  # the lowest limit reached, for reports and tests
        self.throttles = 0
        self._rng = rng or random.Random()
        self._in_flight = 0
        self._generation = 0
        self._successes = 0
        self._cond = threading.Condition()

    def acquire(self, stop: threading.Event, deadline_at: float | None) -> int | None:
        """Wait for a slot; its ticket (the generation), or None when stopped or past `deadline_at`
        (a `time.monotonic()` instant)."""
        with self._cond:
            while self._in_flight >= self.limit:
                wait = _POLL if deadline_at is None else min(_POLL, deadline_at - time.monotonic())
                if stop.is_set() or wait <= 0:
                    return None
                self._cond.wait(wait)
            if stop.is_set() or (deadline_at is not None and time.monotonic() >= deadline_at):
                return None
            self._in_flight += 1
            return self._generation

    def succeeded(self, ticket: int) -> None:
        with self._cond:
            self._release()
            self._successes += 1
            if self._successes >= self.limit and self.limit < self.max_workers:
                self.limit += 1
                self._successes = 0

    def failed(self, ticket: int, error: Exception, attempt: int, spent: int) -> Retry | None:
        """Release the slot; when to try again (None: give up). attempt counts from 0; spent: budget used."""
        with self._cond:
            self._release()
            counted = True
            if getattr(error, "throttled", False):
                self.throttles += 1
                self._successes = 0
                counted = self.limit == 1
                if ticket == self._generation and self.limit > 1:
                    self.limit = max(1, self.limit // 2)
                    self.lowest = min(self.lowest, self.limit)
                    self._generation += 1
            if not getattr(error, "retryable", False) or (counted and spent >= self.retries):
                return None
            after = getattr(error, "retry_after", None)
            if after is None:
                return Retry(delay=self._jittered(attempt), counted=counted)
            if not 0.0 <= after <= self.max_retry_after:  # too long to wait (or not a number: nan, inf)
                return None
            return Retry(delay=float(after), counted=counted)

    def _release(self) -> None:
        self._in_flight -= 1
        self._cond.notify_all()

    def _jittered(self, attempt: int) -> float:
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** min(attempt, 16))
        return ceiling / 2 + self._rng.random() * ceiling / 2


def parse_retry_after(headers: object, now: float | None = None) -> float | None:
    """Seconds to wait from `retry-after-ms`, `retry-after` (seconds or an HTTP date); None when absent or
    not a finite number >= 0 (nan, inf, 1e400, -5, garbage). A date in the past is 0; the result is not
    capped here (`AdaptiveLimiter` refuses to wait more than its `max_retry_after`)."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    millis = _seconds(get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    value = get("retry-after")
    if value is None:
        return None
    seconds = _seconds(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(str(value)).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _seconds(max(0.0, when - (time.time() if now is None else now)))


def _seconds(value: object) -> float | None:
    """A finite float >= 0 from a header value (or a number), else None."""
    if value is None:
        return None
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
