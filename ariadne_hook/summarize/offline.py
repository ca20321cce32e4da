"""Offline summaries: a few short, deterministic sentences built only from a ``FunctionChange`` itself.

Every statement comes from the entry's ``FunctionFacts`` or its diff; nothing is guessed. Function entries
use only the facts (any language); module-level entries also read the +/- lines of the diff for imports,
assignments and classes (Python) or import-like lines (other languages); hunk entries name what the added
lines define and call where that is recognizable.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TypeVar

from ariadne_hook.models import FunctionChange, FunctionFacts, Param

MINUS = "\u2212"
ARROW = "\u2192"
MAX_NAMES = 8
T = TypeVar("T")


def offline_summary(change: FunctionChange) -> str:
    """What ``change`` does, in a few sentences."""
    if change.skip_reason is not None:
        return _skipped(change)
    if change.kind == "hunk":
        return _hunk(change)
    if change.kind == "module":
        return _module(change)
    return _function(change)


def rename_summary(old: FunctionChange, new: FunctionChange) -> str:
    """The summary of a deleted entry and an added entry with the same body, reported as one change."""
    text = (
        "Body unchanged." if old.qualname == new.qualname else f"Renamed from {old.qualname}; body unchanged."
    )
    if old.old_lines and new.new_lines:
        other_file = old.path != new.path
        source = f"{old.path}:{old.old_lines[0]}" if other_file else f"line {old.old_lines[0]}"
        target = f"{new.path}:{new.new_lines[0]}" if other_file else f"line {new.new_lines[0]}"
        text += f" Moved from {source} to {target}." if source != target else ""
    return text


def moved_summaries(changes: Sequence[FunctionChange]) -> dict[int, str]:
    """index -> summary for the entries whose body is unchanged: they only moved or were renamed.

    A modified entry with the same body on both sides, or a deleted entry and an added entry of the same file
    with the same body (name aside), paired as a rename. Such entries need no LLM call.
    """
    found: dict[int, str] = {}
    added: dict[tuple[str, str], int] = {}
    deleted: dict[tuple[str, str], int] = {}
    for i, c in enumerate(changes):
        old = c.old_facts.body_hash if c.old_facts else ""
        new = c.new_facts.body_hash if c.new_facts else ""
        if c.change == "modified" and old and old == new:
            found[i] = offline_summary(c)
        elif c.change == "added" and new:
            added.setdefault((c.old_path or c.path, new), i)
        elif c.change == "deleted" and old:
            deleted.setdefault((c.path, old), i)
    for key, a in added.items():
        d = deleted.get(key)
        if d is not None:
            found[a] = rename_summary(changes[d], changes[a])
            found[d] = f"Renamed to {changes[a].qualname}; body unchanged (see there)."
    return found


# ---------------------------------------------------------------------------------------------- helpers


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _names(items: Iterable[str], limit: int = MAX_NAMES) -> str:
    unique = list(dict.fromkeys(items))
    shown = ", ".join(unique[:limit])
    return f"{shown} and {len(unique) - limit} more" if len(unique) > limit else shown


def diff_lines(diff: str) -> tuple[list[str], list[str]]:
    """The added and removed lines of a unified-diff excerpt (without their +/- tags)."""
    added: list[str] = []
    removed: list[str] = []
    for line in diff.split("\n"):
        if line.startswith("+"):
            added.append(line[1:].rstrip("\r"))
        elif line.startswith("-"):
            removed.append(line[1:].rstrip("\r"))
    return added, removed


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _counts(diff: str) -> str:
    added, removed = diff_lines(diff)
    return f"+{len(added)} {MINUS}{len(removed)} lines."


def _size(lines: tuple[int, int] | None) -> int:
    return 0 if lines is None else lines[1] - lines[0] + 1


def _where(lines: tuple[int, int] | None) -> str:
    if lines is None:
        return ""
    return f"line {lines[0]}" if lines[0] == lines[1] else f"lines {lines[0]}{chr(0x2013)}{lines[1]}"


_COMMENT = {
    "python": ("#",),
    "ruby": ("#",),
    "javascript": ("//", "/*", "*"),
    "typescript": ("//", "/*", "*"),
    "tsx": ("//", "/*", "*"),
    "go": ("//", "/*", "*"),
    "rust": ("//", "/*", "*"),
    "java": ("//", "/*", "*"),
    "c": ("//", "/*", "*"),
    "cpp": ("//", "/*", "*"),
}


def _only_comments(change: FunctionChange) -> bool:
    """True when every changed line is blank or a comment line (for languages whose comments we know)."""
    markers = _COMMENT.get(change.language)
    added, removed = diff_lines(change.diff)
    changed = [line.strip() for line in added + removed]
    return bool(markers and changed and all(not line or line.startswith(markers) for line in changed))


# ---------------------------------------------------------------------------------------------- skipped


def _skipped(change: FunctionChange) -> str:
    return f"File {change.change}; not reviewed: {change.skip_reason}."


# -------------------------------------------------------------------------------------------- functions


def _known(facts: FunctionFacts | None) -> FunctionFacts | None:
    """The facts, or None when the parser left them all at their defaults (nothing to report)."""
    return facts if facts is not None and facts != FunctionFacts() else None


def _kind(change: FunctionChange, facts: FunctionFacts | None) -> str:
    return ("async " if facts is not None and facts.is_async else "") + change.kind


def _function(change: FunctionChange) -> str:
    old, new = _known(change.old_facts), _known(change.new_facts)
    if change.change == "added":
        parts = [f"New {_kind(change, new)} ({_plural(_size(change.new_lines), 'line')})."]
        parts += _describe(new, change.language, "")
    elif change.change == "deleted":
        parts = [f"Removed {_kind(change, old)} ({_plural(_size(change.old_lines), 'line')})."]
        parts += _describe(old, change.language, "past")[:1]
    else:
        parts = _modified(change, old, new)
    if change.note:
        parts.append(_sentence(change.note))
    return " ".join(parts)


def _describe(facts: FunctionFacts | None, language: str, tense: str) -> list[str]:
    if facts is None:
        return []
    verb = "Took" if tense == "past" else "Takes"
    parts = [_flat(f"{verb} ({signature(facts.params, language)}){_returns(facts)}.")]
    if facts.decorators:
        parts.append(f"Decorated with {_names(_decorator(d, language) for d in facts.decorators)}.")
    if facts.calls:
        parts.append(f"Calls {_names(facts.calls)}.")
    if facts.raises:
        parts.append(f"Raises {_names(facts.raises)}.")
    if facts.returns_count:
        places = "place" if facts.returns_count == 1 else "places"
        parts.append(f"Returns in {facts.returns_count} {places}.")
    return parts


def _returns(facts: FunctionFacts) -> str:
    return f" -> {facts.returns}" if facts.returns else ""


def _decorator(text: str, language: str) -> str:
    return f"@{text}" if language == "python" and not text.startswith("@") else text


def format_param(param: Param, language: str) -> str:
    star = {"var_positional": "*", "var_keyword": "**"}.get(param.kind, "") if language == "python" else ""
    text = star + param.name + (f": {param.annotation}" if param.annotation else "")
    if param.default is not None:
        text += f" = {param.default}" if param.annotation else f"={param.default}"
    return text


def signature(params: Sequence[Param], language: str) -> str:
    """Parameters as a list, with Python's ``/`` and ``*`` markers where they apply."""
    out: list[str] = []
    kinds = [p.kind for p in params]
    for index, param in enumerate(params):
        opens_keywords = not {"var_positional", "keyword"} & set(kinds[:index])
        if language == "python" and param.kind == "keyword" and opens_keywords:
            out.append("*")
        out.append(format_param(param, language))
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        if language == "python" and param.kind == "positional_only" and following != "positional_only":
            out.append("/")
    return ", ".join(out)


def _modified(change: FunctionChange, old: FunctionFacts | None, new: FunctionFacts | None) -> list[str]:
    facts = _fact_changes(change, old, new) if old is not None and new is not None else []
    if _only_comments(change):
        parts = ["Only comments or blank lines changed."]
    elif facts and not _one_short_line(change.diff, facts):
        parts = facts
    else:
        parts = _quoted_lines(change.diff) or facts or [_size_sentence(change, new)]
    parts.append(_counts(change.diff))
    return parts


def _one_short_line(diff: str, facts: Sequence[str]) -> bool:
    """One line replaced by one line, short enough to quote whole, and no change of behaviour or signature
    (facts of a single sentence that is not about control flow): the lines say it best."""
    added, removed = ([line for line in side if not _BARE.match(line)] for side in diff_lines(diff))
    if len(added) != 1 or len(removed) != 1 or len(facts) != 1 or facts[0].startswith(("Adds", "Removes")):
        return False
    return max(len(added[0].strip()), len(removed[0].strip())) <= QUOTE_LIMIT and not facts[0].startswith(
        ("Signature", "Now", "No longer", "Condition")
    )


def _size_sentence(change: FunctionChange, new: FunctionFacts | None) -> str:
    before, after = _size(change.old_lines), _size(change.new_lines)
    size = _plural(after, "line") + ("" if before == after else f", was {before}")
    return f"Changed {_kind(change, new)} ({size})."


QUOTE_LIMIT = 80
SHORT = 48  # characters of a condition or literal shown in a summary
_BARE = re.compile(r"^[\s{}()\[\];,]*$")  # a line that says nothing: braces, brackets, blank


def _quote(line: str, limit: int = QUOTE_LIMIT) -> str:
    text = line.strip()
    text = text if len(text) <= limit else text[: limit - 1] + "\u2026"
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _quoted_lines(diff: str) -> list[str]:
    """For a small edit that changed no fact: the changed lines themselves (at most two a side); a bare
    brace or blank line is never quoted."""
    added, removed = ([line for line in side if not _BARE.match(line)] for side in diff_lines(diff))
    if (not added and not removed) or len(added) > 2 or len(removed) > 2:
        return []
    if len(added) == len(removed) == 1:
        return [f"Line {_quote(removed[0])} became {_quote(added[0])}."]
    out = [f"Added {', '.join(_quote(line) for line in added)}."] if added else []
    return out + ([f"Removed {', '.join(_quote(line) for line in removed)}."] if removed else [])


def _fact_changes(change: FunctionChange, old: FunctionFacts, new: FunctionFacts) -> list[str]:
    """Sentences for what changed between the two sides' facts, most important first."""
    if old.body_hash and old.body_hash == new.body_hash:
        start_old = change.old_lines[0] if change.old_lines else None
        start_new = change.new_lines[0] if change.new_lines else None
        moved = f"; moved from line {start_old} to {start_new}" if start_old != start_new else ""
        clauses = signature_changes(old, new, change.language)
        return ([f"Signature: {'; '.join(clauses)}."] if clauses else []) + [f"Body unchanged{moved}."]
    behaviour = flow_changes(old, new, change.diff)
    behaviour += raise_changes(old.raises, new.raises)
    clauses = signature_changes(old, new, change.language)
    signature_sentence = [f"Signature: {'; '.join(clauses)}"] if clauses else []
    details = _set_changes(old.calls, new.calls, "calls")
    details += literal_changes(old.literals, new.literals)
    details += name_changes(change, old, new)
    groups = (behaviour, signature_sentence, details)  # at most three sentences, most important first
    return [_joined(group) for group in groups if group]


def raise_changes(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """``now raises X`` / ``no longer raises X``; ``adds a `raise X``` when X was raised elsewhere already."""
    out = []
    for name in dict.fromkeys(_unmatched(old, new)):
        out.append(f"adds a {_ticked('raise ' + name)}" if name in old else f"now raises {name}")
    for name in dict.fromkeys(_unmatched(new, old)):
        out.append(f"removes a {_ticked('raise ' + name)}" if name in new else f"no longer raises {name}")
    return out


def _joined(clauses: Sequence[str]) -> str:
    """Clauses (each possibly a sentence already) joined into one sentence with semicolons."""
    parts = [c.strip().rstrip(".") for c in clauses]
    parts = [parts[0]] + [p[:1].lower() + p[1:] if not p[:2].isupper() else p for p in parts[1:]]
    return _sentence("; ".join(parts))


def _short(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _ticked(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _unmatched(before: Sequence[T], after: Sequence[T]) -> list[T]:
    """The items of ``after`` left once each item of ``before`` has cancelled one equal item (in order)."""
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
        parts.append(f"new condition {_names([_ticked(_short(c)) for c in new_conditions], 2)}")
    if lost:
        parts.append(f"removes {_flow_items(lost, old_conditions)}")
    elif old_conditions:
        parts.append(f"condition {_names([_ticked(_short(c)) for c in old_conditions], 2)} removed")
    return parts


def _flat(text: str) -> str:
    return " ".join(text.split())


def _change_blocks(diff: str) -> list[tuple[list[str], list[str]]]:
    """(removed lines, added lines) of each run of changed lines, whitespace squeezed."""
    blocks: list[tuple[list[str], list[str]]] = []
    removed: list[str] = []
    added: list[str] = []
    for line in [*diff.split("\n"), " "]:
        if line.startswith("-"):
            removed.append(_flat(line[1:]))
        elif line.startswith("+"):
            added.append(_flat(line[1:]))
        elif removed or added:
            blocks.append((removed, added))
            removed, added = [], []
    return blocks


def _holds(lines: Sequence[str], condition: str) -> bool:
    """True when a line holds the start of the condition (a long one may wrap: its first 30 characters)."""
    head = _flat(condition)[:30]
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
    return _names(items, 4)


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
    locals_gained = [n for n in _added(old.assigned, new.assigned) if n not in params]
    locals_lost = [n for n in _added(new.assigned, old.assigned) if n not in params]
    assigned = {*old.assigned, *new.assigned}
    read_gained = [n for n in _added(old.names, new.names) if n not in params and n not in assigned]
    read_lost = [n for n in _added(new.names, old.names) if n not in params and n not in assigned]
    parts = []
    if len(locals_gained) == len(locals_lost) == 1 and _renamed(change, locals_lost[0], locals_gained[0]):
        parts.append(f"Renames local {locals_lost[0]} to {locals_gained[0]}.")
    elif locals_gained or locals_lost:
        sets = [f"now sets {_names(locals_gained, 4)}"] if locals_gained else []
        sets += [f"no longer sets {_names(locals_lost, 4)}"] if locals_lost else []
        parts.append(_sentence("; ".join(sets)))
    if len(read_gained) == len(read_lost) == 1:
        parts.append(f"Reads {read_gained[0]} instead of {read_lost[0]}.")
    elif read_gained or read_lost:
        reads = [f"now reads {_names(read_gained, 4)}"] if read_gained else []
        reads += [f"no longer reads {_names(read_lost, 4)}"] if read_lost else []
        parts.append(_sentence("; ".join(reads)))
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


def _added(before: Sequence[str], after: Sequence[str]) -> list[str]:
    """Names in ``after`` and not in ``before``, once each, in order."""
    known = set(before)
    return [name for name in dict.fromkeys(after) if name not in known]


def _set_changes(before: Sequence[str], after: Sequence[str], what: str) -> list[str]:
    out = []
    if gained := _added(before, after):
        out.append(f"{what} added: {_names(gained)}")
    if lost := _added(after, before):
        out.append(f"{what} removed: {_names(lost)}")
    return out


_RETURN_WORD = {"python": "return annotation"}
_DECORATOR_WORD = {"java": "annotation", "rust": "attribute", "c": "attribute", "cpp": "attribute"}
_KIND_WORD = {
    "positional_only": "positional-only",
    "positional": "positional",
    "keyword": "keyword-only",
    "var_positional": "variadic positional",
    "var_keyword": "variadic keyword",
}


def signature_changes(old: FunctionFacts, new: FunctionFacts, language: str) -> list[str]:
    """Clauses such as ``added parameter timeout=10`` or ``return annotation None → int`` (one line each:
    a type written over several lines is squeezed)."""
    return [_flat(clause) for clause in _signature_clauses(old, new, language)]


def _signature_clauses(old: FunctionFacts, new: FunctionFacts, language: str) -> list[str]:
    clauses = _param_changes(old.params, new.params, language)
    returns = _RETURN_WORD.get(language, "return type")
    if old.returns != new.returns:
        if old.returns and new.returns:
            clauses.append(f"{returns} {old.returns} {ARROW} {new.returns}")
        elif new.returns:
            clauses.append(f"{returns} {new.returns} added")
        else:
            clauses.append(f"{returns} {old.returns} removed")
    word = _DECORATOR_WORD.get(language, "decorator")
    clauses += [f"{word} {_decorator(d, language)} added" for d in _added(old.decorators, new.decorators)]
    clauses += [f"{word} {_decorator(d, language)} removed" for d in _added(new.decorators, old.decorators)]
    if old.is_async != new.is_async:
        clauses.append("now async" if new.is_async else "no longer async")
    return clauses


def _param_changes(old: Sequence[Param], new: Sequence[Param], language: str) -> list[str]:
    old_names, new_names = {p.name for p in old}, {p.name for p in new}
    renamed = {
        o.name: n.name
        for o, n in zip(old, new, strict=False)
        if o.name != n.name
        and o.name not in new_names
        and n.name not in old_names
        and (o.kind, o.default) == (n.kind, n.default)
    }
    clauses = [f"{o} renamed to {n} (same position)" for o, n in renamed.items()]
    renamed_to = set(renamed.values())
    clauses += [
        f"added parameter {format_param(p, language)}"
        for p in new
        if p.name not in old_names and p.name not in renamed_to
    ]
    clauses += [
        f"removed parameter {format_param(p, language)}"
        for p in old
        if p.name not in new_names and p.name not in renamed
    ]
    by_name = {p.name: p for p in old}
    for param in new:
        before = by_name.get(param.name)
        if before is not None:
            clauses += _one_param_changes(before, param)
    kept_old = [p.name for p in old if p.name in new_names]
    kept_new = [p.name for p in new if p.name in old_names]
    if kept_old != kept_new:
        clauses.append("parameters reordered")
    return clauses


def _one_param_changes(old: Param, new: Param) -> list[str]:
    out = []
    for what, before, after in (
        ("type", old.annotation, new.annotation),
        ("default", old.default, new.default),
    ):
        if before == after:
            continue
        if before is not None and after is not None:
            out.append(f"{new.name} {what} {before} {ARROW} {after}")
        elif after is not None:
            out.append(f"{new.name} {what} {after} added")
        else:
            out.append(f"{new.name} {what} {before} removed")
    if old.kind != new.kind:
        out.append(f"{new.name} now {_KIND_WORD.get(new.kind, new.kind)}")
    return out


# ----------------------------------------------------------------------------------------------- module


_PY_IMPORT = re.compile(r"^\s*import\s+(.+?)\s*(?:#.*)?$")
_PY_FROM = re.compile(r"^\s*from\s+(\S+)\s+import\s+(.+?)\s*(?:#.*)?$")
_PY_ASSIGN = re.compile(r"^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?::[^=]*)?=(?!=)")
_PY_CLASS = re.compile(r"^\s*class\s+([A-Za-z_]\w*)")
_OTHER_IMPORTS = {
    "javascript": r"""^\s*import\b.*?['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]""",
    "go": r"""^\s*(?:import\s+)?(?:[\w.]+\s+)?"([^"]+)"\s*$""",
    "rust": r"^\s*(?:pub\s+)?use\s+([\w:]+)",
    "java": r"^\s*import\s+(?:static\s+)?([\w.*]+)\s*;",
    "c": r"""^\s*#\s*include\s*[<"]([^>"]+)[>"]""",
    "ruby": r"""^\s*require(?:_relative)?\s*\(?\s*['"]([^'"]+)['"]""",
}
_OTHER_IMPORTS.update(
    {
        "typescript": _OTHER_IMPORTS["javascript"],
        "tsx": _OTHER_IMPORTS["javascript"],
        "cpp": _OTHER_IMPORTS["c"],
    }
)


def python_imports(lines: Iterable[str]) -> list[str]:
    """Dotted names imported by the lines (``import a.b as c`` -> a.b; ``from x import y`` -> x.y)."""
    out: list[str] = []
    for line in lines:
        if found := _PY_FROM.match(line):
            module, names = found.group(1), found.group(2).strip("()\\ ")
            dot = "" if module.endswith(".") else "."
            out += [f"{module}{dot}{name.split()[0]}" for name in names.split(",") if name.strip()] or [
                module
            ]
        elif found := _PY_IMPORT.match(line):
            out += [part.split()[0] for part in found.group(1).split(",") if part.strip()]
    return out


def _other_imports(lines: Iterable[str], language: str) -> list[str]:
    pattern = _OTHER_IMPORTS.get(language)
    if pattern is None:
        return []
    out = []
    for line in lines:
        if found := re.search(pattern, line):
            out.append(next(g for g in found.groups() if g))
    return out


def _assigned(lines: Iterable[str]) -> list[str]:
    """Names assigned by unindented statements (indented lines may be call arguments: not counted)."""
    out: list[str] = []
    for line in lines:
        if line[:1].isspace() or line.rstrip().endswith(","):
            continue
        if (found := _PY_ASSIGN.match(line)) and _statement_start(line):
            out += [name.strip() for name in found.group(1).split(",")]
    return out


def _statement_start(line: str) -> bool:
    """True when ``line`` can begin a Python statement: it parses, or it opens a bracket or a string that
    later lines close. A line inside a multi-line string constant (``COMP_CWORD=$x \\``) is no statement."""
    text = line.rstrip().removesuffix("\\")
    for closer in ("", ")", "]", "}", '"""', "'''", '"""\n)', "'''\n)"):
        try:
            ast.parse(text + closer)
        except (SyntaxError, ValueError):
            continue
        return True
    return False


def _classes(lines: Iterable[str]) -> list[str]:
    return [found.group(1) for line in lines if (found := _PY_CLASS.match(line))]


def _module(change: FunctionChange) -> str:
    if change.qualname != "<module>" or not change.diff:
        note = _sentence(change.note) if change.note else ""
        return " ".join(
            filter(None, [f"File {change.change}.", note, _counts(change.diff) if change.diff else ""])
        )
    added, removed = diff_lines(change.diff)
    where = _where(change.new_lines) or _where(change.old_lines)
    parts = [f"Module-level code ({where})."]
    if change.language == "python":
        parts += _changes(python_imports(removed), python_imports(added), "imports", both=None)
        if change.old_facts is not None or change.new_facts is not None:
            parts += _module_assignments(change.old_facts, change.new_facts)
        else:
            parts += _changes(_assigned(removed), _assigned(added), "assignments", both="changed")
        parts += _changes(_classes(removed), _classes(added), "classes", both="changed")
    else:
        language = change.language
        parts += _changes(_other_imports(removed, language), _other_imports(added, language), "imports", None)
        if change.old_facts is not None or change.new_facts is not None:
            parts += _module_assignments(change.old_facts, change.new_facts)
    if _only_comments(change):
        parts.append("Only comments or blank lines changed.")
    parts.append(_counts(change.diff))
    return " ".join(parts)


def _module_assignments(old: FunctionFacts | None, new: FunctionFacts | None) -> list[str]:
    """From the parser's facts of the statements that hold the changed lines: names newly assigned, no
    longer assigned, or whose assignment changed; a short literal value as ``old → new``, a longer string
    constant by its name (never a word inside it)."""
    old = old or FunctionFacts()
    new = new or FunctionFacts()
    touched = list(dict.fromkeys([*old.assigned, *new.assigned]))
    gained = [n for n in touched if n in new.assigned and n not in old.names]
    lost = [n for n in touched if n in old.assigned and n not in new.names]
    before, after = dict(old.literals), dict(new.literals)
    renamed = []
    for name in list(lost):  # a name gone and a new one bound to the same literal value: a rename
        same = [n for n in gained if before.get(name) and after.get(n) == before.get(name)]
        if len(same) == 1:
            renamed.append(f"{name} {ARROW} {same[0]}")
            lost.remove(name)
            gained.remove(same[0])
    values, strings, other = [], [], []
    for name in (n for n in touched if n not in gained and n not in lost):
        a, b = before.get(name, ""), after.get(name, "")
        if a and b and a != b and max(len(a), len(b)) <= SHORT:
            values.append(f"{name} {_ticked(a)} {ARROW} {_ticked(b)}")
        elif _is_string(a) or _is_string(b):
            strings.append(name)
        else:
            other.append(name)
    out = [f"Renamed (same value): {_names(renamed, 4)}."] if renamed else []
    out += [f"Assignments added: {_names(gained)}."] if gained else []
    out += [f"Assignments removed: {_names(lost)}."] if lost else []
    out += [f"Values changed: {'; '.join(values[:3])}."] if values else []
    out += (
        [f"String constant{'s' if len(strings) > 1 else ''} changed: {_names(strings)}."] if strings else []
    )
    return out + ([f"Assignments changed: {_names(other)}."] if other else [])


def _changes(before: list[str], after: list[str], what: str, both: str | None) -> list[str]:
    """Sentences for names that appear only in the added lines, only in the removed ones, and (when
    ``both`` names the verb) in both."""
    gained, lost = _added(before, after), _added(after, before)
    common = [name for name in dict.fromkeys(after) if name in set(before)]
    out = []
    if gained:
        out.append(f"{what.capitalize()} added: {_names(gained)}.")
    if lost:
        out.append(f"{what.capitalize()} removed: {_names(lost)}.")
    if common and both:
        out.append(f"{what.capitalize()} {both}: {_names(common)}.")
    return out


# ------------------------------------------------------------------------------------------------ hunks


_DEFINES = re.compile(
    r"\b(?:def|class|function|func|fn|struct|enum|trait|interface|module)\s+([A-Za-z_$][\w$]*)"
)
_CALL = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*)\s*\(")
_STRING = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""")
_NOT_CALLS = frozenset(
    (
        *("if", "elif", "else", "for", "while", "switch", "return", "catch", "and", "or", "not", "in", "is"),
        *("with", "def", "class", "function", "func", "fn", "sizeof", "typeof", "await", "yield", "assert"),
        *("lambda", "match", "case", "when", "unless", "until", "elsif"),
    )
)


def _code(line: str, language: str) -> str:
    """The line without string literals and trailing comments."""
    text = _STRING.sub('""', line)
    markers = _COMMENT.get(language, ())
    for marker in markers:
        if marker in ("#", "//"):
            text = text.split(marker, 1)[0]
    return text


def hunk_names(lines: Iterable[str], language: str) -> tuple[list[str], list[str]]:
    """(names defined, names called) in code lines of a language whose comment syntax is known."""
    if language not in _COMMENT:
        return [], []
    defined: list[str] = []
    called: list[str] = []
    for line in lines:
        code = _code(line, language)
        if code.lstrip().startswith(("*", "/*")):
            continue
        names = _DEFINES.findall(code)
        defined += names
        called += [name for name in _CALL.findall(code) if name not in _NOT_CALLS and name not in names]
    return defined, called


def _hunk(change: FunctionChange) -> str:
    added, _ = diff_lines(change.diff)
    parts = [_counts(change.diff)]
    defined, called = hunk_names(added, change.language)
    if defined:
        parts.append(f"Defines {_names(defined)}.")
    if called:
        parts.append(f"Calls {_names(called)}.")
    return " ".join(parts)
