"""The standard GitHub Actions environment: the pull request being built, and ``$GITHUB_OUTPUT``."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_SHA = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
_OUTPUT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class PullRequest:
    number: int
    base_sha: str | None = None
    head_sha: str | None = None


def repository(env: Mapping[str, str]) -> tuple[str, str] | None:
    """(owner, name) from ``GITHUB_REPOSITORY``, or None when unset or malformed."""
    value = env.get("GITHUB_REPOSITORY", "").strip()
    if not _REPOSITORY.match(value):
        return None
    owner, name = value.split("/", 1)
    return owner, name


def read_event(env: Mapping[str, str]) -> dict[str, Any] | None:
    """The webhook payload at ``GITHUB_EVENT_PATH``; None when unset, unreadable or not a JSON object."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _sha(value: Any) -> str | None:
    return value if isinstance(value, str) and _SHA.match(value) else None


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
            _sha(base.get("sha")) if isinstance(base, dict) else None,
            _sha(head.get("sha")) if isinstance(head, dict) else None,
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


def _output_lines(name: str, value: str) -> str:
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    delimiter = f"ariadne_{secrets.token_hex(8)}"
    while delimiter in value:  # pragma: no cover - 64 random bits
        delimiter = f"ariadne_{secrets.token_hex(8)}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def write_outputs(env: Mapping[str, str], outputs: Mapping[str, object]) -> str | None:
    """Append step outputs to ``$GITHUB_OUTPUT``.

    None when ``GITHUB_OUTPUT`` is unset (not in Actions); otherwise a one-line status. Multi-line values use
    the heredoc form with a random delimiter; names that Actions would reject are skipped.
    """
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return None
    valid = {name: str(value) for name, value in outputs.items() if _OUTPUT_NAME.match(name)}
    text = "".join(_output_lines(name, value) for name, value in valid.items())
    try:
        with open(target, "a", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        return f"cannot write step outputs: {exc.strerror or exc}"
    skipped = len(outputs) - len(valid)
    return f"wrote {len(valid)} step outputs" + (f" ({skipped} invalid names skipped)" if skipped else "")
