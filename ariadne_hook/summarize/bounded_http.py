"""The openai SDK's HTTP client, with a TOTAL time bound on every request.

httpx's timeouts bound each socket operation, not a request: a server that sends one byte every 0.2 s keeps
a request with a 1 s read timeout alive forever. Here a request's timeout (the SDK passes the per-call
`timeout`, which `provider.Requester` sets to min(setting, time left before the deadline)) is a budget for
the whole request: connecting, TLS, sending, the headers and the body. Each socket operation gets at most
what is left of it, and once it is spent the next one fails with a read timeout, which the SDK reports as
`APITimeoutError` ("timeout").

How: synchronous httpx does all of a request's network I/O in the calling thread, so the transport keeps
the request's end time in a thread-local while httpcore works for it — in `handle_request` (connection,
request, headers) and while the body is read — and the connection pool's network backend is wrapped so that
every connect/read/write caps its timeout at what remains. The body stream also checks the clock between
chunks, so the body stays bounded even if a future httpcore no longer lets the backend be wrapped.

The httpx flavour (httpx or httpx2) is the one the installed SDK is built on. Imported only with the SDK.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

_request = threading.local()  # .deadline_at: time.monotonic() when the current thread's request must be over


def http_client(openai: Any, base_url: str | None, timeout: float) -> Any:
    """An SDK HTTP client whose requests are bounded in total by their timeout. TLS verification stays on;
    for a plain http:// endpoint (a local server) no CA bundle is loaded (~0.1 s per run)."""
    plain = base_url is not None and base_url.lower().startswith("http://")
    return _client_class(openai.DefaultHttpxClient)(verify=not plain, timeout=timeout)


@cache
def _client_class(default_client: type) -> type:
    """The SDK's client class with bounded transports, on the httpx module it derives from."""
    httpx = _httpx_of(default_client)

    class BoundedBody(_Body, httpx.SyncByteStream):  # type: ignore[misc,name-defined]
        pass

    class BoundedTransport(httpx.HTTPTransport):  # type: ignore[misc,name-defined]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            pool = getattr(self, "_pool", None)
            backend = getattr(pool, "_network_backend", None)
            if backend is not None:  # every connection the pool opens from now on goes through the budget
                pool._network_backend = _Backend(backend, _timeouts_of(pool))  # type: ignore[union-attr]

        def handle_request(self, request: Any) -> Any:
            deadline_at = _deadline_at_of(request)
            with _budget(deadline_at):
                response = super().handle_request(request)
            if deadline_at is not None:
                response.stream = BoundedBody(response.stream, deadline_at, httpx.ReadTimeout)
            return response

    class BoundedClient(default_client):  # type: ignore[misc]
        """httpx builds its transports through these two hooks; passing `transport=` instead would turn off
        the proxies from the environment (HTTPS_PROXY...), which the SDK's default client honours."""

        def _init_transport(self, transport: Any = None, **kwargs: Any) -> Any:
            kwargs.pop("app", None)  # older httpx
            return transport if transport is not None else BoundedTransport(**kwargs)

        def _init_proxy_transport(self, proxy: Any, **kwargs: Any) -> Any:
            return BoundedTransport(proxy=proxy, **kwargs)

    return BoundedClient


def _httpx_of(client_class: type) -> Any:
    for base in client_class.__mro__:
        top = base.__module__.split(".")[0]
        if base.__name__ == "Client" and top.startswith("httpx"):
            return importlib.import_module(top)
    return importlib.import_module("httpx")


def _timeouts_of(pool: Any) -> tuple[type[Exception], type[Exception], type[Exception]]:
    """httpcore's (ConnectTimeout, ReadTimeout, WriteTimeout), from the package the pool comes from."""
    httpcore = importlib.import_module(type(pool).__module__.split(".")[0])
    return httpcore.ConnectTimeout, httpcore.ReadTimeout, httpcore.WriteTimeout


def _deadline_at_of(request: Any) -> float | None:
    """When the request must be over: now + the largest of its timeouts (the SDK sets them all equal)."""
    timeouts = request.extensions.get("timeout") or {}
    values = [v for v in timeouts.values() if isinstance(v, (int, float))]
    return time.monotonic() + max(values) if values else None


@contextmanager
def _budget(deadline_at: float | None) -> Iterator[None]:
    previous = getattr(_request, "deadline_at", None)
    _request.deadline_at = deadline_at
    try:
        yield
    finally:
        _request.deadline_at = previous


def _remaining(timeout: float | None, error: type[Exception]) -> float | None:
    """`timeout` capped at what is left of the current request's budget; `error` when nothing is left."""
    deadline_at: float | None = getattr(_request, "deadline_at", None)
    if deadline_at is None:
        return timeout
    remaining = deadline_at - time.monotonic()
    if remaining <= 0:
        raise error("the request's total time budget is spent")
    return remaining if timeout is None else min(timeout, remaining)


class _Body:
    """The response body: read inside the request's budget; a timeout once it is spent."""

    def __init__(self, inner: Any, deadline_at: float, timeout_error: type[Exception]) -> None:
        self._inner = inner
        self._deadline_at = deadline_at
        self._timeout_error = timeout_error

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._inner)
        while True:
            with _budget(self._deadline_at):
                chunk = next(chunks, None)
            if chunk is None:
                return
            if time.monotonic() >= self._deadline_at:
                raise self._timeout_error("the request's total time budget is spent")
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _Backend:
    """httpcore's network backend, with each connect capped by the current request's budget."""

    def __init__(self, inner: Any, errors: tuple[type[Exception], type[Exception], type[Exception]]) -> None:
        self._inner = inner
        self._errors = errors

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, **kwargs: Any) -> Any:
        timeout = _remaining(timeout, self._errors[0])
        return _Stream(self._inner.connect_tcp(host, port, timeout, **kwargs), self._errors)

    def connect_unix_socket(self, path: str, timeout: float | None = None, **kwargs: Any) -> Any:
        timeout = _remaining(timeout, self._errors[0])
        return _Stream(self._inner.connect_unix_socket(path, timeout, **kwargs), self._errors)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _Stream:
    """One connection's stream: every read, write and TLS handshake capped by the current request's budget."""

    def __init__(self, inner: Any, errors: tuple[type[Exception], type[Exception], type[Exception]]) -> None:
        self._inner = inner
        self._errors = errors

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._inner.read(max_bytes, _remaining(timeout, self._errors[1]))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout, self._errors[2]))

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        timeout = _remaining(timeout, self._errors[0])
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._errors)

    def close(self) -> None:
        self._inner.close()

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
