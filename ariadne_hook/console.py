"""What the user sees on stderr: warnings, the progress line (terminals only), the start line (hooks) and
the one result line, which says why when the model was not used or fell short.

Where the CI shows notices apart (GitHub Actions: ``publish/actions_env.annotation``), what the user must
notice (a warning, an error, the model not used) goes through the console's ``annotate`` instead of being a
plain line; elsewhere (a terminal, a hook, GitLab CI, whose job log has no annotations) it is one plain
``ariadne-hook: warning: …`` line."""

from __future__ import annotations

import sys
import time
from collections import Counter

from ariadne_hook.models import DEADLINE, FALLBACK, SKIPPED, Report
from ariadne_hook.render.sanitize import plain_line, shown
from ariadne_hook.words import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import TextIO

    from ariadne_hook.config import Settings

PROG = "ariadne-hook"
# a provider's fatal reason -> what to say and what to check
_HINTS = {
    "unauthorized (401)": "401 unauthorized — check OPENAI_API_KEY",
    "unauthorized (401), no key sent": "401 unauthorized — no API key was sent to {endpoint}: "
    "set OPENAI_API_KEY",
    "forbidden (403)": "403 forbidden — check the key's access to this model",
    "unknown model": "unknown model {model} — check OPENAI_MODEL / --model",
    "not found (404)": "404 not found at {endpoint} — check the base URL (OPENAI_BASE_URL)",
    "not found (404), no /v1": "404 not found at {endpoint} — the base URL has no /v1: add it "
    "(e.g. OPENAI_BASE_URL=http://{endpoint}/v1)",
    "connection refused": "connection refused by {endpoint} — is the server running?",
    "host not found": "host not found: {endpoint} — check OPENAI_BASE_URL",
    "invalid OpenAI configuration": "invalid configuration — check OPENAI_BASE_URL",
    "Azure OpenAI needs its endpoint as the base URL": "Azure OpenAI needs its endpoint as OPENAI_BASE_URL",
}
NO_CALL = "no LLM call"  # the end of the reason of an entry summarized offline without a request
NO_KEY = "no API key — set OPENAI_API_KEY (or a base URL)"
NO_KEY_IN_ACTIONS = "no API key — set the action's api-key input (a pull request from a fork gets no secrets)"
NOT_USED = "model not used"
# a 401 from an endpoint the trust rules kept the user's key from (see trust.py), by why it was kept
WITHHELD = {
    "repository": "401 unauthorized — your API key was not sent to {endpoint}, a repository's endpoint: "
    "list it in ARIADNE_TRUSTED_ENDPOINTS to send it",
    "plain http": "401 unauthorized — your API key was not sent to {endpoint} over plain http: use https",
}


class Console:
    """stderr for one run: a progress line (terminals only) is cleared before any other line is written."""

    def __init__(
        self, stream: TextIO, quiet: bool = False, annotate: Callable[[str, str], str] | None = None
    ) -> None:
        self.stream = stream
        self.quiet = quiet
        self.annotate = annotate  # (level, text) -> the CI's notice line (GitHub Actions' annotation)
        self.tty = _isatty(stream)
        self._drawn = False
        self._deadline_at: float | None = None

    def line(self, text: str) -> None:
        self.clear()
        # repository text (paths, config values) inside a message cannot act on the terminal
        write_out(f"{PROG}: {plain_line(text)}\n", self.stream)

    def warn(self, text: str) -> None:
        self._notice("warning", text, "warning: ")

    def error(self, text: str, prefix: str = "error: ") -> None:
        """A usage error (``error: …``) or, with ``prefix=""``, a run that could not go on."""
        self._notice("error", text, prefix)

    @property
    def actions(self) -> bool:
        """In GitHub Actions (notices are annotations; the key is the action's input)."""
        return self.annotate is not None

    def _notice(self, level: str, text: str, prefix: str) -> None:
        if self.annotate is None:
            self.line(prefix + text)
            return
        self.clear()
        write_out(self.annotate(level, plain_line(text)) + "\n", self.stream)

    def clear(self) -> None:
        if self._drawn:
            write_out("\r\x1b[K", self.stream)
            self._drawn = False

    def start(
        self, count: int, model: str | None, deadline: float, hook: bool, deadline_at: float | None = None
    ) -> None:
        """Before asking a model: the deadline (``deadline`` seconds, ending at the ``time.monotonic()``
        instant ``deadline_at``) the progress line counts down to; inside a hook whose output is not a
        terminal, one line that explains the wait."""
        self._deadline_at = time.monotonic() + deadline if deadline_at is None else deadline_at
        if hook and not self.tty and not self.quiet and count:
            what = plural(count, "function")
            text = f"summarizing {what} with {model or 'the model'} (deadline {deadline:g} s)…"
            _to_terminal(f"{PROG}: {plain_line(text)}\n")  # pre-commit shows our stderr only at the end
            self.line(text)

    def progress(self, done: int, total: int) -> None:
        if not self.tty:
            return
        left = (
            ""
            if self._deadline_at is None
            else f", {max(0.0, self._deadline_at - time.monotonic()):.0f} s left"
        )
        self._drawn = write_out(f"\r{PROG}: summarized {done}/{total}{left}\x1b[K", self.stream)


def write_out(text: str, stream: TextIO | None = None) -> bool:
    """``text`` on stdout (or ``stream``), flushed. A reader that went away (``ariadne-hook ... | head -1``)
    is not an error: the stream is pointed at /dev/null, so the rest of the output, and the flush at exit,
    go nowhere quietly. False when the text was dropped."""
    out = sys.stdout if stream is None else stream
    try:
        out.write(text)
        out.flush()
        return True
    except BrokenPipeError:
        _to_devnull(out)
        return False


def flush_streams() -> None:
    """Before the process exits: stdout and stderr flushed, a closed pipe quietly dropped (no "Exception
    ignored" from the interpreter's own flush at shutdown)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            write_out("", stream)


def to_the_end(main: Callable[[], int]) -> int:
    """``main()``'s exit code, with stdout and stderr flushed after it. A closed pipe (``--help | head -1``,
    where argparse writes before any of ours) is exit 0, never a traceback or "Exception ignored"."""
    try:
        code = main()
    except BrokenPipeError:
        code = 0
    flush_streams()
    return code


def _to_devnull(stream: TextIO) -> None:
    import os

    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's capture): nothing to flush at exit
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


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
        tokens = f"{stats.prompt_tokens}+{stats.completion_tokens} tokens"
        parts.append(f"{plural(stats.requests, 'request')}, {tokens}")
    from ariadne_hook.counts import describe, kind_counts

    kinds = ", ".join(describe(kind_counts(report.summaries), leave_out=("skipped",))) or "0 functions"
    return f"{kinds} in {plural(files, 'file')} ({', '.join(parts)}) -> {destination}"


def model_note(
    report: Report, settings: Settings, env: Mapping[str, str], actions: bool = False
) -> str | None:
    """`why` for a run with these settings in this environment (``actions``: in GitHub Actions, where the
    key is an input)."""
    from urllib.parse import urlsplit

    endpoint = (urlsplit(settings.base_url).netloc or settings.base_url) if settings.base_url else None
    wanted = settings.provider != "offline" and bool(settings.model or settings.azure_api_version)
    withheld, slow = _withheld(settings, env), _slow(settings, report)
    because = why(
        report, settings.deadline, endpoint or "api.openai.com", wanted, withheld=withheld, slow=slow
    )
    return because.replace(NO_KEY, NO_KEY_IN_ACTIONS) if because and actions else because


def _withheld(settings: Settings, env: Mapping[str, str]) -> str | None:
    """Why the trust rules kept the user's key from the endpoint, if they did (a `WITHHELD` key)."""
    url = settings.base_url
    if settings.api_key or not url or not env.get("OPENAI_API_KEY"):
        return None
    from ariadne_hook.endpoints import is_loopback, is_plain_http

    return "plain http" if is_plain_http(url) and not is_loopback(url) else "repository"


def _slow(settings: Settings, report: Report) -> str | None:
    """The hint for requests that timed out on a local server (this machine): it may just need longer."""
    from ariadne_hook.endpoints import is_loopback

    url = settings.base_url
    if not url or not is_loopback(url) or not any(s.reason == "timeout" for s in report.summaries):
        return None
    from ariadne_hook.summarize.result import slow_hint

    return slow_hint(settings.timeout)


def not_used_note(because: str | None) -> tuple[str, ...]:
    """The review's own note when a configured model was not used at all (the PR comment says so too)."""
    return (because[0].upper() + because[1:],) if because and because.startswith(NOT_USED) else ()


def why(
    report: Report,
    deadline: float,
    endpoint: str | None,
    wanted_model: bool,
    *,
    withheld: str | None = None,
    slow: str | None = None,
) -> str | None:
    """What the deadline left undone, and why the model was not used or fell short, in a few words; None
    when everything was done.

    withheld: why the trust rules kept the user's key from the endpoint (a `WITHHELD` key), if they did;
    slow: what to say when requests timed out (a local server slower than the timeout)."""
    said = [
        _unfinished(report, deadline),
        _model_why(report, deadline, endpoint, wanted_model, withheld=withheld, slow=slow),
    ]
    return "; ".join(x for x in said if x) or None


def _unfinished(report: Report, deadline: float) -> str | None:
    """Files the deadline left not reviewed in full, entries it left without even an offline summary."""
    cut = {s.change.path for s in report.summaries if s.status == SKIPPED and _cut(s.reason)}
    bare = sum(1 for s in report.summaries if s.status == FALLBACK and not s.text)
    parts = [f"{plural(len(cut), 'file')} not reviewed in full"] if cut else []
    parts += [f"{plural(bare, 'entry')} not summarized"] if bare else []
    return f"deadline {deadline:g} s: {', '.join(parts)}" if parts else None


def _cut(reason: str | None) -> bool:
    return (reason or "").startswith(f"{DEADLINE}:")


def _model_why(
    report: Report,
    deadline: float,
    endpoint: str | None,
    wanted_model: bool,
    *,
    withheld: str | None = None,
    slow: str | None = None,
) -> str | None:
    reasons = [s.reason or "" for s in report.summaries if s.status == FALLBACK and s.text]
    asked = [s for s in report.summaries if s.status != SKIPPED]
    if report.provider == "offline":
        return f"{NOT_USED}: {NO_KEY}" if wanted_model and asked else None
    if not reasons:
        return None
    # entries that needed no request (trivial, not code, moved): "no LLM call" in their reason
    asked = [s for s in asked if not (s.status != FALLBACK and (s.reason or "").endswith(NO_CALL))]
    late = reasons.count(DEADLINE)
    total = len(asked)
    fatal = [r for r in reasons if _fatal_hint(r)]
    if fatal and len(asked) == len(reasons):  # no entry got the model's summary
        return f"{NOT_USED}: {_hint(fatal[0], report.model, endpoint, withheld)}"
    if late and late == len(reasons):
        return f"deadline {deadline:g} s: {late} of {total} offline"
    common = ", ".join(f"{r} ×{n}" if n > 1 else r for r, n in Counter(reasons).most_common(3))
    prefix = f"deadline {deadline:g} s: " if late else ""
    suffix = f"; {slow}" if slow and "timeout" in reasons else ""
    return f"{prefix}{len(reasons)} of {total} offline ({common}){suffix}"


def _fatal_hint(reason: str) -> bool:
    return reason in _HINTS or reason.startswith("no API key")


def _hint(reason: str, model: str | None, endpoint: str | None, withheld: str | None = None) -> str:
    if reason.startswith("no API key"):
        return NO_KEY
    text = _HINTS[reason]
    if reason == "unauthorized (401), no key sent" and withheld in WITHHELD:
        text = WITHHELD[withheld]
    return text.format(model=model or "", endpoint=endpoint or "the default endpoint")


def detail_lines(report: Report) -> list[str]:
    """--verbose: the run's notes, and every entry that fell back or was skipped, with its reason (a hunk's
    name redacted, as in every sink: :mod:`ariadne_hook.render.redacted`)."""
    from ariadne_hook.render.redacted import entry_name

    lines = [f"note: {note}" for note in report.notes]
    for s in report.summaries:
        if s.status in (FALLBACK, SKIPPED):
            path, name = shown(s.change.path), shown(entry_name(s.change))
            where = path if s.change.qualname == "<file>" else f"{path}: {name}"
            lines.append(f"{s.status}: {where}: {s.reason or 'no reason given'}")
    lines.append(f"{plural(report.stats.requests, 'request')}, {report.stats.seconds:.2f} s")
    return lines
