"""Map a file's changed lines to the innermost function that holds them (language-agnostic).

Every removed line belongs to the innermost old-side span that contains it, every added line to the
innermost new-side span; spans are functions and classes (a class owns its lines outside its methods: a
``class`` entry whose range is its changed non-blank lines). Lines in no span are module level: changes more
than MODULE_GAP unchanged lines apart are separate blocks, ``<module>`` then ``<module:N>`` (N = the block's
first line; ``<module:was N>`` for a block that only removes lines). A function is identified by
(qualname, occurrence): the n-th span with that qualname in the file, in source order, so duplicate names
(redefinitions, overloads, property setters) stay distinct; across the two sides, duplicates are paired by
where their lines went (align.py), and their entries are named ``qualname#n`` so no two entries of a file
share a name. An identity present only on the new side is
"added", only on the old side "deleted", on both "modified". A function whose only changes are inside a
nested function is not reported. Every entry gets ``trivial`` (trivial.py).

Each entry's ``diff`` is an excerpt of the file's hunks: the changed lines that belong to it plus up to 3
context lines within its span on each side of them, split into hunks with their true ``@@`` numbers.
A file of a language without a function parser is one ``file`` entry with all its hunks. Files that cannot be
parsed (either side) and files whose contents are not available fall back to one entry per hunk with a note;
nothing here raises.

The run's deadline: past ``deadline_at`` no more work starts (no parse, no entry); what a file has left is one
skipped ``<file>`` entry whose reason says how many of its changed lines no entry covers (reason
``deadline``). A parse that has started runs to its end: its cost is bounded by ``max-file-bytes`` (every step
here is linear, or n log n, in the file's size).

Here the mapping of one file; the two scanned versions and the rows of its hunks are sides.py's, the making
of each entry (range, excerpt, facts; module-level blocks) entries.py's.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from ariadne_hook.locate.entries import (
    block_entry,
    function_entry,
    module_blocks,
    nested_rows,
    with_triviality,
)
from ariadne_hook.locate.hunks import (
    file_entry,
    hunk_entries,
    late_entry,
    text_file_entry,
)
from ariadne_hook.locate.languages import gc_paused
from ariadne_hook.locate.sides import (
    LATE,
    MODULE_ID,
    NO_PARSER,
    Identity,
    Side,
    aligned,
    describe,
    hunk_rows,
    owners,
    scan_sides,
)
from ariadne_hook.locate.trivial import FileTriviality
from ariadne_hook.models import (
    ADDED,
    COPIED,
    DELETED,
    RENAMED,
    FileChange,
    FunctionChange,
)

Clock = Callable[[], float]


def locate_file(
    change: FileChange, language: str, deadline_at: float | None = None, clock: Clock = time.monotonic
) -> list[FunctionChange]:
    """The entries of one file; never raises. ``deadline_at``: a ``clock()`` instant past which no more
    work starts (see the module docstring); None: no limit."""
    if change.skip_reason is not None:
        return [file_entry(change, language, skip_reason=change.skip_reason)]
    past: Callable[[], bool] = (lambda: False) if deadline_at is None else (lambda: clock() >= deadline_at)
    changed = len(change.removed_lines) + len(change.added_lines)
    if changed and past():  # a file without changed lines costs nothing: its entry says what changed
        return [late_entry(change, language, changed, changed)]
    try:
        with gc_paused():  # both trees are freed (by reference counting) before the collector resumes
            return _locate(change, language, past)
    except Exception as exc:  # a bug or absurd input must not stop the review of the other files
        note = f"could not map lines to functions ({describe(exc)}): per-hunk entries"
        return hunk_entries(change, language, note)


def _locate(change: FileChange, language: str, past: Callable[[], bool]) -> list[FunctionChange]:
    rows = hunk_rows(change.hunks)
    removed = sorted({r.old for r in rows if r.tag == "-"} | change.removed_lines)
    added = sorted({r.new for r in rows if r.tag == "+"} | change.added_lines)
    if not removed and not added:
        return [file_entry(change, language, note=_unchanged_note(change))]
    sides = scan_sides(change, language, past)
    if sides is NO_PARSER:
        return [text_file_entry(change, language)]
    if sides is LATE:
        changed = sum(row.tag != " " for row in rows)
        return [late_entry(change, language, changed, changed)]
    if isinstance(sides, str):
        return hunk_entries(change, language, sides)
    old, new = aligned(sides, change.hunks, rows)
    old_owner = dict(zip(removed, owners(removed, old), strict=True))
    new_owner = dict(zip(added, owners(added, new), strict=True))
    units: dict[Identity, list[int]] = defaultdict(list)  # identity -> indices of its changed rows
    for ident in [*old_owner.values(), *new_owner.values()]:
        units.setdefault(ident, [])
    for i, row in enumerate(rows):
        if row.tag == "-":
            units[old_owner[row.old]].append(i)
        elif row.tag == "+":
            units[new_owner[row.new]].append(i)
    trivial = FileTriviality(language, change.old_text, change.new_text, (_bounds(old), _bounds(new)))
    names = _display_names(old, new)
    # one item per entry to make: (identity, its changed rows, the rows a module block's range covers,
    # whether it is the file's first module block)
    work: list[tuple[Identity, list[int], list[int], bool]] = []
    for ident, chosen in units.items():
        if ident == MODULE_ID:
            blocks = module_blocks(rows, chosen)
            work += [(ident, block, tight, n == 0) for n, (block, tight) in enumerate(blocks)]
        else:
            work.append((ident, chosen, chosen, False))
    entries: list[FunctionChange] = []
    plus = [row.new for row in rows if row.tag == "+"]  # rows come in file order: sorted
    minus = [row.old for row in rows if row.tag == "-"]
    for done, (ident, chosen, tight, first) in enumerate(work):
        if past():  # what is left: one entry that says how much of the file no entry covers
            left = sum(len(item[1]) for item in work[done:])
            entries.append(late_entry(change, language, left, sum(len(item[1]) for item in work)))
            break
        if ident == MODULE_ID:
            entry = block_entry(change, language, rows, chosen, tight, old, new, first=first)
            entries.append(with_triviality(entry, trivial, [rows[i] for i in chosen], None))
            continue
        entry = function_entry(change, language, ident, names(ident), rows, chosen, old, new)
        entry = replace(entry, nested=nested_rows(entry, rows, chosen, plus, minus))
        bounds = (_own_bounds(old, ident), _own_bounds(new, ident))
        entries.append(with_triviality(entry, trivial, [rows[i] for i in chosen], bounds))
    return entries


def _bounds(side: Side) -> list[int]:
    """Lines where a top-level statement starts: the first line of each outermost span that starts at
    column 0, and the line after it (trivial.py lexes by windows between them)."""
    out: list[int] = []
    end = 0
    for span in side.spans:  # sorted by (start, -end): an outermost span comes before what it holds
        if (
            span.start > end
            and span.start <= len(side.lines)
            and not side.lines[span.start - 1][:1].isspace()
        ):
            out += [span.start, span.end + 1]
            end = span.end
    return out


def _own_bounds(side: Side, ident: Identity) -> list[int]:
    """Where the statements holding an entry's lines start: a function's span; a class's span and the
    spans directly inside it (its methods), so that a class-level line is tokenized between methods."""
    at = side.index.get(ident)
    if at is None:
        return []
    span = side.spans[at]
    out = [span.start, span.end + 1]
    if span.kind == "class":
        end = span.start
        for k in range(at + 1, len(side.spans)):  # no slice: a copy of the rest per class is quadratic
            inner = side.spans[k]
            if inner.start > span.end:
                break
            if inner.start > end:
                out += [inner.start, inner.end + 1]
                end = inner.end
    return out


def _display_names(old: Side, new: Side) -> Callable[[Identity], str]:
    """The entry name of an identity: its qualname, with ``#n`` (n = 1, 2, ...: its occurrence) when the
    file defines that name more than once on either side, so no two entries of a file share a name."""
    counts: dict[str, int] = defaultdict(int)
    for ids in (old.ids, new.ids):
        seen: dict[str, int] = defaultdict(int)
        for qualname, _ in ids:
            seen[qualname] += 1
        for qualname, count in seen.items():
            counts[qualname] = max(counts[qualname], count)

    def display(ident: Identity) -> str:
        qualname, occurrence = ident
        return qualname if counts[qualname] <= 1 and occurrence == 0 else f"{qualname}#{occurrence + 1}"

    return display


def _unchanged_note(change: FileChange) -> str:
    if change.status in (RENAMED, COPIED) and change.old_path:
        return f"{change.status} from {change.old_path}, no content changes"
    if change.status in (ADDED, DELETED):
        return f"empty file {change.status}"
    return "no content changes (mode or metadata only)"
