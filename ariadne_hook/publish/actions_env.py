"""The standard GitHub Actions environment: whether this is a job (:func:`in_actions`), its annotations, the
repository, and ``$GITHUB_OUTPUT``. The pull request being built is read by the source stage
(:mod:`ariadne_hook.source.event`) and re-exported here. Light: the CLI reads it before anything else."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ariadne_hook.console import PROG
from ariadne_hook.source.event import PullRequest, pr_range, pull_request, read_event

_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
__all__ = [
    "PullRequest",
    "annotation",
    "in_actions",
    "pr_range",
    "pull_request",
    "read_event",
    "repository",
    "write_outputs",
]
_OUTPUT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def in_actions(env: Mapping[str, str]) -> bool:
    """A GitHub Actions job (``GITHUB_ACTIONS=true``)."""
    return env.get("GITHUB_ACTIONS") == "true"


def annotation(level: str, message: str) -> str:
    """A GitHub Actions workflow command (``::warning title=ariadne-hook::message``) with the message escaped
    as GitHub's toolkit escapes command data, so it stays one line and one command."""
    data = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} title={PROG}::{data}"


def repository(env: Mapping[str, str]) -> tuple[str, str] | None:
    """(owner, name) from ``GITHUB_REPOSITORY``, or None when unset or malformed."""
    value = env.get("GITHUB_REPOSITORY", "").strip()
    if not _REPOSITORY.match(value):
        return None
    owner, name = value.split("/", 1)
    return owner, name


def _output_lines(name: str, value: str) -> str:
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    import secrets

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
