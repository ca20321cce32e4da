"""What the loopback REST fakes (tests/github_server.py, tests/gitlab_server.py) have in common: a JSON API
on 127.0.0.1 under a path prefix, served by a thread the ``with`` block starts and stops, every request
recorded, and the next answers to a method forced with ``fail``. A fake is a subclass that says what differs:
its methods, its routes (``route``), its forced and not-found bodies and its Content-Type.

    class Fake(RestServer):
        name, methods = "fake-server", ("GET",)
        def route(self, method, path, query, body, rec): return 200, {"ok": True}, {}
        def forced(self, status): return status, {"message": "forced"}, {}

A method the fake does not list is answered as http.server answers it: 501 Unsupported method, unrecorded.
"""

from __future__ import annotations

import abc
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

Answer = tuple[int, Any, dict[str, str]]  # status, JSON payload, extra headers
Server = TypeVar("Server", bound="RestServer")


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: Any = None
    status: int = 0

    @property
    def authorization(self) -> str | None:
        return self.headers.get("Authorization")

    @property
    def private_token(self) -> str | None:  # GitLab's own token header
        return self.headers.get("PRIVATE-TOKEN")


@dataclass
class State:
    requests: list[Recorded] = field(default_factory=list)
    last_id: int = 0  # the last id given to an object the fake made
    lock: threading.Lock = field(default_factory=threading.Lock)


class RestServer(abc.ABC):
    name = "rest-server"  # the serving thread's name
    methods: tuple[str, ...] = ()
    content_type = "application/json"
    not_found: Any = {"message": "Not Found"}  # the body for a path outside the prefix

    def __init__(self, prefix: str, state: State) -> None:
        self.prefix = prefix.rstrip("/")
        self.state = state
        self.link_base: str | None = None  # pagination links point here instead (a hostile or moved API)
        self.fail: dict[str, list[int]] = {}  # method -> next statuses, e.g. {"PATCH": [404]}
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @abc.abstractmethod
    def route(self, method: str, path: str, query: str, body: Any, rec: Recorded) -> Answer:
        """The answer to ``path`` (below the prefix) with its raw ``query`` and its JSON ``body``."""

    @abc.abstractmethod
    def forced(self, status: int) -> Answer:
        """The answer when ``fail`` forces ``status``."""

    # lifecycle -----------------------------------------------------------------------------------------
    def __enter__(self: Server) -> Server:
        verbs = {f"do_{method}": _verb(method) for method in self.methods}
        self._httpd = _Server(("127.0.0.1", 0), type("Handler", (_Handler,), verbs))
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name=self.name, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._httpd is not None and self._thread is not None
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    @property
    def api_url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{self.prefix}"

    # what the tests read -------------------------------------------------------------------------------
    @property
    def requests(self) -> list[Recorded]:
        return list(self.state.requests)

    def calls(self, method: str) -> list[Recorded]:
        return [r for r in self.state.requests if r.method == method]

    def new_id(self) -> int:
        """The next object id (the caller holds the lock)."""
        self.state.last_id += 1
        return self.state.last_id

    def answer(self, method: str, url: urllib.parse.SplitResult, body: Any, rec: Recorded) -> Answer:
        with self.state.lock:
            self.state.requests.append(rec)
            queue = self.fail.get(method)
            forced = queue.pop(0) if queue else None
        if forced is not None:
            return self.forced(forced)
        if not url.path.startswith(self.prefix + "/"):
            return 404, self.not_found, {}
        return self.route(method, url.path[len(self.prefix) :], url.query, body, rec)


def bearer(authorization: str | None, schemes: tuple[str, ...] = ("bearer",)) -> str | None:
    """The credential of an ``Authorization: <scheme> <credential>`` header with one of ``schemes``."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    return value if scheme.lower() in schemes else None


def text_of(body: Any) -> str | None:
    """The ``body`` string of a JSON object, as both APIs take a comment's text."""
    text = body.get("body") if isinstance(body, dict) else None
    return text if isinstance(text, str) else None


def page_of(items: list[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """(the items on ``page``, the last page number: 1 for no items)."""
    last = max((len(items) + per_page - 1) // per_page, 1)
    return items[(page - 1) * per_page : page * per_page], last


def link(url: Callable[[int], str], rels: Iterable[tuple[str, int]]) -> str:
    """An RFC 8288 ``Link`` header value: ``<url(page)>; rel="name"`` for every (name, page)."""
    return ", ".join(f'<{url(page)}>; rel="{rel}"' for rel, page in rels)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: RestServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def dispatch(self, method: str) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        record = Recorded(method, url.path, urllib.parse.parse_qs(url.query), self.headers, body)
        status, payload, headers = self.server.owner.answer(method, url, body, record)
        record.status = status
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", self.server.owner.content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _verb(method: str) -> Callable[[_Handler], None]:
    def do(handler: _Handler) -> None:
        handler.dispatch(method)

    return do
