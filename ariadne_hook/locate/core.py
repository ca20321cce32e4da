"""Map a file's changed lines to the innermost function that holds them (language-agnostic).

Every removed line belongs to the innermost old-side span that contains it, every added line to the
innermost new-side span; lines in no span (module level, and class-body lines outside any method) make one
``<module>`` entry per file. A function is identified by (qualname, occurrence): the n-th span with that
qualname in the file, in source order, so duplicate names (redefinitions, overloads, property setters) stay
distinct and keep their plain qualname; across the two sides, duplicates are paired by where their lines went
(align.py). An identity present only on the new side is "added", only on the old side
"deleted", on both "modified". A function whose only changes are inside a nested function is not reported.

Each entry's ``diff`` is an excerpt of the file's hunks: the changed lines that belong to it plus up to 3
context lines within its span on each side of them, split into hunks with their true ``@@`` numbers.
Files that cannot be parsed (either side), languages without a parser, and files whose contents are not
available fall back to one entry per hunk with a note; nothing here raises.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from ariadne_hook.locate.align import line_mapper, paired_ids
from ariadne_hook.locate.hunks import file_entry, file_status_change, hunk_entries, hunk_header
from ariadne_hook.locate.languages import ParseError, Scan, gc_paused, scanner_for
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


EMPTY = Side((), (), {}, lambda _: FunctionFacts(), (), ())


def locate_file(change: FileChange, language: str) -> list[FunctionChange]:
    """The entries of one file; never raises."""
    if change.skip_reason is not None:
        return [file_entry(change, language, skip_reason=change.skip_reason)]
    try:
        with gc_paused():  # both trees are freed (by reference counting) before the collector resumes
            return _locate(change, language)
    except Exception as exc:  # a bug or absurd input must not stop the review of the other files
        note = f"could not map lines to functions ({_describe(exc)}): per-hunk entries"
        return hunk_entries(change, language, note)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _locate(change: FileChange, language: str) -> list[FunctionChange]:
    rows = hunk_rows(change.hunks)
    removed = sorted({r.old for r in rows if r.tag == "-"} | change.removed_lines)
    added = sorted({r.new for r in rows if r.tag == "+"} | change.added_lines)
    if not removed and not added:
        return [file_entry(change, language, note=_unchanged_note(change))]
    sides = _sides(change, language)
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
    module_lines = (
        [line for line, ident in old_owner.items() if ident == _MODULE_ID],
        [line for line, ident in new_owner.items() if ident == _MODULE_ID],
    )
    return [
        _module_entry(change, language, module_lines, rows, chosen, old, new)
        if ident == _MODULE_ID
        else _function_entry(change, language, ident, rows, chosen, old, new)
        for ident, chosen in units.items()
    ]


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


def _sides(change: FileChange, language: str) -> tuple[Side, Side] | str:
    """Both versions scanned, or the note of the per-hunk fallback."""
    try:
        scanner = scanner_for(language)
    except Exception as exc:
        return f"the {language} parser could not be loaded ({_describe(exc)}): per-hunk entries"
    if scanner is None:
        what = "this file type" if language == "text" else language
        return f"no function parser for {what}: per-hunk entries"
    need_old, need_new = change.status != ADDED, change.status != DELETED
    if (need_old and change.old_text is None) or (need_new and change.new_text is None):
        return "file contents unavailable: per-hunk entries"
    old = _side(scanner, change.old_text, "old", language) if need_old else EMPTY
    if isinstance(old, str):
        return old
    new = _side(scanner, change.new_text, "new", language) if need_new else EMPTY
    if isinstance(new, str):
        return new
    return old, new


def _side(scanner: Callable[[str], Scan], text: str | None, side: str, language: str) -> Side | str:
    if text is None:
        return EMPTY
    try:
        scan = scanner(text)
        order = sorted(range(len(scan.spans)), key=lambda i: (scan.spans[i].start, -scan.spans[i].end))
    except ParseError as exc:
        where = f", line {exc.line}" if exc.line is not None else ""
        detail = str(exc).removeprefix(f"line {exc.line}: ") if exc.line is not None else str(exc)
        return f"syntax error on the {side} side{where} ({detail}): per-hunk entries"
    except Exception as exc:
        return f"the {language} parser failed on the {side} side ({_describe(exc)}): per-hunk entries"
    spans = [scan.spans[i] for i in order]
    seen: dict[str, int] = defaultdict(int)
    ids: list[Identity] = []
    for span in spans:
        ids.append((span.qualname, seen[span.qualname]))
        seen[span.qualname] += 1
    lines = text.split("\n")
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    index = {ident: i for i, ident in enumerate(ids)}
    return Side(spans, ids, index, scan.facts, order, lines, scan.module_facts)


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
    rows: Sequence[Row],
    chosen: Sequence[int],
    old: Side,
    new: Side,
) -> FunctionChange:
    old_at, new_at = old.index.get(ident), new.index.get(ident)
    old_span = old.spans[old_at] if old_at is not None else None
    new_span = new.spans[new_at] if new_at is not None else None
    old_range = (old_span.start, old_span.end) if old_span else None
    new_range = (new_span.start, new_span.end) if new_span else None
    span = new_span or old_span
    assert span is not None  # an identity comes from one of the sides
    return FunctionChange(
        path=change.path,
        old_path=change.old_path,
        qualname=ident[0],
        kind=span.kind,
        change="added" if old_span is None else "deleted" if new_span is None else "modified",
        language=language,
        old_lines=old_range,
        new_lines=new_range,
        old_source=_source(old, old_range),
        new_source=_source(new, new_range),
        diff=excerpt(rows, chosen, _within(old_range, new_range)),
        old_facts=_facts(old, old_at),
        new_facts=_facts(new, new_at),
    )


def _module_entry(
    change: FileChange,
    language: str,
    lines: tuple[list[int], list[int]],
    rows: Sequence[Row],
    chosen: Sequence[int],
    old: Side,
    new: Side,
) -> FunctionChange:
    old_range = (min(lines[0]), max(lines[0])) if lines[0] else None
    new_range = (min(lines[1]), max(lines[1])) if lines[1] else None
    return FunctionChange(
        path=change.path,
        old_path=change.old_path,
        qualname=MODULE,
        kind="module",
        change=file_status_change(change.status),
        language=language,
        old_lines=old_range,
        new_lines=new_range,
        old_source=_source(old, old_range),
        new_source=_source(new, new_range),
        diff=excerpt(rows, chosen, lambda row: True),
        old_facts=_module_facts(old, lines[0]),
        new_facts=_module_facts(new, lines[1]),
    )


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
