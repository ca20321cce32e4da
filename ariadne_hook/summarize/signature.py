"""What changed in a function's signature, as short clauses: parameters added, removed, renamed,
retyped or reordered; the return type; decorators (annotations, attributes); async.
"""

from __future__ import annotations

from collections.abc import Sequence

from ariadne_hook.languages import words_of
from ariadne_hook.models import FunctionFacts, Param
from ariadne_hook.summarize.fact_changes import new_items
from ariadne_hook.summarize.flow import flat
from ariadne_hook.summarize.quote import ARROW


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
    clauses = [flat(clause) for clause in _signature_clauses(old, new, language)]
    return [c for c in clauses if not (cases_told and "parametrize(" in c)]


def _signature_clauses(old: FunctionFacts, new: FunctionFacts, language: str) -> list[str]:
    clauses = _param_changes(old.params, new.params, language)
    returns = words_of(language).returns
    if old.returns != new.returns:
        if old.returns and new.returns:
            clauses.append(f"{returns} {old.returns} {ARROW} {new.returns}")
        elif new.returns:
            clauses.append(f"{returns} {new.returns} added")
        else:
            clauses.append(f"{returns} {old.returns} removed")
    word = words_of(language).decorator
    clauses += [
        f"{word} {decorator_text(d, language)} added" for d in new_items(old.decorators, new.decorators)
    ]
    clauses += [
        f"{word} {decorator_text(d, language)} removed" for d in new_items(new.decorators, old.decorators)
    ]
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
