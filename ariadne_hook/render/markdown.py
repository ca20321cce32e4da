"""The markdown review: a header with what was reviewed and the counts, then a section per file.

Pure and deterministic: the same report gives the same text (no clock, no host). One renderer, two
destinations (:data:`GITHUB`, :data:`LOCAL`) that differ only in how text is written:

- ``GITHUB`` (the PR comment and the job summary, the default): everything a model wrote and every message
  goes through :func:`~ariadne_hook.render.sanitize.neutralize` (mentions, references, HTML, links, images,
  block structure, invisible characters, marker forgery); a file section with more than
  :data:`COLLAPSE_OVER` entries is folded into ``<details>``, whose ``<summary>`` holds the path in a
  ``<code>`` element, HTML-escaped (``html.escape``, quotes too): nothing from the repository reaches the
  HTML unescaped.
- ``LOCAL`` (the review file, stdout): text as is, to read and copy — no entities, no zero-width joiners —
  made safe for a terminal and inert as markdown (:func:`~ariadne_hook.render.sanitize.plain_markdown`:
  controls, ANSI sequences, invisible and bidi characters removed; one line per text; a backslash only before
  a line's first character when it could begin a block, before a ``<`` that would begin raw HTML or a ``(``
  that would begin a link's destination, and before a lone backtick run). The local file has no HTML of ours
  at all (no folding); the model's text can neither restructure it (no heading, list, quote, table, fence,
  HTML block of its own) nor run markup in a previewer (no raw HTML, no link or image with a hidden
  destination); inline emphasis stays as the model wrote it.

In both, every text the report quotes from the change (summaries, the walkthrough, hunk names) is redacted
first (:func:`~ariadne_hook.render.redacted.redacted`), and repository identifiers (paths, old paths,
qualnames, hunk headers, the model name) go into code spans, which render literally and that no backtick or
newline can break out of, with every invisible or control character shown as an escape
(:func:`~ariadne_hook.render.sanitize.shown`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

from ariadne_hook.counts import describe, kind_counts
from ariadne_hook.models import CACHED, FALLBACK, REJECTED, SKIPPED, SUMMARIZED, Report, Summary
from ariadne_hook.render.redacted import redacted
from ariadne_hook.render.sanitize import (
    break_comments,
    neutralize,
    neutralize_inline,
    plain_markdown,
    shown,
)
from ariadne_hook.summarize.offline_overview import overview_lines, references_line
from ariadne_hook.words import plural


@dataclass(frozen=True)
class Destination:
    """How text is written for one place the review goes."""

    name: str
    text: Callable[[str], str]  # a message or reason (may keep line breaks)
    line: Callable[[str], str]  # a summary: one line
    name_text: Callable[[str], str]  # a repository identifier, before it goes into a code span
    fold: bool  # long file sections folded into <details> (HTML)


def _github_name(name: str) -> str:
    return break_comments(shown(name))


GITHUB = Destination("github", neutralize, neutralize_inline, _github_name, fold=True)
LOCAL = Destination("local", plain_markdown, plain_markdown, shown, fold=False)

TITLE = "ariadne-hook review"
COLLAPSE_OVER = 15  # a file section with more entries than this is folded into <details>


def code_span(text: str) -> str:
    """``text`` as an inline code span that no backtick, newline or HTML inside it can break out of."""
    flat = " ".join(text.split("\n")).replace("\r", " ")
    longest = run = 0
    for char in flat:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _span(lines: tuple[int, int] | None) -> str:
    if lines is None:
        return ""
    first, last = lines
    return f"line {first}" if first == last else f"lines {first}–{last}"


def _where(summary: Summary) -> str:
    change = summary.change
    if change.change == "deleted":
        old = _span(change.old_lines)
        return f"was {old}" if old else ""
    return _span(change.new_lines) or _span(change.old_lines)


def _diff_counts(diff: str) -> str:
    """``+3 −1 in 2 hunks`` for a unified diff."""
    lines = diff.split("\n")
    hunks = sum(line.startswith("@@") for line in lines)
    added = sum(line.startswith("+") for line in lines)
    removed = sum(line.startswith("-") for line in lines)
    return f"+{added} \u2212{removed} in {plural(hunks, 'hunk')}"


def _entry(summary: Summary, to: Destination) -> str:
    change = summary.change
    if summary.status == SKIPPED and change.qualname == "<file>":
        return f"- *skipped: {to.text(summary.reason or 'no reason given')}*"
    facts = [change.change] + ([_where(summary)] if _where(summary) else [])
    if change.kind == "hunk":
        facts.append("hunk")
    if change.kind == "class":
        facts.append("class body")
    if change.kind == "file":
        head = f"- **{change.change}** — {_diff_counts(change.diff)}"
    else:
        head = f"- **{code_span(to.name_text(change.qualname))}** — {' · '.join(facts)}"
    body = to.line(summary.text)
    if summary.status == FALLBACK and not body:  # the deadline came before even its offline summary
        lines = [head, f"  *not summarized: {to.text(summary.reason or 'unknown')}*"]
    else:
        lines = [head, f"  {body}" if body else "  *(no summary)*"]
    if summary.status == FALLBACK and body and (summary.reason or "").startswith(REJECTED):
        why = (summary.reason or "").removeprefix(REJECTED)
        lines.append(f"  *offline summary — the model's answer was no summary: {to.text(why)}*")
    elif summary.status == FALLBACK and body:
        lines.append(f"  *offline summary — LLM failed: {to.text(summary.reason or 'unknown')}*")
    elif summary.status == SKIPPED:
        lines.append(f"  *skipped: {to.text(summary.reason or 'no reason given')}*")
    elif summary.reason:
        lines.append(f"  *note: {to.text(summary.reason)}*")
    if change.note:
        lines.append(f"  *{to.text(change.note)}*")
    if summary.references is not None and summary.references.total:
        lines.append(f"  {references_line(summary.references, _namer(to))}")
    return "\n".join(lines)


def _namer(to: Destination) -> Callable[[str], str]:
    """A repository text (name, path) as a code span for ``to``."""
    return lambda text: code_span(to.name_text(text))


def overview_section(report: Report, to: Destination) -> str:
    """The overview at the top: the model's walkthrough when there is one, then the offline facts."""
    lines = ["### Overview", ""]
    if report.walkthrough:
        lines += [f"**Walkthrough:** {to.line(report.walkthrough)}", ""]  # a line never starts with its text
    lines += [f"- {line}" for line in overview_lines(report, _namer(to), to.line)]
    return "\n".join(lines)


_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _escape_html(text: str) -> str:
    """``html.escape(text, quote=True)`` without importing ``html`` (and its entity tables) on every run."""
    return text.translate(_HTML_ESCAPES)


def _html_code(text: str) -> str:
    """A repository identifier inside HTML: a <code> element with the text HTML-escaped, quotes included."""
    return f"<code>{_escape_html(text)}</code>"


def _file_title(path: str, old_path: str | None, to: Destination, code: Callable[[str], str]) -> str:
    """The path, and where it was renamed from, each through ``code`` (a markdown or an HTML code span)."""
    title = code(to.name_text(path))
    if old_path and old_path != path:
        title += f" (from {code(to.name_text(old_path))})"
    return title


def _folded(trivial: Sequence[Summary], to: Destination) -> str:
    """One line for the entries of a file where only comments, blank lines, whitespace or imports changed."""
    names = ", ".join(code_span(to.name_text(s.change.qualname)) for s in trivial)
    return f"- *also touched (comments, whitespace or imports only):* {names}"


def _file_section(path: str, entries: Sequence[Summary], to: Destination) -> str:
    old_path = entries[0].change.old_path
    trivial = [s for s in entries if s.change.trivial]
    lines = [_entry(s, to) for s in entries if not s.change.trivial]
    body = "\n".join(lines + ([_folded(trivial, to)] if trivial else []))
    if to.fold and len(entries) > COLLAPSE_OVER:
        title = _file_title(path, old_path, to, _html_code)
        count = plural(len(entries), "entry")
        return f"<details><summary>{title} — {count}</summary>\n\n{body}\n\n</details>"
    return f"### {_file_title(path, old_path, to, code_span)}\n\n{body}"


def header_lines(report: Report, to: Destination = GITHUB) -> list[str]:
    stats = report.stats
    files = len({s.change.path for s in report.summaries})
    label = report.source.label or report.source.kind
    provider = (
        "offline summaries"
        if report.provider == "offline"
        else f"provider {code_span(to.name_text(report.provider))}"
    )
    if report.model:
        provider += f", model {code_span(to.name_text(report.model))}"
    kinds = describe(kind_counts(report.summaries), leave_out=("skipped",)) or ["0 functions"]
    counts = [
        f"**{kinds[0]}**{''.join(', ' + k for k in kinds[1:])} in **{plural(files, 'file')}**",
        f"{stats.summarized} {SUMMARIZED}",
        f"{stats.cached} {CACHED}",
        *([f"{stats.rejected} rejected"] if stats.rejected else []),  # answers that were no summary
        f"{stats.fallback - stats.rejected} {FALLBACK}",  # each entry counted once, as in the result line
        f"{stats.skipped} {SKIPPED}",
    ]
    lines = [f"## {TITLE} — {to.line(label)}", "", " · ".join(counts), "", f"Summaries: {provider}."]
    if report.provider != "offline":
        lines[-1] += f" {plural(stats.requests, 'request')} to the model."
    for note in report.notes:
        lines += ["", f"> {to.text(note)}"]
    return lines


def _not_code(summary: Summary) -> bool:
    return summary.change.kind == "file" or summary.status == SKIPPED


def render_markdown(report: Report, to: Destination = GITHUB) -> str:
    """The review for ``to``: :data:`GITHUB` (PR comment, job summary) or :data:`LOCAL` (file, stdout); every
    text the report quotes redacted first (:mod:`ariadne_hook.render.redacted`)."""
    report = redacted(report)
    parts = ["\n".join(header_lines(report, to))]
    if not report.summaries:
        parts.append("No changed functions to review.")
    else:
        parts.append(overview_section(report, to))
    code: list[str] = []
    other: list[str] = []  # non-code and skipped files come after every code section
    for path, group in groupby(report.summaries, key=lambda s: s.change.path):
        entries = list(group)
        target = other if all(_not_code(s) for s in entries) else code
        target.append(_file_section(path, entries, to))
    parts.extend(code + other)
    return "\n\n".join(parts) + "\n"


def render_local(report: Report) -> str:
    """The review file's (and stdout's) markdown: :data:`LOCAL`."""
    return render_markdown(report, LOCAL)
