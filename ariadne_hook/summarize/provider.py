"""What a summarizing backend looks like, how it fails, and one request attempt against it.

A provider turns one prompt into raw answer text. Failures are `ProviderError`s whose `reason` is a short,
fixed, key-free phrase ("HTTP 500", "timeout", "unauthorized (401)"), never an SDK message or a body.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

from ariadne_hook.summarize import answers

T = TypeVar("T")


class Provider(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str | None: ...

    def summarize(self, prompt: str, *, timeout: float | None = None) -> str:
        """The raw answer to one user prompt (the system prompt is the provider's business); an answer the
        server cut at max_tokens raises ProviderError(answers.CUT)."""
        ...

    def close(self) -> None: ...


class ProviderError(Exception):
    """One failed attempt, classified.

    retryable: another attempt may succeed (5xx, 429, timeout); throttled: the server asked us to slow down
    (429); fatal: the configuration cannot work (401, unknown model, unreachable host) — stop asking.
    """

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool = False,
        throttled: bool = False,
        fatal: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable or throttled
        self.throttled = throttled
        self.fatal = fatal
        self.retry_after = retry_after


class Requester:
    """One attempt per call, shared by every worker of a batch.

    It counts the requests it sends, bounds each request's timeout by the batch deadline (so no worker can
    outlive the deadline by more than connection set-up), and trips a shared breaker on the first fatal error:
    every later call fails at once with that reason, without a request.
    """

    def __init__(self, provider: Provider, timeout: float, deadline_at: float | None = None) -> None:
        self.provider = provider
        self.timeout = timeout
        self.deadline_at = deadline_at
        self.requests = 0
        self.broken: str | None = None
        self._lock = threading.Lock()

    def __call__(self, prompt: str) -> str:
        """A summary of `prompt` (LLMClient): an answer that is no summary (`answers.judge`) is asked once
        more with a line saying why; a second one raises ProviderError("rejected: <why>")."""
        problem = ""
        for attempt in range(2):
            asked = prompt + (answers.retry_hint(problem) if attempt else "")

            def call(timeout: float, asked: str = asked) -> str:
                return self.provider.summarize(asked, timeout=timeout)

            try:
                raw = self.send(call)
            except ProviderError as exc:
                if exc.reason != answers.CUT:
                    raise
                problem = answers.CUT
                continue
            judged = answers.judge(raw, prompt=prompt)
            if judged.ok:
                return judged.text
            problem = judged.problem or answers.EMPTY
        raise ProviderError(answers.rejected(problem))

    def send(self, call: Callable[[float], T]) -> T:
        """One attempt of `call(timeout)`: counted, timeout bounded by the deadline, breaker honoured."""
        timeout, capped = self._timeout()
        with self._lock:
            if self.broken is not None:
                raise ProviderError(self.broken, fatal=True)
            self.requests += 1
        try:
            return call(timeout)
        except ProviderError as exc:
            if exc.fatal:
                self.trip(exc.reason)
            if capped and exc.reason == "timeout":
                raise ProviderError("deadline") from None
            raise

    def trip(self, reason: str) -> None:
        with self._lock:
            if self.broken is None:
                self.broken = reason

    def _timeout(self) -> tuple[float, bool]:
        """(timeout for the next request, whether the deadline rather than the setting bounds it)."""
        if self.deadline_at is None:
            return self.timeout, False
        remaining = self.deadline_at - time.monotonic()
        if remaining <= 0:
            raise ProviderError("deadline")
        return (remaining, True) if remaining < self.timeout else (self.timeout, False)
