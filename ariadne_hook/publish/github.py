"""Upsert ONE pull-request comment through the GitHub REST API (``urllib.request``, no extra dependency).

The comment is ours when its body starts with :data:`MARKER` and its author is this token's user (``GET
/user``); an Actions/App token cannot read ``/user``, and then a marked comment counts as ours only when its
author is a bot, so a person cannot make us overwrite their comment by pasting the marker. Every failure is
a one-line status, never an exception; the token never appears in any message.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ariadne_hook.publish.actions_env import pull_request, repository
from ariadne_hook.render.sanitize import trim_markdown

MARKER = "<!-- ariadne-hook:review -->"
MAX_COMMENT_CHARS = 65_536
DEFAULT_API_URL = "https://api.github.com"
PER_PAGE = 100
MAX_PAGES = 100  # 10,000 comments: enough for any pull request, and no endless Link loop
TIMEOUT = 15.0
TRIM_NOTE = (
    "> **Note:** this review was trimmed to fit GitHub's 65,536-character comment limit; "
    "the full review is in the job summary and the review file."
)
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class GitHubError(Exception):
    """A failed API call; ``str(exc)`` is one line, never containing the token."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Api:
    base_url: str  # no trailing slash, e.g. https://api.github.com or https://ghe.example/api/v3
    token: str = field(repr=False)
    timeout: float = TIMEOUT


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: urllib would resend the Authorization header to wherever it points."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


def api_from_env(env: Mapping[str, str]) -> Api:
    """The API endpoint and token of the Actions environment; raises GitHubError when unusable."""
    token = env.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise GitHubError("GITHUB_TOKEN is not set")
    base = (env.get("GITHUB_API_URL") or DEFAULT_API_URL).strip().rstrip("/")
    parts = urllib.parse.urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise GitHubError(f"GITHUB_API_URL is not an http(s) URL: {base!r}")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise GitHubError("GITHUB_API_URL uses plain http: refusing to send the token")
    return Api(base, token)


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        data = json.loads(exc.read().decode("utf-8", "replace"))
        message = str(data.get("message", "")) if isinstance(data, dict) else ""
    except (OSError, ValueError):
        message = ""
    return " ".join(message.split())[:200] or (exc.reason if isinstance(exc.reason, str) else "")


def request(api: Api, method: str, url: str, payload: Mapping[str, Any] | None = None) -> tuple[Any, str]:
    """(decoded JSON, Link header) of one API call; raises GitHubError."""
    body = json.dumps(payload).encode("utf-8") if payload is not None else None
    req = urllib.request.Request(url, data=body, method=method)
    req.add_header("Accept", "application/vnd.github+json")
    req.add_header("Authorization", f"Bearer {api.token}")
    req.add_header("X-GitHub-Api-Version", "2022-11-28")
    req.add_header("User-Agent", "ariadne-hook")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with _OPENER.open(req, timeout=api.timeout) as resp:
            raw = resp.read()
            link = resp.headers.get("Link", "")
    except urllib.error.HTTPError as exc:
        limited = exc.code in (403, 429) and exc.headers.get("x-ratelimit-remaining") == "0"
        raise GitHubError(_error_message(exc), 429 if limited else exc.code) from None
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        host = urllib.parse.urlsplit(api.base_url).netloc
        raise GitHubError(f"cannot reach the GitHub API at {host}: {reason}") from None
    try:
        return (json.loads(raw) if raw.strip() else None), link
    except ValueError:
        raise GitHubError("the GitHub API sent a response that is not JSON") from None


def next_link(link_header: str) -> str | None:
    """The ``rel="next"`` URL of an RFC 8288 ``Link`` header, or None."""
    for part in link_header.split(","):
        if ";" not in part:
            continue
        target, _, params = part.partition(";")
        rels = [p.strip() for p in params.split(";")]
        if any(r.replace(" ", "") in ('rel="next"', "rel=next") for r in rels):
            return target.strip().strip("<>")
    return None


def _same_api(api: Api, url: str) -> bool:
    """Follow pagination only to the API we were given, so the token goes nowhere else."""
    base, other = urllib.parse.urlsplit(api.base_url), urllib.parse.urlsplit(url)
    return (base.scheme, base.netloc) == (other.scheme, other.netloc) and other.path.startswith(base.path)


def _repo_path(api: Api, owner: str, name: str) -> str:
    return f"{api.base_url}/repos/{urllib.parse.quote(owner, safe='')}/{urllib.parse.quote(name, safe='')}"


def list_comments(api: Api, owner: str, name: str, number: int) -> list[dict[str, Any]]:
    """All comments of issue/PR ``number``, following ``Link: rel="next"``."""
    url: str | None = f"{_repo_path(api, owner, name)}/issues/{number}/comments?per_page={PER_PAGE}"
    comments: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        if url is None:
            break
        page, link = request(api, "GET", url)
        if not isinstance(page, list):
            raise GitHubError("the GitHub API sent an unexpected comment list")
        comments.extend(c for c in page if isinstance(c, dict))
        url = next_link(link)
        if url is not None and not _same_api(api, url):
            raise GitHubError("the GitHub API's next-page link points elsewhere: not followed")
    return comments


def own_login(api: Api) -> str | None:
    """This token's user login (``GET /user``); None when the token may not read it (Actions, Apps)."""
    try:
        data, _ = request(api, "GET", f"{api.base_url}/user")
    except GitHubError:
        return None
    login = data.get("login") if isinstance(data, dict) else None
    return login if isinstance(login, str) and login else None


def is_ours(comment: Mapping[str, Any], login: str | None) -> bool:
    body = comment.get("body")
    user = comment.get("user")
    if not isinstance(body, str) or not body.startswith(MARKER) or not isinstance(user, dict):
        return False
    if login is not None:
        return bool(user.get("login") == login)
    return bool(user.get("type") == "Bot")


def find_own_comment(comments: list[dict[str, Any]], login: str | None) -> int | None:
    """Id of the first (oldest) comment this tool wrote, or None."""
    for comment in comments:
        cid = comment.get("id")
        if is_ours(comment, login) and isinstance(cid, int):
            return cid
    return None


def comment_body(markdown: str, limit: int = MAX_COMMENT_CHARS) -> str:
    """The marker line plus ``markdown``, trimmed with a visible note to GitHub's limit."""
    head = MARKER + "\n"
    return head + trim_markdown(markdown, limit - len(head), TRIM_NOTE)


def upsert_comment(api: Api, owner: str, name: str, number: int, body: str) -> str:
    """PATCH our existing comment, else POST a new one; returns "created comment N" / "updated comment N"."""
    existing = find_own_comment(list_comments(api, owner, name, number), own_login(api))
    if existing is not None:
        try:
            data, _ = request(
                api, "PATCH", f"{_repo_path(api, owner, name)}/issues/comments/{existing}", {"body": body}
            )
            return f"updated comment {_comment_id(data, existing)}"
        except GitHubError as exc:
            if exc.status != 404:  # deleted meanwhile: post a new one
                raise
    data, _ = request(api, "POST", f"{_repo_path(api, owner, name)}/issues/{number}/comments", {"body": body})
    return f"created comment {_comment_id(data, None)}"


def _comment_id(data: Any, default: int | None) -> str:
    cid = data.get("id") if isinstance(data, dict) else None
    return str(cid if isinstance(cid, int) else default if default is not None else "?")


def _describe(exc: GitHubError, owner: str, name: str, number: int) -> str:
    if exc.status == 401:
        return "GitHub rejected the token (401): PR comment skipped"
    if exc.status == 403:
        return "no permission to comment (403): skipped"
    if exc.status == 429:
        return "GitHub API rate limit reached: PR comment skipped"
    if exc.status == 404:
        return f"pull request {owner}/{name}#{number} not found or not visible to the token (404): skipped"
    prefix = f"GitHub API error {exc.status}: " if exc.status else ""
    return f"{prefix}{exc}: PR comment skipped"


PUBLISHED = ("created comment", "updated comment", "wrote")  # the statuses of what went as asked


def to_actions(
    markdown: str, env: Mapping[str, str], comment: bool, summary: bool, outputs: Mapping[str, object]
) -> tuple[list[str], list[str]]:
    """The job summary (``summary``), the PR comment (``comment``) and the step outputs from ``markdown``, the
    review rendered for GitHub: (what was done, what failed or was skipped), one line each; never raises."""
    from ariadne_hook.publish import actions_env, step_summary

    statuses = [step_summary.append_step_summary(markdown, env) if summary else None]
    statuses.append(publish_pr_comment(markdown, env) if comment else None)
    statuses.append(actions_env.write_outputs(env, outputs))
    done = [s for s in statuses[:2] if s and s.startswith(PUBLISHED)]
    return done, [s for s in statuses if s and not s.startswith(PUBLISHED)]


def publish_pr_comment(markdown: str, env: Mapping[str, str]) -> str:
    """Create or update this tool's comment on the pull request of the Actions event; a one-line status.

    ``markdown`` is the review rendered for GitHub (``render_markdown(report, GITHUB)``: neutralized), never
    the review file's text."""
    repo = repository(env)
    pr = pull_request(env)
    if repo is None or pr is None:
        return "not a pull-request event (GITHUB_REPOSITORY / GITHUB_EVENT_PATH): PR comment skipped"
    try:
        api = api_from_env(env)
        return upsert_comment(api, repo[0], repo[1], pr.number, comment_body(markdown))
    except GitHubError as exc:
        return _describe(exc, repo[0], repo[1], pr.number)
