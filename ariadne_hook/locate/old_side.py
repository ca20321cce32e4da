"""The old version of a file scanned from the pieces the diff touches, the rest taken from the new version.

Outside the hunks the old text is the new text, shifted: parsing all of it again repeats what the new
side's parse already found. The new side's top-level statements (``Scan.tops``) cut the new text into
pieces; each cut is carried to the old text through the hunks (a cut inside a hunk's added lines is dropped).
A piece whose old lines are the same text as its new lines takes the new side's spans and facts, shifted;
the other pieces (runs of them joined) are parsed alone, with their line numbers shifted back.

Why the answer is the whole-file parse's: every piece starts at column 0 at a line start, and a piece that
parses alone ends with every bracket, string and line continuation closed; so the next piece starts in the
state a top-level statement starts in, and nothing in it can join what came before (``else``, ``except``,
``finally``, an indented line or a decorator's function would not parse alone). The pieces' statements are
then the file's, in order, and the spans, facts and module facts of the pieces, put end to end, are the
file's. A piece taken from the new side is the same text, between two cuts where the new text's own
top-level statements start. Whenever something is in doubt (a piece that does not parse alone, a line break
ast and git count differently, a leading BOM, cuts that do not map in order, or most of the file touched
anyway) the caller parses the whole old text: same answer, a parse's cost.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from ariadne_hook.locate.languages import Scan
from ariadne_hook.models import FunctionFacts, FunctionSpan, Hunk

MOST = 0.7  # past this share of the old lines to parse anyway, the whole text is parsed (no bookkeeping)
_LONE_CR = re.compile(r"\r(?!\n)")


@dataclass(frozen=True)
class _Piece:
    """Old lines ``[start, end)`` and what scanned them: ``scan``, where old line n is line n + shift."""

    start: int
    end: int
    scan: Scan
    shift: int  # the scan's line number of an old line: line + shift


def scan_old(
    scanner: Callable[[str], Scan], old: str, new: str, new_scan: Scan, hunks: Sequence[Hunk]
) -> Scan | None:
    """The old text's scan, parsing only the pieces the hunks touch; None: parse the whole text instead."""
    if not new_scan.tops or old.startswith("\ufeff") or new.startswith("\ufeff"):
        return None
    if ("\r" in old and _LONE_CR.search(old)) or ("\r" in new and _LONE_CR.search(new)):
        return None
    old_lines, new_lines = old.split("\n"), new.split("\n")
    cuts = _cuts(new_scan.tops, hunks, len(new_lines) + 1, len(old_lines) + 1)
    if cuts is None:
        return None
    pieces: list[_Piece] = []
    run: tuple[int, int] | None = None  # old lines of the changed pieces not yet parsed
    parsed = 0
    for (new_at, old_at), (new_end, old_end) in zip(cuts, cuts[1:], strict=False):
        if (
            new_end - new_at == old_end - old_at
            and new_lines[new_at - 1 : new_end - 1] == old_lines[old_at - 1 : old_end - 1]
        ):
            if run is not None:
                pieces.append(_parsed(scanner, old_lines, *run))
                run = None
            pieces.append(_Piece(old_at, old_end, new_scan, new_at - old_at))
        else:
            run = (run[0] if run is not None else old_at, old_end)
            parsed += old_end - old_at
        if parsed > MOST * len(old_lines):
            return None
    if run is not None:
        pieces.append(_parsed(scanner, old_lines, *run))
    return _joined(pieces, new_scan)


def _cuts(
    tops: Sequence[int], hunks: Sequence[Hunk], new_end: int, old_end: int
) -> list[tuple[int, int]] | None:
    """(new line, old line) where each piece starts, from line 1 to the ends (one past the last line); None
    when the hunks do not map the cuts in order (then the caller parses everything)."""
    out = [(1, 1)]
    changes = sorted(run for hunk in hunks for run in _runs(hunk))
    at, delta = 0, 0  # changes before the cut, and how many lines they add
    for top in tops:
        while at < len(changes) and _end(changes[at]) <= top:
            delta += changes[at][1] - changes[at][2]
            at += 1
        inside = at < len(changes) and changes[at][1] and changes[at][0] < top
        if top <= out[-1][0] or inside:
            continue
        if top - delta <= out[-1][1]:
            return None
        out.append((top, top - delta))
    if old_end <= out[-1][1] or new_end <= out[-1][0]:
        return None
    out.append((new_end, old_end))
    return out


Run = tuple[int, int, int]  # a run of changed lines: (new start, new count, old count), as in a hunk header


def _runs(hunk: Hunk) -> list[Run]:
    """The hunk's runs of changed lines (its context lines are the same on both sides: a cut may fall
    there); the whole hunk when its lines are not given."""
    if not hunk.lines:
        return [(hunk.new_start, hunk.new_count, hunk.old_count)]
    out: list[Run] = []
    new = hunk.new_start if hunk.new_count else hunk.new_start + 1  # the next new line
    first, added, removed = new, 0, 0
    for line in (*hunk.lines, " "):
        tag = line[:1]
        if tag in ("-", "+"):
            if not added and not removed:
                first = new
            added += tag == "+"
            removed += tag == "-"
            new += tag == "+"
        elif tag != "\\":
            if added or removed:
                out.append((first if added else first - 1, added, removed))
                added = removed = 0
            new += 1
    return out


def _end(run: Run) -> int:
    """The first new line after a run (after the line it deletes after, for a run that only deletes)."""
    return run[0] + run[1] if run[1] else run[0] + 1


def _parsed(scanner: Callable[[str], Scan], old_lines: Sequence[str], start: int, end: int) -> _Piece:
    """Old lines ``[start, end)`` parsed alone (ParseError when they do not parse: the caller's fallback)."""
    return _Piece(start, end, scanner("\n".join(old_lines[start - 1 : end - 1])), 1 - start)


def _joined(pieces: Sequence[_Piece], new_scan: Scan) -> Scan:
    """The pieces' spans, facts and module facts put end to end, in old line numbers."""
    spans: list[FunctionSpan] = []
    classes: list[FunctionSpan] = []
    where: list[tuple[Callable[[int], FunctionFacts], int]] = []  # spans[i]'s facts: (scan's facts, index)
    taken = [p for p in pieces if p.scan is new_scan]  # the pieces the new side's scan gives, in order
    functions, scopes = _by_piece(new_scan.spans, taken), _by_piece(new_scan.classes, taken)
    mine = 0
    for piece in pieces:
        if piece.scan is new_scan:
            own, own_classes = functions[mine], scopes[mine]
            mine += 1
        else:
            own, own_classes = list(enumerate(piece.scan.spans)), list(enumerate(piece.scan.classes))
        for index, span in own:
            spans.append(_moved(span, -piece.shift))
            where.append((piece.scan.facts, index))
        classes += [_moved(span, -piece.shift) for _, span in own_classes]

    def facts(index: int) -> FunctionFacts:
        facts_of, at = where[index]
        return facts_of(at)

    module = _module_facts(pieces) if all(p.scan.module_facts is not None for p in pieces) else None
    return Scan(spans, facts, classes, module)


def _by_piece(
    spans: Sequence[FunctionSpan], pieces: Sequence[_Piece]
) -> list[list[tuple[int, FunctionSpan]]]:
    """For each of the pieces (in line order): the spans that start in it, with their index, in order."""
    starts = [piece.start + piece.shift for piece in pieces]
    out: list[list[tuple[int, FunctionSpan]]] = [[] for _ in pieces]
    for index, span in enumerate(spans):
        at = bisect_right(starts, span.start) - 1
        if at >= 0 and span.start < pieces[at].end + pieces[at].shift:
            out[at].append((index, span))
    return out


def _moved(span: FunctionSpan, by: int) -> FunctionSpan:
    return FunctionSpan(span.qualname, span.kind, span.start + by, span.end + by)


def _module_facts(pieces: Sequence[_Piece]) -> Callable[[frozenset[int]], FunctionFacts]:
    starts = [piece.start for piece in pieces]

    def of(piece: _Piece, lines: frozenset[int]) -> FunctionFacts:
        assert piece.scan.module_facts is not None
        return piece.scan.module_facts(frozenset(line + piece.shift for line in lines))

    @cache
    def names() -> tuple[str, ...]:  # every name assigned at module level, in the whole parse's order
        return tuple(
            name for piece in pieces for name in of(piece, frozenset(range(piece.start, piece.end))).assigned
        )

    def facts(changed: frozenset[int]) -> FunctionFacts:
        by_piece: dict[int, set[int]] = {}
        for line in changed:
            by_piece.setdefault(bisect_right(starts, line) - 1, set()).add(line)
        assigned: list[str] = []
        literals: list[tuple[str, str]] = []
        for at in sorted(k for k in by_piece if k >= 0):
            found = of(pieces[at], frozenset(by_piece[at]))
            assigned += found.assigned
            literals += found.literals
        return FunctionFacts(assigned=tuple(assigned), literals=tuple(literals), names=names())

    return facts
