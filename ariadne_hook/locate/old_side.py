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
top-level statements start.

A top-level class is cut too, between the statements of its body (``Scan.bodies``), when its decorators and
header are the same text on both sides and each body cut's old line starts a statement at one indentation
(spaces only); its changed body pieces are parsed under a copy of its header, ``class Name:`` (a line
before the piece: names, kinds and columns are the whole parse's), and the copy must stay their only
top-level statement. The same argument holds one level down: every body piece starts at the class's
indentation, in the state its body's statements start in (a cut at another indentation is refused, an
``else`` would not parse alone, a line that leaves the body would add a top-level statement, and a
statement added on the new side only is no cut of the old one). The class's span keeps its
header's start and ends where the last piece of its body ends its last statement.

Whenever something is in doubt (a piece that does not parse alone, a line break ast and git count
differently, a leading BOM, cuts that do not map in order, or most of the file touched anyway) the caller
parses the whole old text: same answer, a parse's cost.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

from ariadne_hook.locate.languages import ParseError, Scan
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
    home: int | None = None  # in the body of a cut class: the new line where that class starts


def scan_old(
    scanner: Callable[[str], Scan], old: str, new: str, new_scan: Scan, hunks: Sequence[Hunk]
) -> Scan | None:
    """The old text's scan, parsing only the pieces the hunks touch; None: parse the whole text instead."""
    if not new_scan.tops or old.startswith("\ufeff") or new.startswith("\ufeff"):
        return None
    if ("\r" in old and _LONE_CR.search(old)) or ("\r" in new and _LONE_CR.search(new)):
        return None
    old_lines, new_lines = old.split("\n"), new.split("\n")
    home = {line: top for top, (_, starts) in new_scan.bodies.items() for line in starts}
    cuts = _cuts(sorted({*new_scan.tops, *home}), hunks, len(new_lines) + 1, len(old_lines) + 1)
    if cuts is None:
        return None
    cuts = _kept(cuts, home, new_scan, old_lines, new_lines)
    pieces: list[_Piece] = []
    run: tuple[int, int, int | None] | None = None  # old lines of the changed pieces not yet parsed, home
    parsed = 0
    for (new_at, old_at), (new_end, old_end) in zip(cuts, cuts[1:], strict=False):
        at = home.get(new_at)
        same = (
            new_end - new_at == old_end - old_at
            and new_lines[new_at - 1 : new_end - 1] == old_lines[old_at - 1 : old_end - 1]
        )
        if run is not None and (same or run[2] != at):
            pieces.append(_parsed(scanner, old_lines, run, new_scan))
            run = None
        if same:
            pieces.append(_Piece(old_at, old_end, new_scan, new_at - old_at, at))
        else:
            run = (run[0] if run is not None else old_at, old_end, at)
            parsed += old_end - old_at
        if parsed > MOST * len(old_lines):
            return None
    if run is not None:
        pieces.append(_parsed(scanner, old_lines, run, new_scan))
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
        if top - delta < out[-1][1]:
            return None
        if top - delta > out[-1][1]:  # not where the last cut is on the old side (added statements)
            out.append((top, top - delta))
    while len(out) > 1 and out[-1][1] >= old_end:  # statements added at the end
        out.pop()
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


def _kept(
    cuts: list[tuple[int, int]],
    home: Mapping[int, int],
    new_scan: Scan,
    old_lines: Sequence[str],
    new_lines: Sequence[str],
) -> list[tuple[int, int]]:
    """The cuts, without those inside a class that cannot be cut there (then it is one piece, as a top-level
    statement is): a class is cut in its body when its own cut is kept, the lines from it to its first body
    cut are the same text on both sides (its decorators and header: its name and where its body starts),
    each body cut's old line starts a statement, at the same indentation (spaces only), and the cut after
    its last body cut is where the next top-level statement starts."""
    keep = [home.get(new_at) is None for new_at, _ in cuts]  # a body cut is kept only with its class
    after = dict(zip(new_scan.tops, [*new_scan.tops[1:], len(new_lines) + 1], strict=True))
    for i, (new_at, old_at) in enumerate(cuts):
        if new_at not in new_scan.bodies:
            continue
        j = i + 1
        while j < len(cuts) and home.get(cuts[j][0]) == new_at:
            j += 1
        if j == i + 1 or j == len(cuts) or cuts[j][0] != after[new_at]:
            continue
        first_new, first_old = cuts[i + 1]
        if first_new - new_at != first_old - old_at:
            continue
        if new_lines[new_at - 1 : first_new - 1] != old_lines[old_at - 1 : first_old - 1]:
            continue
        indents = {_indent(old_lines[old - 1]) for _, old in cuts[i + 1 : j]}
        if len(indents) == 1 and 0 not in indents:
            keep[i + 1 : j] = [True] * (j - i - 1)
    return [cut for cut, kept in zip(cuts, keep, strict=True) if kept]


def _indent(line: str) -> int:
    """The spaces before a line's first character when that character starts a statement (not a comment,
    not a blank line, no tab or form feed before it); 0 otherwise."""
    text = line.lstrip(" ")
    return len(line) - len(text) if text[:1] not in ("", "#") and not text[:1].isspace() else 0


def _parsed(
    scanner: Callable[[str], Scan], old_lines: Sequence[str], run: tuple[int, int, int | None], new_scan: Scan
) -> _Piece:
    """Old lines ``[start, end)`` parsed alone (ParseError when they do not parse: the caller's fallback);
    lines of a class's body parsed under a copy of its header, ``class Name:``, which must then be the
    only top-level statement (the lines never leave the class's body)."""
    start, end, home = run
    text = "\n".join(old_lines[start - 1 : end - 1])
    if home is None:
        return _Piece(start, end, scanner(text), 1 - start)
    scan = scanner(f"class {new_scan.bodies[home][0]}:\n{text}")
    if list(scan.tops) != [1]:
        raise ParseError("the lines leave the class's body")
    return _Piece(start, end, scan, 2 - start, home)


def _joined(pieces: Sequence[_Piece], new_scan: Scan) -> Scan:
    """The pieces' spans, facts and module facts put end to end, in old line numbers."""
    spans: list[FunctionSpan] = []
    classes: list[FunctionSpan] = []
    where: list[tuple[Callable[[int], FunctionFacts], int]] = []  # spans[i]'s facts: (scan's facts, index)
    taken = [p for p in pieces if p.scan is new_scan]  # the pieces the new side's scan gives, in order
    functions, scopes = _by_piece(new_scan.spans, taken), _by_piece(new_scan.classes, taken)
    ends = _class_ends(pieces, new_scan)
    mine = 0
    for piece in pieces:
        if piece.scan is new_scan:
            own, own_classes = functions[mine], scopes[mine]
            mine += 1
        else:  # a class's body parsed under a copy of its header: that copy is not a class of the file
            own, own_classes = list(enumerate(piece.scan.spans)), list(enumerate(piece.scan.classes))
            own_classes = own_classes[1:] if piece.home is not None else own_classes
        for index, span in own:
            spans.append(_moved(span, -piece.shift))
            where.append((piece.scan.facts, index))
        for _, span in own_classes:
            moved = _moved(span, -piece.shift)
            end = ends.get(span.start) if piece.scan is new_scan else None
            classes.append(moved if end is None else replace(moved, end=end))

    def facts(index: int) -> FunctionFacts:
        facts_of, at = where[index]
        return facts_of(at)

    module = _module_facts(pieces) if all(p.scan.module_facts is not None for p in pieces) else None
    return Scan(spans, facts, classes, module)


def _class_ends(pieces: Sequence[_Piece], new_scan: Scan) -> dict[int, int]:
    """The cut classes' last old lines (by the new line where each starts): where the last piece of its body
    ends its last statement."""
    new_ends = {span.start: span.end for span in new_scan.classes if span.start in new_scan.bodies}
    out: dict[int, int] = {}
    for at, piece in enumerate(pieces):
        if piece.home is None or (at + 1 < len(pieces) and pieces[at + 1].home == piece.home):
            continue
        last = new_ends[piece.home] if piece.scan is new_scan else piece.scan.classes[0].end
        out[piece.home] = last - piece.shift
    return out


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
