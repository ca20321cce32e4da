"""What the user sees on stderr: warnings, the progress line (terminals only), the start line (hooks) and
the one result line, which says why when the model was not used or fell short."""

from __future__ import annotations

import time
from collections import Counter

from ariadne_hook.models import FALLBACK, SKIPPED, Report
from ariadne_hook.render.sanitize import plain_line, shown

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

PROG = "ariadne-hook"
DEADLINE = "deadline"
# a provider's fatal reason -> what to say and what to check
_HINTS = {
    "unauthorized (401)": "401 unauthorized — check OPENAI_API_KEY",
    "forbidden (403)": "403 forbidden — check the key's access to this model",
    "unknown model": "unknown model {model} — check OPENAI_MODEL / --model",
    "connection refused": "connection refused by {endpoint} — is the server running?",
    "host not found": "host not found: {endpoint} — check OPENAI_BASE_URL",
    "invalid OpenAI configuration": "invalid configuration — check OPENAI_BASE_URL",
    "Azure OpenAI needs its endpoint as the base URL": "Azure OpenAI needs its endpoint as OPENAI_BASE_URL",
}
NO_CALL = "no LLM call"  # the end of the reason of an entry summarized offline without a request
NO_KEY = "no API key — set OPENAI_API_KEY (or a base URL)"


class Console:
    """stderr for one run: a progress line (terminals only) is cleared before any other line is written."""

    def __init__(self, stream: TextIO, quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = _isatty(stream)
        self._drawn = False
        self._end: float | None = None

    def line(self, text: str) -> None:
        self.clear()
        # repository text (paths, config values) inside a message cannot act on the terminal
        self.stream.write(f"{PROG}: {plain_line(text)}\n")
        self.stream.flush()

    def warn(self, text: str) -> None:
        self.line(f"warning: {text}")

    def clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False

    def start(self, count: int, model: str | None, deadline: float, hook: bool) -> None:
        """Before asking a model: the deadline the progress line counts down to; inside a hook whose output
        is not a terminal, one line that explains the wait."""
        self._end = time.monotonic() + deadline
        if hook and not self.tty and not self.quiet and count:
            noun = "function" if count == 1 else "functions"
            text = f"summarizing {count} {noun} with {model or 'the model'} (deadline {deadline:g} s)…"
            _to_terminal(f"{PROG}: {text}\n")  # pre-commit shows our stderr only once the hook has ended
            self.line(text)

    def progress(self, done: int, total: int) -> None:
        if not self.tty:
            return
        left = "" if self._end is None else f", {max(0.0, self._end - time.monotonic()):.0f} s left"
        self.stream.write(f"\r{PROG}: summarized {done}/{total}{left}\x1b[K")
        self.stream.flush()
        self._drawn = True


def _to_terminal(text: str) -> None:
    """``text`` on the controlling terminal, if the process has one (``git commit`` typed in a shell): the
    user sees it while the commit waits, even though pre-commit holds the hook's own output until the end."""
    import os

    try:
        fd = os.open("/dev/tty", os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError:  # no controlling terminal (CI, an IDE, Windows): the stderr line is all there is
        return
    try:
        os.write(fd, text.encode("utf-8", "replace"))
    except OSError:
        pass
    finally:
        os.close(fd)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def result_line(report: Report, destination: str) -> str:
    stats = report.stats
    files = len({s.change.path for s in report.summaries})
    parts = [f"{stats.summarized} summarized"]
    counts = (
        (stats.cached, "cached"),
        (stats.rejected, "rejected"),  # answers that were no summary: offline text instead
        (stats.fallback - stats.rejected, "fallback"),  # each entry counted once
        (stats.skipped, "skipped"),
    )
    for count, word in counts:
        if count:
            parts.append(f"{count} {word}")
    if stats.requests:
        parts.append(f"{stats.requests} requests, {stats.prompt_tokens}+{stats.completion_tokens} tokens")
    from ariadne_hook.render.counts import describe, kind_counts

    kinds = ", ".join(describe(kind_counts(report.summaries), leave_out=("skipped",))) or "0 functions"
    fnoun = "file" if files == 1 else "files"
    return f"{kinds} in {files} {fnoun} ({', '.join(parts)}) -> {destination}"


def why(report: Report, deadline: float, endpoint: str | None, wanted_model: bool) -> str | None:
    """Why the model was not used or fell short, in a few words; None when it did its job."""
    reasons = [s.reason or "" for s in report.summaries if s.status == FALLBACK]
    asked = [s for s in report.summaries if s.status != SKIPPED]
    if report.provider == "offline":
        return f"model not used: {NO_KEY}" if wanted_model and asked else None
    if not reasons:
        return None
    # entries that needed no request (trivial, not code, moved): "no LLM call" in their reason
    asked = [s for s in asked if not (s.status != FALLBACK and (s.reason or "").endswith(NO_CALL))]
    late = reasons.count(DEADLINE)
    total = len(asked)
    fatal = [r for r in reasons if _fatal_hint(r)]
    if fatal and len(asked) == len(reasons):  # no entry got the model's summary
        return f"model not used: {_hint(fatal[0], report.model, endpoint)}"
    if late and late == len(reasons):
        return f"deadline {deadline:g} s: {late} of {total} offline"
    common = ", ".join(f"{r} ×{n}" if n > 1 else r for r, n in Counter(reasons).most_common(3))
    prefix = f"deadline {deadline:g} s: " if late else ""
    return f"{prefix}{len(reasons)} of {total} offline ({common})"


def _fatal_hint(reason: str) -> bool:
    return reason in _HINTS or reason.startswith("no API key")


def _hint(reason: str, model: str | None, endpoint: str | None) -> str:
    if reason.startswith("no API key"):
        return NO_KEY
    return _HINTS[reason].format(model=model or "", endpoint=endpoint or "the default endpoint")


def detail_lines(report: Report) -> list[str]:
    """--verbose: the run's notes, and every entry that fell back or was skipped, with its reason."""
    lines = [f"note: {note}" for note in report.notes]
    for s in report.summaries:
        if s.status in (FALLBACK, SKIPPED):
            path, name = shown(s.change.path), shown(s.change.qualname)
            where = path if s.change.qualname == "<file>" else f"{path}: {name}"
            lines.append(f"{s.status}: {where}: {s.reason or 'no reason given'}")
    lines.append(f"{report.stats.requests} requests, {report.stats.seconds:.2f} s")
    return lines
