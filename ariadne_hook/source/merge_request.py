"""The merge request a GitLab CI pipeline is building, from its predefined variables: the range the source
stage reviews, and where the publish stage's note goes (:mod:`ariadne_hook.publish.gitlab` reads it here).

GitLab sets ``CI_MERGE_REQUEST_*`` only in merge-request pipelines (``rules: - if: $CI_PIPELINE_SOURCE ==
"merge_request_event"``). The range is ``CI_MERGE_REQUEST_DIFF_BASE_SHA...head`` (the base of the merge
request's diff, as GitLab shows it), the head being the source branch's commit:
``CI_MERGE_REQUEST_SOURCE_BRANCH_SHA`` in a merged-results pipeline, whose ``CI_COMMIT_SHA`` is GitLab's
merge commit (it would add the target branch's newer commits to the review), else ``CI_COMMIT_SHA``. The
merge request belongs to ``CI_MERGE_REQUEST_PROJECT_ID``: a pipeline for a fork's merge request may run in
the fork, whose ``CI_PROJECT_ID`` is not the project holding the merge request (``CI_PROJECT_ID`` when the
former is unset).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ariadne_hook.source.ci import commit_sha

_NUMBER = re.compile(r"^[1-9][0-9]{0,18}$")


@dataclass(frozen=True)
class MergeRequest:
    project: str  # the project's numeric id, as GitLab sets it
    iid: int  # the merge request's number in its project (!iid)
    base_sha: str | None = None
    head_sha: str | None = None


def in_gitlab_ci(env: Mapping[str, str]) -> bool:
    """A GitLab CI job (``GITLAB_CI=true``)."""
    return env.get("GITLAB_CI") == "true"


def in_merge_request_pipeline(env: Mapping[str, str]) -> bool:
    """A GitLab CI job of a merge-request pipeline (``CI_MERGE_REQUEST_IID`` set)."""
    return in_gitlab_ci(env) and bool(env.get("CI_MERGE_REQUEST_IID", "").strip())


def merge_request(env: Mapping[str, str]) -> MergeRequest | None:
    """The merge request of this pipeline; None outside a merge-request pipeline or when its project or
    number is malformed."""
    if not in_gitlab_ci(env):
        return None
    iid = env.get("CI_MERGE_REQUEST_IID", "").strip()
    project = (env.get("CI_MERGE_REQUEST_PROJECT_ID") or env.get("CI_PROJECT_ID") or "").strip()
    if not _NUMBER.match(iid) or not _NUMBER.match(project):
        return None
    head = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "").strip() or env.get("CI_COMMIT_SHA", "").strip()
    base = env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA", "").strip()
    return MergeRequest(project, int(iid), commit_sha(base), commit_sha(head))


def mr_range(env: Mapping[str, str]) -> str | None:
    """``"base...head"`` for a merge-request pipeline that names both commits, else None."""
    mr = merge_request(env)
    if mr is None or mr.base_sha is None or mr.head_sha is None:
        return None
    return f"{mr.base_sha}...{mr.head_sha}"
