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
The server, its recording and its ``fail`` queue are tests/rest_server.py's.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from tests.rest_server import Answer, Recorded, RestServer, State, bearer, link, page_of, text_of

MAX_BODY = 1_000_000
TOO_LONG: Answer = 400, {"message": {"note": ["is too long (maximum is 1000000 characters)"]}}, {}
FORBIDDEN: Answer = 403, {"message": "403 Forbidden"}, {}
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
MergeRequest = tuple[int, int]  # project id, iid


@dataclass
class Token:
    user_id: int
    username: str
    write: bool = True
    read_user: bool = True


@dataclass
class GitLabState(State):
    tokens: dict[str, Token] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    merge_requests: dict[MergeRequest, list[dict[str, Any]]] = field(default_factory=dict)
    paths: dict[str, int] = field(default_factory=dict)  # "group/project" -> id
    executed: list[tuple[str, str]] = field(default_factory=list)  # quick actions: (command, argument)
    last_id: int = 5000
    clock: int = 0


class GitLabServer(RestServer):
    name = "gitlab-server"
    methods = ("GET", "POST", "PUT")
    not_found = {"error": "404 Not Found"}
    state: GitLabState

    def __init__(self, links: bool = True) -> None:
        super().__init__(PREFIX, GitLabState())
        self.links = links  # False: only the X-Next-Page headers say there is a next page

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
    def executed(self) -> list[tuple[str, str]]:
        return list(self.state.executed)

    def _stamp(self) -> str:
        """The next instant of this server's clock, as GitLab writes it (the caller holds the lock)."""
        self.state.clock += 1
        hours, rest = divmod(self.state.clock, 3600)
        return f"2026-12-03T{hours % 24:02d}:{rest // 60:02d}:{rest % 60:02d}.000Z"

    def _note(self, project: int, iid: int, body: str, user_id: int, system: bool = False) -> dict[str, Any]:
        """A note as the API returns it (the caller holds the lock)."""
        nid, stamp = self.new_id(), self._stamp()
        author = {"id": user_id, "username": self.state.users[user_id], "name": self.state.users[user_id],
                  "state": "active", "locked": False}  # fmt: skip
        return {
            "id": nid, "type": None, "body": body, "author": author, "created_at": stamp,
            "updated_at": stamp, "system": system, "noteable_id": 90000 + iid,
            "noteable_type": "MergeRequest", "project_id": project, "noteable_iid": iid, "resolvable": False,
            "confidential": False,
            "internal": False, "imported": False, "imported_from": "none",
        }  # fmt: skip

    # the API -------------------------------------------------------------------------------------------
    def forced(self, status: int) -> Answer:
        headers: dict[str, str] = {}
        if 300 <= status < 400:  # a redirect elsewhere: a client that follows it sends the token there
            headers["Location"] = "http://127.0.0.2:9/api/v4/user"
        return status, {"message": f"{status} forced"}, headers

    def route(self, method: str, path: str, query: str, body: Any, rec: Recorded) -> Answer:
        value = rec.private_token if rec.private_token is not None else bearer(rec.authorization)
        token = self.state.tokens.get(value) if value else None
        if token is None:
            return 401, {"message": "401 Unauthorized"}, {}
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if method == "GET" and parts == ["user"]:
            if not token.read_user:
                return 403, INSUFFICIENT_SCOPE, {}
            return 200, {"id": token.user_id, "username": token.username, "name": token.username,
                         "state": "active", "bot": True}, {}  # fmt: skip
        if len(parts) < 5 or parts[0] != "projects" or parts[2] != "merge_requests" or parts[4] != "notes":
            return 404, self.not_found, {}
        project = int(parts[1]) if parts[1].isdigit() else self.state.paths.get(parts[1], -1)
        key = (project, int(parts[3])) if parts[3].isdigit() else None
        if key is None or key not in self.state.merge_requests:
            return 404, {"message": "404 Not found"}, {}
        if len(parts) == 5 and method == "GET":
            return self._list(key, path, query)
        if len(parts) == 5 and method == "POST":
            return self._create(key, token, body)
        if len(parts) == 6 and method == "PUT":
            return self._update(key, parts[5], token, body)
        return 405, {"error": "405 Method Not Allowed"}, {}

    def _list(self, key: MergeRequest, path: str, query: str) -> Answer:
        params = urllib.parse.parse_qs(query)
        per_page = min(max(int(params.get("per_page", ["20"])[0]), 1), 100)
        page = max(int(params.get("page", ["1"])[0]), 1)
        order = params.get("order_by", ["created_at"])[0]
        with self.state.lock:
            items = sorted(self.state.merge_requests[key], key=lambda n: (n[order], n["id"]))
        if params.get("sort", ["desc"])[0] == "desc":
            items.reverse()
        chunk, last = page_of(items, page, per_page)
        headers = {
            "X-Page": str(page),
            "X-Per-Page": str(per_page),
            "X-Next-Page": str(page + 1) if page < last else "",
            "X-Prev-Page": str(page - 1) if page > 1 else "",
            "X-Total": str(len(items)),
            "X-Total-Pages": str(last),
        }
        if self.links:
            base = (self.link_base or self.api_url) + path
            rest = {k: v[0] for k, v in params.items() if k != "page"}
            rels = [("prev", page - 1)] if page > 1 else []
            rels += [("next", page + 1)] if page < last else []
            rels += [("first", 1), ("last", last)]
            headers["Link"] = link(lambda n: f"{base}?{urllib.parse.urlencode({**rest, 'page': n})}", rels)
        return 200, chunk, headers

    def _text(self, token: Token, body: Any) -> str | Answer:
        """The note a token may write, or the answer that refuses it."""
        text = text_of(body)
        if not token.write:
            return FORBIDDEN
        if text is None:
            return 400, {"error": "body is missing"}, {}
        return TOO_LONG if len(text) > MAX_BODY else text

    def _create(self, key: MergeRequest, token: Token, body: Any) -> Answer:
        text = self._text(token, body)
        if not isinstance(text, str):
            return text
        kept, actions = quick_actions(text)
        with self.state.lock:
            self.state.executed.extend(actions)
            if not kept:  # only commands: GitLab applies them and keeps no note
                return 202, {"commands_changes": {}, "summary": [f"Ran /{a}" for a, _ in actions]}, {}
            note = self._note(key[0], key[1], kept, token.user_id)
            self.state.merge_requests[key].append(note)
        return 201, note, {}

    def _update(self, key: MergeRequest, nid: str, token: Token, body: Any) -> Answer:
        text = self._text(token, body)
        if not isinstance(text, str):
            return text
        with self.state.lock:
            for note in self.state.merge_requests[key]:
                if str(note["id"]) != nid:
                    continue
                if note["author"]["id"] != token.user_id:
                    return FORBIDDEN
                kept, actions = quick_actions(text)
                self.state.executed.extend(actions)
                note["body"] = kept
                note["updated_at"] = self._stamp()
                return 200, dict(note), {}
        return 404, {"message": "404 Note Not Found"}, {}


def quick_actions(body: str) -> tuple[str, list[tuple[str, str]]]:
    """(the note without its quick actions, the actions) as GitLab's extractor takes them out of a note."""
    found: list[tuple[str, str]] = []

    def take(match: re.Match[str]) -> str:
        found.append((match.group("cmd").lower(), (match.group("arg") or "").strip()))
        return ""

    return _QUICK.sub(take, body.replace("\r", "")).rstrip(), found
