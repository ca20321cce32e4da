"""The pull request a GitHub Actions job is building, from its event file: what the source stage reviews.

The publish stage reads the same event (for the PR comment) from here: a stage never imports a later one.
GitLab's merge request is read in :mod:`~ariadne_hook.source.merge_request`; :mod:`~ariadne_hook.source.ci`
asks either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ariadne_hook.source.ci import commit_sha


@dataclass(frozen=True)
class PullRequest:
    number: int
    base_sha: str | None = None
    head_sha: str | None = None


def has_event(env: Mapping[str, str]) -> bool:
    """A GitHub Actions job with an event file (``GITHUB_EVENT_PATH``): its event may be a pull request."""
    return bool(env.get("GITHUB_EVENT_PATH"))


def read_event(env: Mapping[str, str]) -> dict[str, Any] | None:
    """The webhook payload at ``GITHUB_EVENT_PATH``; None when unset, unreadable or not a JSON object."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    import json

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def pull_request(env: Mapping[str, str]) -> PullRequest | None:
    """The pull request of a ``pull_request``/``pull_request_target`` event, or of an ``issue_comment`` on a
    pull request (number only); None for any other event."""
    event = read_event(env)
    if event is None:
        return None
    pr = event.get("pull_request")
    if isinstance(pr, dict):
        number = _number(pr.get("number")) or _number(event.get("number"))
        if number is None:
            return None
        base, head = pr.get("base"), pr.get("head")
        return PullRequest(
            number,
            commit_sha(base.get("sha")) if isinstance(base, dict) else None,
            commit_sha(head.get("sha")) if isinstance(head, dict) else None,
        )
    issue = event.get("issue")
    if isinstance(issue, dict) and isinstance(issue.get("pull_request"), dict):
        number = _number(issue.get("number"))
        return PullRequest(number) if number is not None else None
    return None


def pr_range(env: Mapping[str, str]) -> str | None:
    """``"base...head"`` for a pull-request event that names both commits, else None."""
    pr = pull_request(env)
    if pr is None or pr.base_sha is None or pr.head_sha is None:
        return None
    return f"{pr.base_sha}...{pr.head_sha}"
