"""What changed between the two sides' facts of one entry, as short clauses for the offline summary.

Every clause is checked against the facts or the diff before it is said: a condition has changed only when
the old and new texts sit in one block of changed lines, a local was renamed only when every changed line
differs by that name alone, a string is never said to have become a number.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TypeVar

from ariadne_hook.models import FunctionChange, FunctionFacts

ARROW = "\u2192"
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
    """``now raises X`` / ``no longer raises X``; ``adds a `raise X``` when X was raised elsewhere already."""
    out = []
    for name in dict.fromkeys(_unmatched(old, new)):
        out.append(f"adds a {_ticked('raise ' + name)}" if name in old else f"now raises {name}")
    for name in dict.fromkeys(_unmatched(new, old)):
        out.append(f"removes a {_ticked('raise ' + name)}" if name in new else f"no longer raises {name}")
    return out


def joined(clauses: Sequence[str]) -> str:
    """Clauses (each possibly a sentence already) joined into one sentence with semicolons."""
    parts = [c.strip().rstrip(".") for c in clauses]
    parts = [parts[0]] + [p[:1].lower() + p[1:] if not p[:2].isupper() else p for p in parts[1:]]
    return sentence("; ".join(parts))


def _short(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _ticked(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


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


def flow_changes(old: FunctionFacts, new: FunctionFacts, diff: str) -> list[str]:
    """``Adds `if not ok`, `return`.``, ``Removes `for`.``, ``Condition `a` → `b`.``

    A condition is said to have changed only when the number of ``if`` / ``while`` is the same on both
    sides and the old and new texts sit in the same block of changed lines (one edit, not a check removed
    here and another added there)."""
    if old.flow == new.flow and old.conditions == new.conditions:
        return []
    gained, lost = _unmatched(old.flow, new.flow), _unmatched(new.flow, old.flow)
    new_conditions = _unmatched(old.conditions, new.conditions)
    old_conditions = _unmatched(new.conditions, old.conditions)
    parts = []
    pairs: list[str] = []
    if len(new_conditions) == len(old_conditions) and not {*gained, *lost} & {"if", "while"}:
        blocks = _change_blocks(diff)
        for a, b in list(zip(old_conditions, new_conditions, strict=True)):
            if any(_holds(removed, a) and _holds(added, b) for removed, added in blocks):
                pairs.append(f"{_ticked(_short(a))} {ARROW} {_ticked(_short(b))}")
                old_conditions.remove(a)
                new_conditions.remove(b)
    if pairs:
        parts.append(f"Condition{'s' if len(pairs) > 1 else ''} {'; '.join(pairs[:2])}")
    if gained:
        parts.append(f"adds {_flow_items(gained, new_conditions)}")
    elif new_conditions:
        parts.append(f"new condition {names_list([_ticked(_short(c)) for c in new_conditions], 2)}")
    if lost:
        parts.append(f"removes {_flow_items(lost, old_conditions)}")
    elif old_conditions:
        parts.append(f"condition {names_list([_ticked(_short(c)) for c in old_conditions], 2)} removed")
    return parts


def flat(text: str) -> str:
    return " ".join(text.split())


def _change_blocks(diff: str) -> list[tuple[list[str], list[str]]]:
    """(removed lines, added lines) of each run of changed lines, whitespace squeezed."""
    blocks: list[tuple[list[str], list[str]]] = []
    removed: list[str] = []
    added: list[str] = []
    for line in [*diff.split("\n"), " "]:
        if line.startswith("-"):
            removed.append(flat(line[1:]))
        elif line.startswith("+"):
            added.append(flat(line[1:]))
        elif removed or added:
            blocks.append((removed, added))
            removed, added = [], []
    return blocks


def _holds(lines: Sequence[str], condition: str) -> bool:
    """True when a line holds the start of the condition (a long one may wrap: its first 30 characters)."""
    head = flat(condition)[:30]
    return any(head in line for line in lines)


def _flow_items(words: Sequence[str], conditions: Sequence[str]) -> str:
    """```if x```, ```return``` ×2 ... (each if / while takes the next condition while there are some)."""
    queue = list(conditions)
    counts = Counter(words)
    items: list[str] = []
    for word in dict.fromkeys(words):
        left = counts[word]
        while word in ("if", "while") and left and queue:
            items.append(_ticked(f"{word} {_short(queue.pop(0))}"))
            left -= 1
        if left:
            items.append(_ticked(word) + (f" \u00d7{left}" if left > 1 else ""))
    return names_list(items, 4)


def _is_string(text: str) -> bool:
    return bool(text) and text[:1] in "\"'`" or text[:2] in ('f"', "f'", 'r"', "r'", 'b"', "b'")


def _literal_kind(text: str) -> str:
    if _is_string(text):
        return "string"
    return "bool" if text.lower() in ("true", "false") else "number"


def _literal_pair(a: tuple[str, str], b: tuple[str, str]) -> str:
    (name_a, text_a), (name_b, text_b) = a, b
    name = name_a if name_a == name_b and name_a else ""
    if _is_string(text_a) and _is_string(text_b) and (len(text_a) > SHORT or len(text_b) > SHORT):
        text_a, text_b = _around_difference(text_a, text_b)
    change = f"{_ticked(text_a)} {ARROW} {_ticked(text_b)}"
    return f"{name} {change}" if name else change


def _around_difference(a: str, b: str) -> tuple[str, str]:
    """Both texts cut to SHORT characters around where they first differ."""
    first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, first - 16)

    def cut(text: str) -> str:
        return (
            ("\u2026" if start else "")
            + text[start : start + SHORT]
            + ("\u2026" if len(text) > start + SHORT else "")
        )

    return cut(a), cut(b)


def literal_changes(old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]) -> list[str]:
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
        if all(_literal_kind(a[1]) == _literal_kind(b[1]) for a, b in in_order):
            pairs += in_order  # a string is never said to have become a number
    changed = [(a, b) for a, b in pairs if a[1] != b[1]][:3]
    if not changed:
        return []
    kind = "Text" if all(_is_string(b[1]) for _, b in changed) else "Value"
    return [f"{kind} changed: {'; '.join(_literal_pair(a, b) for a, b in changed)}."]


def name_changes(change: FunctionChange, old: FunctionFacts, new: FunctionFacts) -> list[str]:
    """Names read or assigned that appear on one side only (parameters aside: the signature has them)."""
    params = {p.name for p in (*old.params, *new.params)} | {"_"}
    locals_gained = sorted(n for n in new_items(old.assigned, new.assigned) if n not in params)
    locals_lost = sorted(n for n in new_items(new.assigned, old.assigned) if n not in params)
    assigned = {*old.assigned, *new.assigned}
    read_gained = sorted(n for n in new_items(old.names, new.names) if n not in params and n not in assigned)
    read_lost = sorted(n for n in new_items(new.names, old.names) if n not in params and n not in assigned)
    parts = []
    if len(locals_gained) == len(locals_lost) == 1 and _renamed(change, locals_lost[0], locals_gained[0]):
        parts.append(f"Renames local {locals_lost[0]} to {locals_gained[0]}.")
    elif locals_gained or locals_lost:
        sets = [f"now sets {names_list(locals_gained, 4)}"] if locals_gained else []
        sets += [f"no longer sets {names_list(locals_lost, 4)}"] if locals_lost else []
        parts.append(sentence("; ".join(sets)))
    if len(read_gained) == len(read_lost) == 1:
        parts.append(f"Reads {read_gained[0]} instead of {read_lost[0]}.")
    elif read_gained or read_lost:
        reads = [f"now reads {names_list(read_gained, 4)}"] if read_gained else []
        reads += [f"no longer reads {names_list(read_lost, 4)}"] if read_lost else []
        parts.append(sentence("; ".join(reads)))
    return parts


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
            values.append(f"{name} {_ticked(a)} {ARROW} {_ticked(b)}")
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
