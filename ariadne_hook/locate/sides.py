"""The two versions of a file as locate/core.py maps them: the hunks' rows (one per body line, with its old
and new line numbers), each side's spans scanned and identified by (qualname, occurrence), duplicates paired
across the sides (align.py), and the innermost span that owns each changed line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import NamedTuple

from ariadne_hook.languages import scanner_for
from ariadne_hook.locate.align import line_mapper, paired_ids
from ariadne_hook.locate.languages import ParseError, Scan
from ariadne_hook.locate.old_side import scan_old
from ariadne_hook.models import (
    ADDED,
    DELETED,
    FileChange,
    FunctionFacts,
    FunctionSpan,
    Hunk,
)

MODULE = "<module>"
Identity = tuple[str, int]  # (qualname, occurrence among the file's spans with that qualname)
MODULE_ID: Identity = (MODULE, 0)


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
NO_PARSER = "no function parser"  # scan_sides' answer for a language without one: one entry for the file
LATE = "deadline"  # scan_sides' answer when the deadline passed during a parse


def describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def aligned(sides: tuple[Side, Side], hunks: Sequence[Hunk], rows: Sequence[Row]) -> tuple[Side, Side]:
    """The sides with duplicate names paired by where their lines went (see align.py)."""
    old, new = sides
    if len(old.ids) == len(set(n for n, _ in old.ids)) and len(new.ids) == len(set(n for n, _ in new.ids)):
        return old, new  # every name once on each side: identities already pair
    context = {r.old: r.new for r in rows if r.tag == " "}
    ids = paired_ids(old.spans, old.ids, new.spans, new.ids, line_mapper(hunks, context))
    return old, replace(new, ids=ids, index={ident: i for i, ident in enumerate(ids)})


def scan_sides(change: FileChange, language: str, past: Callable[[], bool]) -> tuple[Side, Side] | str:
    """Both versions scanned, the note of the per-hunk fallback, NO_PARSER, or LATE when the deadline
    passed during a parse."""
    try:
        scanner = scanner_for(language)
    except Exception as exc:
        return f"the {language} parser could not be loaded ({describe(exc)}): per-hunk entries"
    if scanner is None:
        return NO_PARSER
    need_old, need_new = change.status != ADDED, change.status != DELETED
    if (need_old and change.old_text is None) or (need_new and change.new_text is None):
        return "file contents unavailable: per-hunk entries"
    # the new side first: the old one is then parsed only where the hunks touch it (old_side.py); what is
    # answered is what parsing the old side, then the new one, answers (its error first)
    new_scan = _scan(scanner, change.new_text, "new", language) if need_new else None
    if isinstance(new_scan, str):
        old_scan = _scan(scanner, change.old_text, "old", language) if need_old else None
        if isinstance(old_scan, str):
            return old_scan
        return LATE if need_old and past() else new_scan
    if need_new and past():
        return LATE
    old_scan = _old_scan(scanner, change, new_scan, language) if need_old else None
    if isinstance(old_scan, str):
        return old_scan
    if need_old and past():
        return LATE
    return _side(old_scan, change.old_text), _side(new_scan, change.new_text)


def _old_scan(
    scanner: Callable[[str], Scan], change: FileChange, new: Scan | None, language: str
) -> Scan | str:
    if new is not None and change.old_text is not None and change.new_text is not None:
        try:
            found = scan_old(scanner, change.old_text, change.new_text, new, change.hunks)
        except Exception:  # a piece that does not parse alone: the whole text tells
            found = None
        if found is not None:
            return found
    return _scan(scanner, change.old_text, "old", language)


def _scan(scanner: Callable[[str], Scan], text: str | None, side: str, language: str) -> Scan | str:
    """The text's scan, or the note of the per-hunk fallback."""
    try:
        return scanner(text or "")
    except ParseError as exc:
        where = f", line {exc.line}" if exc.line is not None else ""
        detail = str(exc).removeprefix(f"line {exc.line}: ") if exc.line is not None else str(exc)
        return f"syntax error on the {side} side{where} ({detail}): per-hunk entries"
    except Exception as exc:
        return f"the {language} parser failed on the {side} side ({describe(exc)}): per-hunk entries"


def _side(scan: Scan | None, text: str | None) -> Side:
    if scan is None or text is None:
        return EMPTY
    found = [*scan.spans, *scan.classes]  # a class owns its lines outside its methods
    order = sorted(range(len(found)), key=lambda i: (found[i].start, -found[i].end))
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
        out.append(side.ids[stack[-1]] if stack else MODULE_ID)
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
