"""Adaptive concurrency (AIMD) and the retry schedule shared by the workers of one batch.

`AdaptiveLimiter` admits at most `limit` attempts at a time, `1 <= limit <= max_workers`:
- a 429 halves the limit — once per "generation": attempts admitted before the last cut do not cut again,
  so one burst of 429s counts as one signal;
- each run of `limit` consecutive successes raises it by one, up to max_workers.

Retries: a retryable failure (5xx, timeout, 429) is retried after the server's Retry-After, else after an
exponential backoff with jitter. 5xx and timeouts spend the `retries` budget; a 429 spends it only when the
limit is already 1 (before that, lowering the concurrency is the answer), so a server that admits 4 requests
in flight completes a batch of 16 workers without fallbacks.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

_POLL = 0.05  # seconds between checks of the stop event while waiting for a slot


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
        rng: random.Random | None = None,
    ) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.limit = max_workers
        self.lowest = max_workers  # the lowest limit reached, for reports and tests
        self.throttles = 0
        self._rng = rng or random.Random()
        self._in_flight = 0
        self._generation = 0
        self._successes = 0
        self._cond = threading.Condition()

    def acquire(self, stop: threading.Event, end: float | None) -> int | None:
        """Wait for a slot; its ticket (the generation), or None when stopped or past `end` (monotonic)."""
        with self._cond:
            while self._in_flight >= self.limit:
                wait = _POLL if end is None else min(_POLL, end - time.monotonic())
                if stop.is_set() or wait <= 0:
                    return None
                self._cond.wait(wait)
            if stop.is_set() or (end is not None and time.monotonic() >= end):
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
            delay = float(after) if after is not None else self._jittered(attempt)
            return Retry(delay=delay, counted=counted)

    def _release(self) -> None:
        self._in_flight -= 1
        self._cond.notify_all()

    def _jittered(self, attempt: int) -> float:
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** min(attempt, 16))
        return ceiling / 2 + self._rng.random() * ceiling / 2


def parse_retry_after(headers: object, now: float | None = None) -> float | None:
    """Seconds to wait from `retry-after-ms`, `retry-after` (seconds or an HTTP date); None when absent."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    millis = get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(str(value)).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when - (time.time() if now is None else now))
