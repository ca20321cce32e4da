"""Python functions with ``ast``: where each one is, its dotted name, and what it does (``FunctionFacts``).

Names: ``Class.method``, ``Outer.Inner.method``, ``outer.inner`` (no ``<locals>``); a def nested in
if/try/with/for/while/match blocks keeps the name of the scope around the block. Lambdas are part of the
function they are written in. ``kind`` is "method" when the nearest enclosing scope is a class body (even
through an ``if`` in it), else "function". A span runs from its first decorator to its last statement.
Duplicate names (redefinitions, ``if``/``else`` variants, property setters) are all reported, with the same
qualname, in source order; the locate stage tells them apart by occurrence.

Line numbers are git's: a lone "\\r" (a line break for Python, not for git) is mapped away; a leading BOM
is ignored. ``body_hash`` hashes the def statement without decorators and with the function's own name
removed, dedented by the def's own indentation, line endings normalized: a pure rename or move keeps it,
a change of parameters, body or comments inside the body changes it.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import cache

from ariadne_hook.locate.languages import ParseError, Scan, gc_paused, holding
from ariadne_hook.locate.python_body import read_body
from ariadne_hook.locate.snippets import clip
from ariadne_hook.models import FunctionFacts, FunctionSpan, Param

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (*_DEFS, ast.ClassDef)  # statements that start at their first decorator
_BREAK = re.compile(r"\r\n|\r|\n")
_LEAVES = frozenset((ast.Name, ast.Constant))  # nodes without child nodes (ctx aside): most of a body
# statements with nested statement blocks that are not scopes: their defs keep the enclosing name
_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)
_BLOCKS += (ast.TryStar,) if hasattr(ast, "TryStar") else ()


def parse_python(text: str) -> list[FunctionSpan]:
    """Every function and method of ``text`` with its facts; ``ParseError`` when it does not parse."""
    scan = scan_python(text)
    return [replace(span, facts=scan.facts(index)) for index, span in enumerate(scan.spans)]


def scan_python(text: str) -> Scan:
    """Like ``parse_python`` but the facts of ``spans[i]`` are computed only when ``facts(i)`` is asked."""
    source = text[1:] if text.startswith("\ufeff") else text
    git_line = line_mapper(source)
    tree = _parse(source, git_line)
    nodes: Found = []
    classes: list[tuple[str, ast.ClassDef]] = []
    _collect(tree.body, "", False, nodes, classes)
    spans = [
        FunctionSpan(qualname, kind, git_line(_first_line(node)), git_line(_last_line(node)))
        for qualname, kind, node in nodes
    ]
    class_spans = [
        FunctionSpan(qualname, "class", git_line(_first_line(node)), git_line(_last_line(node)))
        for qualname, node in classes
    ]
    lines = _lazy_lines(source)

    @cache
    def facts(index: int) -> FunctionFacts:
        return function_facts(nodes[index][2], lines())

    tops = sorted({git_line(_start(n)) for n in tree.body})
    return Scan(spans, facts, class_spans, module_facts(tree, git_line, lines), tops, _bodies(tree, git_line))


def _bodies(tree: ast.Module, git_line: Callable[[int], int]) -> dict[int, tuple[str, list[int]]]:
    """The top-level classes whose body starts on a line of its own: first line -> (name, the first lines
    of its body's statements)."""
    out: dict[int, tuple[str, list[int]]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and _start(node.body[0]) > node.lineno:
            out[git_line(_first_line(node))] = (node.name, sorted({git_line(_start(n)) for n in node.body}))
    return out


def _parse(source: str, git_line: Callable[[int], int]) -> ast.Module:
    try:
        with gc_paused():
            return ast.parse(source)
    except SyntaxError as exc:
        line = git_line(exc.lineno) if exc.lineno else None
        message = exc.msg or "invalid syntax"
        raise ParseError(f"line {line}: {message}" if line else message, line) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes (3.10), absurd nesting
        raise ParseError(str(exc) or type(exc).__name__) from None


def line_mapper(source: str) -> Callable[[int], int]:
    """ast's line number -> git's. They differ only after a lone "\\r", which git does not count."""
    if "\r" not in source or not re.search(r"\r(?!\n)", source):
        return lambda line: line
    table = [0, 1]  # table[ast line] = git line
    git = 1
    for match in _BREAK.finditer(source):
        if match.group().endswith("\n"):
            git += 1
        table.append(git)
    return lambda line: table[min(line, len(table) - 1)]


def _lazy_lines(source: str) -> Callable[[], list[str]]:
    """The source split as ast splits it (for column offsets), computed once on first use."""
    if "\r" not in source:  # then ast's line breaks are exactly the "\n"s
        return cache(lambda: source.split("\n"))
    return cache(lambda: _BREAK.split(source))


def _start(node: ast.stmt) -> int:
    """A statement's first line: its first decorator's for a def or class."""
    return _first_line(node) if isinstance(node, _SCOPES) else node.lineno


def _first_line(node: FunctionNode | ast.ClassDef) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def _last_line(node: FunctionNode | ast.ClassDef) -> int:
    return node.end_lineno or node.lineno


Found = list[tuple[str, str, FunctionNode]]  # (qualname, kind, node)


def _collect(
    body: Iterable[ast.stmt],
    prefix: str,
    in_class: bool,
    out: Found,
    classes: list[tuple[str, ast.ClassDef]],
) -> None:
    """Append (qualname, kind, node) for every def under ``body``, in source order (pre-order), and
    (qualname, node) for every class to ``classes``."""
    for node in body:  # by exact class (ast builds no subclasses): most statements are none of these
        kind = node.__class__
        if kind not in _NESTING:
            continue
        if isinstance(node, _DEFS):
            qualname = prefix + node.name
            out.append((qualname, "method" if in_class else "function", node))
            _collect(node.body, qualname + ".", False, out, classes)
        elif isinstance(node, ast.ClassDef):
            classes.append((prefix + node.name, node))
            _collect(node.body, prefix + node.name + ".", True, out, classes)
        else:
            for block in _blocks(node):
                _collect(block, prefix, in_class, out, classes)


_NESTING = frozenset((*_SCOPES, *_BLOCKS))  # the statements that hold statements


def _blocks(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    for name in ("body", "orelse", "finalbody"):
        block = getattr(node, name, None)
        if block:
            yield block
    for part in [*getattr(node, "handlers", ()), *getattr(node, "cases", ())]:
        yield part.body


# ---------------------------------------------------------------------------------------------- facts


def function_facts(node: FunctionNode, lines: list[str]) -> FunctionFacts:
    """What ``node`` declares and does; ``lines`` is the source split as ast splits it."""
    body = read_body(node.body, _own_nodes(node), dotted, lambda expr: _text(expr, lines), lines)  # type: ignore[arg-type]
    return FunctionFacts(
        params=_params(node.args, lines),
        returns=_text(node.returns, lines) if node.returns is not None else None,
        decorators=tuple(ast.unparse(d) for d in node.decorator_list),
        calls=_ordered(body.calls),
        raises=_ordered(body.raises),
        returns_count=body.returns,
        is_async=isinstance(node, ast.AsyncFunctionDef),
        body_hash=body_hash(node, lines),
        flow=_ordered(body.flow),
        blocks=tuple(block for *_, block in sorted(body.blocks)),
        literals=tuple((name, value) for *_, name, value in sorted(body.literals)),
        assigned=tuple(dict.fromkeys(body.assigned)),  # compared as sets: once each
        names=tuple(dict.fromkeys(body.names)),
        docstring=body.docstring,
        cases=_parametrized(node.decorator_list, lines),
    )


def _parametrized(decorators: list[ast.expr], lines: list[str]) -> tuple[str, ...]:
    """The rows of ``@pytest.mark.parametrize(names, [rows])`` decorators, one line each."""
    rows: list[str] = []
    for decorator in decorators:
        if not isinstance(decorator, ast.Call) or not (dotted(decorator.func) or "").endswith("parametrize"):
            continue
        values = decorator.args[1] if len(decorator.args) > 1 else None
        values = next((k.value for k in decorator.keywords if k.arg == "argvalues"), values)
        if isinstance(values, ast.List | ast.Tuple):
            rows.extend(clip(_text(value, lines)) for value in values.elts)
    return tuple(rows)


def _ordered(found: list[tuple[int, int, str]]) -> tuple[str, ...]:
    return tuple(name for *_, name in sorted(found))


def _own_nodes(node: FunctionNode) -> list[ast.AST]:
    """The nodes that run when ``node`` runs: its body, without the bodies of nested defs (their
    decorators and defaults do run). Lambdas and comprehensions are included. A parent comes before its
    children (a stack walk: the last child first). One loop, no generator and no call per node: the facts'
    hot loop."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(node.body)
    pop, push, extend, add = stack.pop, stack.append, stack.extend, out.append
    node_type, leaves, defs, fields_of = ast.AST, _LEAVES, _DEF_TYPES, _CHILD_FIELDS
    while stack:
        child = pop()
        add(child)
        kind = child.__class__
        if kind in leaves:
            continue
        if kind in defs:
            args = child.args  # type: ignore[attr-defined]
            extend(child.decorator_list)  # type: ignore[attr-defined]
            extend(args.defaults)
            extend(d for d in args.kw_defaults if d is not None)
            continue
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = tuple(f for f in child._fields if f not in _SCALAR_FIELDS)
        for name in fields:
            value = getattr(child, name, None)
            if value.__class__ is list:
                if value and isinstance(value[0], node_type) and None not in value:
                    extend(value)
                elif value:  # Dict.keys and kw_defaults hold None; Global.names and MatchClass.kwd_attrs str
                    extend(item for item in value if isinstance(item, node_type))
            elif isinstance(value, node_type):
                push(value)
    return out


_DEF_TYPES = frozenset(_DEFS)
# fields that never hold a node the facts read (names, flags; the ``ctx`` markers Load/Store/Del and the
# operators of ``BinOp``/``UnaryOp``/``BoolOp``/``AugAssign``/``Compare``: never a call, raise or return, and
# leaves); a node class's other fields are listed once (``_CHILD_FIELDS``)
_SCALAR_FIELDS = frozenset(
    ("ctx", "id", "attr", "name", "arg", "module", "level", "kind", "conversion", "simple", "is_async")
    + ("type_comment", "op", "ops")
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a name or attribute chain; ``f().g`` through calls; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = dotted(node.func)
        return f"{base}()" if base else None
    return None


def _params(args: ast.arguments, lines: list[str]) -> tuple[Param, ...]:
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out = [
        _param(arg, default, "positional_only" if index < len(args.posonlyargs) else "positional", lines)
        for index, (arg, default) in enumerate(zip(positional, defaults, strict=True))
    ]
    if args.vararg is not None:
        out.append(_param(args.vararg, None, "var_positional", lines))
    out.extend(_param(a, d, "keyword", lines) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True))
    if args.kwarg is not None:
        out.append(_param(args.kwarg, None, "var_keyword", lines))
    return tuple(out)


def _param(arg: ast.arg, default: ast.expr | None, kind: str, lines: list[str]) -> Param:
    return Param(
        name=arg.arg,
        annotation=_text(arg.annotation, lines) if arg.annotation is not None else None,
        default=_text(default, lines) if default is not None else None,
        kind=kind,
    )


def _text(node: ast.expr, lines: list[str]) -> str:
    """The source text of an expression (columns are UTF-8 byte offsets), else its unparsed form."""
    start, end, first, last = node.lineno, node.end_lineno, node.col_offset, node.end_col_offset
    if end is None or last is None or end > len(lines):
        return ast.unparse(node)
    if start == end:
        return lines[start - 1].encode()[first:last].decode(errors="replace")
    head = lines[start - 1].encode()[first:].decode(errors="replace")
    tail = lines[end - 1].encode()[:last].decode(errors="replace")
    return "\n".join([head, *lines[start : end - 1], tail])


_DEF = re.compile(r"(async\s+)?def\s+")


def body_hash(node: FunctionNode, lines: list[str]) -> str:
    """sha1 of the def statement's text without decorators and without the function's name."""
    own = lines[node.lineno - 1 : _last_line(node)]
    if not own:
        return ""
    indent = own[0].encode()[: node.col_offset].decode(errors="replace")
    dedented = [line[len(indent) :] if line.startswith(indent) else line for line in own]
    text = _without_name("\n".join(dedented), node.name)
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _without_name(text: str, name: str) -> str:
    """``[async ]def name(...`` -> ``[async ]def (...`` at the start of text (one fixed pattern: no regex
    compiled per function name)."""
    found = _DEF.match(text)
    if found is None or not text.startswith(name, found.end()):
        return text
    return f"{found.group(1) or ''}def {text[found.end() + len(name) :]}"


# ---------------------------------------------------------------------------------------- module level


def module_facts(
    tree: ast.Module, git_line: Callable[[int], int], lines: Callable[[], list[str]]
) -> Callable[[frozenset[int]], FunctionFacts]:
    """Facts of the module-level (and class-level) statements that hold some of the given git lines:
    ``assigned`` the names they assign, ``literals`` (name, value text) for those whose value is a literal
    (a string constant is named, never a word inside it), and ``names`` every name assigned at module level
    on this side (so that a new name can be told from a changed one)."""
    statements: list[tuple[int, int, ast.stmt]] = []
    everything: list[str] = []

    def collect(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                collect(node.body)
            elif isinstance(node, _BLOCKS):
                for block in _blocks(node):
                    collect(block)
            elif not isinstance(node, _DEFS):
                statements.append((git_line(node.lineno), git_line(node.end_lineno or node.lineno), node))
                everything.extend(_targets(node))

    @cache
    def collected() -> tuple[list[int], list[int], list[int], tuple[str, ...]]:  # on the first call only
        collect(tree.body)  # in this order (a try's handlers after its finally block); indexed by line
        order = sorted(range(len(statements)), key=lambda i: statements[i][:2])
        firsts, lasts = [statements[i][0] for i in order], [statements[i][1] for i in order]
        return order, firsts, lasts, tuple(everything)

    def facts(changed: frozenset[int]) -> FunctionFacts:
        order, firsts, lasts, names_here = collected()
        assigned: list[str] = []
        literals: list[tuple[str, str]] = []
        for at in sorted(order[at] for at in holding(firsts, lasts, changed)):
            node = statements[at][2]
            names = _targets(node)
            assigned.extend(names)
            value = getattr(node, "value", None)
            if len(names) == 1 and isinstance(value, ast.Constant | ast.JoinedStr | ast.UnaryOp):
                literals.append((names[0], clip(_text(value, lines()))))
        return FunctionFacts(assigned=tuple(assigned), literals=tuple(literals), names=names_here)

    return facts


def _targets(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Assign):
        found = [
            t for target in node.targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])
        ]
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        found = [node.target]
    else:
        return []
    return [t.id for t in found if isinstance(t, ast.Name)]
