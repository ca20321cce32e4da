"""What changed in a function's control flow: its blocks (``if``, loops, ``with``, ``assert``...) paired old
to new by position and shape, and the flow words left (``return``, ``try``, ``defer``...).

Blocks with the same keyword and head are the same block. Among the others, in each stretch of the
function where the blocks differ, an old and a new block are one block whose head changed when their
bodies start with the same statement, or when both heads sit in one run of changed lines (the most alike
pair first). So ``if a:`` → ``if a and b():`` is a changed condition, never a removed check plus a new
one; a check removed here and another added elsewhere stay two facts. A new guard is told with the first
statement it runs; a dropped ``else`` with what became of its body; two loops with the same head that
became one are merged, not removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache

from ariadne_hook.models import Block, FunctionChange, FunctionFacts
from ariadne_hook.summarize.quote import ARROW, ELLIPSIS, cut, quote_pair, ticked, tidy

GUARDS = ("if", "elif", "while")
CONDITIONS = ("if", "elif", "while", "ternary")
BLOCK_WORDS = frozenset(("if", "while", "for", "with", "assert", "switch", "select", "match", "else"))
JUMPS = ("return", "raise", "break", "continue", "throw", "panic")
HEAD = 60  # characters of a head shown
THEN = 40  # characters of the statement a guard runs


def flat(text: str) -> str:
    return " ".join(text.split())


def flow_changes(
    old: FunctionFacts, new: FunctionFacts, change: FunctionChange, compact: bool = False
) -> list[str]:
    """Clauses such as ``condition `a` → `b```, ``adds `if x` (then `return`)``, ``removes `for```;
    ``compact``: two items a list and no ``then`` (for a large rewrite)."""
    if old.blocks == new.blocks and old.flow == new.flow:
        return []
    pairs: list[tuple[Block, Block]] = []
    kept: list[tuple[Block, Block]] = []
    added: list[Block] = []
    removed: list[Block] = []
    for tag, i1, i2, j1, j2 in _regions([_key(b) for b in old.blocks], [_key(b) for b in new.blocks]):
        if tag == "equal":
            kept += zip(old.blocks[i1:i2], new.blocks[j1:j2], strict=True)
            continue
        found, left_old, left_new = _pair(list(old.blocks[i1:i2]), list(new.blocks[j1:j2]), change.diff)
        for a, b in found:  # a head that changed only by a parameter the signature renamed is the same
            (kept if _renamed(_checked(a), old, new) == _norm(_checked(b)) else pairs).append((a, b))
        removed += left_old
        added += left_new
    if added and removed:  # a block whose row no changed line can be is the same block, its head edited
        pairs += _unopened(added, removed, change.diff)
    merged: list[Block] = []
    moved: list[Block] = []
    if added or removed:
        merged = _merged_loops(removed, new.blocks)
        moved = [b for b in added if b in removed]  # the same block, somewhere else
        added = [b for b in added if b not in moved]
        removed = [b for b in removed if b not in merged and b not in moved]
        for b in list(added):  # a head whose strings were only split or joined: the same block
            alike = [a for a in removed if _compatible(a, b) and a[1] != b[1] and _same_words(a[1], b[1])]
            if alike:
                pairs.append((alike[0], b))
                removed.remove(alike[0])
                added.remove(b)
    gained, lost = _words(old.flow, new.flow, added, removed)
    clauses = _changed(pairs)
    for call in _undeferred(change.diff) if "`defer`" in lost else []:  # the same call, now made in place
        lost.remove("`defer`")
        clauses.append(f"{ticked('defer ' + call)} {ARROW} {ticked(call)}")
    limit = 2 if compact else 3
    described = [_describe(b, compact) for b in added] + gained
    clauses += [f"adds {_items(described, limit)}"] if described else []
    described = [_describe(b, compact) for b in removed] + lost
    clauses += [f"removes {_items(described, limit)}"] if described else []
    clauses += [
        f"merges two {ticked('for ' + cut(b[1], HEAD))} loops into one" for b in dict.fromkeys(merged)
    ]
    clauses += [f"moves {_items([_describe(b, compact) for b in moved], limit)}"] if moved else []
    if any(b[3] for b in old.blocks) or any(b[3] for b in new.blocks):  # an else on either side
        clauses += _else_changes([*pairs, *kept], change.new_source or "", new.blocks)
    return clauses


Key = tuple[str, str]
Region = tuple[str, int, int, int, int]


def _regions(old: list[Key], new: list[Key]) -> list[Region]:
    """``SequenceMatcher.get_opcodes`` of the two key lists, with the common start and end taken first (most
    edits change a block or two: the matcher then runs on a few keys, or not at all)."""
    shortest = min(len(old), len(new))
    head = 0
    while head < shortest and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < shortest - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    stop_old, stop_new = len(old) - tail, len(new) - tail
    middle: list[Region] = []
    if head < stop_old or head < stop_new:
        if min(stop_old, stop_new) - head <= 1:  # one side adds or removes, or one block for another
            middle = [("replace", head, stop_old, head, stop_new)]
        else:
            matcher = SequenceMatcher(None, old[head:stop_old], new[head:stop_new], autojunk=False)
            middle = [(t, a + head, b + head, c + head, d + head) for t, a, b, c, d in matcher.get_opcodes()]
    ends = [("equal", 0, head, 0, head)] if head else []
    return ends + middle + ([("equal", stop_old, len(old), stop_new, len(new))] if tail else [])


_SPACED = re.compile(r"\s*([()\[\]{},.:])\s*")


@lru_cache(maxsize=4096)
def _norm(head: str) -> str:
    """A head without the spaces around brackets and commas: ``f( a )`` is ``f(a)``."""
    return _SPACED.sub(r"\1", head)


def _renamed(head: str, old: FunctionFacts, new: FunctionFacts) -> str:
    """``_norm(head)`` with the parameters the signature renamed (``__self`` → ``self``) renamed."""
    renamed = {o.name: n.name for o, n in zip(old.params, new.params, strict=False) if o.name != n.name}
    if not renamed:
        return _norm(head)
    return re.sub(r"[A-Za-z_]\w*", lambda m: renamed.get(m.group(), m.group()), _norm(head))


def _key(block: Block) -> tuple[str, str]:
    return ("if" if block[0] == "elif" else block[0], _norm(_checked(block)))


def _checked(block: Block) -> str:
    """What a block checks: its head, or the part of it locate recorded as checked (``err := f(); err != nil``
    checks ``err != nil``; the init is told with a new guard, and by the calls and names when it changed)."""
    return block[5] or block[1]


def _compatible(a: Block, b: Block) -> bool:
    return _key(a)[0] == _key(b)[0]


Run = tuple[tuple[str, ...], tuple[str, ...]]


@lru_cache(maxsize=16)  # one entry's summary reads its runs several times
def change_runs(diff: str) -> tuple[Run, ...]:
    """(removed lines, added lines) of each run of changed lines, whitespace squeezed."""
    runs: list[Run] = []
    removed: list[str] = []
    added: list[str] = []
    for line in [*diff.split("\n"), " "]:
        if line.startswith("-"):
            removed.append(flat(line[1:]))
        elif line.startswith("+"):
            added.append(flat(line[1:]))
        elif removed or added:
            runs.append((tuple(removed), tuple(added)))
            removed, added = [], []
    return tuple(runs)


def _undeferred(diff: str) -> list[str]:
    """Calls no longer deferred but made where they stand: ``defer mu.Unlock()`` removed, ``mu.Unlock()``
    added (once each)."""
    removed = [line for run in change_runs(diff) for line in run[0]]
    added = [line for run in change_runs(diff) for line in run[1]]
    calls = [line[6:] for line in removed if line.startswith("defer ") and line[6:] in added]
    return [call for call in dict.fromkeys(calls) if calls.count(call) == 1 and added.count(call) == 1]


def holds(lines: Sequence[str], text: str) -> bool:
    """True when a line holds the start of ``text`` (a long one may wrap: its first 30 characters)."""
    head = flat(text)[:30]
    return any(head in line for line in lines)


def _same_place(a: Block, b: Block, diff: str) -> bool:
    return any(holds(removed, a[1]) and holds(added, b[1]) for removed, added in change_runs(diff))


_NAME = re.compile(r"[A-Za-z_]\w*")
_NOT_NAMES = frozenset(
    ("not", "and", "or", "is", "in", "None", "nil", "null", "true", "false", "True", "False")
)


def _shares_name(a: Block, b: Block) -> bool:
    return bool((set(_NAME.findall(a[1])) & set(_NAME.findall(b[1]))) - _NOT_NAMES)


def _related(a: Block, b: Block, diff: str, olds: Sequence[Block], news: Sequence[Block]) -> bool:
    """True when two heads share a name, or sit at the same place of a run that puts as many lines as it
    takes (one line for another) and neither shares a name with another block of the stretch (``olds``,
    ``news``) it could be: else a new condition and a replaced one are two facts."""
    if _shares_name(a, b):
        return True
    if any(_compatible(a, n) and _shares_name(a, n) for n in news if n is not b) or any(
        _compatible(o, b) and _shares_name(o, b) for o in olds if o is not a
    ):
        return False  # ``if x is not None:`` became ``if x is None: return`` elsewhere, not this new check
    head_a, head_b = flat(a[1])[:30], flat(b[1])[:30]
    for removed, added in change_runs(diff):
        if len(removed) == len(added):
            at_a = [i for i, line in enumerate(removed) if head_a in line]
            at_b = [i for i, line in enumerate(added) if head_b in line]
            if set(at_a) & set(at_b):
                return True
    return False


_WORDS = re.compile(r"\w+|[^\w\s\"']")


def _same_words(a: str, b: str) -> bool:
    """The same words and signs, but for quotes and spaces (``"a " "b"`` is ``"a b"``)."""
    return _WORDS.findall(a) == _WORDS.findall(b)


def _trivial(statement: str) -> bool:
    """A bare jump (``return``, ``return None``, ``continue``): many guards share it."""
    return statement.split(" ", 1)[0] in JUMPS and len(statement) <= 16


def _pair(
    olds: list[Block], news: list[Block], diff: str
) -> tuple[list[tuple[Block, Block]], list[Block], list[Block]]:
    """(pairs, old blocks left, new blocks left) of one stretch where the blocks differ."""
    pairs: list[tuple[Block, Block]] = []
    left: list[Block] = []
    for old in olds:  # the same head, then the same body, then the same place (the most alike heads)
        same_body = [n for n in news if _key(n) == _key(old)] or [
            n
            for n in news
            if _compatible(old, n)
            and old[2]
            and old[2] == n[2]
            and (not _trivial(old[2]) or _same_place(old, n, diff))
        ]
        if same_body:
            pairs.append((old, same_body[0]))
            news.remove(same_body[0])
        else:
            left.append(old)
    still: list[Block] = []
    for old in left:
        here = [
            n
            for n in news
            if _compatible(old, n) and _same_place(old, n, diff) and _related(old, n, diff, left, news)
        ]
        if old[0] in ("assert", "ternary"):  # an assertion is the same one only if it checks alike
            here = [n for n in here if _alike(old[1], n[1]) >= 0.5]
        if here:  # the most alike by their start (what is checked), then by the whole
            best = here[0] if len(here) == 1 else max(here, key=lambda n: _alike(old[1][:40], n[1][:40]))
            pairs.append((old, best))
            news.remove(best)
        else:
            still.append(old)
    return pairs, still, news


def _quote_pair(a: str, b: str, keyword: str = "") -> str:
    """```a` → `b```, shortened around what changed; ``keyword`` before heads quoted from their start, else
    before the quotes (``assert `…x` → `…y```: what the heads are); a loop is called one."""
    a, b = quote_pair(tidy(a), tidy(b), HEAD)
    word = "loop " if keyword == "for" else ""
    if keyword and not a.startswith(ELLIPSIS) and not b.startswith(ELLIPSIS):
        a, b = f"{keyword} {a}", f"{keyword} {b}"
    elif keyword:
        word = word or f"{keyword} "
    return f"{word}{ticked(a)} {ARROW} {ticked(b)}"


def _changed(pairs: list[tuple[Block, Block]]) -> list[str]:
    conditions = [
        _quote_pair(a[1], b[1]) for a, b in pairs if a[0] in CONDITIONS and _checked(a) != _checked(b)
    ]
    out = []
    if conditions:
        more = f" and {len(conditions) - 3} more" if len(conditions) > 3 else ""
        out.append(f"condition{'s' if len(conditions) > 1 else ''} {'; '.join(conditions[:3])}{more}")
    for a, b in pairs:  # a try's head is the first statement it wraps: an edit of it is told as such
        if a[0] not in CONDITIONS and a[0] != "try" and a[1] != b[1]:
            out.append(_quote_pair(a[1], b[1], a[0]))
    return out


def _describe(block: Block, compact: bool = False) -> str:
    keyword, head, then = block[0], tidy(block[1]), tidy(block[2])
    if keyword == "ternary":
        return f"a condition {ticked(cut(head, HEAD))}"
    if keyword == "try":  # what it wraps, and what its first handler does instead
        caught = f" on {ticked(cut(block[3], THEN))}" if block[3] else ""
        fallback = f" (falls back to {ticked(cut(then, THEN))}{caught})" if then and not compact else ""
        return f"`try` around {ticked(cut(head, HEAD))}{fallback}"
    room = HEAD + 20 if block[5] else HEAD  # a Go init statement and its condition
    text = ticked(f"{keyword} {cut(head, room)}".strip())
    return f"{text} (then {ticked(cut(then, THEN))})" if keyword in GUARDS and then and not compact else text


def _items(described: list[str], limit: int = 3) -> str:
    counts = Counter(described)
    items = [d + (f" \u00d7{counts[d]}" if counts[d] > 1 else "") for d in dict.fromkeys(described)]
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


# what a row that opens a block of each kind holds (the keyword of ``_key``): ``if`` for ``elif`` and
# ``} else if``, ``unless``; ``do``/``until`` for a loop; Kotlin's ``when`` for a switch; a Ruby ``begin``
_OPENS = {
    "if": re.compile(r"\b(?:if|elif|elsif|unless)\b"),
    "while": re.compile(r"\b(?:while|until|do)\b"),
    "for": re.compile(r"\bfor(?:each)?\b"),
    "with": re.compile(r"\bwith\b"),
    "try": re.compile(r"\b(?:try|begin|rescue)\b"),
    "switch": re.compile(r"\b(?:switch|when|select|match)\b"),
    "select": re.compile(r"\bselect\b"),
    "match": re.compile(r"\bmatch\b"),
    "assert": re.compile(r"\bassert\b"),
    "ternary": re.compile(r"\?|\bif\b|\bwhen\b"),
}


def _unopened(added: list[Block], removed: list[Block], diff: str) -> list[tuple[Block, Block]]:
    """Pairs of an added and a removed block of a kind that no added (and no removed) line can open: the
    block's own row is unchanged context (a statement re-wrapped inside a ``try``, a condition edited on its
    second line), so it is the same block with its head edited, neither added nor removed (taken out of
    ``added`` and ``removed``). A block without such a partner stays: the diff may have put its rows in
    another function (code moved out of this one into a new one next to it)."""
    runs = change_runs(diff)
    lines = ([line for run in runs for line in run[0]], [line for run in runs for line in run[1]])

    def unopened(blocks: list[Block], side: int) -> list[Block]:
        kinds = {_key(b)[0] for b in blocks}
        opened = {k for k in kinds if k not in _OPENS or any(_OPENS[k].search(t) for t in lines[side])}
        return [b for b in blocks if _key(b)[0] not in opened]

    olds = unopened(removed, 0)
    pairs = []
    for new in unopened(added, 1) if olds else []:
        old = next((o for o in olds if _compatible(o, new)), None)
        if old is not None:
            pairs.append((old, new))
            olds.remove(old)
            removed.remove(old)
            added.remove(new)
    return pairs


def _merged_loops(removed: list[Block], new: Sequence[Block]) -> list[Block]:
    """Removed loops whose head is still the head of a loop on the new side: two loops became one."""
    heads = {b[1] for b in new if b[0] == "for"}
    return [b for b in removed if b[0] == "for" and b[1] in heads]


def _else_changes(pairs: list[tuple[Block, Block]], new_source: str, new: Sequence[Block]) -> list[str]:
    out = []
    elses = {flat(b[3]) for b in new if b[0] in ("if", "elif") and b[3]}
    for a, b in pairs:
        if a[0] not in ("if", "elif") or bool(a[3]) == bool(b[3]):
            continue
        if a[3] and flat(a[3]) in elses:  # the else is still there, after an elif or under another if
            continue
        where = ticked(f"{b[0]} {cut(b[1], HEAD)}")
        if a[3] and not b[3]:
            body = ticked(cut(a[3], THEN))
            follows = _follows(b, a[3], new_source)
            if follows is None:  # an elif put before the else: the else is still there
                continue
            if flat(a[3]) not in flat(new_source) or not follows:
                out.append(f"drops the `else` of {where} ({body})")  # where its statement went is not told
            elif b[4]:
                out.append(f"drops the `else` of {where} ({body} now follows its early exit)")
            else:
                out.append(f"drops the `else` of {where}: {body} now always runs")
        elif b[3] and not a[3]:
            out.append(f"adds an `else` to {where} (then {ticked(cut(b[3], THEN))})")
    return out


def _follows(block: Block, body: str, source: str) -> bool | None:
    """Whether a line of ``body`` (a statement) comes after the ``if`` of ``block`` on the new side, at its
    indentation and in its block (no line between them less indented); None when that ``if`` still ends in
    an ``else`` (after an ``elif`` put before it); False when that if is not found once."""
    lines = source.split("\n")
    head = block[0] + " " + flat(block[1]).rstrip("\u2026")[:40]
    ifs = [i for i, line in enumerate(lines) if flat(line).startswith((head, "} else " + head))]
    if len(ifs) != 1:
        return False
    start, first, chain = ifs[0], flat(body).rstrip("\u2026"), True
    indent = len(lines[start]) - len(lines[start].lstrip())
    for line in lines[start + 1 :]:
        text = flat(line)
        depth = len(line) - len(line.lstrip())
        if not text or depth > indent:
            continue
        if depth < indent:
            return False
        if chain and text.startswith(("else:", "} else {", "else {")):
            return None
        chain = chain and text.startswith(("elif ", "} else if ", "else if "))
        if text.startswith(first[:40]) or (len(text) >= 8 and first.startswith(text)):
            return True
    return False


def _words(
    old: Sequence[str], new: Sequence[str], added: list[Block], removed: list[Block]
) -> tuple[list[str], list[str]]:
    """(words gained, words lost) of the flow that no block change tells already (a new guard's
    ``return``), quoted, once per occurrence."""
    if old == new:
        return [], []
    gained = Counter(w for w in new if w not in BLOCK_WORDS)
    gained.subtract(w for w in old if w not in BLOCK_WORDS)
    for block in added:  # a new guard's jump, a new try's word: told with the block
        for word in [block[2].split(" ", 1)[0] if block[0] in GUARDS else "", block[0]]:
            if word in ("try", *JUMPS) and gained[word] > 0:
                gained[word] -= 1
    for block in removed:
        for word in [block[2].split(" ", 1)[0] if block[0] in GUARDS else "", block[0]]:
            if word in ("try", *JUMPS) and gained[word] < 0:
                gained[word] += 1
    plus = [ticked(w) for w, n in gained.items() for _ in range(n)]
    minus = [ticked(w) for w, n in gained.items() for _ in range(-n)]
    return plus, minus


def _alike(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
