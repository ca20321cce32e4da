"""What changed in a function's signature, as short clauses: parameters added, removed, renamed,
retyped or reordered; the return type; decorators (annotations, attributes); async.
"""

from __future__ import annotations

from collections.abc import Sequence

from ariadne_hook.languages import words_of
from ariadne_hook.models import FunctionFacts, Param
from ariadne_hook.summarize.call_args import argument_change, one_call
from ariadne_hook.summarize.fact_changes import new_items
from ariadne_hook.summarize.flow import flat
from ariadne_hook.summarize.quote import ARROW, quote_pair


def decorator_text(text: str, language: str) -> str:
    """A decorator as written: ``@cache`` for Python (its prefix), the attribute or annotation text
    otherwise."""
    prefix = words_of(language).decorator_prefix
    return f"{prefix}{text}" if prefix and not text.startswith(prefix) else text


def format_param(param: Param, language: str) -> str:
    starred = words_of(language).star_params
    star = {"var_positional": "*", "var_keyword": "**"}.get(param.kind, "") if starred else ""
    text = star + param.name + (f": {param.annotation}" if param.annotation else "")
    if param.default is not None:
        text += f" = {param.default}" if param.annotation else f"={param.default}"
    return text


def signature(params: Sequence[Param], language: str) -> str:
    """Parameters as a list, with Python's ``/`` and ``*`` markers where they apply."""
    out: list[str] = []
    kinds = [p.kind for p in params]
    markers = words_of(language).star_params
    for index, param in enumerate(params):
        opens_keywords = not {"var_positional", "keyword"} & set(kinds[:index])
        if markers and param.kind == "keyword" and opens_keywords:
            out.append("*")
        out.append(format_param(param, language))
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        if markers and param.kind == "positional_only" and following != "positional_only":
            out.append("/")
    return ", ".join(out)


_KIND_WORD = {
    "positional_only": "positional-only",
    "positional": "positional",
    "keyword": "keyword-only",
    "var_positional": "variadic positional",
    "var_keyword": "variadic keyword",
}


def signature_changes(
    old: FunctionFacts, new: FunctionFacts, language: str, cases_told: bool = False
) -> list[str]:
    """Clauses such as ``added parameter timeout=10`` or ``return annotation None → int`` (one line each:
    a type written over several lines is squeezed); with ``cases_told``, parametrize decorators are left
    to the test-case sentence."""
    return [flat(clause) for clause in _signature_clauses(old, new, language, cases_told)]


def _signature_clauses(old: FunctionFacts, new: FunctionFacts, language: str, cases_told: bool) -> list[str]:
    clauses = _param_changes(old.params, new.params, language)
    returns = words_of(language).returns
    if old.returns != new.returns:
        if old.returns and new.returns:
            clauses.append(f"{returns} {old.returns} {ARROW} {new.returns}")
        elif new.returns:
            clauses.append(f"{returns} {new.returns} added")
        else:
            clauses.append(f"{returns} {old.returns} removed")
    clauses += _decorator_changes(old.decorators, new.decorators, language, cases_told)
    if old.is_async != new.is_async:
        clauses.append("now async" if new.is_async else "no longer async")
    return clauses


def _decorator_changes(old: Sequence[str], new: Sequence[str], language: str, cases_told: bool) -> list[str]:
    """``decorator @x added`` / ``removed``; the one decorator of a callee on each side, its arguments
    changed, by what it passes now: ``decorator @retry now passes `stop=5` instead of `stop=3```. With
    ``cases_told``, parametrize decorators are left to the test-case sentence."""
    if cases_told:
        old, new = ([d for d in side if "parametrize(" not in d] for side in (old, new))
    word = words_of(language).decorator
    calls = {d: one_call(d, language) for d in (*old, *new)}
    callees = [[call[0] for d in side if (call := calls[d])] for side in (old, new)]

    def single(decorator: str) -> str:
        """Its callee when that is the callee of one decorator on each side, else ""."""
        call = calls[decorator]
        return call[0] if call and callees[0].count(call[0]) == 1 == callees[1].count(call[0]) else ""

    def arguments(decorator: str) -> tuple[str, ...]:
        call = calls[decorator]
        return call[1] if call else ()

    added, removed = new_items(old, new), new_items(new, old)
    by_callee = {single(d): d for d in removed if single(d)}
    changed = {d: by_callee[single(d)] for d in added if single(d) in by_callee}
    clauses = [
        _decorator_change(changed[d], d, (arguments(changed[d]), arguments(d)), language)
        if d in changed
        else f"{word} {decorator_text(d, language)} added"
        for d in added
    ]
    paired = set(changed.values())
    return clauses + [f"{word} {decorator_text(d, language)} removed" for d in removed if d not in paired]


def _decorator_change(
    old: str, new: str, arguments: tuple[Sequence[str], Sequence[str]], language: str
) -> str:
    """``decorator @retry now passes `stop=5` instead of `stop=3``` (the arguments compared as a call's);
    ``decorator @x() → @x`` when they read alike (spacing, comments, a trailing comma)."""
    word = words_of(language).decorator
    before, after = quote_pair(decorator_text(old, language), decorator_text(new, language))
    head, more = argument_change(*arguments)
    if not head:
        return f"{word} {before} {ARROW} {after}"
    name = decorator_text(new, language).split("(", 1)[0].rstrip()
    name += "]" if name.startswith("#") and not name.endswith("]") else ""
    return f"{word} {name} {'' if head.startswith('no longer') else 'now '}{head}{more}"


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
