"""The GitLab target: in a GitLab merge-request pipeline, ``--pr-comment`` keeps ONE note on the merge
request, created on the first run and updated in place afterwards, through the GitLab REST API (v4,
:mod:`~ariadne_hook.publish.rest`). The pipeline's merge request (and the range reviewed) is read by
:mod:`ariadne_hook.source.merge_request`; the API is ``CI_API_V4_URL``; the token is ``GITLAB_TOKEN`` (a
project access token with the ``api`` scope, kept in a masked CI/CD variable), sent as ``PRIVATE-TOKEN``.

Ours is the oldest note whose body starts with :data:`MARKER` and whose author is this token's user
(``GET /user``): a person who pastes the marker does not get their note overwritten, and when the token may
not read its user nothing is posted (a duplicate on every push would be the alternative). The notes are read
page by page (``per_page=100``, oldest first), following the ``Link`` header's next page on the same API,
else ``X-Next-Page``. Every failure is a one-line status, never an exception; a token that may not write
(401, 403) only warns: the job goes on (exit 0). The token never appears in any message.

GitLab's markdown (GLFM) is GFM and more, and what a note's text says can act (:data:`GITLAB`):

- **Quick actions**: a line of a note that begins with ``/close``, ``/merge``, ``/approve``... is *executed*
  by GitLab with the token's rights when the note is posted. No line of untrusted text starts a line (the
  renderer puts it after the review's own words, and every line of it begins with an escaped character,
  :func:`~ariadne_hook.render.sanitize.inline_start`), and :func:`note_body` guarantees it for the whole
  note: a line beginning with ``/`` (after spaces, or a carriage return GitLab deletes) gets a backslash.
- **References**: GitLab links, notifies and cross-references ``@user`` / ``@all``, ``#1``, ``!1``,
  ``$1``, ``&1``, ``~label``, ``%milestone``, ``^alert``, ``*iteration:``, ``[issue:1]``-style references,
  ``namespace/project>``, external trackers (``GL-1``, ``JIRA-1``) and any link to a GitLab object. In the
  text around code spans (:func:`defuse`), each of these sigils gets a zero-width joiner after it when
  something other than a space follows, ``>`` one before it, a tracker key one after its hyphen, and every
  URL one inside its ``://`` (no autolink): none of GitLab's reference patterns matches, the text reads the
  same. The three entities GitHub's rules let through (``&amp;``, ``&lt;``, ``&gt;``) are read as their
  characters first, so no reference hides behind one. ``[[_TOC_]]`` and ``[TOC]`` are broken the same way.
- **Size**: a note holds at most 1,000,000 characters (:data:`MAX_NOTE_CHARS`): a longer review is trimmed
  to whole lines with a visible note pointing to the review file.

GitLab's job log has no annotations: warnings are plain ``ariadne-hook: warning: ...`` lines. The tool prints
one to three lines, so it opens no collapsible section (which would hide a warning). GitLab has no job
summary: ``--step-summary`` is one warning saying so.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ariadne_hook.models import Report
from ariadne_hook.publish import MARKER, Published
from ariadne_hook.publish.rest import PER_PAGE, Api, ApiError, api_base, call, next_link, paged, same_api
from ariadne_hook.render.markdown import GITHUB, Destination, render_markdown
from ariadne_hook.render.sanitize import ZWJ, neutralize, neutralize_inline, trim_markdown
from ariadne_hook.source.merge_request import MergeRequest, in_gitlab_ci, merge_request

MAX_NOTE_CHARS = 1_000_000  # GitLab: "The content of a note. Limited to 1,000,000 characters."
TRIM_NOTE = (
    "> **Note:** this review was trimmed to fit GitLab's 1,000,000-character note limit; "
    "the full review is in the review file (keep it as a job artifact)."
)
PUBLISHED = ("created note", "updated note")  # the statuses of a note that went as asked
SKIPPED = "MR note skipped"

# --------------------------------------------------------------------------------- GitLab's markdown rules

_ENTITIES = re.compile(r"&(amp|lt|gt);")
_ENTITY_CHARS = {"amp": "&", "lt": "<", "gt": ">"}
_SIGILS = "@#!$&~%^*["
_SIGIL = re.compile(rf"[{re.escape(_SIGILS)}](?=\S)")  # "%&" too: a sigil before a sigil
_SUFFIX = re.compile(r"(?<=\S)>")  # namespace/project>
_TRACKER = re.compile(r"(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]*-(?=[0-9])")  # GL-12, JIRA-12
_URL = re.compile(r"(?<![\w.+-])(?:https?|ftps?):(?=//)|(?<![\w.])ww(?=w\.)", re.IGNORECASE)
_QUICK_ACTION = re.compile(r"^([ \t]*)/", re.MULTILINE)


def defuse(text: str) -> str:
    """Text outside code spans with none of GitLab's references (see the module docstring); run before the
    GFM rules of :func:`~ariadne_hook.render.sanitize.neutralize`, which escape HTML again."""
    text = _ENTITIES.sub(lambda m: _ENTITY_CHARS[m.group(1)], text)
    text = _SIGIL.sub(lambda m: m.group() + ZWJ, text)
    text = _SUFFIX.sub(ZWJ + ">", text)
    text = _TRACKER.sub(lambda m: m.group() + ZWJ, text)
    return _URL.sub(lambda m: m.group() + ZWJ, text)


def _text(text: str) -> str:
    return neutralize(text, defuse=defuse)


def _line(text: str) -> str:
    return neutralize_inline(text, defuse=defuse)


# GitHub's writers plus GitLab's references; identifiers go in code spans, where GitLab links nothing
GITLAB = Destination("gitlab", _text, _line, GITHUB.name_text, fold=True)


def no_quick_actions(body: str) -> str:
    """``body`` in which no line begins with ``/`` (after spaces or tabs): a backslash goes before it, which
    markdown renders as the slash itself. Carriage returns are dropped first, as GitLab does before it looks
    for quick actions."""
    return _QUICK_ACTION.sub(lambda m: m.group(1) + "\\/", body.replace("\r", ""))


def note_body(markdown: str, limit: int = MAX_NOTE_CHARS) -> str:
    """The marker line plus ``markdown`` (the review rendered with :data:`GITLAB`), with no quick action,
    trimmed with a visible note to GitLab's limit (trimming only drops whole lines and adds ours)."""
    head = MARKER + "\n"
    return head + trim_markdown(no_quick_actions(markdown), limit - len(head), TRIM_NOTE)


# --------------------------------------------------------------------------------------------- the API


def api_from_env(env: Mapping[str, str]) -> Api:
    """The API endpoint and token of the pipeline; raises ApiError when unusable."""
    token = env.get("GITLAB_TOKEN", "").strip()
    if not token:
        raise ApiError("GITLAB_TOKEN is not set (a masked CI/CD variable: a project access token, api scope)")
    url = env.get("CI_API_V4_URL", "").strip()
    if not url:
        raise ApiError("CI_API_V4_URL is not set")
    return Api(api_base(url, "CI_API_V4_URL"), token)


def request(
    api: Api, method: str, url: str, payload: Mapping[str, Any] | None = None
) -> tuple[Any, dict[str, str]]:
    """(decoded JSON, response headers) of one API call; raises ApiError."""
    headers = {"PRIVATE-TOKEN": api.token, "Accept": "application/json", "User-Agent": "ariadne-hook"}
    return call(method, url, headers, payload, api.timeout, "GitLab")


def _notes_url(api: Api, mr: MergeRequest) -> str:
    project = urllib.parse.quote(mr.project, safe="")
    return f"{api.base_url}/projects/{project}/merge_requests/{mr.iid}/notes"


def _next_page(api: Api, url: str, headers: Mapping[str, str]) -> str | None:
    """The next page's URL: the ``Link`` header's ``rel="next"`` (only on this API), else ``X-Next-Page``
    (empty on the last page) in ``url``'s ``page`` parameter."""
    link = next_link(headers.get("link", ""))
    if link is not None:
        if not same_api(api.base_url, link):
            raise ApiError("the GitLab API's next-page link points elsewhere: not followed")
        return link
    number = headers.get("x-next-page", "").strip()
    if not number.isdigit():
        return None
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "page"] + [("page", number)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def list_notes(api: Api, mr: MergeRequest) -> list[dict[str, Any]]:
    """Every note of the merge request, oldest first, page by page."""

    def get(url: str) -> tuple[Any, str | None]:
        page, headers = request(api, "GET", url)
        return page, (_next_page(api, url, headers) if page else None)

    first = f"{_notes_url(api, mr)}?per_page={PER_PAGE}&page=1&sort=asc&order_by=created_at"
    return paged(first, get, "the GitLab API sent an unexpected note list")


def own_user_id(api: Api) -> int:
    """This token's user id (``GET /user``); raises ApiError when the token may not read it."""
    try:
        data, _ = request(api, "GET", f"{api.base_url}/user")
    except ApiError as exc:
        if exc.status == 403:
            raise ApiError("the token may not read its user (GET /user), so no note is ours") from None
        raise
    uid = data.get("id") if isinstance(data, dict) else None
    if not isinstance(uid, int) or isinstance(uid, bool):
        raise ApiError("the GitLab API sent no user id for the token")
    return uid


def is_ours(note: Mapping[str, Any], user_id: int) -> bool:
    """A note this token's user wrote with the marker (never a system note)."""
    body, author = note.get("body"), note.get("author")
    if not isinstance(body, str) or not body.startswith(MARKER) or note.get("system") is True:
        return False
    return isinstance(author, dict) and author.get("id") == user_id


def upsert_note(api: Api, mr: MergeRequest, body: str) -> str:
    """PUT our existing note, else POST a new one; returns "created note N" / "updated note N"."""
    user_id = own_user_id(api)
    existing = next(
        (n["id"] for n in list_notes(api, mr) if is_ours(n, user_id) and isinstance(n.get("id"), int)), None
    )
    if existing is not None:
        try:
            data, _ = request(api, "PUT", f"{_notes_url(api, mr)}/{existing}", {"body": body})
            return f"updated note {_note_id(data, existing)}"
        except ApiError as exc:
            if exc.status != 404:  # deleted meanwhile: post a new one
                raise
    data, _ = request(api, "POST", _notes_url(api, mr), {"body": body})
    return f"created note {_note_id(data, None)}"


def _note_id(data: Any, default: int | None) -> str:
    nid = data.get("id") if isinstance(data, dict) else None
    return str(nid if isinstance(nid, int) else default if default is not None else "?")


def _describe(exc: ApiError, mr: MergeRequest) -> str:
    detail = str(exc)
    if exc.status == 401:
        return f"GitLab rejected the token (401): {SKIPPED}"
    if exc.status == 403:
        said = "" if not detail or detail.startswith("403") else f": {detail}"
        return f"no permission to comment (403{said}): {SKIPPED}"
    if exc.status == 404:
        return (
            f"merge request !{mr.iid} of project {mr.project} not found or not visible to the token (404): "
            f"{SKIPPED}"
        )
    if exc.status == 429:
        return f"GitLab API rate limit reached (429): {SKIPPED}"
    prefix = f"GitLab API error {exc.status}: " if exc.status else ""
    return f"{prefix}{detail}: {SKIPPED}"


def publish_mr_note(markdown: str, env: Mapping[str, str]) -> str:
    """Create or update this tool's note on the pipeline's merge request; a one-line status. ``markdown``
    is the review rendered with :data:`GITLAB`, never the review file's text."""
    mr = merge_request(env)
    if mr is None:
        return f"not a merge-request pipeline (CI_MERGE_REQUEST_IID, CI_MERGE_REQUEST_PROJECT_ID): {SKIPPED}"
    try:
        return upsert_note(api_from_env(env), mr, note_body(markdown))
    except ApiError as exc:
        return _describe(exc, mr)


# ------------------------------------------------------------------------------------------- the target


def detected(env: Mapping[str, str]) -> bool:
    """A GitLab CI job (``GITLAB_CI=true``)."""
    return in_gitlab_ci(env)


@dataclass(frozen=True)
class GitLabTarget:
    """The merge-request note (``comment``); ``summary`` only warns: GitLab has no job summary."""

    env: Mapping[str, str] = field(repr=False)
    comment: bool
    summary: bool

    def publish(self, report: Report, review_path: Path | None) -> Published:
        problems: list[str] = []
        if self.summary:
            problems.append("--step-summary: GitLab has no job summary (keep the review file as an artifact)")
        if not self.comment:
            return Published(problems=tuple(problems))
        status = publish_mr_note(render_markdown(report, GITLAB), self.env)
        if status.startswith(PUBLISHED):
            return Published((status,), tuple(problems))
        return Published(problems=(*problems, status))


def target(env: Mapping[str, str], *, comment: bool, summary: bool) -> GitLabTarget:
    return GitLabTarget(env, comment, summary)
