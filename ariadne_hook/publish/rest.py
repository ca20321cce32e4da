"""JSON over HTTP(S) for the hosts' REST APIs (GitHub, GitLab): ``urllib.request``, no extra dependency.

One call is one request. No redirect is followed (urllib would resend the token's header to wherever it
points); a next-page link is followed only on the API the run was given (:func:`same_api`); plain http only to
this machine (:func:`api_base`). Every failure is an :class:`ApiError` whose text is one line and never holds
the token: the token is only ever a request header, and error texts come from the host's message or the
reason the connection failed.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_ERROR_CHARS = 200
TIMEOUT = 15.0  # seconds a request may take


@dataclass(frozen=True)
class Api:
    """One host's API: its base URL (no trailing slash: https://api.github.com, https://gitlab.com/api/v4,
    a GitHub Enterprise or self-managed GitLab's) and the run's token for it."""

    base_url: str
    token: str = field(repr=False)
    timeout: float = TIMEOUT


class ApiError(Exception):
    """A failed API call; ``str(exc)`` is one line, never containing the token."""

    def __init__(self, message: str, status: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}  # the response's, names in lower case


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: urllib would resend the token's header to wherever it points."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


def api_base(value: str, variable: str) -> str:
    """``value`` (the API URL the CI sets, named ``variable``) without its trailing slash; raises ApiError
    unless it is an http(s) URL with a host, and plain http only to this machine."""
    base = value.strip().rstrip("/")
    parts = urllib.parse.urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ApiError(f"{variable} is not an http(s) URL: {base!r}")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise ApiError(f"{variable} uses plain http: refusing to send the token")
    return base


def _flat(message: Any) -> str:
    """A host's error message as one text: GitHub's string; GitLab's string, or its validation errors as
    ``{"note": ["is too long ..."]}`` (``note is too long ...``)."""
    if isinstance(message, str):
        return message
    if isinstance(message, Mapping):
        return "; ".join(f"{key} {_flat(value)}".strip() for key, value in message.items())
    if isinstance(message, list):
        return ", ".join(_flat(item) for item in message)
    return ""


def error_text(raw: bytes, fallback: str) -> str:
    """One line from an error response's JSON body (``message``, else OAuth's ``error_description`` /
    ``error``), at most MAX_ERROR_CHARS; ``fallback`` when the body says nothing."""
    try:
        data = json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        data = None
    text = ""
    if isinstance(data, dict):
        text = _flat(data.get("message")) or _flat(data.get("error_description")) or _flat(data.get("error"))
    return " ".join(text.split())[:MAX_ERROR_CHARS] or fallback


def call(
    method: str,
    url: str,
    headers: Mapping[str, str],
    payload: Mapping[str, Any] | None,
    timeout: float,
    host: str,
) -> tuple[Any, dict[str, str]]:
    """(decoded JSON or None for an empty body, the response headers by lower-case name) of one request to
    ``url`` with ``headers`` (the token among them) and ``payload`` as a JSON body; raises ApiError.
    ``host`` names the API in messages ("GitHub", "GitLab")."""
    body = json.dumps(payload).encode("utf-8") if payload is not None else None
    req = urllib.request.Request(url, data=body, method=method)
    for name, value in headers.items():
        req.add_header(name, value)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            raw = resp.read()
            answer_headers = _lower(resp.headers.items())
    except urllib.error.HTTPError as exc:
        try:
            raw_error = exc.read()
        except OSError:
            raw_error = b""
        reason = exc.reason if isinstance(exc.reason, str) else ""
        raise ApiError(error_text(raw_error, reason), exc.code, _lower(exc.headers.items())) from None
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        why = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        where = urllib.parse.urlsplit(url).netloc
        raise ApiError(f"cannot reach the {host} API at {where}: {why}") from None
    try:
        return (json.loads(raw) if raw.strip() else None), answer_headers
    except ValueError:
        raise ApiError(f"the {host} API sent a response that is not JSON") from None


def _lower(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers by lower-case name; a repeated header keeps its first value (as ``Message.get`` does)."""
    headers: dict[str, str] = {}
    for name, value in items:
        headers.setdefault(name.lower(), value)
    return headers


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


PER_PAGE = 100
MAX_PAGES = 100  # 10,000 items: enough for any pull or merge request, and no endless next-page loop


def paged(
    first_url: str, get: Callable[[str], tuple[Any, str | None]], unexpected: str
) -> list[dict[str, Any]]:
    """Every object of a paged list, in order: ``get(url)`` gives one page's JSON and the next page's URL
    (None on the last); at most MAX_PAGES pages. ``unexpected`` is the error for a page that is not a list."""
    items: list[dict[str, Any]] = []
    url: str | None = first_url
    for _ in range(MAX_PAGES):
        if url is None:
            break
        page, url = get(url)
        if not isinstance(page, list):
            raise ApiError(unexpected)
        items.extend(item for item in page if isinstance(item, dict))
    return items


def same_api(base_url: str, url: str) -> bool:
    """Whether ``url`` is on the API at ``base_url`` (scheme, host, port and path prefix): pagination is
    followed only there, so the token goes nowhere else."""
    base, other = urllib.parse.urlsplit(base_url), urllib.parse.urlsplit(url)
    return (base.scheme, base.netloc) == (other.scheme, other.netloc) and other.path.startswith(base.path)
