"""Does a call's shape fit a signature? True, False, or None when it cannot be decided.

A language says how its calls bind arguments (``ReferenceRules.binding`` and ``receiver``). "python" binds
positional arguments, keywords, defaults, ``*args`` and ``**kwargs`` as the interpreter does; "ruby" the
same with keyword parameters (``key:``) bound only by keyword; "positional" (every other language) by
count: required parameters (no default, not TypeScript-optional ``x?``) <= arguments <= all parameters,
unbounded with a variadic one. Unpacked arguments (``*xs``, ``...xs``, ``xs...``) make it undecidable.
"""

from __future__ import annotations

from collections.abc import Sequence

from ariadne_hook.locate.refsites import Shape
from ariadne_hook.models import Param

POSITIONAL = ("positional_only", "positional")
RECEIVERS = frozenset({"self", "&self", "&mut self", "mut self", "&'_ self"})


BY_NAME = frozenset({"python", "ruby"})  # bindings where arguments can be passed by name


def signature_key(params: Sequence[Param], binding: str) -> tuple[object, ...]:
    """What a call can see of a signature: names matter where arguments can be passed by name."""
    by_name = binding in BY_NAME
    required = sum(1 for p in params if _required(p) and p.kind in POSITIONAL)
    if not by_name:
        variadic = any(p.kind == "var_positional" for p in params)
        return (required, sum(1 for p in params if p.kind in POSITIONAL), variadic)
    return tuple((p.name, p.kind, p.default is None) for p in params)


def fits(params: Sequence[Param], shape: Shape, binding: str) -> bool | None:
    if shape.unpacked:
        return None
    if binding == "python":
        return _binds(params, shape, keywords_bind_positional=True)
    if binding == "ruby":
        if shape.keywords and not any(p.kind in {"keyword", "var_keyword"} for p in params):
            return None  # keywords to a method without keyword parameters: a hash argument
        return _binds(
            [p for p in params if not p.name.startswith("&")], shape, keywords_bind_positional=False
        )
    positional = [p for p in params if p.kind in POSITIONAL]
    required = sum(1 for p in positional if _required(p))
    variadic = any(p.kind == "var_positional" for p in params)
    return required <= shape.positional and (variadic or shape.positional <= len(positional))


def accepts_more(old: Sequence[Param], new: Sequence[Param], binding: str) -> bool:
    """True when every call that fits ``old`` fits ``new`` too (parameters only added with defaults, or
    made optional, or variadic): then no call can have the old shape only."""
    if binding not in BY_NAME:
        old_key, new_key = signature_key(old, binding), signature_key(new, binding)
        old_required, old_total, old_variadic = old_key
        new_required, new_total, new_variadic = new_key
        if new_required > old_required:  # type: ignore[operator]
            return False
        return bool(new_variadic) or (not old_variadic and new_total >= old_total)  # type: ignore[operator]
    old_positional = [p.name for p in old if p.kind in POSITIONAL]
    new_positional = [p.name for p in new if p.kind in POSITIONAL]
    if new_positional[: len(old_positional)] != old_positional:
        return False
    kinds = {p.kind for p in new}
    if any(p.kind in {"var_positional", "var_keyword"} and p.kind not in kinds for p in old):
        return False
    by_name = {p.name: p for p in new}
    for param in old:
        if param.kind in {"var_positional", "var_keyword"}:
            continue
        now = by_name.get(param.name)
        if now is None or now.kind != param.kind or (param.default is not None and now.default is None):
            return False
    added = [p for p in new if p.name not in {q.name for q in old}]
    return all(p.default is not None or p.kind in {"var_positional", "var_keyword"} for p in added)


def _required(param: Param) -> bool:
    return param.default is None and not param.name.endswith("?")


def _binds(params: Sequence[Param], shape: Shape, keywords_bind_positional: bool) -> bool:
    positional = [p for p in params if p.kind in POSITIONAL]
    if shape.positional > len(positional) and not any(p.kind == "var_positional" for p in params):
        return False
    bound = {p.name for p in positional[: shape.positional]}
    by_name = {p.name for p in params if p.kind == "keyword"}
    if keywords_bind_positional:
        by_name |= {p.name for p in params if p.kind == "positional"}
    open_keywords = any(p.kind == "var_keyword" for p in params)
    for keyword in shape.keywords:
        if keyword in bound:
            return False  # got multiple values
        if keyword not in by_name and not open_keywords:
            return False  # unexpected keyword
        bound.add(keyword)
    return all(p.name in bound or p.default is not None for p in params if p.kind in {*POSITIONAL, "keyword"})


def without_receiver(params: Sequence[Param], receiver: str) -> tuple[Param, ...]:
    """The parameters a call through an instance passes (``self`` / ``cls`` / Rust ``&self`` dropped)."""
    if receiver == "python":
        return tuple(params[1:]) if params and params[0].kind in POSITIONAL else tuple(params)
    if receiver == "rust" and params and params[0].name in RECEIVERS:
        return tuple(params[1:])
    return tuple(params)


def go_results(returns: str | None) -> int:
    """How many values a Go function returns: ``""`` 0, ``error`` 1, ``(n int, err error)`` 2."""
    text = (returns or "").strip()
    if not text:
        return 0
    if not text.startswith("("):
        return 1
    depth, count, inner = 0, 1, text[1:-1]
    if not inner.strip():
        return 0
    for char in inner:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            count += 1
    return count
