"""What an entry's changed lines do that no other sentence of its summary tells.

``untold_edits``: each run of changed lines of the body (not its head: the signature tells it; not a
comment, a docstring, a table of cases or the inside of a multi-line text) is compared token by token, the
two sides joined (so a call spread over more lines is no change). A place where the tokens differ is told
already when every word, name and number of it appears in the summary's other sentences (a renamed local, a
changed condition, a call added), and the words that differ between its strings too. What is left is quoted
by its words on its own line: ``changes `…split(".")` → `…split(".")[:3]```. Lines moved (a side of a run
whose every line comes back in the function's other runs: switch cases reordered) are no edit of what
replaced them: never compared, and told as ``moves `case x:` (4 lines)`` when that is all the edit does.

``text_lines``: the lines inside a multi-line text (a template, a script) that changed, by their words:
``template text (+12 −5 lines): `%[3]d` → `%[4]d` …; adds `# we sort the values…```.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from ariadne_hook.locate.snippets import unclipped
from ariadne_hook.models import FunctionChange, FunctionFacts
from ariadne_hook.summarize.call_args import Row, Source, comment_marker, numbered_runs
from ariadne_hook.summarize.hunk_summary import MINUS
from ariadne_hook.summarize.quote import (
    ELLIPSIS,
    STRING_LITERAL,
    change,
    code_token_texts,
    code_tokens,
    cut,
    quote_pair,
    ticked,
)
from ariadne_hook.words import plural

_WORD = re.compile(r"[\w$@]+")
COMMENTS = ("#", "//", "/*", "*", "--")
CODE_OR_COMMENT = re.compile(STRING_LITERAL.pattern + "|(#|//)")  # group 1: a comment
_QUOTES = re.compile(r"""^[rRbBuUfF]{0,2}(?:\"\"\"|'''|"|'|`)|(?:\"\"\"|'''|"|'|`)[,;)+]*$""")


def sides_of(change: FunctionChange) -> tuple[Source, Source] | None:
    """What the summary reads of the two sides' source (call_args.py); None without both."""
    if not change.old_source or not change.new_source or not change.old_lines or not change.new_lines:
        return None
    old = Source(change.old_source, change.old_lines[0], change.language)
    return old, Source(change.new_source, change.new_lines[0], change.language)


def untold_of(change: FunctionChange, told: str, sides: tuple[Source, Source]) -> list[str]:
    """The edits of the body no sentence of ``told`` tells (untold.py)."""
    old, new = change.old_facts or FunctionFacts(), change.new_facts or FunctionFacts()
    texts = [old.docstring, new.docstring, *old.cases, *new.cases]
    texts += [unclipped(t) for _, t in (*old.literals, *new.literals)]
    comment = comment_marker(change.language)
    return untold_edits(change.diff, told, [t for t in texts if len(t) > 20], sides, comment)


def untold_edits(
    diff: str, told: str, texts: Sequence[str], sides: tuple[Source, Source], comment: str, limit: int = 1
) -> list[str]:
    """``changes `a` → `b`` (+2 more)`` for the first ``limit`` places of the body's changed lines that
    ``told`` (the summary's other sentences) does not mention, and how many more there are; ``texts``:
    docstrings, literals and test cases (told by their own sentences); ``comment``: the language's
    line-comment marker."""
    found: dict[tuple[int, int, int], str] = {}  # by its rows: more places on one line are one edit
    words_told = frozenset(_WORD.findall(told))
    runs = []
    for removed, added in numbered_runs(diff):
        (old, old_split), (new, new_split) = (
            _code(rows, side, texts, comment) for rows, side in ((removed, sides[0]), (added, sides[1]))
        )
        if old_split != new_split:  # a message put on lines of its own: where it was inline, it goes too
            old, _ = _code(removed, sides[0], texts, comment, pieces=new_split)
            new, _ = _code(added, sides[1], texts, comment, pieces=old_split)
        runs.append((old, new))
    moved = moved_sides(runs)
    for run, (old, new) in enumerate(runs):
        old, new = ([] if (run, side) in moved else lines for side, lines in enumerate((old, new)))
        if not old or not new or len(old) > RUN or len(new) > RUN:
            continue
        texts_a = [t for line in old for t in code_token_texts(line)]
        texts_b = [t for line in new for t in code_token_texts(line)]
        gone, came = Counter(texts_a), Counter(texts_b)
        if _told(_less(gone, came), _less(came, gone), told, words_told):
            continue  # every token that came or went is told already (no place needs quoting)
        a, b = _tokens(old), _tokens(new)
        matcher = SequenceMatcher(None, texts_a, texts_b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            old_tokens, new_tokens = [t for _, t, _ in a[i1:i2]], [t for _, t, _ in b[j1:j2]]
            lines = {t[0] for t in a[i1:i2]}, {t[0] for t in b[j1:j2]}
            if (
                tag == "equal"
                or len(lines[0]) > 1
                or len(lines[1]) > 1
                or _told(old_tokens, new_tokens, told, words_told)
                or not _edited(a, b, (i1, i2, j1, j2))
            ):
                continue  # a place over more lines, or a line put for another: a rewrite, told by its facts
            row = (run, _anchor(a, i1, i2), _anchor(b, j1, j2))
            if row not in found:
                found[row] = _place(old, new, a, b, (i1, i2, j1, j2)) if len(found) < limit else ""
    # a block by where it was; told only when it is all the edit says (among other edits: noise)
    blocks = [runs[run][0] for run, side in sorted(moved) if side == 0 and not told]
    moves = [
        "moves "
        + ", ".join(f"{ticked(cut(lines[0], 40))} ({plural(len(lines), 'line')})" for lines in blocks)
    ]
    if not found:
        return moves if blocks else []
    more = f" (+{len(found) - limit} more)" if len(found) > limit else ""
    shown = "; ".join(list(found.values())[:limit])
    return [(shown if shown.startswith(("adds ", "drops ")) else f"changes {shown}") + more] + (
        moves if blocks else []
    )


def _less(these: Counter[str], those: Counter[str]) -> list[str]:
    """``list((these - those).elements())``, without building the Counter."""
    return [text for text, count in these.items() for _ in range(count - those[text])]


def moved_sides(runs: Sequence[tuple[Sequence[str], Sequence[str]]]) -> set[tuple[int, int]]:
    """(run, side) of each side of a run (0: its removed lines, 1: its added lines) that is lines moved:
    every one of its code lines comes back on the other side in the function's other runs (cases of a
    switch reordered, a statement moved up). Such a side is no edit of the run's other side."""
    moved: set[tuple[int, int]] = set()
    every = [Counter(line for r in runs for line in r[side]) for side in (0, 1)]
    for side in (0, 1):
        for run, lines in enumerate(r[side] for r in runs):
            if not lines or any(line not in every[1 - side] for line in lines):
                continue  # a line found nowhere on the other side: not moved (the common case, cheaply)
            elsewhere = every[1 - side] - Counter(runs[run][1 - side])
            if any(_WORD.search(line) for line in lines) and not Counter(lines) - elsewhere:
                moved.add((run, side))
    return moved


RUN = 12  # code lines a side of a run compared; a longer rewrite is told by its other facts
Token = tuple[int, str, tuple[int, int]]  # (index of its line, text, span in the line)


def _place(
    old: Sequence[str],
    new: Sequence[str],
    a: Sequence[Token],
    b: Sequence[Token],
    place: tuple[int, int, int, int],
) -> str:
    """A place by its words: a whole line that came or went as such (``adds `x = 1```), else both sides
    with a few words around."""
    i1, i2, j1, j2 = place
    if i1 == i2 and j1 < j2 and [t[1] for t in b[j1:j2]] == [t[1] for t in b if t[0] == b[j1][0]]:
        return change("", cut(new[b[j1][0]]))
    if j1 == j2 and i1 < i2 and [t[1] for t in a[i1:i2]] == [t[1] for t in a if t[0] == a[i1][0]]:
        return change(cut(old[a[i1][0]]), "")
    quoted = _quote(old, a, i1, i2), _quote(new, b, j1, j2)
    if quoted[0] == quoted[1]:  # a long string cut alike on both sides: where its words changed
        quoted = quote_pair(old[_anchor(a, i1, i2)].strip(), new[_anchor(b, j1, j2)].strip())
    return change(*quoted)


def _anchor(tokens: Sequence[Token], start: int, stop: int) -> int:
    """The line of the tokens ``start:stop``; for none, the line of the token before the place."""
    if start < stop:
        return tokens[start][0]
    return tokens[start - 1][0] if start > 0 else tokens[0][0]


def _edited(a: Sequence[Token], b: Sequence[Token], place: tuple[int, int, int, int]) -> bool:
    """True when the lines of a place are one line edited, not one line put for another: at least half
    their tokens alike."""
    i1, i2, j1, j2 = place
    line_a, line_b = _anchor(a, i1, i2), _anchor(b, j1, j2)
    old, new = [t[1] for t in a if t[0] == line_a], [t[1] for t in b if t[0] == line_b]
    return SequenceMatcher(None, old, new, autojunk=False).ratio() >= 0.5


def _code(
    rows: Sequence[Row], side: Source, texts: Sequence[str], comment: str, pieces: bool = False
) -> tuple[list[str], bool]:
    """The rows' lines that are code of the body, without their trailing comments, and whether a line that
    is only a piece of a text (one of ``texts``) was left out; with ``pieces``, the pieces of a text inside
    a line go too (the other side put them on lines of their own)."""
    out = []
    split = False
    head, strings = side.header_end, side.string_lines
    for number, line in rows:
        if number <= head or number in strings:
            continue
        flat = " ".join(line.split())
        if not flat or flat.startswith(COMMENTS):
            continue
        flat = code_of(flat, comment)
        if texts:  # a row of a table of cases is told by its case (read without its comments)
            bare = _QUOTES.sub("", flat.rstrip()).strip().removesuffix(",")
            if len(bare) >= 5 and any(bare in t for t in texts):
                split = True
                continue
            if pieces:
                flat = _STRING.sub(lambda m: "" if _within(m.group(1)[1:-1], texts) else m.group(), flat)
        if flat.strip():
            out.append(flat.rstrip())
    return out, split


def code_of(row: str, comment: str) -> str:
    """``row`` up to its comment (``comment``: the language's line-comment marker; strings aside)."""
    if comment not in row:
        return row
    return row[: next((m.start() for m in CODE_OR_COMMENT.finditer(row) if m.group(1) == comment), len(row))]


_STRING = re.compile(r"""(?<!\w)[rRbBuUfF]{0,2}("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')""")


def _within(inner: str, texts: Sequence[str]) -> bool:
    """A string literal's text that is a piece of a text told on its own (a message split over lines, told
    by its changed words): no token of the line it is on."""
    return len(inner) >= 5 and any(inner in t for t in texts)


def _tokens(lines: Sequence[str]) -> list[Token]:
    return [(n, m.group(), m.span()) for n, line in enumerate(lines) for m in code_tokens(line)]


def _quote(lines: Sequence[str], tokens: Sequence[Token], start: int, stop: int, context: int = 2) -> str:
    """The tokens ``start:stop`` with ``context`` words around them, on their own line(s) only."""
    if not tokens:
        return ""
    line_a = _anchor(tokens, start, stop)  # nothing on this side: the words before the place, on its line
    line_b = tokens[stop - 1][0] if start < stop else line_a
    first, last = start, stop
    words = 0
    while first > 0 and words < context and tokens[first - 1][0] == line_a:
        first -= 1
        words += tokens[first][1][0].isalnum()
    words = 0
    while last < len(tokens) and words < context and tokens[last][0] == line_b:
        last += 1
        words += tokens[last - 1][1][0].isalnum()
    if first >= last:
        return ""
    pieces = []
    for n in range(tokens[first][0], tokens[last - 1][0] + 1):
        inside = [t for t in tokens[first:last] if t[0] == n]
        if inside:
            pieces.append(lines[n][inside[0][2][0] : inside[-1][2][1]])
    shown = cut(" ".join(pieces))
    head = ELLIPSIS if first > 0 and tokens[first - 1][0] == tokens[first][0] else ""
    tail = ELLIPSIS if last < len(tokens) and tokens[last][0] == tokens[last - 1][0] else ""
    return head + shown + ("" if shown.endswith(ELLIPSIS) else tail)


def _told(old: Sequence[str], new: Sequence[str], told: str, words_told: frozenset[str]) -> bool:
    """True when ``told`` mentions every word, name and number among the tokens that differ, and the
    words that differ between their strings (a message told by its changed words); a change of
    punctuation alone is told only when its text is."""
    strings = [[t for t in side if t[:1] in "\"'`"] for side in (old, new)]
    words = [t for t in (*old, *new) if t[:1].isalnum() or t[:1] in "_$@"]
    if not words and not strings[0] and not strings[1]:
        return "".join(new) in told or "".join(old) in told
    if not all(w in words_told for w in words):
        return False
    old_words, new_words = ({w for t in side for w in _WORD.findall(t)} for side in strings)
    differ = old_words ^ new_words
    if not differ:
        return not (strings[0] or strings[1]) or any(t.strip("\"'`") in told for t in (*old, *new))
    return differ <= words_told


# --------------------------------------------------------------------------------- multi-line texts


def text_lines(diff: str, sides: tuple[Source, Source]) -> list[str]:
    """``template text (+12 −5 lines): `a` → `b`; adds `…```: the changed lines inside multi-line texts,
    the first changed line pair by its words, then the first added lines (a comment of the text first:
    it says what the new lines are for)."""
    if not sides[0].string_lines and not sides[1].string_lines:
        return []  # no multi-line text on either side: no line of one changed
    removed_count = added_count = 0
    pairs: list[tuple[str, str]] = []
    new_lines: list[str] = []
    for removed, added in numbered_runs(diff):
        old = [" ".join(t.split()) for n, t in removed if n in sides[0].string_lines]
        new = [" ".join(t.split()) for n, t in added if n in sides[1].string_lines]
        removed_count += len(old)
        added_count += len(new)
        paired = _line_pairs(old, new)
        pairs += [(old[i], new[j]) for i, j in paired if old[i] != new[j]]
        taken = {j for _, j in paired}
        new_lines += [line for j, line in enumerate(new) if line and j not in taken]
    if removed_count + added_count < 2:
        return []
    parts = []
    if pairs:
        more = f" (+{len(pairs) - 1} more)" if len(pairs) > 1 else ""
        parts.append(_line_change(*pairs[0]) + more)
    if new_lines:
        shown = sorted(new_lines, key=lambda line: not line.startswith(COMMENTS))[:2]
        parts.append("adds " + ", ".join(ticked(cut(line, 50)) for line in shown))
    head = f"multi-line text (+{added_count} {MINUS}{removed_count} lines)"
    return [f"{head}: {'; '.join(parts)}"] if parts else [head]


def _line_pairs(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """(old index, new index) of the lines paired, the most alike first, in order (alike: half their
    characters in common); a run of many lines a side is paired in order when as long."""
    if len(old) * len(new) > 400:
        return list(zip(range(len(old)), range(len(new)), strict=True)) if len(old) == len(new) else []
    scores = sorted(
        (-SequenceMatcher(None, o, n, autojunk=False).ratio(), i, j)
        for i, o in enumerate(old)
        for j, n in enumerate(new)
    )
    chosen: list[tuple[int, int]] = []
    for score, i, j in scores:
        if score > -0.5:
            break
        if all((i - x) * (j - y) > 0 for x, y in chosen):  # unused, and in the order of the others
            chosen.append((i, j))
    return sorted(chosen)


def _line_change(old: str, new: str) -> str:
    a, b = code_tokens(old), code_tokens(new)
    matcher = SequenceMatcher(None, [t.group() for t in a], [t.group() for t in b], autojunk=False)
    places = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    _, i1, i2, j1, j2 = places[0]
    old_tokens = [(0, t.group(), t.span()) for t in a]
    new_tokens = [(0, t.group(), t.span()) for t in b]
    return change(_quote([old], old_tokens, i1, i2), _quote([new], new_tokens, j1, j2))
