"""What a review holds, counted by kind of entry: the headline, the result line and the JSON ``stats``; and
by status (:func:`stats_of`: the report's ``Stats``).

An entry is one of: a function or method, a class (its lines outside methods), a module-level block, a
non-code file (a file without a function parser, one entry for all its hunks; also a file whose only change
is a rename or mode), a hunk (a code file that could not be parsed), or a skipped file (binary, too large,
excluded...). ``Stats.functions`` stays the number of entries (schema 1); these counts say what they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ariadne_hook.models import CACHED, FALLBACK, SKIPPED, SUMMARIZED, Stats, Summary
from ariadne_hook.words import plural

# key -> (singular, plural) as the headline and the result line say it
KINDS: dict[str, tuple[str, str]] = {
    "functions": ("function", "functions"),
    "classes": ("class", "classes"),
    "modules": ("module-level block", "module-level blocks"),
    "files": ("non-code file", "non-code files"),
    "hunks": ("hunk", "hunks"),
    "skipped": ("skipped file", "skipped files"),
}


def kind_of(summary: Summary) -> str:
    """The ``KINDS`` key of one entry."""
    change = summary.change
    if summary.status == SKIPPED or change.skip_reason is not None:
        return "skipped"
    if change.kind in ("function", "method"):
        return "functions"
    if change.kind == "class":
        return "classes"
    if change.kind == "hunk":
        return "hunks"
    if change.kind == "file" or change.qualname == "<file>":
        return "files"
    return "modules"


def kind_counts(summaries: Iterable[Summary]) -> dict[str, int]:
    """Every ``KINDS`` key (zeros included), in ``KINDS`` order."""
    counts = dict.fromkeys(KINDS, 0)
    for summary in summaries:
        counts[kind_of(summary)] += 1
    return counts


def describe(counts: dict[str, int], leave_out: Iterable[str] = ()) -> list[str]:
    """``["3 functions", "1 class", ...]``: the non-zero counts in words."""
    skip = set(leave_out)
    out = []
    for key, count in counts.items():
        if count and key not in skip:
            singular, many = KINDS[key]
            out.append(plural(count, singular, many))
    return out


def stats_of(
    summaries: Sequence[Summary], requests: int, seconds: float, tokens: tuple[int, int] = (0, 0)
) -> Stats:
    """A run's ``Stats``: its entries by status (a rejected answer is a fallback, counted once more),
    requests, time and tokens."""

    def count(status: str) -> int:
        return sum(1 for s in summaries if s.status == status)

    fallback = count(FALLBACK)
    return Stats(
        functions=len(summaries),
        summarized=count(SUMMARIZED),
        cached=count(CACHED),
        fallback=fallback,
        skipped=count(SKIPPED),
        requests=requests,
        rejected=_rejected(summaries) if fallback else 0,
        seconds=seconds,
        prompt_tokens=tokens[0],
        completion_tokens=tokens[1],
    )


def _rejected(summaries: Sequence[Summary]) -> int:
    """The fallback entries whose model answer was no summary (the answers' rules are imported only for a
    run with fallbacks)."""
    from ariadne_hook.summarize.answers import is_rejection

    return sum(1 for s in summaries if s.status == FALLBACK and is_rejection(s.reason))
