"""A report as every sink may show it: each text it quotes from the change, redacted.

Offline summaries quote changed lines (literals, conditions, call names, docstrings, git's hunk context), and
a model writes what its (redacted) prompt steered it to; both go to places that leave the machine: the
pull-request comment and the job summary (GitHub's servers), the merge-request note (GitLab's), the commit
message (pushed history), the run's log and its annotations. So the publish stage hands every sink the
report redacted, once (:func:`ariadne_hook.pipeline.publish`: the review file or stdout, each host's target
whatever it renders, the commit message), and every renderer starts from :func:`redacted` as well — the
markdown review (local file, stdout, job summary, PR comment, MR note), the JSON report, the commit message
(:mod:`ariadne_hook.publish.commit_msg`) and the ``--verbose`` lines (:mod:`ariadne_hook.console`, names
through :func:`entry_name`); a report it returned is not redacted again. Two passes of the request
bodies' redaction (:func:`ariadne_hook.summarize.redact.redact`), so that a review never shows what a request
would not carry:

1. **the entry's own secrets**: its changed lines and hunk headers are redacted as a request would be, and
   every secret value found there is taken out of the entry's text wherever the text quotes it, whole or cut
   short (a quote keeps its first characters: ``Password=Sup3rS3cre``), and also without the name or form
   that made it recognizable (``["05a9…"].pack`` quoted from ``signing_key = ["05a9…"].pack("H*")``);
2. **the text itself**, redacted as a request body is: every entry's text (the offline summarizer's or the
   model's), the walkthrough, a hunk entry's name (it carries git's hunk context, a line of the file), the
   lines quoted by "references left behind". (A proposed commit subject: :func:`redact_text`.)

The local review gets the same text: one text everywhere, and a review file is often pasted elsewhere.
Paths, function names, reasons and notes are the tool's words or identifiers and are kept (the JSON keeps
names exact). The texts of a report are redacted in one call per pass (joined, then split again), which
costs about a fifth of one call per text; past :data:`SHARED_CHARS` a forked helper takes the first half
of the entries (``forked.map_shared``: the second core, the same texts). Nothing is imported for a report that
quotes nothing (the hook's no-op path).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ariadne_hook.forked import map_shared, worth_a_helper
from ariadne_hook.models import FunctionChange, References, Report, Summary

SEPARATOR = "\n\x1e\n"  # between texts redacted in one call: a line no rule reads as a value or a piece
MARKER = re.compile(r"\[REDACTED:[\w-]+\]")
QUOTED = "[REDACTED:quoted]"
MIN_QUOTED = 8  # characters of a secret's start that count as quoting it (a shorter secret: all of it)
# characters to read (entries' texts and changed lines) before a forked helper redacts half the entries
SHARED_CHARS = 300_000


def redact_all(texts: Sequence[str]) -> list[str]:
    """Each of ``texts`` redacted as a request body is; in one call when the texts stay apart (a private
    key's BEGIN without its END would reach into the next text: then one call each)."""
    if not any(t.strip() for t in texts):
        return list(texts)
    from ariadne_hook.summarize.redact import redact

    if not any(SEPARATOR in t for t in texts):
        out = redact(SEPARATOR.join(texts)).split(SEPARATOR)
        if len(out) == len(texts):
            return out
    return [redact(t) if t.strip() else t for t in texts]


def redact_text(text: str) -> str:
    """``text`` with every secret the request bodies would lose replaced by ``[REDACTED:<kind>]``."""
    return redact_all([text])[0]


def entry_name(change: FunctionChange) -> str:
    """The entry's name as a sink shows it: a hunk's (``hunk at line 6: <git's context line>``) redacted."""
    return redact_text(change.qualname) if change.kind == "hunk" else change.qualname


def _source_lines(change: FunctionChange) -> str:
    """The lines an offline summary quotes from: the entry's changed lines and hunk headers."""
    return "\n".join(line for line in change.diff.split("\n") if line[:1] in "+-@")


def secrets_of(original: str, redacted_text: str) -> set[str]:
    """The values ``redact`` replaced by markers in ``original``, line by line (adjacent markers: one
    value). None when the lines do not pair up (a private key's block: no line of it is quoted whole)."""
    found: set[str] = set()
    old_lines, new_lines = original.split("\n"), redacted_text.split("\n")
    if len(old_lines) != len(new_lines):
        return found
    for old, new in zip(old_lines, new_lines, strict=True):
        if old == new:
            continue
        pieces = MARKER.split(new)
        if not old.startswith(pieces[0]) or not old.endswith(pieces[-1]):
            continue
        start, stop = len(pieces[0]), len(old) - len(pieces[-1])
        for piece in pieces[1:-1]:
            end = old.find(piece, start + 1, stop) if piece else -1
            if end < 0:
                continue  # adjacent markers, or a piece not found: one value up to the next piece
            found.add(old[start:end])
            start = end + len(piece)
        found.add(old[start:stop])
    return {value for value in found if len(value.strip()) >= 4}


def _without(text: str, secrets: set[str]) -> str:
    """``text`` with every quote of ``secrets`` as a marker: whole, or cut short to its first
    :data:`MIN_QUOTED` characters or more."""
    for secret in sorted(secrets, key=len, reverse=True):
        start = secret[: min(len(secret), MIN_QUOTED)]
        at = text.find(start)
        while at >= 0:
            end = at + len(start)
            while end < len(text) and end - at < len(secret) and text[end] == secret[end - at]:
                end += 1
            text = f"{text[:at]}{QUOTED}{text[end:]}"
            at = text.find(start, at + len(QUOTED))
    return text


_last: list[tuple[Report, Report]] = []  # the report last redacted, and its redacted form


def redacted(report: Report) -> Report:
    """``report`` with every text it quotes redacted (see the module docstring); the same object when
    nothing changed. The same report rendered for several sinks (the review file, then GitHub) is redacted
    once, and the report this returned is not redacted again."""
    if _last and (_last[0][0] is report or _last[0][1] is report):
        return _last[0][1]
    out = _redacted(report)
    _last[:] = [(report, out)]
    return out


def _redacted(report: Report) -> Report:
    summaries = report.summaries
    sizes = [len(s.text) + len(s.change.diff) for s in summaries]
    if worth_a_helper(sizes, SHARED_CHARS):  # the rules loaded (~40 ms) once, before the fork: not in each
        import ariadne_hook.summarize.redact  # noqa: F401
    done = map_shared(_entries_redacted, summaries, sizes, SHARED_CHARS)
    walkthrough = redact_text(report.walkthrough) if report.walkthrough else report.walkthrough
    out = [_summary(s, *texts) for s, texts in zip(summaries, done, strict=True)]
    if walkthrough == report.walkthrough and all(a is b for a, b in zip(out, summaries, strict=True)):
        return report
    return replace(report, summaries=tuple(out), walkthrough=walkthrough)


def _entries_redacted(summaries: Sequence[Summary]) -> list[tuple[str, str, list[str]]]:
    """Each summary's (text, name, references' lines) redacted: its entry's own secrets taken out of its text
    (pass 1), then the texts redacted as a request body is (pass 2); each pass one call for all of them."""
    quoted = [i for i, s in enumerate(summaries) if s.text.strip()]
    sources = [_source_lines(summaries[i].change) for i in quoted]
    texts = [s.text for s in summaries]
    for i, source, clean in zip(quoted, sources, redact_all(sources), strict=True):
        if source != clean and (found := secrets_of(source, clean)):
            texts[i] = _without(texts[i], found)
    names = [s.change.qualname if s.change.kind == "hunk" else "" for s in summaries]
    lines = [r.text for s in summaries if s.references for r in s.references.items]
    done = redact_all([*texts, *names, *lines])
    texts, names, quotes = done[: len(texts)], done[len(texts) : 2 * len(texts)], iter(done[2 * len(texts) :])
    mine = [[next(quotes) for _ in s.references.items] if s.references else [] for s in summaries]
    return list(zip(texts, names, mine, strict=True))


def _summary(summary: Summary, text: str, name: str, lines: Sequence[str]) -> Summary:
    """``summary`` with its redacted text, name and references' lines."""
    change, refs = summary.change, summary.references
    if name and name != change.qualname:
        change = replace(change, qualname=name)
    if refs is not None and refs.items and list(lines) != [r.text for r in refs.items]:
        refs = _with_lines(refs, lines)
    if text == summary.text and change is summary.change and refs is summary.references:
        return summary
    return replace(summary, change=change, text=text, references=refs)


def _with_lines(refs: References, lines: Sequence[str]) -> References:
    return replace(refs, items=tuple(replace(r, text=t) for r, t in zip(refs.items, lines, strict=True)))
