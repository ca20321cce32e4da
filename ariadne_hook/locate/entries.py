"""The entries of a mapped file (locate/core.py): a function's or class's entry from its changed rows, the
module-level rows split into blocks and a block's entry, each with its excerpt of the hunks (the changed
lines plus up to CONTEXT context lines within the span) and the facts of both sides."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import replace

from ariadne_hook.locate.hunks import (
    file_status_change,
    hunk_header,
)
from ariadne_hook.locate.sides import MODULE, Identity, Row, Side
from ariadne_hook.locate.trivial import FileTriviality
from ariadne_hook.models import (
    FileChange,
    FunctionChange,
    FunctionFacts,
    FunctionSpan,
)

CONTEXT = 3
MODULE_GAP = 3  # module-level changes more than this many unchanged lines apart are separate entries


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


def function_entry(
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


def block_entry(
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


def nested_rows(
    entry: FunctionChange, rows: Sequence[Row], chosen: Sequence[int], added: list[int], removed: list[int]
) -> tuple[int, int]:
    """(added, removed) changed lines inside the entry's ranges that are not its own ``chosen`` rows (a
    nested function's, told by its own entry); ``added`` and ``removed``: the line numbers of the file's
    added and removed rows, sorted."""
    own_added = sum(rows[i].tag == "+" for i in chosen)
    own_removed = len(chosen) - own_added
    inside = _within_count(added, entry.new_lines), _within_count(removed, entry.old_lines)
    return inside[0] - own_added, inside[1] - own_removed


def _within_count(lines: list[int], span: tuple[int, int] | None) -> int:
    return 0 if span is None else bisect_right(lines, span[1]) - bisect_right(lines, span[0] - 1)
