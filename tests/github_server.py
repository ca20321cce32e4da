"""A loopback GitHub REST server for tests (127.0.0.1 only): the few issue-comment paths ariadne-hook uses.

    with GitHubServer() as gh:
        gh.add_token("t-write", login="github-actions[bot]", kind="Bot", write=True, read_user=False)
        gh.add_pull(("octo", "app"), 7)
        env = {"GITHUB_API_URL": gh.api_url, "GITHUB_TOKEN": "t-write", ...}

Paths (under an optional prefix such as ``/api/v3`` for GitHub Enterprise):
  GET   /user                                     200 {"login"}, or 403 for tokens with read_user=False
  GET   /repos/{o}/{r}/issues/{n}/comments        per_page (default 30, max 100) and page, with a real
                                                  ``Link`` header (rel="next", "last", "prev", "first")
  POST  /repos/{o}/{r}/issues/{n}/comments        201; 403 for a read-only token; 422 for a body > 65,536
  PATCH /repos/{o}/{r}/issues/comments/{id}       200; 403 read-only, or another user's comment and the
                                                  token is not an admin; 404 unknown id
Unknown or missing token: 401. Unknown repository or pull request: 404. Every request is recorded.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY = 65_536


@dataclass
class Token:
    login: str
    kind: str = "User"  # "User" | "Bot"
    write: bool = True
    read_user: bool = True
    admin: bool = False


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str | None
    body: Any = None
    status: int = 0


@dataclass
class State:
    tokens: dict[str, Token] = field(default_factory=dict)
    pulls: dict[tuple[str, str, int], list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    next_id: int = 1000
    lock: threading.Lock = field(default_factory=threading.Lock)


class GitHubServer:
    def __init__(self, prefix: str = "", default_per_page: int = 30) -> None:
        self.prefix = prefix.rstrip("/")
        self.default_per_page = default_per_page
        self.state = State()
        self.link_base: str | None = None  # pagination links point here instead (a hostile or moved API)
        self.fail: dict[str, list[int]] = {}  # method -> next statuses, e.g. {"PATCH": [404]}
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -----------------------------------------------------------------------------------------
    def __enter__(self) -> GitHubServer:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="github-server",
            daemon=True,
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

    # fixtures ------------------------------------------------------------------------------------------
    def add_token(self, token: str, login: str, **kw: Any) -> None:
        self.state.tokens[token] = Token(login, **kw)

    def add_pull(self, repo: tuple[str, str], number: int) -> None:
        self.state.pulls[(repo[0], repo[1], number)] = []

    def add_comment(
        self, repo: tuple[str, str], number: int, body: str, login: str, kind: str = "User"
    ) -> int:
        with self.state.lock:
            cid = self.state.next_id
            self.state.next_id += 1
            self.state.pulls[(repo[0], repo[1], number)].append(_comment(cid, body, login, kind))
        return cid

    def comments(self, repo: tuple[str, str], number: int) -> list[dict[str, Any]]:
        return list(self.state.pulls[(repo[0], repo[1], number)])

    @property
    def requests(self) -> list[Recorded]:
        return list(self.state.requests)

    def calls(self, method: str) -> list[Recorded]:
        return [r for r in self.state.requests if r.method == method]


def _comment(cid: int, body: str, login: str, kind: str) -> dict[str, Any]:
    return {"id": cid, "body": body, "user": {"login": login, "type": kind}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: GitHubServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    # plumbing ------------------------------------------------------------------------------------------
    def _dispatch(self, method: str) -> None:
        owner = self.server.owner
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        record = Recorded(
            method, url.path, urllib.parse.parse_qs(url.query), self.headers.get("Authorization"), body
        )
        with owner.state.lock:
            owner.state.requests.append(record)
            queue = owner.fail.get(method)
            forced = queue.pop(0) if queue else None
        if forced is not None:
            status, payload, headers = forced, {"message": f"forced {forced}"}, dict[str, str]()
        elif not url.path.startswith(owner.prefix + "/"):
            status, payload, headers = 404, {"message": "Not Found"}, {}
        else:
            status, payload, headers = _route(
                owner, method, url.path[len(owner.prefix) :], url.query, body, record
            )
        record.status = status
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


Answer = tuple[int, Any, dict[str, str]]


def _route(owner: GitHubServer, method: str, path: str, query: str, body: Any, rec: Recorded) -> Answer:
    token = _token(owner, rec.authorization)
    if token is None:
        return 401, {"message": "Bad credentials"}, {}
    parts = path.strip("/").split("/")
    if method == "GET" and parts == ["user"]:
        if not token.read_user:
            return 403, {"message": "Resource not accessible by integration"}, {}
        return 200, {"login": token.login, "type": token.kind}, {}
    if len(parts) == 6 and parts[0] == "repos" and parts[3] == "issues" and parts[5] == "comments":
        key = (parts[1], parts[2], int(parts[4])) if parts[4].isdigit() else None
        if key is None or key not in owner.state.pulls:
            return 404, {"message": "Not Found"}, {}
        if method == "GET":
            return _list(owner, key, query)
        if method == "POST":
            return _create(owner, key, token, body)
    if len(parts) == 6 and parts[0] == "repos" and parts[3:5] == ["issues", "comments"] and method == "PATCH":
        return _update(owner, (parts[1], parts[2]), parts[5], token, body)
    return 404, {"message": "Not Found"}, {}


def _token(owner: GitHubServer, authorization: str | None) -> Token | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() not in ("bearer", "token"):
        return None
    return owner.state.tokens.get(value)


def _list(owner: GitHubServer, key: tuple[str, str, int], query: str) -> Answer:
    params = urllib.parse.parse_qs(query)
    per_page = min(int(params.get("per_page", [owner.default_per_page])[0]), 100)
    page = max(int(params.get("page", ["1"])[0]), 1)
    with owner.state.lock:
        items = list(owner.state.pulls[key])
    last = max((len(items) + per_page - 1) // per_page, 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    return 200, chunk, _link(owner, key, per_page, page, last)


def _link(
    owner: GitHubServer, key: tuple[str, str, int], per_page: int, page: int, last: int
) -> dict[str, str]:
    base = f"{owner.link_base or owner.api_url}/repos/{key[0]}/{key[1]}/issues/{key[2]}/comments"

    def url(n: int) -> str:
        return f"<{base}?per_page={per_page}&page={n}>"

    rels = []
    if page > 1:
        rels += [f'{url(page - 1)}; rel="prev"', f'{url(1)}; rel="first"']
    if page < last:
        rels += [f'{url(page + 1)}; rel="next"', f'{url(last)}; rel="last"']
    return {"Link": ", ".join(rels)} if rels else {}


def _create(owner: GitHubServer, key: tuple[str, str, int], token: Token, body: Any) -> Answer:
    if not token.write:
        return 403, {"message": "Resource not accessible by integration"}, {}
    text = body.get("body") if isinstance(body, dict) else None
    if not isinstance(text, str) or len(text) > MAX_BODY:
        return 422, {"message": "Validation Failed"}, {}
    cid = owner.add_comment((key[0], key[1]), key[2], text, token.login, token.kind)
    return 201, _comment(cid, text, token.login, token.kind), {}


def _update(owner: GitHubServer, repo: tuple[str, str], cid_text: str, token: Token, body: Any) -> Answer:
    if not token.write:
        return 403, {"message": "Resource not accessible by integration"}, {}
    text = body.get("body") if isinstance(body, dict) else None
    if not isinstance(text, str) or len(text) > MAX_BODY:
        return 422, {"message": "Validation Failed"}, {}
    with owner.state.lock:
        for (o, r, _n), comments in owner.state.pulls.items():
            for comment in comments if (o, r) == repo else []:
                if str(comment["id"]) != cid_text:
                    continue
                if comment["user"]["login"] != token.login and not token.admin:
                    return 403, {"message": "Must have admin rights to Repository."}, {}
                comment["body"] = text
                return 200, comment, {}
    return 404, {"message": "Not Found"}, {}
