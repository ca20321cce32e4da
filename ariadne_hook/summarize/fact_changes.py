"""What changed between the two sides' facts of one entry, as short clauses for the offline summary.

Every clause is checked against the facts or the diff before it is said: a local was renamed only when
every changed line differs by that name alone, a name is read instead of another only when both sit in one
run of changed lines, a name is no longer read only when nothing under it is read either (``os`` while
``os.environ`` is read), a string is never said to have become a number. Control flow is ``flow.py``'s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TypeVar

from ariadne_hook.locate.snippets import is_clipped, unclipped
from ariadne_hook.models import FunctionChange, FunctionFacts
from ariadne_hook.summarize.flow import change_runs, flat
from ariadne_hook.summarize.quote import ARROW, cut, diff_text_change, similar, text_change, ticked

BARE = re.compile(r"^[\s{}()\[\];,]*$")  # a line that says nothing: braces, brackets, blank
MAX_NAMES = 8
SHORT = 48  # characters of a condition or literal shown in a summary
T = TypeVar("T")


def sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def names_list(items: Iterable[str], limit: int = MAX_NAMES) -> str:
    unique = list(dict.fromkeys(items))
    shown = ", ".join(unique[:limit])
    return f"{shown} and {len(unique) - limit} more" if len(unique) > limit else shown


def diff_lines(diff: str) -> tuple[list[str], list[str]]:
    """The added and removed lines of a unified-diff excerpt (without their +/- tags); fresh lists."""
    added, removed = _diff_lines(diff)
    return list(added), list(removed)


@lru_cache(maxsize=16)  # one entry's summary reads its diff several times
def _diff_lines(diff: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    added: list[str] = []
    removed: list[str] = []
    for line in diff.split("\n"):
        if line.startswith("+"):
            added.append(line[1:].rstrip("\r"))
        elif line.startswith("-"):
            removed.append(line[1:].rstrip("\r"))
    return tuple(added), tuple(removed)


def raise_changes(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """``now raises X`` / ``no longer raises X``; ``adds a `raise X``` when X was raised elsewhere already;
    a Go ``panic(...)`` is said as such (``now panics: `panic(err)```)."""
    out = []
    for name in dict.fromkeys(_unmatched(old, new)):
        if name.startswith("panic("):
            out.append(f"adds a {ticked(name)}" if name in old else f"now panics: {ticked(name)}")
        else:
            out.append(f"adds a {ticked('raise ' + name)}" if name in old else f"now raises {name}")
    for name in dict.fromkeys(_unmatched(new, old)):
        if name.startswith("panic("):
            out.append(f"removes a {ticked(name)}" if name in new else f"no longer panics: {ticked(name)}")
        else:
            out.append(f"removes a {ticked('raise ' + name)}" if name in new else f"no longer raises {name}")
    return out


def joined(clauses: Sequence[str]) -> str:
    """Clauses (each possibly a sentence already) joined into one sentence with semicolons."""
    parts = [c.strip().rstrip(".") for c in clauses]
    parts = [parts[0]] + [p[:1].lower() + p[1:] if not p[:2].isupper() else p for p in parts[1:]]
    return sentence("; ".join(parts))


def _unmatched(before: Sequence[T], after: Sequence[T]) -> list[T]:
    """The items of ``after`` left once each item of ``before`` has cancelled one equal item (in order)."""
    if before == after or not after:
        return []
    left = Counter(before)
    out = []
    for item in after:
        if left[item]:
            left[item] -= 1
        else:
            out.append(item)
    return out


def _is_string(text: str) -> bool:
    return bool(text) and text[:1] in "\"'`" or text[:2] in ('f"', "f'", 'r"', "r'", 'b"', "b'")


def _literal_kind(text: str) -> str:
    if _is_string(text):
        return "string"
    return "bool" if text.lower() in ("true", "false") else "number"


def _literal_pair(a: tuple[str, str], b: tuple[str, str], diff: str) -> str:
    """``name `old` → `new```; a long string by the words that changed (``text_change``; past the cut of
    the texts kept, from the diff)."""
    (name_a, text_a), (name_b, text_b) = a, b
    name = name_a if name_a == name_b and name_a else ""
    if _is_string(text_a) and _is_string(text_b) and (len(text_a) > SHORT or len(text_b) > SHORT):
        change = text_change(text_a, text_b, limit=1) or first_words(diff, "") or "changed past its start"
    else:
        change = f"{ticked(text_a)} {ARROW} {ticked(text_b)}"
    return f"{name} {change}" if name else change


_TYPE_TEXT = re.compile(
    r"^[a-z]?['\"][\w.]+\[[\w.\[\], |]*\]['\"]$|^[a-z]?['\"][\w.]*\w \| [\w. |\[\],]+['\"]$"
)


def _inner(text: str) -> str:
    """A literal's text without its quotes (a number as it is)."""
    if text[:1] in "\"'`":
        return text[1:-1] if len(text) > 1 and text[-1] == text[0] else text[1:]
    return text


def _one_edit(diff: str, old: str, new: str) -> bool:
    """True when the old literal sits in the removed lines and the new one in the added lines of one run
    of changed lines (no diff given: assumed)."""
    if not diff:
        return True
    a, b = (_inner(flat(unclipped(t)).lstrip("bfrBFRU")) for t in (old, new))

    def holds(lines: Sequence[str], text: str) -> bool:  # the literal starts on a line, or holds one
        return any(text[:30] in line or (len(line) >= 8 and line in text) for line in lines)

    return any(holds(r, a) and holds(n, b) for r, n in change_runs(diff))


def _reworded(old: str, new: str) -> bool:
    """Two long strings with mostly the same words: one message edited, even where its line moved (a
    ``Fail(...)`` no longer under its ``if``)."""
    if is_clipped(old) or is_clipped(new) or not (_is_string(old) and _is_string(new)):
        return False  # a long text is told by its changed lines
    return min(len(old), len(new)) >= 18 and similar(_inner(old), _inner(new))


def literal_changes(
    old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]], diff: str = ""
) -> list[str]:
    """``Value changed: timeout `20` → `30`.``: literals bound to the same name on both sides, then (when
    as many were added as removed, at most 3) the others in order."""
    if old == new:
        return []
    gained, lost = _unmatched(old, new), _unmatched(new, old)
    pairs: list[tuple[tuple[str, str], tuple[str, str]]] = []
    for item in list(gained):
        match = next((o for o in lost if o[0] and o[0] == item[0]), None)
        if match is not None:
            pairs.append((match, item))
            gained.remove(item)
            lost.remove(match)
    if gained and len(gained) == len(lost) and len(gained) <= 3:
        in_order = list(zip(lost, gained, strict=True))
        if all(
            _literal_kind(a[1]) == _literal_kind(b[1])
            and (_one_edit(diff, a[1], b[1]) or _reworded(a[1], b[1]))
            for a, b in in_order
        ):
            pairs += in_order  # a string never became a number, nor one here another there (unless reworded)
    changed = [(a, b) for a, b in pairs if a[1] != b[1]][:3]
    kind = "Text" if all(_is_string(b[1]) for _, b in changed) else "Value"
    out = [f"{kind} changed: {'; '.join(_literal_pair(a, b, diff) for a, b in changed)}."] if changed else []
    other = {text for _, text in (old if gained else new)}  # a string also on the other side is not new
    texts = [
        t
        for _, t in (gained or lost)
        if _is_string(t) and len(t) > 3 and not _TYPE_TEXT.match(unclipped(t)) and t not in other
    ]
    if texts and len(texts) <= 3 and not (gained and lost) and not pairs:  # a few strings only came or went
        quoted = names_list([ticked(cut(unclipped(t), 40)) for t in texts])
        out.append(f"{'new' if gained else 'drops'} text {quoted}.")
    return out


def name_changes(change: FunctionChange, old: FunctionFacts, new: FunctionFacts) -> list[str]:
    """Names read or assigned that appear on one side only (parameters aside: the signature has them)."""
    params = {p.name for p in (*old.params, *new.params)} | {"_"}
    locals_gained = sorted(n for n in new_items(old.assigned, new.assigned) if n not in params)
    removes = any(line.strip() for line in _diff_lines(change.diff)[1])  # else nothing can be lost
    locals_lost = (
        sorted(n for n in new_items(new.assigned, old.assigned) if n not in params) if removes else []
    )
    assigned = {*old.assigned, *new.assigned}
    read_gained = [n for n in _read_only(old, new) if n not in params and n not in assigned]
    read_lost = [n for n in _read_only(new, old) if n not in params and n not in assigned] if removes else []
    parts = []
    if len(locals_gained) == len(locals_lost) == 1 and _renamed(change, locals_lost[0], locals_gained[0]):
        parts.append(f"Renames local {locals_lost[0]} to {locals_gained[0]}.")
    elif locals_gained or locals_lost:
        sets = [f"now sets {names_list(locals_gained, 4)}"] if locals_gained else []
        sets += [f"no longer sets {names_list(locals_lost, 4)}"] if locals_lost else []
        parts.append(sentence("; ".join(sets)))
    # a name no longer read and one read in its place (a parameter or a name read before too)
    instead = _instead(change.diff, read_lost, read_gained, [*read_gained, *new.names, *params])
    read_gained = [n for n in read_gained if n not in instead.values()]
    read_lost = [n for n in read_lost if n not in instead]
    reads = [f"reads {names_list([f'{b} instead of {a}' for a, b in instead.items()], 3)}"] if instead else []
    reads += [f"now reads {names_list(read_gained, 4)}"] if read_gained else []
    reads += [f"no longer reads {names_list(read_lost, 4)}"] if read_lost else []
    return parts + ([sentence("; ".join(reads))] if reads else [])


def _read_only(before: FunctionFacts, after: FunctionFacts) -> list[str]:
    """Names read on the ``after`` side only, sorted; a name whose attributes or calls are still used on
    the ``before`` side (``os`` while ``os.environ`` is read) is not new to it."""
    used = (*before.names, *before.calls)
    return sorted(
        n
        for n in new_items(before.names, after.names)
        if not any(u.startswith((n + ".", n + "(")) for u in used)
    )


def _instead(
    diff: str, lost: Sequence[str], gained: Sequence[str], candidates: Sequence[str]
) -> dict[str, str]:
    """old name -> new name, for a name no longer read whose line, with a candidate put in its place, is an
    added line of the same run (``log(ctx.args)`` → ``log(args)``); else one name lost and one gained."""
    pairs: dict[str, str] = {}
    if not lost:
        return pairs
    for removed, added in change_runs(diff):
        for name in lost:
            lines = [line for line in removed if name not in pairs and _mentions([line], name)]
            for line, other in ((line, other) for line in lines for other in dict.fromkeys(candidates)):
                if other != name and _put(line, name, other) in added:
                    pairs[name] = other
                    break
    if not pairs and len(lost) == len(gained) == 1:
        pairs[lost[0]] = gained[0]
    return pairs


def _put(line: str, name: str, other: str) -> str:
    return re.sub(rf"(?<![\w.$@]){re.escape(name)}(?![\w$])", lambda _: other, line)


def _mentions(lines: Sequence[str], name: str) -> bool:
    pattern = re.compile(rf"(?<![\w.$@]){re.escape(name)}(?![\w$])")
    return any(pattern.search(line) for line in lines)


_TOKEN = re.compile(r"[\w$@]+|\S")


def _renamed(change: FunctionChange, before: str, after: str) -> bool:
    """True when the removed lines, paired in order with the added ones, differ only in tokens where
    ``before`` became ``after`` (a keyword argument of the same name may stay)."""
    added, removed = diff_lines(change.diff)
    if not removed or len(added) != len(removed):
        return False
    renamed = False
    for old_line, new_line in zip(removed, added, strict=True):
        old_tokens, new_tokens = _TOKEN.findall(old_line), _TOKEN.findall(new_line)
        if len(old_tokens) != len(new_tokens):
            return False
        for a, b in zip(old_tokens, new_tokens, strict=True):
            if a != b and (a, b) != (before, after):
                return False
            renamed = renamed or a != b
    return renamed


def new_items(before: Sequence[str], after: Sequence[str]) -> list[str]:
    """Names in ``after`` and not in ``before``, once each, in order."""
    known = set(before)
    return [name for name in dict.fromkeys(after) if name not in known]


def module_assignments(old: FunctionFacts | None, new: FunctionFacts | None) -> list[str]:
    """From the parser's facts of the statements that hold the changed lines: names newly assigned, no
    longer assigned, or whose assignment changed; a short literal value as ``old → new``, a longer string
    constant by its name (never a word inside it)."""
    old = old or FunctionFacts()
    new = new or FunctionFacts()
    touched = list(dict.fromkeys([*old.assigned, *new.assigned]))
    gained = [n for n in touched if n in new.assigned and n not in old.names]
    lost = [n for n in touched if n in old.assigned and n not in new.names]
    changed = [n for n in touched if n not in gained and n not in lost]
    before, after = dict(old.literals), dict(new.literals)
    renamed = []
    for name in list(lost):  # a name gone and a new one bound to the same literal value: a rename
        same = [n for n in gained if before.get(name) and after.get(n) == before.get(name)]
        if len(same) == 1:
            renamed.append(f"{name} {ARROW} {same[0]}")
            lost.remove(name)
            gained.remove(same[0])
    values, strings, other = [], [], []
    for name in changed:
        a, b = before.get(name, ""), after.get(name, "")
        if a and b and a != b and max(len(a), len(b)) <= SHORT:
            values.append(f"{name} {ticked(a)} {ARROW} {ticked(b)}")
        elif _is_string(a) or _is_string(b):
            strings.append(name)
        else:
            other.append(name)
    out = [f"Renamed (same value): {names_list(renamed, 4)}."] if renamed else []
    out += [f"Assignments added: {names_list(gained)}."] if gained else []
    out += [f"Assignments removed: {names_list(lost)}."] if lost else []
    out += [f"Values changed: {'; '.join(values[:3])}."] if values else []
    out += (
        [f"String constant{'s' if len(strings) > 1 else ''} changed: {names_list(strings)}."]
        if strings
        else []
    )
    return out + ([f"Assignments changed: {names_list(other)}."] if other else [])


def docstring_change(old: str, new: str) -> list[str]:
    """``docstring reworded: `a` → `b```, ``docstring added`` or ``removed``."""
    if old == new:
        return []
    if not old or not new:
        return ["docstring added" if new else "docstring removed"]
    return [f"docstring reworded: {text_change(old, new, limit=1) or 'past its first 1000 characters'}"]


def expression_change(diff: str) -> list[str]:
    """``changes `a` → `b```: the words that changed in a small edit (at most two runs of at most two lines
    replaced by at most two), when only names read or set tell what the edit does."""
    runs = [(r, a) for r, a in change_runs(diff) if any(not BARE.match(x) for x in (*r, *a))]
    if not runs or len(runs) > 2 or any(not r or not a or max(len(r), len(a)) > 2 for r, a in runs):
        return []
    quotes = [q for q in (diff_text_change(r, a, limit=1) for r, a in runs) if q]
    return [f"changes {'; '.join(quotes)}"] if quotes else []


def first_words(diff: str, lead: str) -> str:
    """The words that changed in the first run of changed lines that has both sides, after ``lead``."""
    for removed, added in change_runs(diff):
        if removed and added:
            quote = diff_text_change(removed, added, limit=1)
            return f"{lead}{quote}" if quote else ""
    return ""


def kept_in_nested(
    change: FunctionChange, old: FunctionFacts, new: FunctionFacts
) -> tuple[FunctionFacts, FunctionFacts]:
    """Each side's facts leave out the bodies of definitions nested in it that have their own entry; a
    call, text, set or read that moved into (or out of) such a definition is still in the function, not
    removed (or added): when changed lines lie in nested definitions, what one side's own facts lack but its
    source still holds is counted on that side too, so the comparison does not tell it."""
    if change.nested == (0, 0):
        return old, new
    return (
        _with_kept(old, new, change.old_source or ""),
        _with_kept(new, old, change.new_source or ""),
    )


def _with_kept(side: FunctionFacts, other: FunctionFacts, source: str) -> FunctionFacts:
    def word(name: str, call: bool = False) -> bool:
        tail = r"\s*\(" if call else r"(?!\w)"
        return re.search(rf"(?<![\w.]){re.escape(name)}{tail}", source) is not None

    calls = [c for c in dict.fromkeys(other.calls) if c not in side.calls and word(c, call=True)]
    literals = [lit for lit in other.literals if lit not in side.literals and _spelled(lit[1], source)]
    assigned = [n for n in other.assigned if n not in side.assigned and word(n)]
    names = [n for n in other.names if n not in side.names and word(n)]
    if not (calls or literals or assigned or names):
        return side
    return replace(
        side,
        calls=(*side.calls, *calls),
        literals=(*side.literals, *literals),
        assigned=(*side.assigned, *assigned),
        names=(*side.names, *names),
    )


def _spelled(text: str, source: str) -> bool:
    """True when ``source`` holds the literal ``text`` as written, or a string of it in either quotes (a
    Python literal is read as its ``repr``: ``"x"`` is ``'x'``)."""
    if text in source:
        return True
    inner = _inner(unclipped(text)) if text[:1] in "\"'" else ""
    return bool(inner) and (f'"{inner}"' in source or f"'{inner}'" in source)
