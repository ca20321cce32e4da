"""The change request a CI job is building, whatever the host: what the source stage reviews when it is given
no ``--range`` or ``--diff``. One module per host reads its CI: GitHub Actions' pull request from the event
file (:mod:`~ariadne_hook.source.event`), GitLab CI's merge request from its predefined variables
(:mod:`~ariadne_hook.source.merge_request`). The publish stage reads the same modules for where its comment
or note goes. Light: the hook's fast path asks :func:`in_review_job` before anything is imported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_SHA = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")  # SHA-1, or SHA-256 repositories


def commit_sha(value: object) -> str | None:
    """``value`` when it is a full commit id (40 or 64 lower-case hex digits), else None."""
    return value if isinstance(value, str) and _SHA.match(value) else None


def in_review_job(env: Mapping[str, str]) -> bool:
    """A job building a pull or merge request: GitHub Actions with an event file, or a GitLab merge-request
    pipeline. (Whether the event is a pull request, and its commits, is read by :func:`review_range`.)"""
    from ariadne_hook.source import event, merge_request

    return event.has_event(env) or merge_request.in_merge_request_pipeline(env)


def review_range(env: Mapping[str, str]) -> str | None:
    """``"base...head"`` of the pull or merge request this job is building, or None (another event, or a
    commit it does not name)."""
    from ariadne_hook.source import event, merge_request

    if event.has_event(env):
        return event.pr_range(env)
    return merge_request.mr_range(env)
