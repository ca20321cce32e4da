"""Words the user reads: counts with the right plural, and "did you mean" for a mistyped name.

No imports on the fast path: ``difflib`` is loaded only when a name was mistyped.
"""

from __future__ import annotations

from collections.abc import Iterable


def plural_of(word: str) -> str:
    """``request`` -> ``requests``, ``class`` -> ``classes``, ``entry`` -> ``entries``; the last word of a
    phrase (``changed function`` -> ``changed functions``)."""
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return word[:-1] + "ies"
    return word + "s"


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 request``, ``0 requests``, ``2 requests``: the count and the word that goes with it (``many``
    for a plural the rule gets wrong)."""
    return f"{count} {word if count == 1 else many or plural_of(word)}"


def _core(name: str) -> str:
    """What tells names apart: ``--`` and ``ARIADNE_`` are shared by all and would make any two look alike."""
    return name.lstrip("-").removeprefix("ARIADNE_").lower()


def did_you_mean(word: str, candidates: Iterable[str], quote: str = "") -> str:
    """`` (did you mean --max-workers?)`` for the closest candidate to a mistyped ``word``, or ``""``."""
    import difflib

    by_core: dict[str, str] = {}
    for name in candidates:
        by_core.setdefault(_core(name), name)
    close = difflib.get_close_matches(_core(word), list(by_core), n=1, cutoff=0.75)
    return f" (did you mean {quote}{by_core[close[0]]}{quote}?)" if close else ""
