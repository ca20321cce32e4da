"""One view per function: its diff rendered with the whole function as context.

A modified function is shown once, every line of it, each prefixed with " " (unchanged), "-" (removed) or
"+" (added): the model sees the change and its whole context without a second "source" copy. An added or
deleted function is its code once, unprefixed (the header says which). Other entries (module-level lines,
per-hunk entries) are their diff excerpt as it is.

A nested function that has its own entry is shown inside its parent as one placeholder line, so no code is
sent twice. Nothing here redacts or trims: `prompt.build_unit` does both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ariadne_hook.models import FunctionChange

_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
FUNCTION_KINDS = ("function", "method")
Span = tuple[int, int]


def function_view(change: FunctionChange, nested: Sequence[FunctionChange] = ()) -> str:
    """The text the model gets for `change`; `nested`: entries of functions defined inside it."""
    if change.kind not in FUNCTION_KINDS:
        return change.diff
    if change.change == "added" and change.new_source is not None:
        return _hide_plain(change.new_source, change.new_lines, [n.new_lines for n in nested])
    if change.change == "deleted" and change.old_source is not None:
        return _hide_plain(change.old_source, change.old_lines, [n.old_lines for n in nested])
    if change.new_source is None or change.new_lines is None:
        return change.diff
    return "\n".join(_merged(change, nested))


def nested_entries(change: FunctionChange, entries: Sequence[FunctionChange]) -> list[FunctionChange]:
    """The entries of `entries` (same file) whose function is defined inside `change`'s function."""
    if change.kind not in FUNCTION_KINDS:
        return []
    prefix = change.qualname + "."
    return [
        e
        for e in entries
        if e is not change
        and e.kind in FUNCTION_KINDS
        and e.path == change.path
        and e.qualname.startswith(prefix)
        and (_inside(e.new_lines, change.new_lines) or _inside(e.old_lines, change.old_lines))
    ]


def _inside(inner: Span | None, outer: Span | None) -> bool:
    return inner is not None and outer is not None and outer[0] <= inner[0] and inner[1] <= outer[1]


def _placeholder(indent: str) -> str:
    return f"{indent}... (nested function with its own entry)"


def _hide_plain(source: str, lines: Span | None, hidden: Sequence[Span | None]) -> str:
    spans = [s for s in hidden if s is not None]
    if lines is None or not spans:
        return source
    out: list[str] = []
    for number, text in enumerate(source.split("\n"), start=lines[0]):
        span = _covering(number, spans)
        if span is None:
            out.append(text)
        elif number == span[0]:
            out.append(_placeholder(_indent(text)))
    return "\n".join(out)


def _covering(number: int | None, spans: Sequence[Span]) -> Span | None:
    if number is None:
        return None
    for span in spans:
        if span[0] <= number <= span[1]:
            return span
    return None


def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _merged(change: FunctionChange, nested: Sequence[FunctionChange]) -> Iterator[str]:
    """The new side's lines as context, with the diff's rows (and their -/+ marks) in place."""
    assert change.new_source is not None and change.new_lines is not None
    source = change.new_source.split("\n")
    first, last = change.new_lines
    new_hidden = [n.new_lines for n in nested if n.new_lines is not None]
    old_hidden = [n.old_lines for n in nested if n.old_lines is not None]
    shown: set[Span] = set()

    def emit(tag: str, old: int | None, new: int | None, text: str) -> Iterator[str]:
        span = _covering(new, new_hidden) if tag != "-" else _covering(old, old_hidden)
        if span is None:
            yield tag + text
        elif tag != "-" and span not in shown:  # one placeholder per nested function, on the new side
            shown.add(span)
            yield " " + _placeholder(_indent(text))

    following = first  # the next new-side line not yet shown
    for tag, old, new, text in _rows(change.diff):
        if new is not None:
            while following < new:
                if first <= following <= last:
                    yield from emit(" ", None, following, source[following - first])
                following += 1
            following = max(following, new + 1)
        yield from emit(tag, old, new, text)
    while following <= last:
        yield from emit(" ", None, following, source[following - first])
        following += 1


def _rows(diff: str) -> Iterator[tuple[str, int | None, int | None, str]]:
    """(tag, old line, new line, text) for every body row of a unified-diff excerpt."""
    old = new = 0
    for line in diff.split("\n"):
        header = _HEADER.match(line)
        if header:
            old_start, old_count, new_start, new_count = header.groups()
            old = int(old_start) + (old_count == "0")
            new = int(new_start) + (new_count == "0")
            continue
        tag, text = line[:1], line[1:]
        if tag == "-":
            yield "-", old, None, text
            old += 1
        elif tag == "+":
            yield "+", None, new, text
            new += 1
        elif tag == " ":
            yield " ", old, new, text
            old += 1
            new += 1
