"""What the pipeline asks of a summarizing backend, how the backend fails, one request attempt against it, and
the registry that builds the backend (the one place a provider is constructed).

The pipeline (the summarize stage, the walkthrough and commit subject, `LLMClient`) says what it wants as an
`Ask` — an instruction, a user message, room for the answer and, for a packed request, the ids the answer
must hold — and gets an `Answer`. A provider module owns everything about the wire: the request body (its
parameters, the structured-output format), reading the answer, classifying errors, and adapting to what the
endpoint refuses. What it learns (a reasoning model refuses `temperature`, an endpoint refuses
`json_schema`) lives in the provider object, so every later request of the run — whichever part of the
pipeline sends it — is built the adapted way.

Failures are `ProviderError`s whose `reason` is a short, fixed, key-free phrase ("HTTP 500", "timeout",
"unauthorized (401)"), never an SDK message or a body.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ariadne_hook.config import Settings

T = TypeVar("T")

# name -> the module that implements it; the module's `build(settings)` returns its `Provider`
PROVIDERS = {"openai": "ariadne_hook.summarize.openai_provider"}
OFFLINE = "offline"
MAX_ADAPTATIONS = 4  # re-sends of one request after the endpoint refused a parameter or format
TOO_BIG = "prompt too big for the model's context (HTTP 400)"  # a request the endpoint cannot hold


@dataclass(frozen=True)
class Ask:
    """One request as the pipeline sees it; the provider turns it into its wire format.

    ids: empty for a plain answer (the answer is the text); else the answer is a JSON object with one
    string per id (the provider asks for that structure the best way the endpoint accepts).
    """

    system: str
    user: str
    answer_tokens: int  # room for the visible answer
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """One completion: its text, the tokens the API says it used (0 when it does not say), and why the model
    stopped ("stop", "length"..., None when the API does not say)."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None

    @property
    def cut(self) -> bool:
        """The server stopped it at the token limit (``finish_reason: "length"``): whatever it says is only a
        beginning. Read for every kind of request (packed, alone, walkthrough, subject, `LLMClient`)."""
        return self.finish_reason == "length"


class Provider(Protocol):
    """A summarizing backend, bound to one endpoint and one model. Cheap to build: nothing is imported or
    checked until `connect` (or the first `complete`)."""

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str: ...

    def connect(self) -> None:
        """Check the configuration and set up the client (may import an SDK); ProviderError (fatal) when the
        configuration cannot work. Idempotent; `complete` calls it when needed."""
        ...

    def body(self, ask: Ask) -> dict[str, Any]:
        """The wire body `complete` would send for `ask` now (with what was learned so far); `--dry-run`."""
        ...

    def complete(self, ask: Ask, *, timeout: float | None = None) -> Answer:
        """One request. A refused parameter or format raises ProviderError with `adapted` set once the
        provider has changed what it sends: sending again is expected to work."""
        ...

    def learned(self) -> tuple[str, ...]:
        """What the provider learned about the endpoint so far, one note each, in order."""
        ...

    def close(self) -> None:
        """Release the client; a later request sets up a new one (what was learned is kept)."""
        ...


class ProviderError(Exception):
    """One failed attempt, classified.

    retryable: another attempt may succeed (5xx, 429, timeout); throttled: the server asked us to slow down
    (429); fatal: the configuration cannot work (401, unknown model, unreachable host) — stop asking;
    adapted: the endpoint refused a parameter or format and the provider now sends without it — send again.
    """

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool = False,
        throttled: bool = False,
        fatal: bool = False,
        adapted: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable or throttled
        self.throttled = throttled
        self.fatal = fatal
        self.adapted = adapted
        self.retry_after = retry_after


def resolve_provider(settings: Settings) -> str:
    """The provider a run uses: `offline`, or a name of the registry (auto: openai when a key or a base URL
    is configured, else offline)."""
    if settings.provider != "auto":
        return settings.provider
    return "openai" if settings.api_key or settings.base_url else OFFLINE


def open_provider(settings: Settings) -> Provider:
    """The provider `settings` name (the caller has ruled out offline), built by its module. Cheap: the
    module's SDK is imported by `connect`."""
    import importlib

    module: Any = importlib.import_module(PROVIDERS[resolve_provider(settings)])
    provider: Provider = module.build(settings)
    return provider


def start_sdk_import(settings: Settings) -> threading.Thread | None:
    """When the model will be asked, import the openai SDK (~0.5-0.9 s, the longest step before the first
    request) in a short-lived thread while git and locate work; the caller joins it before summarizing.
    None (nothing started) offline. Here, not in the stage: the stage's own imports would delay it."""
    if resolve_provider(settings) == OFFLINE:
        return None
    import platform

    def load() -> None:
        # The import makes ~10^5 objects that live as long as the process: the cyclic collector's passes over
        # them, during the import (~15 % of it) and in every full collection after it, find nothing to free.
        # So no collection during the import, and what is alive after it is set aside for the rest of the run
        collecting = gc.isenabled()
        gc.disable()
        try:
            with contextlib.suppress(Exception):  # a failure is reported when the provider is built
                import openai  # noqa: F401
        finally:
            gc.freeze()
            if collecting:
                gc.enable()

    thread = threading.Thread(target=load, name="ariadne-sdk-import", daemon=True)
    thread.start()
    # The SDK's request headers name the platform, which the standard library works out once per process,
    # spawning `uname -p` (~10 ms): here, this thread waiting for it beside the import, not the first request
    platform.platform()
    return thread


class Requester:
    """One attempt per call, shared by every worker of a batch.

    It counts the requests it sends, bounds each request's timeout by the batch deadline (so no worker can
    outlive the deadline by more than connection set-up), sends again at once when the provider adapted to
    a refusal (a parameter or format the endpoint does not take), and trips a shared breaker on the first
    fatal error: every later call fails at once with that reason, without a request.
    """

    def __init__(self, timeout: float, deadline_at: float | None = None) -> None:
        self.timeout = timeout
        self.deadline_at = deadline_at
        self.requests = 0
        self.broken: str | None = None
        self._lock = threading.Lock()

    def send(self, call: Callable[[float], T]) -> T:
        """`call(timeout)`: counted, its timeout bounded by the deadline, the breaker honoured; sent again
        (at most MAX_ADAPTATIONS times) while the provider adapts to what the endpoint refuses."""
        for _ in range(MAX_ADAPTATIONS):
            try:
                return self._once(call)
            except ProviderError as exc:
                if not exc.adapted:
                    raise
        return self._once(call)

    def _once(self, call: Callable[[float], T]) -> T:
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
