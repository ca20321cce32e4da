"""The markdown review: a header with what was reviewed and the counts, then a section per file.

Pure and deterministic: the same report gives the same text (no clock, no host). Everything that comes from
the diff (paths, names) goes into code spans; everything an LLM wrote goes through ``neutralize`` — so the
text is as safe in a pull-request comment as in a local file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby

from ariadne_hook.models import CACHED, FALLBACK, SKIPPED, SUMMARIZED, Report, Summary
from ariadne_hook.render.counts import describe, kind_counts
from ariadne_hook.render.sanitize import neutralize, neutralize_inline

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


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


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
    return f"+{added} \u2212{removed} in {_plural(hunks, 'hunk')}"


def _entry(summary: Summary) -> str:
    change = summary.change
    if summary.status == SKIPPED and change.qualname == "<file>":
        return f"- *skipped: {neutralize(summary.reason or 'no reason given')}*"
    facts = [change.change] + ([_where(summary)] if _where(summary) else [])
    if change.kind == "hunk":
        facts.append("hunk")
    if change.kind == "class":
        facts.append("class body")
    if change.kind == "file":
        head = f"- **{change.change}** — {_diff_counts(change.diff)}"
    else:
        head = f"- **{code_span(change.qualname)}** — {' · '.join(facts)}"
    body = neutralize_inline(summary.text)
    lines = [head, f"  {body}" if body else "  *(no summary)*"]
    if summary.status == FALLBACK:
        lines.append(f"  *offline summary — LLM failed: {neutralize(summary.reason or 'unknown')}*")
    elif summary.status == SKIPPED:
        lines.append(f"  *skipped: {neutralize(summary.reason or 'no reason given')}*")
    elif summary.reason:
        lines.append(f"  *note: {neutralize(summary.reason)}*")
    if change.note:
        lines.append(f"  *{neutralize(change.note)}*")
    return "\n".join(lines)


def _file_title(path: str, old_path: str | None) -> str:
    title = code_span(path)
    if old_path and old_path != path:
        title += f" (from {code_span(old_path)})"
    return title


def _folded(trivial: Sequence[Summary]) -> str:
    """One line for the entries of a file where only comments, blank lines, whitespace or imports changed."""
    names = ", ".join(code_span(s.change.qualname) for s in trivial)
    return f"- *also touched (comments, whitespace or imports only):* {names}"


def _file_section(path: str, entries: Sequence[Summary]) -> Iterator[str]:
    title = _file_title(path, entries[0].change.old_path)
    trivial = [s for s in entries if s.change.trivial]
    lines = [_entry(s) for s in entries if not s.change.trivial]
    body = "\n".join(lines + ([_folded(trivial)] if trivial else []))
    if len(entries) > COLLAPSE_OVER:
        count = _plural(len(entries), "entry", "entries")
        yield f"<details><summary>{_html_text(path)} — {count}</summary>\n\n{body}\n\n</details>"
    else:
        yield f"### {title}\n\n{body}"


def _html_text(text: str) -> str:
    """Text for an HTML element (the <summary> of a folded section)."""
    return neutralize_inline(text)


def header_lines(report: Report) -> list[str]:
    stats = report.stats
    files = len({s.change.path for s in report.summaries})
    label = report.source.label or report.source.kind
    provider = (
        "offline summaries" if report.provider == "offline" else f"provider {code_span(report.provider)}"
    )
    if report.model:
        provider += f", model {code_span(report.model)}"
    kinds = describe(kind_counts(report.summaries), leave_out=("skipped",)) or ["0 functions"]
    counts = [
        f"**{kinds[0]}**{''.join(', ' + k for k in kinds[1:])} in **{_plural(files, 'file')}**",
        f"{stats.summarized} {SUMMARIZED}",
        f"{stats.cached} {CACHED}",
        f"{stats.fallback} {FALLBACK}",
        f"{stats.skipped} {SKIPPED}",
    ]
    lines = [f"## {TITLE} — {neutralize(label)}", "", " · ".join(counts), "", f"Summaries: {provider}."]
    if report.provider != "offline":
        lines[-1] += f" {_plural(stats.requests, 'request')} to the model."
    for note in report.notes:
        lines += ["", f"> {neutralize(note)}"]
    return lines


def _not_code(summary: Summary) -> bool:
    return summary.change.kind == "file" or summary.status == SKIPPED


def render_markdown(report: Report) -> str:
    parts = ["\n".join(header_lines(report))]
    if not report.summaries:
        parts.append("No changed functions to review.")
    code: list[str] = []
    other: list[str] = []  # non-code and skipped files come after every code section
    for path, group in groupby(report.summaries, key=lambda s: s.change.path):
        entries = list(group)
        target = other if all(_not_code(s) for s in entries) else code
        target.extend(_file_section(path, entries))
    parts.extend(code + other)
    return "\n\n".join(parts) + "\n"
