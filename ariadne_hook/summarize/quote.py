"""Which words of a text changed, quoted briefly: ``"allows to handle"`` -> ``"allows handling"``.

One way to quote a text change everywhere (a docstring, a message, a template, a comment, a test case, an
expression): the spans of words that differ, with a word or two of context, cut to a short length; a text
rewritten from end to end is quoted by its new start instead.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from ariadne_hook.locate.snippets import is_clipped, unclipped

ARROW = "\u2192"
ELLIPSIS = "\u2026"
SPAN = 60  # characters of one quoted side
_TOKEN = re.compile(r"\w+|[^\w\s]")
STRING_LITERAL = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`""")  # any quote
_CODE_TOKEN = re.compile(STRING_LITERAL.pattern + r"|\w+|[^\w\s]")  # a string is one token


_INSIDE = re.compile(r"([(\[{]) | ([)\]}])")


def tidy(text: str) -> str:
    """Code squeezed on one line without the spaces its line breaks left inside brackets: ``f( a )``."""
    return _INSIDE.sub(r"\1\2", text)


def unwrapped(code: str) -> str:
    """``code`` as it reads on one line (:func:`tidy`), without the trailing comma a re-wrap one item a line
    adds (``f(\n    a,\n    b,\n)`` reads ``f(a, b)``; :func:`without_trailing_commas`: ``(x,)`` stays). A
    comparison key: never shown."""
    return tidy(without_trailing_commas(code))


def without_trailing_commas(code: str) -> str:
    """``code`` without a comma just before a closing bracket where it changes nothing: always in ``[]`` and
    ``{}``, and in ``()`` of a call or a definition (after a name that is no keyword, or a closing bracket)
    or with another comma of its own; never in ``(x,)`` or ``in (x,)``, a tuple of one."""
    if "," not in code:  # most arguments: nothing to drop
        return code
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


def ticked(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def cut(text: str, limit: int = SPAN) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def _tokens(text: str, code: bool = False) -> list[re.Match[str]]:
    return list((_CODE_TOKEN if code else _TOKEN).finditer(text))


def word_spans(
    old: str, new: str, context: int = 2, limit: int = 2, code: bool = False, inner: bool = False
) -> tuple[list[tuple[str, str]], int]:
    """([(old words, new words)] for the first ``limit`` places where the texts differ, each with
    ``context`` words around it and an ellipsis where the text goes on; the number of places). With
    ``code``, a string literal is one token (code is compared by its tokens, prose by its words); with
    ``inner``, places inside the texts come first (a statement rewritten around an expression: the
    expression's change, not its new first words)."""
    old, new = unclipped(old), unclipped(new)
    a, b = _tokens(old, code), _tokens(new, code)
    matcher = SequenceMatcher(None, [t.group() for t in a], [t.group() for t in b], autojunk=False)
    places: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if places and i1 - places[-1][1] <= 2 * context:  # close to the previous place: one span
            places[-1][1], places[-1][3] = i2, j2
        else:
            places.append([i1, i2, j1, j2])
    if inner:
        places.sort(key=lambda p: p[0] == 0 or p[2] == 0 or p[1] == len(a) or p[3] == len(b))
    spans = []
    for i1, i2, j1, j2 in places[:limit]:
        bare = (_bare(old, a, i1, i2), _bare(new, b, j1, j2))
        if code and i2 - i1 == j2 - j1 == 1 and bare[0][:1] in "\"'" and bare[1][:1] in "\"'":
            words, _ = word_spans(a[i1].group(), b[j1].group(), context, 1)  # a string: its words
            spans += words[:1]
        elif (i1 == i2 or j1 == j2) and len(bare[0] + bare[1]) >= 12:
            spans.append(bare)  # words only added or only dropped: those words (a short one with context)
        else:
            spans.append((_span(old, a, i1, i2, max(context, 1)), _span(new, b, j1, j2, max(context, 1))))
    return spans, len(places)


def code_tokens(text: str) -> list[re.Match[str]]:
    """The tokens of a line of code: a string literal, a word, or one other character."""
    return _tokens(text, code=True)


def code_token_texts(text: str) -> list[str]:
    """The texts of ``code_tokens(text)`` (without their places: cheaper)."""
    return _CODE_TOKEN.findall(text)


def _span(text: str, tokens: list[re.Match[str]], start: int, stop: int, context: int) -> str:
    """The tokens ``start:stop`` with ``context`` words (not counting punctuation) on each side."""
    first, last = start, stop
    words = 0
    while first > 0 and words < context:
        first -= 1
        words += tokens[first].group()[0].isalnum()
    words = 0
    while last < len(tokens) and words < context:
        last += 1
        words += tokens[last - 1].group()[0].isalnum()
    while last > stop and tokens[last - 1].group() in ",;)]}":  # no bracket or comma at the ends
        last -= 1
    while first < start and tokens[first].group() in ",;([{":
        first += 1
    if first >= last:
        return ""
    shown = cut(text[tokens[first].start() : tokens[last - 1].end()])
    tail = ELLIPSIS if last < len(tokens) and not shown.endswith(ELLIPSIS) else ""
    return (ELLIPSIS if first else "") + shown + tail


def _bare(text: str, tokens: list[re.Match[str]], start: int, stop: int) -> str:
    if start >= stop:
        return ""
    return cut(text[tokens[start].start() : tokens[stop - 1].end()].strip(" ,;"))


def _stretch(old: str, new: str) -> tuple[list[re.Match[str]], list[re.Match[str]], int, int]:
    """Tokens of both texts, and how many tokens they share at the start and at the end."""
    a, b = _tokens(old, code=True), _tokens(new, code=True)
    return (a, b, *_shared(a, b))


def _shared(a: list[re.Match[str]], b: list[re.Match[str]]) -> tuple[int, int]:
    """How many tokens ``a`` and ``b`` share at the start and at the end."""
    head = 0
    while head < min(len(a), len(b)) and a[head].group() == b[head].group():
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail].group() == b[-1 - tail].group():
        tail += 1
    return head, tail


def one_span(old: str, new: str, context: int = 2) -> tuple[str, str]:
    """Both texts around the one stretch where they differ (common start and end trimmed by token)."""
    a, b, head, tail = _stretch(old, new)
    return _span(old, a, head, len(a) - tail, context), _span(new, b, head, len(b) - tail, context)


def quote_pair(old: str, new: str, limit: int = SPAN) -> tuple[str, str]:
    """Both texts, each at most ``limit`` characters: whole when both fit, else the stretch where they
    differ with as many words around it as fit (three, two, one): never cut to a start both share."""
    if len(old) <= limit and len(new) <= limit:
        return old, new
    for context in (3, 2, 1):
        a, b = one_span(old, new, context)
        if len(a) <= limit and len(b) <= limit and a != b:
            return a, b
    if cut(a, limit) != cut(b, limit):
        return cut(a, limit), cut(b, limit)
    words_a, words_b = _tokens(old), _tokens(new)  # a long string that changed: the words where it did
    head, tail = _shared(words_a, words_b)
    for context in (3, 2, 1):
        a = _span(old, words_a, head, len(words_a) - tail, context)
        b = _span(new, words_b, head, len(words_b) - tail, context)
        if len(a) <= limit and len(b) <= limit:
            break
    return cut(a, limit), cut(b, limit)


def _stretch_length(old: str, new: str) -> int:
    a, b, head, tail = _stretch(old, new)
    lengths = [
        tokens[len(tokens) - tail - 1].end() - tokens[head].start() if head < len(tokens) - tail else 0
        for tokens in (a, b)
    ]
    return max(lengths)


def similar(old: str, new: str) -> bool:
    """True when most words of the two texts are the same (an edit, not a rewrite)."""
    a, b = [t.group() for t in _tokens(old)], [t.group() for t in _tokens(new)]
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.5


def text_change(old: str, new: str, limit: int = 2, code: bool = False) -> str:
    """```a` → `b``` for each changed place (at most ``limit``, then ``+N more``); a rewrite is quoted by
    its new start: ``now `starts like this…```; "" when the texts differ only past their cut."""
    if unclipped(old) == unclipped(new):
        return ""  # the texts differ past their cut: the caller reads the diff instead
    if not similar(unclipped(old), unclipped(new)):
        return f"now {ticked(cut(unclipped(new)) + (ELLIPSIS if is_clipped(new) else ''))}"
    spans, count = word_spans(old, new, limit=limit, code=code)
    if not spans:
        return ""  # the same words, spaced otherwise
    shown = [change(a, b) for a, b in spans]
    more = f" (+{count - len(shown)} more)" if count > len(shown) else ""
    return "; ".join(shown) + more


def change(old: str, new: str) -> str:
    """```a` → `b```; ``adds `b``` or ``drops `a``` when one side is empty."""
    if not old:
        return f"adds {ticked(new)}"
    if not new:
        return f"drops {ticked(old)}"
    return f"{ticked(old)} {ARROW} {ticked(new)}"


def diff_text_change(removed: Sequence[str], added: Sequence[str], limit: int = 2) -> str:
    """The change of a run of removed lines to the added lines that replaced them: the one stretch that
    differs when it is short, else ``text_change`` of their tokens."""
    old, new = " ".join(" ".join(removed).split()), " ".join(" ".join(added).split())
    if [t.group() for t in _tokens(old, True)] == [t.group() for t in _tokens(new, True)]:
        return ""  # the same tokens, spaced otherwise
    if _stretch_length(old, new) <= SPAN // 2:  # one short stretch differs: it, with a little context
        a, b = one_span(old, new)
        return change(*((a, b) if a != b else quote_pair(old, new)))  # a long string cut alike: its words
    spans, count = word_spans(old, new, context=3, limit=limit, code=True, inner=True)
    more = f" (+{count - len(spans)} more)" if count > len(spans) else ""
    return "; ".join(change(x, y) for x, y in spans) + more
