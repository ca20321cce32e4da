"""Append the review to ``$GITHUB_STEP_SUMMARY`` (the job summary page), within its 1 MiB per-step limit."""

from __future__ import annotations

import os
from collections.abc import Mapping

from ariadne_hook.render.sanitize import trim_markdown

MAX_SUMMARY_BYTES = 1024 * 1024
TRIM_NOTE = (
    "> **Note:** this review was trimmed to fit the 1 MiB job-summary limit; the review file has all of it."
)


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def append_step_summary(markdown: str, env: Mapping[str, str]) -> str | None:
    """Append ``markdown`` (the review rendered for GitHub: neutralized) to the step summary file.

    None when ``GITHUB_STEP_SUMMARY`` is unset (not in Actions); otherwise a one-line status. What the step
    already wrote counts against the limit; the review is trimmed (whole lines, with a note) to fit.
    """
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    try:
        used = os.path.getsize(target)
    except OSError:
        used = 0
    room = MAX_SUMMARY_BYTES - used - 2
    if room < _utf8_len(TRIM_NOTE) + 64:
        return "job summary is already full (1 MiB): review not added"
    text = trim_markdown(markdown.rstrip("\n"), room, TRIM_NOTE, measure=_utf8_len) + "\n"
    prefix = "\n" if used else ""
    try:
        with open(target, "a", encoding="utf-8", newline="\n") as handle:
            handle.write(prefix + text)
    except OSError as exc:
        return f"cannot write the job summary: {exc.strerror or exc}"
    trimmed = " (trimmed to 1 MiB)" if text.rstrip("\n") != markdown.rstrip("\n") else ""
    return f"wrote the job summary{trimmed}"
