"""A loopback GitLab REST API v4 for tests (127.0.0.1 only): the merge-request note paths ariadne-hook uses.

    with GitLabServer() as gl:
        gl.add_token("glpat-write", user_id=7, username="project_42_bot")
        gl.add_merge_request(42, 5)
        env = {"CI_API_V4_URL": gl.api_url, "GITLAB_TOKEN": "glpat-write", ...}

Paths (under /api/v4), as GitLab answers them:
  GET  /user                                          200 {"id", "username", ...}; 403 insufficient_scope
                                                      (OAuth's error body) for a token with read_user=False
  GET  /projects/:id/merge_requests/:iid/notes        per_page (default 20, max 100), page, sort (asc|desc,
                                                      default desc), order_by (created_at|updated_at); a
                                                      ``Link`` header (prev, next, first, last) and
                                                      X-Page, X-Per-Page, X-Next-Page, X-Prev-Page (empty
                                                      on the first/last page), X-Total, X-Total-Pages
  POST /projects/:id/merge_requests/:iid/notes        201 the note; 403 {"message": "403 Forbidden"} for a
                                                      token that may not write; 400 {"message": {"note":
                                                      ["is too long (maximum is 1000000 characters)"]}}
  PUT  /projects/:id/merge_requests/:iid/notes/:nid   200; 403 for another user's note; 404 unknown note
Authentication is the ``PRIVATE-TOKEN`` header (or ``Authorization: Bearer``); none or unknown: 401
{"message": "401 Unauthorized"}. ``:id`` is the numeric id or the URL-encoded path. Quick actions are
executed as GitLab does when a note is created or updated: carriage returns are deleted, then every line that
begins with ``/<command>`` is taken out of the note and recorded in ``executed`` (this stand-in has no
exemption for code blocks or quotes, so it is stricter than GitLab). Every request is recorded.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY = 1_000_000
INSUFFICIENT_SCOPE = {  # GitLab's (Doorkeeper's) body for a token without the scope a path needs
    "error": "insufficient_scope",
    "error_description": "The request requires higher privileges than provided by the access token.",
    "scope": "read_user api",
}
PREFIX = "/api/v4"
# a sample of GitLab's merge-request quick actions (lib/gitlab/quick_actions/*)
COMMANDS = (
    *("approve", "unapprove", "merge", "close", "reopen", "label", "unlabel", "relabel", "assign"),
    *("unassign", "assign_reviewer", "reviewer", "title", "lock", "unlock", "draft", "ready", "rebase"),
    *("milestone", "remove_milestone", "todo", "done", "subscribe", "unsubscribe", "award", "shrug"),
    *("tableflip", "spend", "estimate", "target_branch", "copy_metadata", "submit_review", "cc"),
)
_QUICK = re.compile(rf"^/(?P<cmd>{'|'.join(COMMANDS)})(?:[ ](?P<arg>[^\n]*))?(?:[ \t]*\n|$)", re.I | re.M)


@dataclass
class Token:
    user_id: int
    username: str
    write: bool = True
    read_user: bool = True


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    private_token: str | None
    authorization: str | None
    body: Any = None
    status: int = 0


@dataclass
class State:
    tokens: dict[str, Token] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    merge_requests: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)
    paths: dict[str, int] = field(default_factory=dict)  # "group/project" -> id
    requests: list[Recorded] = field(default_factory=list)
    executed: list[tuple[str, str]] = field(default_factory=list)  # quick actions: (command, argument)
    next_id: int = 5000
    clock: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class GitLabServer:
    def __init__(self, links: bool = True) -> None:
        self.links = links  # False: only the X-Next-Page headers say there is a next page
        self.fail: dict[str, list[int]] = {}  # method -> next statuses, e.g. {"PUT": [404]}
        self.state = State()
        self.link_base: str | None = None  # pagination links point here instead (a hostile or moved API)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> GitLabServer:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="gitlab-server",
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
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{PREFIX}"

    # fixtures ------------------------------------------------------------------------------------------
    def add_token(self, token: str, user_id: int, username: str, **kw: Any) -> None:
        self.state.tokens[token] = Token(user_id, username, **kw)
        self.state.users[user_id] = username

    def add_merge_request(self, project: int, iid: int, path: str | None = None) -> None:
        self.state.merge_requests[(project, iid)] = []
        if path:
            self.state.paths[path] = project

    def add_note(self, project: int, iid: int, body: str, user_id: int, username: str, **kw: Any) -> int:
        with self.state.lock:
            self.state.users.setdefault(user_id, username)
            note = self._note(project, iid, body, user_id, **kw)
            self.state.merge_requests[(project, iid)].append(note)
        return int(note["id"])

    def notes(self, project: int, iid: int) -> list[dict[str, Any]]:
        return [dict(n) for n in self.state.merge_requests[(project, iid)]]

    @property
    def requests(self) -> list[Recorded]:
        return list(self.state.requests)

    def calls(self, method: str) -> list[Recorded]:
        return [r for r in self.state.requests if r.method == method]

    @property
    def executed(self) -> list[tuple[str, str]]:
        return list(self.state.executed)

    def _stamp(self) -> str:
        """The next instant of this server's clock, as GitLab writes it (the caller holds the lock)."""
        self.state.clock += 1
        hours, rest = divmod(self.state.clock, 3600)
        return f"2026-12-03T{hours % 24:02d}:{rest // 60:02d}:{rest % 60:02d}.000Z"

    def _note(self, project: int, iid: int, body: str, user_id: int, system: bool = False) -> dict[str, Any]:
        """A note as the API returns it (the caller holds the lock)."""
        self.state.next_id += 1
        stamp = self._stamp()
        author = {"id": user_id, "username": self.state.users[user_id], "name": self.state.users[user_id],
                  "state": "active", "locked": False}  # fmt: skip
        return {
            "id": self.state.next_id, "type": None, "body": body, "author": author, "created_at": stamp,
            "updated_at": stamp, "system": system, "noteable_id": 90000 + iid,
            "noteable_type": "MergeRequest", "project_id": project, "noteable_iid": iid, "resolvable": False,
            "confidential": False,
            "internal": False, "imported": False, "imported_from": "none",
        }  # fmt: skip


def quick_actions(body: str) -> tuple[str, list[tuple[str, str]]]:
    """(the note without its quick actions, the actions) as GitLab's extractor takes them out of a note."""
    found: list[tuple[str, str]] = []

    def take(match: re.Match[str]) -> str:
        found.append((match.group("cmd").lower(), (match.group("arg") or "").strip()))
        return ""

    return _QUICK.sub(take, body.replace("\r", "")).rstrip(), found


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: GitLabServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

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
            method,
            url.path,
            urllib.parse.parse_qs(url.query),
            self.headers.get("PRIVATE-TOKEN"),
            self.headers.get("Authorization"),
            body,
        )
        with owner.state.lock:
            owner.state.requests.append(record)
            queue = owner.fail.get(method)
            forced = queue.pop(0) if queue else None
        if forced is not None:
            status, payload, headers = forced, {"message": f"{forced} forced"}, dict[str, str]()
            if 300 <= forced < 400:  # a redirect elsewhere: a client that follows it sends the token there
                headers["Location"] = "http://127.0.0.2:9/api/v4/user"
        elif not url.path.startswith(PREFIX + "/"):
            status, payload, headers = 404, {"error": "404 Not Found"}, {}
        else:
            status, payload, headers = _route(owner, method, url.path[len(PREFIX) :], url.query, body, record)
        record.status = status
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


Answer = tuple[int, Any, dict[str, str]]


def _route(owner: GitLabServer, method: str, path: str, query: str, body: Any, rec: Recorded) -> Answer:
    token = _token(owner, rec)
    if token is None:
        return 401, {"message": "401 Unauthorized"}, {}
    parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
    if method == "GET" and parts == ["user"]:
        if not token.read_user:
            return 403, INSUFFICIENT_SCOPE, {}
        return 200, {"id": token.user_id, "username": token.username, "name": token.username,
                     "state": "active", "bot": True}, {}  # fmt: skip
    if len(parts) < 5 or parts[0] != "projects" or parts[2] != "merge_requests" or parts[4] != "notes":
        return 404, {"error": "404 Not Found"}, {}
    project = int(parts[1]) if parts[1].isdigit() else owner.state.paths.get(parts[1], -1)
    key = (project, int(parts[3])) if parts[3].isdigit() else None
    if key is None or key not in owner.state.merge_requests:
        return 404, {"message": "404 Not found"}, {}
    if len(parts) == 5 and method == "GET":
        return _list(owner, key, path, query)
    if len(parts) == 5 and method == "POST":
        return _create(owner, key, token, body)
    if len(parts) == 6 and method == "PUT":
        return _update(owner, key, parts[5], token, body)
    return 405, {"error": "405 Method Not Allowed"}, {}


def _token(owner: GitLabServer, rec: Recorded) -> Token | None:
    value = rec.private_token
    if value is None and rec.authorization:
        scheme, _, rest = rec.authorization.partition(" ")
        value = rest if scheme.lower() == "bearer" else None
    return owner.state.tokens.get(value) if value else None


def _list(owner: GitLabServer, key: tuple[int, int], path: str, query: str) -> Answer:
    params = urllib.parse.parse_qs(query)
    per_page = min(max(int(params.get("per_page", ["20"])[0]), 1), 100)
    page = max(int(params.get("page", ["1"])[0]), 1)
    order = params.get("order_by", ["created_at"])[0]
    with owner.state.lock:
        items = sorted(owner.state.merge_requests[key], key=lambda n: (n[order], n["id"]))
    if params.get("sort", ["desc"])[0] == "desc":
        items.reverse()
    total = len(items)
    last = max((total + per_page - 1) // per_page, 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    headers = {
        "X-Page": str(page),
        "X-Per-Page": str(per_page),
        "X-Next-Page": str(page + 1) if page < last else "",
        "X-Prev-Page": str(page - 1) if page > 1 else "",
        "X-Total": str(total),
        "X-Total-Pages": str(last),
    }
    if owner.links:
        base = (owner.link_base or owner.api_url) + path

        def url(n: int) -> str:
            rest = {k: v[0] for k, v in params.items() if k != "page"}
            return f"<{base}?{urllib.parse.urlencode({**rest, 'page': n})}>"

        rels = [f'{url(page - 1)}; rel="prev"'] if page > 1 else []
        rels += [f'{url(page + 1)}; rel="next"'] if page < last else []
        rels += [f'{url(1)}; rel="first"', f'{url(last)}; rel="last"']
        headers["Link"] = ", ".join(rels)
    return 200, chunk, headers


def _text(body: Any) -> str | None:
    text = body.get("body") if isinstance(body, dict) else None
    return text if isinstance(text, str) else None


def _create(owner: GitLabServer, key: tuple[int, int], token: Token, body: Any) -> Answer:
    if not token.write:
        return 403, {"message": "403 Forbidden"}, {}
    text = _text(body)
    if text is None:
        return 400, {"error": "body is missing"}, {}
    if len(text) > MAX_BODY:
        return 400, {"message": {"note": ["is too long (maximum is 1000000 characters)"]}}, {}
    kept, actions = quick_actions(text)
    with owner.state.lock:
        owner.state.executed.extend(actions)
        if not kept:  # only commands: GitLab applies them and keeps no note
            return 202, {"commands_changes": {}, "summary": [f"Ran /{a}" for a, _ in actions]}, {}
        note = owner._note(key[0], key[1], kept, token.user_id)
        owner.state.merge_requests[key].append(note)
    return 201, note, {}


def _update(owner: GitLabServer, key: tuple[int, int], nid: str, token: Token, body: Any) -> Answer:
    if not token.write:
        return 403, {"message": "403 Forbidden"}, {}
    text = _text(body)
    if text is None:
        return 400, {"error": "body is missing"}, {}
    if len(text) > MAX_BODY:
        return 400, {"message": {"note": ["is too long (maximum is 1000000 characters)"]}}, {}
    with owner.state.lock:
        for note in owner.state.merge_requests[key]:
            if str(note["id"]) != nid:
                continue
            if note["author"]["id"] != token.user_id:
                return 403, {"message": "403 Forbidden"}, {}
            kept, actions = quick_actions(text)
            owner.state.executed.extend(actions)
            note["body"] = kept
            note["updated_at"] = owner._stamp()
            return 200, dict(note), {}
    return 404, {"message": "404 Note Not Found"}, {}
