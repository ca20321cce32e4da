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

The run's deadline: past ``stop`` no more work starts (no parse, no entry); what a file has left is one
skipped ``<file>`` entry whose reason says how many of its changed lines no entry covers (reason
``deadline``). A parse that has started runs to its end: its cost is bounded by ``max-file-bytes`` (every step
here is linear, or n log n, in the file's size).
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import NamedTuple

from ariadne_hook.locate.align import line_mapper, paired_ids
from ariadne_hook.locate.hunks import (
    file_entry,
    file_status_change,
    hunk_entries,
    hunk_header,
    late_entry,
    text_file_entry,
)
from ariadne_hook.locate.languages import ParseError, Scan, gc_paused, scanner_for
from ariadne_hook.locate.trivial import FileTriviality
from ariadne_hook.models import (
    ADDED,
    COPIED,
    DELETED,
    RENAMED,
    FileChange,
    FunctionChange,
    FunctionFacts,
    FunctionSpan,
    Hunk,
)

MODULE = "<module>"
CONTEXT = 3
MODULE_GAP = 3  # module-level changes more than this many unchanged lines apart are separate entries
Identity = tuple[str, int]  # (qualname, occurrence among the file's spans with that qualname)
_MODULE_ID: Identity = (MODULE, 0)


class Row(NamedTuple):
    """One body line of a hunk, with the old/new line numbers it has (or, for the side it is not on, the
    number the next line of that side would have)."""

    hunk: int
    header: str  # the hunk's git function context; kept on the row that opens the hunk, else ""
    tag: str  # " ", "-" or "+"
    old: int
    new: int
    text: str
    tail: tuple[str, ...]  # a "\\ No newline at end of file" line that follows it


@dataclass(frozen=True)
class Side:
    """One version of a file: its spans sorted by (start, -end), their identities, and its lines."""

    spans: Sequence[FunctionSpan]
    ids: Sequence[Identity]
    index: dict[Identity, int]
    facts: Callable[[int], FunctionFacts]
    order: Sequence[int]  # position in ``spans`` -> index the scan's ``facts`` expects
    lines: Sequence[str]
    module_facts: Callable[[frozenset[int]], FunctionFacts] | None = None
    module_names: Callable[[], frozenset[str]] = frozenset  # every name assigned at module level (once)


EMPTY = Side((), (), {}, lambda _: FunctionFacts(), (), ())
NO_PARSER = "no function parser"  # _sides' answer for a language without one: one entry for the file
LATE = "deadline"  # _sides' answer when the deadline passed during a parse
Clock = Callable[[], float]


def locate_file(
    change: FileChange, language: str, stop: float | None = None, clock: Clock = time.monotonic
) -> list[FunctionChange]:
    """The entries of one file; never raises. ``stop``: a ``clock()`` instant past which no more work starts
    (see the module docstring); None: no limit."""
    if change.skip_reason is not None:
        return [file_entry(change, language, skip_reason=change.skip_reason)]
    past: Callable[[], bool] = (lambda: False) if stop is None else (lambda: clock() >= stop)
    changed = len(change.removed_lines) + len(change.added_lines)
    if changed and past():  # a file without changed lines costs nothing: its entry says what changed
        return [late_entry(change, language, changed, changed)]
    try:
        with gc_paused():  # both trees are freed (by reference counting) before the collector resumes
            return _locate(change, language, past)
    except Exception as exc:  # a bug or absurd input must not stop the review of the other files
        note = f"could not map lines to functions ({_describe(exc)}): per-hunk entries"
        return hunk_entries(change, language, note)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _locate(change: FileChange, language: str, past: Callable[[], bool]) -> list[FunctionChange]:
    rows = hunk_rows(change.hunks)
    removed = sorted({r.old for r in rows if r.tag == "-"} | change.removed_lines)
    added = sorted({r.new for r in rows if r.tag == "+"} | change.added_lines)
    if not removed and not added:
        return [file_entry(change, language, note=_unchanged_note(change))]
    sides = _sides(change, language, past)
    if sides is NO_PARSER:
        return [text_file_entry(change, language)]
    if sides is LATE:
        changed = sum(row.tag != " " for row in rows)
        return [late_entry(change, language, changed, changed)]
    if isinstance(sides, str):
        return hunk_entries(change, language, sides)
    old, new = _aligned(sides, change.hunks, rows)
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
        if ident == _MODULE_ID:
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
        if ident == _MODULE_ID:
            entry = _block_entry(change, language, rows, chosen, tight, old, new, first=first)
            entries.append(with_triviality(entry, trivial, [rows[i] for i in chosen], None))
            continue
        entry = _function_entry(change, language, ident, names(ident), rows, chosen, old, new)
        entry = replace(entry, nested=_nested(entry, rows, chosen, plus, minus))
        bounds = (_own_bounds(old, ident), _own_bounds(new, ident))
        entries.append(with_triviality(entry, trivial, [rows[i] for i in chosen], bounds))
    return entries


def _nested(
    entry: FunctionChange, rows: Sequence[Row], chosen: Sequence[int], added: list[int], removed: list[int]
) -> tuple[int, int]:
    """(added, removed) changed lines inside the entry's ranges that are not its own rows (a nested
    function's); ``added`` and ``removed``: the line numbers of the file's added and removed rows, sorted."""
    own_added = sum(rows[i].tag == "+" for i in chosen)
    own_removed = len(chosen) - own_added
    inside = _within_count(added, entry.new_lines), _within_count(removed, entry.old_lines)
    return inside[0] - own_added, inside[1] - own_removed


def _within_count(lines: list[int], span: tuple[int, int] | None) -> int:
    return 0 if span is None else bisect_right(lines, span[1]) - bisect_right(lines, span[0] - 1)


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


def module_blocks(rows: Sequence[Row], chosen: Sequence[int]) -> list[tuple[list[int], list[int]]]:
    """The module-level changed rows split into blocks: rows more than MODULE_GAP unchanged lines apart
    start a new block. Blank rows do not make blocks of their own (unless there are only blank rows):
    each joins the nearest block and does not widen its range. Each block: (all its rows, the rows its
    range covers), in file order."""
    solid = [i for i in chosen if rows[i].text.strip()] or list(chosen)  # only blank lines: by themselves
    placed = set(solid)
    blocks: list[list[int]] = []
    for i in solid:
        if blocks and _gap(rows[blocks[-1][-1]], rows[i]) <= MODULE_GAP:
            blocks[-1].append(i)
        else:
            blocks.append([i])
    members = [list(block) for block in blocks]
    firsts = [block[0] for block in blocks]
    for i in chosen:
        if i in placed:
            continue
        # blocks are apart in row order and their distance to row i grows both ways from it: the nearest
        # is the last block starting before it or the next one (the earlier on a tie)
        after = bisect_right(firsts, i)
        near = [b for b in (after - 1, after) if 0 <= b < len(blocks)]
        distances = [_distance(rows, i, blocks[b]) for b in near]
        members[near[distances.index(min(distances))]].append(i)
    return [(sorted(m), block) for m, block in zip(members, blocks, strict=True)]


def _distance(rows: Sequence[Row], i: int, block: Sequence[int]) -> int:
    """Unchanged lines between row ``i`` and a block (0 inside its range)."""
    if i < block[0]:
        return _gap(rows[i], rows[block[0]])
    return _gap(rows[block[-1]], rows[i]) if i > block[-1] else 0


def _gap(first: Row, second: Row) -> int:
    """Unchanged new-side lines strictly between two changed rows (``first`` before ``second``)."""
    start = first.new + 1 if first.tag == "+" else first.new
    return max(0, second.new - start)


def with_triviality(
    entry: FunctionChange,
    trivial: FileTriviality,
    rows: Sequence[Row],
    bounds: tuple[Sequence[int], Sequence[int]] | None,
) -> FunctionChange:
    """``entry`` with ``trivial`` set from its changed rows (module level: imports do not count)."""
    removed = [row.old for row in rows if row.tag == "-"]
    added = [row.new for row in rows if row.tag == "+"]
    flag = trivial(removed, added, module=entry.kind == "module", bounds=bounds)
    return replace(entry, trivial=True) if flag else entry


def _aligned(sides: tuple[Side, Side], hunks: Sequence[Hunk], rows: Sequence[Row]) -> tuple[Side, Side]:
    """The sides with duplicate names paired by where their lines went (see align.py)."""
    old, new = sides
    if len(old.ids) == len(set(n for n, _ in old.ids)) and len(new.ids) == len(set(n for n, _ in new.ids)):
        return old, new  # every name once on each side: identities already pair
    context = {r.old: r.new for r in rows if r.tag == " "}
    ids = paired_ids(old.spans, old.ids, new.spans, new.ids, line_mapper(hunks, context))
    return old, replace(new, ids=ids, index={ident: i for i, ident in enumerate(ids)})


def _unchanged_note(change: FileChange) -> str:
    if change.status in (RENAMED, COPIED) and change.old_path:
        return f"{change.status} from {change.old_path}, no content changes"
    if change.status in (ADDED, DELETED):
        return f"empty file {change.status}"
    return "no content changes (mode or metadata only)"


def _sides(change: FileChange, language: str, past: Callable[[], bool]) -> tuple[Side, Side] | str:
    """Both versions scanned, the note of the per-hunk fallback, NO_PARSER, or LATE when the deadline
    passed during a parse."""
    try:
        scanner = scanner_for(language)
    except Exception as exc:
        return f"the {language} parser could not be loaded ({_describe(exc)}): per-hunk entries"
    if scanner is None:
        return NO_PARSER
    need_old, need_new = change.status != ADDED, change.status != DELETED
    if (need_old and change.old_text is None) or (need_new and change.new_text is None):
        return "file contents unavailable: per-hunk entries"
    old = _side(scanner, change.old_text, "old", language) if need_old else EMPTY
    if isinstance(old, str):
        return old
    if need_old and past():
        return LATE
    new = _side(scanner, change.new_text, "new", language) if need_new else EMPTY
    if isinstance(new, str):
        return new
    if need_new and past():
        return LATE
    return old, new


def _side(scanner: Callable[[str], Scan], text: str | None, side: str, language: str) -> Side | str:
    if text is None:
        return EMPTY
    try:
        scan = scanner(text)
        found = [*scan.spans, *scan.classes]  # a class owns its lines outside its methods
        order = sorted(range(len(found)), key=lambda i: (found[i].start, -found[i].end))
    except ParseError as exc:
        where = f", line {exc.line}" if exc.line is not None else ""
        detail = str(exc).removeprefix(f"line {exc.line}: ") if exc.line is not None else str(exc)
        return f"syntax error on the {side} side{where} ({detail}): per-hunk entries"
    except Exception as exc:
        return f"the {language} parser failed on the {side} side ({_describe(exc)}): per-hunk entries"
    spans = [found[i] for i in order]
    seen: dict[str, int] = defaultdict(int)
    ids: list[Identity] = []
    for span in spans:
        ids.append((span.qualname, seen[span.qualname]))
        seen[span.qualname] += 1
    lines = text.split("\n")
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    index = {ident: i for i, ident in enumerate(ids)}
    facts_of = scan.module_facts
    names = cache(lambda: frozenset(facts_of(frozenset()).names)) if facts_of is not None else frozenset
    return Side(spans, ids, index, scan.facts, order, lines, facts_of, names)


def owners(lines: Sequence[int], side: Side) -> list[Identity]:
    """The identity of the innermost span holding each of the ascending ``lines`` (latest start wins),
    ``<module>`` for lines in no span. One sweep: O(lines + spans)."""
    out: list[Identity] = []
    stack: list[int] = []
    spans, nxt = side.spans, 0
    for line in lines:
        while nxt < len(spans) and spans[nxt].start <= line:
            stack.append(nxt)
            nxt += 1
        while stack and spans[stack[-1]].end < line:
            stack.pop()
        out.append(side.ids[stack[-1]] if stack else _MODULE_ID)
    return out


def hunk_rows(hunks: Iterable[Hunk]) -> list[Row]:
    rows: list[Row] = []
    for number, hunk in enumerate(hunks):
        old = hunk.old_start if hunk.old_count else hunk.old_start + 1
        new = hunk.new_start if hunk.new_count else hunk.new_start + 1
        header = hunk.header
        for line in hunk.lines:
            tag, text = line[:1], line[1:]
            if tag == "\\":
                if rows and rows[-1].hunk == number:
                    rows[-1] = rows[-1]._replace(tail=(*rows[-1].tail, line))
                continue
            tag = tag if tag in ("-", "+") else " "
            rows.append(Row(number, header, tag, old, new, text, ()))
            header = ""
            old += tag != "+"
            new += tag != "-"
    return rows


# -------------------------------------------------------------------------------------------- entries


def _function_entry(
    change: FileChange,
    language: str,
    ident: Identity,
    name: str,
    rows: Sequence[Row],
    chosen: Sequence[int],
    old: Side,
    new: Side,
) -> FunctionChange:
    old_at, new_at = old.index.get(ident), new.index.get(ident)
    old_span = old.spans[old_at] if old_at is not None else None
    new_span = new.spans[new_at] if new_at is not None else None
    span = new_span or old_span
    assert span is not None  # an identity comes from one of the sides
    keep = _within(_span_of(old_span), _span_of(new_span))
    if span.kind == "class":  # its own lines only: the range covers its changed non-blank lines
        own = [i for i in chosen if rows[i].text.strip()] or chosen
        old_range, new_range = _changed_range(rows, own)
        # the facts of the class-level statements holding its changed lines (fields, constants...)
        old_facts, new_facts = _module_pair(old, new, rows, own)
    else:
        old_range, new_range = _span_of(old_span), _span_of(new_span)
        old_facts, new_facts = _facts(old, old_at), _facts(new, new_at)
    return FunctionChange(
        path=change.path,
        old_path=change.old_path,
        qualname=name,
        kind=span.kind,
        change="added" if old_span is None else "deleted" if new_span is None else "modified",
        language=language,
        old_lines=old_range,
        new_lines=new_range,
        old_source=_source(old, old_range),
        new_source=_source(new, new_range),
        diff=excerpt(rows, chosen, keep),
        old_facts=old_facts,
        new_facts=new_facts,
    )


def _span_of(span: FunctionSpan | None) -> tuple[int, int] | None:
    return (span.start, span.end) if span is not None else None


def _changed_range(
    rows: Sequence[Row], chosen: Sequence[int]
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(old, new): the first and last changed line of ``chosen`` on each side."""
    old = [rows[i].old for i in chosen if rows[i].tag == "-"]
    new = [rows[i].new for i in chosen if rows[i].tag == "+"]
    return ((min(old), max(old)) if old else None), ((min(new), max(new)) if new else None)


def _block_entry(
    change: FileChange,
    language: str,
    rows: Sequence[Row],
    chosen: Sequence[int],
    tight: Sequence[int],
    old: Side,
    new: Side,
    first: bool,
) -> FunctionChange:
    """One block of module-level lines: ``<module>`` for a file's first block; the others ``<module:N>``, N
    its first new-side line, or ``<module:was N>``, N its first old-side line, for a block that only
    removes lines (blocks are disjoint on each side, so no two names of a file are the same)."""
    old_range, new_range = _changed_range(rows, tight)
    where = str(new_range[0]) if new_range else f"was {old_range[0]}" if old_range else "0"
    old_facts, new_facts = _module_pair(old, new, rows, tight)
    return FunctionChange(
        path=change.path,
        old_path=change.old_path,
        qualname=MODULE if first else f"<module:{where}>",
        kind="module",
        change=file_status_change(change.status),
        language=language,
        old_lines=old_range,
        new_lines=new_range,
        old_source=_source(old, old_range),
        new_source=_source(new, new_range),
        diff=excerpt(rows, chosen, lambda row: True),
        old_facts=old_facts,
        new_facts=new_facts,
    )


def _module_pair(
    old: Side, new: Side, rows: Sequence[Row], chosen: Sequence[int]
) -> tuple[FunctionFacts | None, FunctionFacts | None]:
    """Each side's facts of the module-level statements holding the ``chosen`` rows' lines. A side's
    ``names`` (every name it assigns at module level) are narrowed to the names either side assigns here:
    all the offline summary asks of them, and a file of thousands of module-level blocks does not carry
    all its names in each."""
    facts = (
        _module_facts(old, [rows[i].old for i in chosen if rows[i].tag == "-"]),
        _module_facts(new, [rows[i].new for i in chosen if rows[i].tag == "+"]),
    )
    here = [name for side in facts if side is not None for name in side.assigned]
    old_facts, new_facts = (
        None if side is None else replace(side, names=tuple(n for n in dict.fromkeys(here) if n in known()))
        for side, known in zip(facts, (old.module_names, new.module_names), strict=True)
    )
    return old_facts, new_facts


def _module_facts(side: Side, lines: Sequence[int]) -> FunctionFacts | None:
    """The side's facts of the module-level statements holding ``lines`` (none: its names only)."""
    return side.module_facts(frozenset(lines)) if side.module_facts is not None else None


def _facts(side: Side, at: int | None) -> FunctionFacts | None:
    return None if at is None else side.facts(side.order[at])


def _source(side: Side, lines: tuple[int, int] | None) -> str | None:
    if lines is None:
        return None
    return "\n".join(line.removesuffix("\r") for line in side.lines[lines[0] - 1 : lines[1]])


def _within(old: tuple[int, int] | None, new: tuple[int, int] | None) -> Callable[[Row], bool]:
    def inside(row: Row) -> bool:
        return bool((old and old[0] <= row.old <= old[1]) or (new and new[0] <= row.new <= new[1]))

    return inside


def excerpt(rows: Sequence[Row], chosen: Sequence[int], keep: Callable[[Row], bool]) -> str:
    """The ``chosen`` changed rows with up to CONTEXT context rows around them (those ``keep`` accepts),
    as unified-diff hunks with correct headers."""
    picked = set(chosen)
    for i in chosen:
        for step in (-1, 1):
            j = i + step
            while abs(j - i) <= CONTEXT and 0 <= j < len(rows) and rows[j].hunk == rows[i].hunk:
                if rows[j].tag != " " or not keep(rows[j]):
                    break
                picked.add(j)
                j += step
    out: list[str] = []
    run: list[int] = []
    for i in sorted(picked):
        if run and (i != run[-1] + 1 or rows[i].hunk != rows[run[-1]].hunk):
            out.extend(_run_text(rows, run))
            run = []
        run.append(i)
    if run:
        out.extend(_run_text(rows, run))
    return "\n".join(out)


def _run_text(rows: Sequence[Row], run: Sequence[int]) -> list[str]:
    body = [rows[i] for i in run]
    old_count = sum(row.tag != "+" for row in body)
    new_count = sum(row.tag != "-" for row in body)
    old_start = body[0].old if old_count else body[0].old - 1
    new_start = body[0].new if new_count else body[0].new - 1
    lines = [hunk_header(old_start, old_count, new_start, new_count, body[0].header)]
    for row in body:
        lines.append(row.tag + row.text)
        lines.extend(row.tail)
    return lines
