"""prepare-commit-msg: put the function summaries into the commit message being edited.

``commit_msg = "comment"`` (default) adds them as git comment lines, which git drops from the final message;
``"body"`` adds them as real body text; ``"off"`` does nothing. Merges, amends (source ``commit``), ``-m`` /
``-F`` messages (``message``) and squash messages are left alone unless ``commit_msg_all`` is set; comment
lines never go into a ``-m``/``-F`` message, because git only strips comments from a message it opens in the
editor (with ``commit_msg_all``, ``--no-edit`` / ``-C`` commits keep the comment lines: that is the opt-in).
Running twice gives the same file. Nothing here raises: the result is a one-line status, and the commit is
never blocked.

What is written is inert for git and for GitHub, whatever the summaries say (the model's or the offline
summarizer's words, quoting the change). The comment prefix is git's own for the repository: ``git stripspace
--comment-lines`` says it (``core.commentChar`` / ``core.commentString`` as this git reads them), or it is
``auto`` (then the one git chose, read from its template lines). As comments, every line starts with that
prefix, and no line can end the block or read as git's scissors line. As body text, no line starts with the
prefix (one that would gets a guard character first), none is a trailer (entries start with ``-``, their
text is indented: continuation lines) and the block goes above the trailers you wrote (``Signed-off-by:``,
``Co-authored-by:``... as ``git interpret-trailers`` finds them), so they stay the message's trailers; and
mentions and issue references are broken as in the PR comment (a zero-width joiner after ``@`` / ``#``:
``Fixes #1`` closes nothing, nobody is pinged when the message becomes a pull request's description).
"""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Mapping
from pathlib import Path

from ariadne_hook.config import Settings
from ariadne_hook.models import Report, Summary
from ariadne_hook.render.redacted import redact_text, redacted
from ariadne_hook.render.sanitize import break_references, plain_line, shown
from ariadne_hook.words import plural

BEGIN = "ariadne-hook: function summaries (comment lines: git leaves them out of the message)"
END = "ariadne-hook: end of summaries"
SCISSORS = "------------------------ >8 ------------------------"
AUTO_COMMENT_CHARS = "#;@!$%^&|:"
# sources git passes to prepare-commit-msg that are a fresh message the user is about to write
FRESH_SOURCES = (None, "", "template")
# ...and the ones where git opened the editor on no text at all: only there a subject is proposed
EMPTY_SOURCES = (None, "")
SUBJECT_CHARS = 72


def _git(cwd: Path, *args: str, stdin: str = "") -> str:
    """git's output for ``args`` in ``cwd``; "" when git fails or cannot run."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return proc.stdout if proc.returncode == 0 else ""


def git_message_config(cwd: Path) -> tuple[str, str]:
    """(the comment prefix git uses in the repository at ``cwd``, or ``"auto"``; commit.cleanup). The prefix
    is what ``git stripspace --comment-lines`` writes: ``core.commentChar`` or ``core.commentString`` as this
    git reads them (git before 2.45 ignores commentString). git's defaults ("#", "default") when
    unreadable."""
    comment, cleanup = "#", "default"
    settings = _git(cwd, "config", "--get-regexp", r"^(core\.comment(char|string)|commit\.cleanup)$")
    auto = False
    for line in settings.splitlines():
        key, _, value = line.partition(" ")
        if key.startswith("core.comment") and value:
            auto = value == "auto"  # the last one wins, as in git
        elif key == "commit.cleanup" and value:
            cleanup = value.lower()
    if auto:
        return "auto", cleanup
    commented = _git(cwd, "stripspace", "--comment-lines", stdin="x\n")
    if commented.endswith(" x\n") and len(commented) > len(" x\n"):
        comment = commented[: -len(" x\n")]
    return comment, cleanup


def auto_comment_char(message: str) -> str:
    """The character git chose for ``core.commentChar=auto``: the one its template lines at the end of the
    file start with; without template lines, git's own rule (the first candidate no line starts with)."""
    lines = message.splitlines()
    for line in reversed(lines):
        if line[:1] in AUTO_COMMENT_CHARS:
            return line[0]
        if line.strip():
            break
    starts = {line[:1] for line in lines}
    return next((c for c in AUTO_COMMENT_CHARS if c not in starts), "#")


def _entry(summary: Summary) -> list[str]:
    """The local (plain) form: text as is, terminal-safe; invisible characters in names shown as escapes."""
    change = summary.change
    label = f"- {shown(change.path)}: {shown(change.qualname)} ({change.change})"
    text = plain_line(summary.text) or (f"skipped: {plain_line(summary.reason)}" if summary.reason else "")
    wrapped = textwrap.wrap(text, width=70, initial_indent="  ", subsequent_indent="  ")
    return [label, *wrapped]


def message_text(report: Report) -> str:
    """The summaries as plain text for a commit message: one entry per function, wrapped at 72 columns; every
    text the report quotes redacted (:mod:`ariadne_hook.render.redacted`)."""
    report = redacted(report)
    files = len({s.change.path for s in report.summaries})
    lines = [f"{plural(len(report.summaries), 'changed function')} in {plural(files, 'file')}:"]
    for summary in report.summaries:
        lines.extend(_entry(summary))
    return "\n".join(lines) + "\n"


def skip_reason(source: str | None, settings: Settings) -> str | None:
    """Why the message must be left alone, or None when it may be updated."""
    if settings.commit_msg == "off":
        return "commit_msg is off"
    if source == "message" and settings.commit_msg == "comment":
        return 'git keeps comment lines in -m/-F messages (commit_msg = "body" adds body text instead)'
    if source not in FRESH_SOURCES and not settings.commit_msg_all:
        return f"the message comes from {source!r} (set commit_msg_all to include it)"
    return None


def clean_subject(text: str, cc: str = "#") -> str:
    """A proposed subject as git will keep it: one line, terminal-safe, no quotes or final period around it,
    at most :data:`SUBJECT_CHARS` characters (cut at a word), not starting with the comment character."""
    line = next((plain_line(part) for part in text.split("\n") if plain_line(part)), "")
    line = line.strip().strip("\"'`").strip().removeprefix("Subject:").strip().rstrip(".").strip()
    while line.startswith(cc) or line.startswith("#"):
        line = line[1:].lstrip()
    if len(line) > SUBJECT_CHARS:
        cut = line[: SUBJECT_CHARS + 1].rsplit(" ", 1)[0]
        line = (cut if cut and len(cut) <= SUBJECT_CHARS else line[:SUBJECT_CHARS]).rstrip(" ,;:-")
    return line


def user_wrote(message: str, cc: str) -> bool:
    """Whether the message holds any line that is not blank and not a comment (git's view of it)."""
    return any(line.strip() and not line.startswith(cc) for line in message.split("\n"))


def with_subject(message: str, subject: str, cc: str) -> str:
    """The message with ``subject`` as its first line, when the user has written nothing; else as it is."""
    line = clean_subject(subject, cc)
    if not line or user_wrote(message, cc):
        return message
    return f"{line}\n" + (message if message.startswith("\n") else f"\n{message}")


def _as_comments(summaries_text: str, cc: str) -> list[str]:
    """Each line a comment; one that reads as our block's first or last line or as git's scissors line is
    indented, so that it can neither end the block nor cut the message."""
    lines = [
        "  " + line if line in (BEGIN, END, SCISSORS) else line
        for line in summaries_text.strip("\n").splitlines()
    ]
    body = [f"{cc} {line}".rstrip() if line.strip() else cc for line in lines]
    return [f"{cc} {BEGIN}", cc, *body, f"{cc} {END}"]


def inert_body(summaries_text: str, cc: str) -> str:
    """The summaries as body lines git keeps as written and GitHub does not act on: references and mentions
    broken (:func:`~ariadne_hook.render.sanitize.break_references`), and a guard character before a line
    that would start with the comment prefix ``cc``."""
    guard = ">" if cc.startswith(".") else "."
    lines = [break_references(line) for line in summaries_text.strip("\n").split("\n")]
    return "\n".join(guard + line if line.startswith(cc) else line for line in lines)


def _trailers_start(written: list[str], cwd: Path | None) -> int | None:
    """Where the trailers the user wrote begin (the first line of the last paragraph, when git's
    ``interpret-trailers`` finds trailers there); None when there are none."""
    if cwd is None or not _git(cwd, "interpret-trailers", "--parse", stdin="\n".join(written) + "\n").strip():
        return None
    start = len(written)
    while start > 0 and written[start - 1].strip():
        start -= 1
    return start if start > 0 else None


def _without_block(lines: list[str], cc: str) -> tuple[list[str], int | None]:
    """``lines`` minus an earlier block of ours, and the index where it was."""
    begin, end = f"{cc} {BEGIN}", f"{cc} {END}"
    if begin not in lines:
        return lines, None
    start = lines.index(begin)
    stop = lines.index(end, start) + 1 if end in lines[start:] else len(lines)
    return lines[:start] + lines[stop:], start


def with_comment_block(message: str, summaries_text: str, cc: str, cleanup: str) -> str:
    """The message with our comment block, replacing an earlier one; placed just above git's scissors line
    (``-v`` diffs), or at the end when there is none or when ``commit.cleanup`` is ``scissors``."""
    lines, at = _without_block(message.split("\n"), cc)
    if at is None:
        scissors = f"{cc} {SCISSORS}"
        at = lines.index(scissors) if scissors in lines and cleanup != "scissors" else len(lines)
        while at > 0 and at == len(lines) and lines[at - 1] == "":
            at -= 1  # keep a trailing newline after the block
    return "\n".join(lines[:at] + _as_comments(summaries_text, cc) + lines[at:]) + (
        "" if at < len(lines) else "\n"
    )


def with_body(message: str, summaries_text: str, cc: str, cwd: Path | None = None) -> str:
    """The message with the summaries as body text (:func:`inert_body`) after what the user wrote, above the
    trailers the user wrote (git in ``cwd`` finds them) and git's comment lines."""
    body = inert_body(summaries_text, cc)
    if body in message:
        return message
    lines = message.split("\n")
    first_comment = next((i for i, line in enumerate(lines) if line.startswith(cc)), len(lines))
    written = "\n".join(lines[:first_comment]).rstrip("\n").split("\n")
    rest = "\n".join(lines[first_comment:])
    at = _trailers_start(written, cwd)
    trailers = "" if at is None else "\n" + "\n".join(written[at:]) + "\n"
    above = "\n".join(written if at is None else written[:at]).rstrip("\n")
    return f"{above}\n\n{body}\n{trailers}" + (f"\n{rest}" if rest else "")


def message_source(given: str | None, env: Mapping[str, str]) -> str | None:
    """What git says opened the message: prepare-commit-msg's second argument, or pre-commit's variable."""
    return given or env.get("PRE_COMMIT_COMMIT_MSG_SOURCE") or None


def wants_subject(
    message_file: str | None, given_source: str | None, settings: Settings, env: Mapping[str, str]
) -> bool:
    """prepare-commit-msg with commit-subject on, on a message git opened empty (not -m/-F, amend, merge,
    squash or a template): the only case where a subject is proposed."""
    return (
        bool(message_file)
        and settings.commit_subject
        and settings.commit_msg != "off"
        and message_source(given_source, env) in EMPTY_SOURCES
    )


def apply_to_message(
    path: Path,
    summaries: Report | str,
    source: str | None,
    settings: Settings,
    cwd: Path | None = None,
    subject: str | None = None,
) -> str:
    """Update the commit message file at ``path`` with the summaries (a Report, or text already made with
    :func:`message_text`); returns a one-line status (never raises).

    ``source`` is git's second prepare-commit-msg argument (pre-commit: ``PRE_COMMIT_COMMIT_MSG_SOURCE``);
    ``cwd`` is where to read git's comment character and cleanup mode (default: the current directory).
    ``subject``: a proposed subject line (``commit_subject``), written first only when git opened the editor
    on an empty message (``source`` None: not -m/-F, amend, merge, squash or a template) and the user has
    written nothing in it.
    """
    reason = skip_reason(source, settings)
    if reason is not None:
        return f"commit message left alone: {reason}"
    summaries_text = message_text(summaries) if isinstance(summaries, Report) else redact_text(summaries)
    if not summaries_text.strip() or (isinstance(summaries, Report) and not summaries.summaries):
        return "commit message left alone: no summaries"
    cwd = cwd or Path.cwd()
    comment, cleanup = git_message_config(cwd)
    if settings.commit_msg == "comment" and cleanup in ("verbatim", "whitespace"):
        return f"commit message left alone: commit.cleanup={cleanup} would keep comment lines"
    try:
        message = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot read the commit message file: {exc}"
    cc = auto_comment_char(message) if comment == "auto" else comment
    line = clean_subject(redact_text(subject or ""), cc)
    proposed = bool(line) and source in EMPTY_SOURCES and not user_wrote(message, cc)
    updated = with_subject(message, line, cc) if proposed else message
    if settings.commit_msg == "body":
        updated = with_body(updated, summaries_text, cc, cwd)
    else:
        updated = with_comment_block(updated, summaries_text, cc, cleanup)
    if updated == message:
        return "commit message already has the summaries"
    try:
        path.write_text(updated, encoding="utf-8")
    except OSError as exc:
        return f"cannot write the commit message file: {exc}"
    kind = "body text" if settings.commit_msg == "body" else "comments"
    what = "a proposed subject and the summaries" if proposed else "the summaries"
    return f"added {what} to the commit message as {kind}"
