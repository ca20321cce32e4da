"""Edits that change no code: a function re-wrapped or re-spaced (a formatter's work), a trailing comma put
before a closing bracket, a comment edited, a docstring re-wrapped with the same words.

Each run of changed rows is compared with the context rows around it (where a wrapped call opens and its
``)`` usually stays), both sides squeezed of spaces and line breaks, their comments apart, and a comma
before a closing bracket dropped where it changes nothing (``f(a, b)`` and ``f(\\n a,\\n b,\\n)`` are one
call; ``(x,)``, a tuple of one, keeps it).
"""

from __future__ import annotations

import keyword
import re
from collections import Counter

from ariadne_hook.summarize.quote import change, cut, ticked
from ariadne_hook.summarize.untold import CODE_OR_COMMENT


def layout_only(diff: str, docstring: str, comment: str) -> list[str]:
    """``Docstring re-wrapped, same words: `…`.``, ``Only the layout changed…`` (and which comment changed),
    or nothing when the code differs. ``comment``: the language's line-comment marker."""
    runs = _runs(diff)
    if not runs:
        return []
    code: list[tuple[str, str]] = []
    notes: tuple[list[str], list[str]] = ([], [])
    for old, new in runs:
        (old_code, old_notes), (new_code, new_notes) = (_split(rows, comment) for rows in (old, new))
        code.append((old_code, new_code))
        notes[0].extend(old_notes)
        notes[1].extend(new_notes)
    if any(old != new for old, new in code) or not any(old for old, _ in code):
        return []
    gone, came = Counter(notes[0]) - Counter(notes[1]), Counter(notes[1]) - Counter(notes[0])
    squeezed = "".join(new for _, new in code)
    if not gone and not came and docstring and "".join(docstring.split()) in squeezed:
        return [f"Docstring re-wrapped, same words: {ticked(cut(docstring, 60))}."]
    if not gone and not came:
        return ["Only the layout changed: the same code, wrapped or spaced otherwise."]
    if sum(gone.values()) == sum(came.values()) == 1:
        edits = [f"comment {change(cut(next(iter(gone)), 50), cut(next(iter(came)), 50))}"]
    else:
        edits = [f"{verb} {_listed(side)}" for verb, side in (("drops", gone), ("adds", came)) if side]
    return [f"Only the layout and comments changed: the same code; {'; '.join(edits)}."]


def _listed(comments: Counter[str]) -> str:
    shown = [f"{ticked(cut(text, 40))}{f' ×{n}' if n > 1 else ''}" for text, n in comments.most_common(2)]
    more = len(comments) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _runs(diff: str) -> list[tuple[list[str], list[str]]]:
    """(removed rows, added rows) of each run of changed rows, each side between the context rows before
    and after the run (when there are some: where a wrapped call opens and closes)."""
    runs: list[tuple[list[str], list[str]]] = []
    old: list[str] = []
    new: list[str] = []
    before: list[str] = []
    for line in diff.split("\n"):
        if line.startswith("-"):
            old.append(line[1:])
        elif line.startswith("+"):
            new.append(line[1:])
        else:
            context = [line[1:]] if line.startswith(" ") else []
            if old or new:
                runs.append((before + old + context, before + new + context))
                old, new = [], []
            before = context
    if old or new:
        runs.append((before + old, before + new))
    return runs


def _split(rows: list[str], comment: str) -> tuple[str, list[str]]:
    """(the rows' code squeezed of spaces, a comma before a closing bracket dropped; their comments)."""
    code, notes = [], []
    for row in rows:
        start = next((m.start() for m in CODE_OR_COMMENT.finditer(row) if m.group(1) == comment), len(row))
        code.append(row[:start])
        if row[start:].strip():
            notes.append(" ".join(row[start:].split()))
    return "".join(_without_trailing_commas("\n".join(code)).split()), notes


def _without_trailing_commas(code: str) -> str:
    """``code`` without a comma just before a closing bracket where it changes nothing: always in ``[]`` and
    ``{}``, and in ``()`` of a call or a definition (after a name that is no keyword, or a closing bracket)
    or with another comma of its own; never in ``(x,)`` or ``in (x,)``, a tuple of one."""
    out: list[str] = []
    opened: list[list[int]] = []  # for each open bracket: 1 if a trailing comma is free there, its commas
    quote, escaped = "", False  # inside a string nothing is a bracket or a comma
    for char in code:
        if quote:
            quote = "" if char == quote and not escaped else quote
            escaped = char == "\\" and not escaped
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            opened.append([int(char != "(" or _called("".join(out[-40:]))), 0])
        elif char == "," and opened:
            opened[-1][1] += 1
        elif char in ")]}" and opened:
            free, commas = opened.pop()
            end = len(out)
            while end and out[end - 1].isspace():
                end -= 1
            if end and out[end - 1] == "," and (free or commas > 1):
                del out[end - 1]
        out.append(char)
    return "".join(out)


def _called(before: str) -> bool:
    """Whether a ``(`` after ``before`` opens a call's or a definition's arguments."""
    text = before.rstrip()
    if text.endswith((")", "]")):
        return True
    word = re.search(r"[A-Za-z_]\w*$", text)
    return word is not None and word.group() not in _KEYWORDS


_KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"return", "range", "case", "go"}
