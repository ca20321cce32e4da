"""Short one-line texts of source fragments, as the parsers keep them in ``FunctionFacts``.

A condition, a loop head or a statement is kept to ``MAX_TEXT`` characters (the summary shortens it
further). A literal keeps more (``LITERAL_TEXT``): a message or a template is compared and quoted by its
words; a longer one keeps its start and a checksum of the whole, so that an edit past the cut still shows
as a change.
"""

from __future__ import annotations

from zlib import crc32

MAX_TEXT = 200  # condition, loop head and statement texts
STATEMENT_TEXT = 80  # the first statement of a branch: what a guard controls
LITERAL_TEXT = 1000  # literal and table-case texts
DOCSTRING_TEXT = 4000
CLIPPED = "\u2026#"  # what separates a clipped text from the checksum of its whole


def one_line(text: str, limit: int = MAX_TEXT) -> str:
    return " ".join(text.split())[:limit]


def clip(text: str, limit: int = LITERAL_TEXT) -> str:
    """``text`` on one line; past ``limit`` characters its start, then CLIPPED and a checksum."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return f"{flat[:limit]}{CLIPPED}{crc32(flat.encode('utf-8', 'surrogatepass')):08x}"


def is_clipped(text: str) -> bool:
    return CLIPPED in text[-10:]


def unclipped(text: str) -> str:
    """``text`` without the checksum a clipped text ends with."""
    return text[: -len(CLIPPED) - 8] if is_clipped(text) else text
