"""Edits that change no code: a function re-wrapped or re-spaced (a formatter's work), a trailing comma put
before a closing bracket, a comment edited, a docstring re-wrapped with the same words.

Each run of changed rows is compared with the context rows around it (where a wrapped call opens and its
``)`` usually stays), both sides squeezed of spaces and line breaks, their comments apart, and a comma
before a closing bracket dropped where it changes nothing (``f(a, b)`` and ``f(\\n a,\\n b,\\n)`` are one
call; ``(x,)``, a tuple of one, keeps it). Where the lines still differ, the language may say the two sides
are one program all the same (Python: the same ast, so ``x = (\\n "a "\\n "b"\\n)`` is ``x = "a " "b"``);
nowhere else are parentheses dropped (``(a + b) * c`` is no ``a + b * c``; in Go and Kotlin a line break
inside parentheses is no line break outside them).

Told with where: each run by the first line of the statement it is in (``Only the layout changed (decorator
`@retry(…)` re-wrapped)``), comments edited in place as pairs in order (``comment `# noqa: T201` →
`# ruff:ignore[print]` ×9``, quoted where they differ). Lines that only moved (removed at one place, added as
they were at another) are no layout change: the caller says the move.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ariadne_hook.summarize.quote import (
    ELLIPSIS,
    STRING_LITERAL,
    change,
    cut,
    quote_pair,
    ticked,
    without_trailing_commas,
)
from ariadne_hook.summarize.untold import code_of


def layout_only(
    diff: str,
    docstring: str,
    comment: str,
    same_program: Callable[[], bool] = lambda: False,
    decorator: str = "decorator",
) -> list[str]:
    """``Docstring re-wrapped, same words: `…`.``, ``Only the layout changed (`f(…)` re-wrapped).`` (and
    which comment changed), or nothing when the code differs. ``comment``: the language's line-comment
    marker; ``same_program``: asked when the lines differ, whether the two sides are one program all the
    same (Python: the same ast, so parentheses put around an expression or a string split in two are
    layout); ``decorator``: what the language calls one."""
    runs = _runs(diff, comment)
    if not runs:
        return []
    code: list[tuple[str, str]] = []
    notes: tuple[list[str], list[str]] = ([], [])
    for run in runs:
        (old_code, old_notes), (new_code, new_notes) = (_split(rows, comment) for rows in run.sides())
        code.append((old_code, new_code))
        notes[0].extend(old_notes)
        notes[1].extend(new_notes)
    if not any(old for old, _ in code) or _moved(runs):
        return []
    gone, came = Counter(notes[0]) - Counter(notes[1]), Counter(notes[1]) - Counter(notes[0])
    if any(old != new for old, new in code) and not same_program():
        return []
    if not gone and not came and _in_docstring(runs, "".join(docstring.split())):
        return [f"Docstring re-wrapped, same words: {ticked(cut(docstring, 60))}."]
    if not gone and not came:
        return [f"Only the layout changed{_where(runs, decorator)}."]
    if sum(gone.values()) == sum(came.values()):  # each comment edited in place: old and new, in order
        edits = [_paired(_in_order(notes[0], gone), _in_order(notes[1], came))]
    else:
        edits = [f"{verb} {_listed(side)}" for verb, side in (("drops", gone), ("adds", came)) if side]
    return [f"Only the layout and comments changed: the same code; {'; '.join(edits)}."]


def _moved(runs: Sequence[_Run]) -> bool:
    """Whether the changed lines only moved: each run only removes or only adds lines, and the lines removed
    come back as they were (a block re-indented in place is no move)."""
    if any(run.old and run.new for run in runs):
        return False
    old = Counter(row.strip() for run in runs for row in run.old if row.strip())
    return old == Counter(row.strip() for run in runs for row in run.new if row.strip())


def _in_order(notes: Sequence[str], only: Counter[str]) -> list[str]:
    """The ``notes`` that are among ``only``, in their order (each as many times as ``only`` counts it)."""
    left = Counter(only)
    out = []
    for note in notes:
        if left[note] > 0:
            left[note] -= 1
            out.append(note)
    return out


def _paired(old: Sequence[str], new: Sequence[str]) -> str:
    """``comment `# noqa: T201` → `# ruff:ignore[print]` ×9``; the first two distinct edits, then how many
    more."""
    pairs = Counter(zip(old, new, strict=True))
    shown = [
        f"{change(*quote_pair(a, b, 50))}{f' ×{n}' if n > 1 else ''}" for (a, b), n in list(pairs.items())[:2]
    ]
    more = f" and {len(pairs) - 2} more" if len(pairs) > 2 else ""
    return f"{'comment' if len(pairs) == 1 else 'comments'} {', '.join(shown)}{more}"


def _where(runs: Sequence[_Run], decorator: str) -> str:
    """``(decorator `@retry(…)` re-wrapped)``, ``(`x = (…)` re-wrapped; +2 more)``: what each run holds,
    by the first line of the statement it is in, re-wrapped (its lines differ in number) or re-spaced;
    ``: the same code, wrapped or spaced otherwise`` when no line says it."""
    shown: dict[str, str] = {}
    for run in runs:
        head = _statement(run)
        if not any(char.isalnum() for char in head):
            continue  # a bracket alone says nothing
        what = f"{decorator} {ticked(head)}" if head.startswith("@") else ticked(head)
        shown.setdefault(what, "re-spaced")
        if len(run.old) != len(run.new):
            shown[what] = "re-wrapped"
    told = [f"{what} {how}" for what, how in list(shown.items())[:2]]
    more = f"; +{len(shown) - 2} more" if len(shown) > 2 else ""
    return f" ({'; '.join(told)}{more})" if told else ": the same code, wrapped or spaced otherwise"


_CLOSER = {"(": ")", "[": "]", "{": "}"}


def _statement(run: _Run) -> str:
    """The first line of the statement a run changed: the line that opened the brackets the run is in, else
    its first changed line on the side with more lines (where the wrapped form opens); ``f(…)``: cut
    after the bracket it ends with (when short), else after its first bracket that holds something, where
    no string comes before it (``super().__init__(…)``)."""
    wrapped = run.new if len(run.new) >= len(run.old) else run.old
    rows = [row.strip() for row in wrapped if row.strip()]
    first = run.opener.strip() or (rows[0] if rows else "")
    if first[-1:] not in _CLOSER or len(first) > 60:
        for at, char in enumerate(first):
            if char in "\"'`":
                break
            if char in _CLOSER and first[at + 1 : at + 2] != _CLOSER[char]:
                first = first[: at + 1]
                break
    if first[-1:] in _CLOSER and len(first) <= 60:
        return first + ELLIPSIS + _CLOSER[first[-1]]
    return cut(first, 60)


def _in_docstring(runs: Sequence[_Run], docstring: str) -> bool:
    """Whether every run's changed lines are lines of the docstring (``docstring`` squeezed of spaces)."""
    return bool(docstring) and all(
        "".join("".join(rows).split()).strip("\"'") in docstring
        for run in runs
        for rows in (run.old, run.new)
    )


def _listed(comments: Counter[str]) -> str:
    shown = [f"{ticked(cut(text, 40))}{f' ×{n}' if n > 1 else ''}" for text, n in comments.most_common(2)]
    more = len(comments) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class _Run:
    """A run of changed rows: the context row before it, its removed and added rows, the row after, and
    the row that opened the outermost bracket still open where it starts ("" when none is)."""

    before: str
    old: tuple[str, ...]
    new: tuple[str, ...]
    after: str
    opener: str

    def sides(self) -> tuple[list[str], list[str]]:
        """Each side between the context rows (where a wrapped call opens and closes)."""
        return ([self.before, *self.old, self.after], [self.before, *self.new, self.after])


def _runs(diff: str, comment: str) -> list[_Run]:
    """Each run of changed rows, with the context rows before and after it (``comment``: the language's
    line-comment marker: a bracket in a comment opens nothing)."""
    runs: list[_Run] = []
    old: list[str] = []
    new: list[str] = []
    before = ""
    opened: list[str] = []  # the row of each bracket open so far (the old side and the context)
    start = ""
    for line in diff.split("\n"):
        if line.startswith(("-", "+")):
            if not old and not new:
                start = opened[0] if opened else ""
            (old if line.startswith("-") else new).append(line[1:])
        else:
            context = line[1:] if line.startswith(" ") else ""
            if old or new:
                runs.append(_Run(before, tuple(old), tuple(new), context, start))
                old, new = [], []
            before = context
        if line.startswith("@@"):
            opened.clear()  # lines not shown come between hunks
        elif line.startswith(("-", " ")):
            _track(code_of(line[1:], comment), opened)
    if old or new:
        runs.append(_Run(before, tuple(old), tuple(new), "", start))
    return runs


def _track(row: str, opened: list[str]) -> None:
    """Push ``row`` for each bracket it opens, pop one for each it closes (strings aside)."""
    for char in STRING_LITERAL.sub("", row):
        if char in _CLOSER:
            opened.append(row)
        elif char in ")]}" and opened:
            opened.pop()


def _split(rows: list[str], comment: str) -> tuple[str, list[str]]:
    """(the rows' code squeezed of spaces, a comma before a closing bracket dropped; their comments)."""
    code, notes = [], []
    for row in rows:
        code.append(code_of(row, comment))
        if row[len(code[-1]) :].strip():
            notes.append(" ".join(row[len(code[-1]) :].split()))
    return "".join(without_trailing_commas("\n".join(code)).split()), notes
