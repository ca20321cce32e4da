"""What every parser gives and takes (the languages themselves are ``ariadne_hook/languages/``).

A parser is ``parse(text) -> list[FunctionSpan]``; it raises ``ParseError`` when the text does not parse.
A *scanner* (``scan(text) -> Scan``) gives the same spans with their facts computed only on demand, so that
the locate stage pays for the facts of the functions a diff touches and no others.
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from ariadne_hook.models import FunctionFacts, FunctionSpan

Parser = Callable[[str], list[FunctionSpan]]


class ParseError(Exception):
    """The text does not parse; ``str(error)`` is one line such as ``line 3: invalid syntax``."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Scan:
    """A file's function spans (facts possibly left empty) and how to get the facts of ``spans[i]``."""

    spans: Sequence[FunctionSpan]
    facts: Callable[[int], FunctionFacts]
    classes: Sequence[FunctionSpan] = ()  # class-like scopes (kind "class"): their own lines are theirs
    # facts of the module-level statements holding the given lines, where the language offers them
    module_facts: Callable[[frozenset[int]], FunctionFacts] | None = None
    # the first lines of the top-level statements, ascending, where the language gives them: lines where
    # the text can be cut into pieces that each parse alone (locate/old_side.py); empty: not given
    tops: Sequence[int] = ()
    # for a top-level class (by its first line, one of ``tops``): its name and the first lines of its body's
    # statements, ascending, where the text can be cut too (locate/old_side.py); empty: not given
    bodies: Mapping[int, tuple[str, Sequence[int]]] = field(default_factory=dict)


Scanner = Callable[[str], Scan]


def holding(firsts: Sequence[int], lasts: Sequence[int], lines: Iterable[int]) -> list[int]:
    """The positions, ascending, of the statements that hold one of ``lines``: statement ``i`` runs from
    line ``firsts[i]`` to ``lasts[i]``, in source order (both lists ascending: statements overlap on a line
    at most, ``a = 1; b = 2``). By bisection: a file's module facts cost O(lines log n), not lines × n."""
    out: list[int] = []
    taken = 0  # statements before this one are already out
    for line in sorted(lines):
        low, high = max(bisect_left(lasts, line), taken), bisect_right(firsts, line)
        if low < high:
            out.extend(range(low, high))
            taken = high
    return out


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while syntax trees are built and used: thousands of small
    objects without cycles, which the collector would otherwise traverse again and again as they are
    made (about a third of ``ast.parse``'s time) and which reference counting frees anyway. The previous
    state is restored; nothing collectable is lost, only collected later."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
