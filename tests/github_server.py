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
The server, its recording and its ``fail`` queue are tests/rest_server.py's.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from tests.rest_server import Answer, Recorded, RestServer, State, bearer, link, page_of, text_of

MAX_BODY = 65_536
NOT_FOUND: Answer = 404, {"message": "Not Found"}, {}
READ_ONLY: Answer = 403, {"message": "Resource not accessible by integration"}, {}
Pull = tuple[str, str, int]  # owner, repository, number


@dataclass
class Token:
    login: str
    kind: str = "User"  # "User" | "Bot"
    write: bool = True
    read_user: bool = True
    admin: bool = False


@dataclass
class GitHubState(State):
    tokens: dict[str, Token] = field(default_factory=dict)
    pulls: dict[Pull, list[dict[str, Any]]] = field(default_factory=dict)
    last_id: int = 999


class GitHubServer(RestServer):
    name = "github-server"
    methods = ("GET", "POST", "PATCH")
    content_type = "application/json; charset=utf-8"
    state: GitHubState

    def __init__(self, prefix: str = "", default_per_page: int = 30) -> None:
        super().__init__(prefix, GitHubState())
        self.default_per_page = default_per_page

    # fixtures ------------------------------------------------------------------------------------------
    def add_token(self, token: str, login: str, **kw: Any) -> None:
        self.state.tokens[token] = Token(login, **kw)

    def add_pull(self, repo: tuple[str, str], number: int) -> None:
        self.state.pulls[(repo[0], repo[1], number)] = []

    def add_comment(
        self, repo: tuple[str, str], number: int, body: str, login: str, kind: str = "User"
    ) -> int:
        with self.state.lock:
            cid = self.new_id()
            self.state.pulls[(repo[0], repo[1], number)].append(_comment(cid, body, login, kind))
        return cid

    def comments(self, repo: tuple[str, str], number: int) -> list[dict[str, Any]]:
        return list(self.state.pulls[(repo[0], repo[1], number)])

    # the API -------------------------------------------------------------------------------------------
    def forced(self, status: int) -> Answer:
        return status, {"message": f"forced {status}"}, {}

    def route(self, method: str, path: str, query: str, body: Any, rec: Recorded) -> Answer:
        value = bearer(rec.authorization, ("bearer", "token"))
        token = self.state.tokens.get(value) if value is not None else None
        if token is None:
            return 401, {"message": "Bad credentials"}, {}
        parts = path.strip("/").split("/")
        if method == "GET" and parts == ["user"]:
            if not token.read_user:
                return READ_ONLY
            return 200, {"login": token.login, "type": token.kind}, {}
        if len(parts) == 6 and parts[0] == "repos" and parts[3] == "issues" and parts[5] == "comments":
            key = (parts[1], parts[2], int(parts[4])) if parts[4].isdigit() else None
            if key is None or key not in self.state.pulls:
                return NOT_FOUND
            if method == "GET":
                return self._list(key, query)
            if method == "POST":
                return self._create(key, token, body)
        if (
            method == "PATCH"
            and len(parts) == 6
            and parts[0] == "repos"
            and parts[3:5] == ["issues", "comments"]
        ):
            return self._update((parts[1], parts[2]), parts[5], token, body)
        return NOT_FOUND

    def _list(self, key: Pull, query: str) -> Answer:
        params = urllib.parse.parse_qs(query)
        per_page = min(int(params.get("per_page", [self.default_per_page])[0]), 100)
        page = max(int(params.get("page", ["1"])[0]), 1)
        with self.state.lock:
            chunk, last = page_of(list(self.state.pulls[key]), page, per_page)
        base = f"{self.link_base or self.api_url}/repos/{key[0]}/{key[1]}/issues/{key[2]}/comments"
        rels = [("prev", page - 1), ("first", 1)] if page > 1 else []
        rels += [("next", page + 1), ("last", last)] if page < last else []
        links = link(lambda n: f"{base}?per_page={per_page}&page={n}", rels)
        return 200, chunk, {"Link": links} if links else {}

    def _text(self, token: Token, body: Any) -> str | Answer:
        """The comment a token may write, or the answer that refuses it."""
        text = text_of(body)
        if not token.write:
            return READ_ONLY
        if text is None or len(text) > MAX_BODY:
            return 422, {"message": "Validation Failed"}, {}
        return text

    def _create(self, key: Pull, token: Token, body: Any) -> Answer:
        text = self._text(token, body)
        if not isinstance(text, str):
            return text
        cid = self.add_comment((key[0], key[1]), key[2], text, token.login, token.kind)
        return 201, _comment(cid, text, token.login, token.kind), {}

    def _update(self, repo: tuple[str, str], cid_text: str, token: Token, body: Any) -> Answer:
        text = self._text(token, body)
        if not isinstance(text, str):
            return text
        with self.state.lock:
            for (o, r, _n), comments in self.state.pulls.items():
                for comment in comments if (o, r) == repo else []:
                    if str(comment["id"]) != cid_text:
                        continue
                    if comment["user"]["login"] != token.login and not token.admin:
                        return 403, {"message": "Must have admin rights to Repository."}, {}
                    comment["body"] = text
                    return 200, comment, {}
        return NOT_FOUND


def _comment(cid: int, body: str, login: str, kind: str) -> dict[str, Any]:
    return {"id": cid, "body": body, "user": {"login": login, "type": kind}}
