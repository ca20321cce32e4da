"""Pair the two sides' definitions of a name that is defined more than once in a file.

Overloads (``@typing.overload`` stubs, C++/Java overloads), conditional definitions and property setters
share one qualified name. Pairing them by their order in the file goes wrong as soon as one is inserted or
removed before another (a new overload stub would be paired with the old implementation). Instead each old
definition is paired with the new definition that holds most of its unchanged lines, followed through the
diff; what no line ties together is paired in order, and new definitions left over are new.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from ariadne_hook.models import FunctionChange, FunctionSpan, Hunk

Identity = tuple[str, int]  # (qualname, occurrence)
LineMap = Callable[[int], "int | None"]


def line_mapper(hunks: Sequence[Hunk], context: Mapping[int, int]) -> LineMap:
    """Old line number -> new line number for every line the diff keeps; None for a removed line.

    ``context`` maps the hunks' own context lines; a line outside every hunk moves by the lines that the
    hunks before it added and removed.
    """
    firsts: list[int] = []
    ends: list[int] = []  # first old line after the hunk
    shifts: list[int] = []  # new minus old, for the lines after the hunk
    for h in hunks:
        old_first = h.old_start if h.old_count else h.old_start + 1
        new_first = h.new_start if h.new_count else h.new_start + 1
        firsts.append(old_first)
        ends.append(old_first + h.old_count)
        shifts.append((new_first + h.new_count) - (old_first + h.old_count))

    def new_line(line: int) -> int | None:
        if line in context:
            return context[line]
        at = bisect_right(firsts, line) - 1
        if at < 0:
            return line
        if line < ends[at]:
            return None  # inside a hunk and not context: removed
        return line + shifts[at]

    return new_line


def _by_name(ids: Sequence[Identity]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for position, (name, _) in enumerate(ids):
        found[name].append(position)
    return found


def paired_ids(
    old_spans: Sequence[FunctionSpan],
    old_ids: Sequence[Identity],
    new_spans: Sequence[FunctionSpan],
    new_ids: Sequence[Identity],
    new_line: LineMap,
) -> list[Identity]:
    """``new_ids`` with every name defined more than once (on either side) re-paired to the old side."""
    out = list(new_ids)
    olds, news = _by_name(old_ids), _by_name(new_ids)
    for name, new_positions in news.items():
        old_positions = olds.get(name, [])
        if not old_positions or (len(old_positions) == 1 and len(new_positions) == 1):
            continue
        for position, occurrence in _pair(
            name, old_positions, old_spans, old_ids, new_positions, new_spans, new_line
        ).items():
            out[position] = (name, occurrence)
    return out


def _pair(
    name: str,
    old_positions: Sequence[int],
    old_spans: Sequence[FunctionSpan],
    old_ids: Sequence[Identity],
    new_positions: Sequence[int],
    new_spans: Sequence[FunctionSpan],
    new_line: LineMap,
) -> dict[int, int]:
    """new position -> the old occurrence it continues (or a fresh occurrence for a new definition)."""
    votes: list[tuple[int, int, int]] = []
    holders = _holders(new_positions, new_spans)
    for o in old_positions:
        span = old_spans[o]
        moved = [m for m in map(new_line, range(span.start, span.end + 1)) if m is not None]
        votes += [(-count, o, n) for n, count in holders(moved).items()]
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, o, n in sorted(votes):
        if o not in taken and n not in pairs:
            pairs[n] = old_ids[o][1]
            taken.add(o)
    left_old = [old_ids[o][1] for o in old_positions if o not in taken]
    left_new = [n for n in new_positions if n not in pairs]
    for n, occurrence in zip(left_new, left_old, strict=False):  # the shorter list decides
        pairs[n] = occurrence
    fresh = max(old_ids[o][1] for o in old_positions) + 1
    for n in left_new[len(left_old) :]:
        pairs[n] = fresh
        fresh += 1
    return pairs


def _holders(
    positions: Sequence[int], spans: Sequence[FunctionSpan]
) -> Callable[[Sequence[int]], dict[int, int]]:
    """For some lines: position -> how many of them its span holds (those holding none left out).
    Definitions of one name do not nest (a nested one has a longer qualname), so a line is looked up by
    bisection: a file defining one name thousands of times costs O(lines log n), not lines × n.
    Overlapping spans, should a parser report any, are counted one by one."""
    ordered = sorted(positions, key=lambda p: spans[p].start)
    starts = [spans[p].start for p in ordered]
    overlap = any(spans[a].end >= spans[b].start for a, b in zip(ordered, ordered[1:], strict=False))

    def count(lines: Sequence[int]) -> dict[int, int]:
        counts: dict[int, int] = {}
        if overlap:
            found = {p: sum(1 for m in lines if spans[p].start <= m <= spans[p].end) for p in positions}
            return {p: n for p, n in found.items() if n}
        for line in lines:
            at = bisect_right(starts, line) - 1
            if at >= 0 and line <= spans[ordered[at]].end:
                counts[ordered[at]] = counts.get(ordered[at], 0) + 1
        return counts

    return count


def rename_pairs(changes: Sequence[FunctionChange]) -> dict[int, int]:
    """deleted index -> added index for a deleted and an added entry of one file with the same body (name
    aside): a rename or a move within the file. One pairing for the offline summarizer
    (``moved_summaries``) and the references finder."""
    added: dict[tuple[str, str], int] = {}
    deleted: dict[tuple[str, str], int] = {}
    for i, c in enumerate(changes):
        if c.change == "added" and c.new_facts and c.new_facts.body_hash:
            added.setdefault((c.old_path or c.path, c.new_facts.body_hash), i)
        elif c.change == "deleted" and c.old_facts and c.old_facts.body_hash:
            deleted.setdefault((c.path, c.old_facts.body_hash), i)
    return {d: added[key] for key, d in deleted.items() if key in added}
