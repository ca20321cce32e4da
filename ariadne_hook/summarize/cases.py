"""What changed in a test's cases (``@pytest.mark.parametrize`` rows, a Go table of cases, ``t.Run``
subtests): the cases added, removed or changed, each named by what tells it apart (its first string, else
its text), a changed one with the words that changed. Never the whole table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from ariadne_hook.locate.snippets import unclipped
from ariadne_hook.summarize.quote import (
    ELLIPSIS,
    STRING_LITERAL,
    change,
    cut,
    similar,
    ticked,
    tidy,
    word_spans,
)

_ID = re.compile(r"""\bid\s*=\s*("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')""")
NAME = 48  # characters of a case's name


def case_name(case: str, cut_at: int = NAME) -> str:
    """What tells a case apart: the first string of a struct or object row or of a subtest (its name),
    a ``pytest.param``'s ``id=``, else the row itself."""
    text = tidy(unclipped(case))
    found = _ID.search(text)
    if found is None and (text.startswith(("{", "&")) or ".Run(" in text[:12]):
        strings = (m for m in STRING_LITERAL.finditer(text) if len(m.group()) > 2)  # not an empty ""
        found = next(strings, None)
    name = found.group(found.lastindex or 0) if found else text
    return cut(name, cut_at) if cut_at else name


def case_changes(old: Sequence[str], new: Sequence[str], compact: bool = False) -> list[str]:
    """``test cases: adds `"x"`; removes `"y"`; changes `"z"` (`0` → `2`)``; ``compact``: fewer names."""
    limit = 2 if compact else 3
    if list(old) == list(new):
        return []
    added: list[str] = []
    removed: list[str] = []
    changed: list[str] = []
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        changed += _rekeyed_rows(olds, news)  # (takes the rows it tells out of both lists)
        for case in list(olds):  # the same name on both sides: one case that changed
            same = next((n for n in news if case_name(n) == case_name(case)), None)
            if same is not None:
                changed.append(_change(case, same))
                olds.remove(case)
                news.remove(same)
        if len(olds) == len(news) and all(similar(a, b) for a, b in zip(olds, news, strict=True)):
            changed += [_change(a, b) for a, b in zip(olds, news, strict=True)]  # edited in place
            olds, news = [], []
        for case in list(olds):  # else the most alike row of the same stretch, when alike enough
            alike = [n for n in news if similar(case, n)]
            if alike:
                best = max(alike, key=lambda n: SequenceMatcher(None, case, n, autojunk=False).ratio())
                changed.append(_change(case, best))
                olds.remove(case)
                news.remove(best)
        removed += olds
        added += news
    moved = _across(removed, added, changed)
    clauses = [f"adds {_names(added, limit)}"] if added else []
    clauses += [f"removes {_names(removed, limit)}"] if removed else []
    if changed and len(changed) == len(new) > 2:  # every row changed: a column came or went
        clauses.append(f"changes all {len(changed)} cases, e.g. {changed[0]}")
    elif changed:
        shown = "; ".join(changed[: limit - 1]) + (
            f" and {len(changed) - limit + 1} more" if len(changed) >= limit else ""
        )
        clauses.append(f"changes {shown}")
    clauses += [f"moves {_names(moved, limit)}"] if moved else []
    return [f"test cases: {'; '.join(clauses)}"] if clauses else []


def _across(removed: list[str], added: list[str], changed: list[str]) -> list[str]:
    """The rows a stretch left removed that another stretch added (the same row: moved, returned; the
    same row re-keyed or of the same name: changed, told in ``changed``), taken out of both lists: every
    old case is kept, changed or removed once, every new one kept, changed or added once."""
    moved = [case for case in removed if case in added]
    for case in moved:
        removed.remove(case)
        added.remove(case)
    changed += _rekeyed_rows(removed, added)
    for case in list(removed):
        same = next((n for n in added if case_name(n) == case_name(case)), None)
        if same is not None:
            changed.append(_change(case, same))
            removed.remove(case)
            added.remove(same)
    return moved


def case_names(cases: Sequence[str], limit: int = 3) -> str:
    """The cases by what tells them apart, quoted: ```"a"`, `"b"` and 2 more``."""
    return _names(list(cases), limit)


def _names(cases: list[str], limit: int) -> str:
    names = [case_name(c) for c in cases]
    if len(set(names)) < len(names):  # names that differ only past the cut: their ends tell them apart;
        whole = [unclipped(case_name(c, cut_at=0)) for c in cases]  # rows of one name: the rows do
        shared, same = Counter(names), Counter(whole)
        names = [
            (cut(tidy(unclipped(c)), 2 * NAME) if same[w] > 1 else ELLIPSIS + w[-NAME:])
            if shared[n] > 1
            else n
            for c, n, w in zip(cases, names, whole, strict=True)
        ]
    names = [ticked(n) for n in names]
    shown = ", ".join(names[:limit])
    return f"{shown} and {len(names) - limit} more" if len(names) > limit else shown


def _change(old: str, new: str) -> str:
    name = case_name(new)
    if name == tidy(unclipped(new)) and len(old) <= NAME:  # a short row without a name: both rows whole
        return change(tidy(old), name)
    spans, count = word_spans(old, new, context=1, limit=1, code=True)
    if not spans:
        return ticked(name)
    a, b = (cut(s, 40) for s in spans[0])
    more = f", +{count - 1} more" if count > 1 else ""
    return f"{ticked(name)} ({change(a, b)}{more})"


_KEY = re.compile(r"^([A-Za-z_]\w*)\s*:(?!=)\s*")


def _fields(row: str) -> list[tuple[str, str]]:
    """(key, value) of each top-level field of a struct row ``{a, k: b}`` (key "" when positional); [] when
    the row is no such literal."""
    text = " ".join(unclipped(row).split())
    if not (text.startswith("{") and text.endswith("}")):
        return []
    fields, depth, start, at = [], 0, 1, 1
    while at < len(text) - 1:
        char = text[at]
        if char in "\"'`":
            found = STRING_LITERAL.match(text, at)
            at = found.end() if found else at + 1
            continue
        depth += (char in "([{") - (char in ")]}")
        if char == "," and depth == 0:
            fields.append(text[start:at].strip())
            start = at + 1
        at += 1
    fields.append(text[start:at].strip())
    out = []
    for field in (f for f in fields if f):
        key = _KEY.match(field)
        out.append((key.group(1), field[key.end() :]) if key else ("", field))
    return out


def _rekeyed_rows(olds: list[str], news: list[str]) -> list[str]:
    """Rows whose fields were written with keys, their values kept (``{io.EOF, false}`` -> ``{err: io.EOF,
    result: false, msg: "x"}``): the same cases, told by the keys they gained (``now sets msg``) and taken
    out of ``olds`` and ``news``."""
    if not any(":" in row for row in news):
        return []
    out: list[str] = []
    after = [_fields(row) for row in news]
    for case in list(olds):
        before = [value for _, value in _fields(case)]
        found = next(
            (k for k, f in enumerate(after) if before and [v for _, v in f[: len(before)]] == before), -1
        )
        if found < 0 or len(after[found]) < len(before) or not any(key for key, _ in after[found]):
            continue
        gained = [key for key, _ in after[found][len(before) :]]
        out += [f"{ticked(cut(tidy(case), NAME))} (now sets {', '.join(gained)})"] if gained else []
        olds.remove(case)
        del news[found], after[found]
    return out
