"""The GitHub target: in a GitHub Actions job, the sticky pull-request comment, the job summary
(:mod:`~ariadne_hook.publish.step_summary`) and the step outputs (:mod:`~ariadne_hook.publish.actions_env`,
which also holds Actions' detection and annotations). The review is rendered for GitHub (``GITHUB``:
neutralized, folded) here, never the review file's text.

ONE pull-request comment is upserted through the GitHub REST API (:mod:`~ariadne_hook.publish.rest`). It is
ours when its body starts with :data:`MARKER` and its author is this token's user (``GET /user``); an
Actions/App token cannot read ``/user``, and then a marked comment counts as ours only when its author is a
bot, so a person cannot make us overwrite their comment by pasting the marker. Every failure is a one-line
status, never an exception; the token never appears in any message.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ariadne_hook.models import Report
from ariadne_hook.publish import MARKER, Published
from ariadne_hook.publish.actions_env import in_actions, pull_request, repository
from ariadne_hook.publish.rest import PER_PAGE, Api, ApiError, api_base, call, next_link, paged, same_api
from ariadne_hook.render.markdown import GITHUB, render_markdown
from ariadne_hook.render.sanitize import trim_markdown

__all__ = ["MARKER", "comment_body", "detected", "next_link", "publish_pr_comment", "target", "to_actions"]
MAX_COMMENT_CHARS = 65_536
DEFAULT_API_URL = "https://api.github.com"
TRIM_NOTE = (
    "> **Note:** this review was trimmed to fit GitHub's 65,536-character comment limit; "
    "the full review is in the job summary and the review file."
)


def api_from_env(env: Mapping[str, str]) -> Api:
    """The API endpoint and token of the Actions environment; raises ApiError when unusable."""
    token = env.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise ApiError("GITHUB_TOKEN is not set")
    return Api(api_base(env.get("GITHUB_API_URL") or DEFAULT_API_URL, "GITHUB_API_URL"), token)


def request(api: Api, method: str, url: str, payload: Mapping[str, Any] | None = None) -> tuple[Any, str]:
    """(decoded JSON, Link header) of one API call; raises ApiError (status 429 for a spent rate limit)."""
    headers = {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {api.token}",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "ariadne-hook",
    }
    try:
        data, answer = call(method, url, headers, payload, api.timeout, "GitHub")
    except ApiError as exc:
        limited = exc.status in (403, 429) and exc.headers.get("x-ratelimit-remaining") == "0"
        if limited:
            raise ApiError(str(exc), 429) from None
        raise
    return data, answer.get("link", "")


def _repo_path(api: Api, owner: str, name: str) -> str:
    return f"{api.base_url}/repos/{urllib.parse.quote(owner, safe='')}/{urllib.parse.quote(name, safe='')}"


def list_comments(api: Api, owner: str, name: str, number: int) -> list[dict[str, Any]]:
    """All comments of issue/PR ``number``, following ``Link: rel="next"`` (only on this API)."""

    def get(url: str) -> tuple[Any, str | None]:
        page, link = request(api, "GET", url)
        following = next_link(link)
        if following is not None and not same_api(api.base_url, following):
            raise ApiError("the GitHub API's next-page link points elsewhere: not followed")
        return page, following

    first = f"{_repo_path(api, owner, name)}/issues/{number}/comments?per_page={PER_PAGE}"
    return paged(first, get, "the GitHub API sent an unexpected comment list")


def own_login(api: Api) -> str | None:
    """This token's user login (``GET /user``); None when the token may not read it (Actions, Apps)."""
    try:
        data, _ = request(api, "GET", f"{api.base_url}/user")
    except ApiError:
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
        except ApiError as exc:
            if exc.status != 404:  # deleted meanwhile: post a new one
                raise
    data, _ = request(api, "POST", f"{_repo_path(api, owner, name)}/issues/{number}/comments", {"body": body})
    return f"created comment {_comment_id(data, None)}"


def _comment_id(data: Any, default: int | None) -> str:
    cid = data.get("id") if isinstance(data, dict) else None
    return str(cid if isinstance(cid, int) else default if default is not None else "?")


def _describe(exc: ApiError, owner: str, name: str, number: int) -> str:
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
    except ApiError as exc:
        return _describe(exc, repo[0], repo[1], pr.number)


def detected(env: Mapping[str, str]) -> bool:
    """A GitHub Actions job (``GITHUB_ACTIONS=true``)."""
    return in_actions(env)


@dataclass(frozen=True)
class GitHubTarget:
    """The pull-request comment (``comment``), the job summary (``summary``) and the step outputs."""

    env: Mapping[str, str] = field(repr=False)
    comment: bool
    summary: bool

    def publish(self, report: Report, review_path: Path | None) -> Published:
        outputs = {
            "review-path": str(review_path) if review_path is not None else "",  # a path the tool made
            "functions": report.stats.functions,
            "fallbacks": report.stats.fallback,
        }
        markdown = render_markdown(report, GITHUB)
        done, failed = to_actions(markdown, self.env, self.comment, self.summary, outputs)
        return Published(tuple(done), tuple(failed))


def target(env: Mapping[str, str], *, comment: bool, summary: bool) -> GitHubTarget:
    return GitHubTarget(env, comment, summary)
