"""What a Python function body does, in one pass over its own nodes: the calls, raises and returns of
``FunctionFacts`` plus control flow, its blocks (``if``, loops, ``with``, ``assert``... with their heads and
the first statement they run), literals, assigned names, names read and the docstring.

Callees are call expressions (``f``, ``self.save``, ``f().g``); a lambda or a nested def is never a call.
A literal is a number, string, bytes or boolean constant (an f-string as a whole, adjacent literals joined
into one), with the name it is
bound to when it is the value of an assignment, a keyword argument, a dict entry with a string key or a
comparison with a name; docstrings are not literals. ``names`` are the names and attribute chains read,
callees aside. An ``else`` (not an ``elif``) is a flow word of its own.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ariadne_hook.locate.snippets import DOCSTRING_TEXT, STATEMENT_TEXT, clip, one_line
from ariadne_hook.models import Block

_FLOW: dict[type, str] = {
    ast.If: "if",
    ast.For: "for",
    ast.AsyncFor: "for",
    ast.While: "while",
    ast.Try: "try",
    ast.With: "with",
    ast.AsyncWith: "with",
    ast.Match: "match",
    ast.Return: "return",
    ast.Break: "break",
    ast.Continue: "continue",
    ast.Assert: "assert",
}
if hasattr(ast, "TryStar"):
    _FLOW[ast.TryStar] = "try"
_BLOCKS = (
    ast.If,
    ast.While,
    ast.IfExp,
    ast.Assert,
    ast.For,
    ast.AsyncFor,
    ast.With,
    ast.AsyncWith,
    ast.Match,
    ast.Try,
    *((ast.TryStar,) if hasattr(ast, "TryStar") else ()),
)
_LITERAL_TYPES = (str, bytes, int, float, complex)


Located = list[tuple[int, int, str]]  # (line, column, text): sorted into source order at the end


@dataclass
class Body:
    calls: Located = field(default_factory=list)
    raises: Located = field(default_factory=list)
    returns: int = 0
    flow: Located = field(default_factory=list)
    blocks: list[tuple[int, int, Block]] = field(default_factory=list)
    literals: list[tuple[int, int, str, str]] = field(default_factory=list)  # (line, col, bound name, text)
    assigned: list[str] = field(default_factory=list)  # in walk order (the summary sorts what it shows)
    names: list[str] = field(default_factory=list)
    docstring: str = ""


Dotted = Callable[[ast.AST], "str | None"]
Text = Callable[[ast.AST], str]


_LITERALS = (ast.Constant, ast.JoinedStr, ast.UnaryOp)
_BINDERS = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.keyword, ast.Dict, ast.Compare)
# the node classes that say something; every other node (most of a body) is passed over at once
_BLOCK_KINDS = frozenset(_BLOCKS)
_STATEMENT_KINDS = frozenset((*_FLOW, *_BLOCKS))  # the node classes with a flow word or a block
_WANTED = frozenset((ast.Name, ast.Attribute, ast.Call, ast.Raise, *_LITERALS, *_BINDERS, *_FLOW, *_BLOCKS))
_OTHER_LITERALS = frozenset((ast.JoinedStr, ast.UnaryOp))


def read_body(
    body: list[ast.stmt], nodes: Iterable[ast.AST], dotted: Dotted, text: Text, lines: Sequence[str]
) -> Body:
    """The facts of the nodes of one function (``nodes``: a parent always before its children; ``lines``:
    the source lines, as ast splits them)."""
    out = Body()
    skip: set[int] = set()  # callee chains, f-string parts, docstrings, raised constructor calls
    bound: dict[int, str] = {}  # id(value node) -> the name it is bound to
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        skip.add(id(first.value))
        if isinstance(first.value.value, str):
            out.docstring = clip(first.value.value, DOCSTRING_TEXT)
    elifs: set[int] = set()  # the If nodes written as ``elif``
    names, assigned, load, calls = out.names, out.assigned, ast.Load, out.calls
    name_kind, constant, call, attribute, raise_ = ast.Name, ast.Constant, ast.Call, ast.Attribute, ast.Raise
    wanted, literal_types, literals = _WANTED, _LITERAL_TYPES, out.literals
    for node in nodes:  # dispatched on the node's exact class (ast builds no subclasses), most frequent first
        kind = node.__class__
        if kind not in wanted or id(node) in skip:  # most nodes of a body say nothing: passed at once
            continue
        if kind is name_kind:  # no flow word, no block
            (names if node.ctx.__class__ is load else assigned).append(node.id)  # type: ignore[attr-defined]
        elif kind is constant:  # its canonical form (cheap, and a change of quote style is no change)
            value = node.value  # type: ignore[attr-defined]
            if isinstance(value, literal_types):  # not None or Ellipsis (bool is an int)
                at = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
                literals.append((*at, bound.get(id(node), ""), clip(repr(value))))
        elif kind is call:
            name = dotted(node.func)  # type: ignore[attr-defined]
            if name:
                calls.append((node.lineno, node.col_offset, name))  # type: ignore[attr-defined]
                _skip_chain(node.func, skip)  # type: ignore[attr-defined]
        elif kind is attribute:
            name = dotted(node)
            if name is not None and "(" not in name:
                _name(node, name, out)  # type: ignore[arg-type]
                _skip_chain(node.value, skip)  # type: ignore[attr-defined]
        elif kind in _OTHER_LITERALS:
            _literal(node, text, bound, skip, out)  # type: ignore[arg-type]
        elif kind is raise_:
            _raise(node, dotted, text, skip, out)  # type: ignore[arg-type]
        else:
            _statement(node, text, lines, skip, bound, elifs, dotted, out)
    return out


def _statement(
    node: ast.AST,
    text: Text,
    lines: Sequence[str],
    skip: set[int],
    bound: dict[int, str],
    elifs: set[int],
    dotted: Dotted,
    out: Body,
) -> None:
    """A binder, a flow word or a block (the wanted nodes that are not names, calls, literals or raises)."""
    kind = node.__class__
    if isinstance(node, _TRIES):
        _skip_reraises(node, skip)
    elif isinstance(node, _BINDERS):
        _bindings(node, dotted, bound)
        if isinstance(node, ast.AnnAssign):  # the annotation is a type, not a value read; a bare
            declared = node.annotation if node.value is not None else node  # declaration sets nothing
            skip.update(id(part) for part in ast.walk(declared))
    if kind not in _STATEMENT_KINDS:  # bindings: no flow word, no block
        return
    word = _FLOW.get(kind)
    if word is not None:
        out.flow.append((node.lineno, node.col_offset, word))  # type: ignore[attr-defined]
        out.returns += word == "return"
    if kind in _BLOCK_KINDS and isinstance(node, _BLOCKS):
        block = _block(node, text, lines, id(node) in elifs)
        out.blocks.append((node.lineno, node.col_offset, block))
        if isinstance(node, ast.If) and node.orelse:
            if _is_elif(node):
                elifs.add(id(node.orelse[0]))
            else:
                out.flow.append((node.orelse[0].lineno, -1, "else"))


def _is_elif(node: ast.If) -> bool:
    """True when the else branch of ``node`` is an ``elif`` (a lone If at the same column)."""
    orelse = node.orelse
    return len(orelse) == 1 and isinstance(orelse[0], ast.If) and orelse[0].col_offset == node.col_offset


def _block(node: ast.AST, text: Text, lines: Sequence[str], elif_: bool) -> Block:
    """(keyword, head, first statement of the body, first statement of the else, whether the body ends by
    leaving, "": a Python head is all it checks) of a block node."""
    if isinstance(node, ast.If):
        orelse = "" if not node.orelse or _is_elif(node) else statement(node.orelse[0], lines)
        then, leaves = statement(node.body[0], lines), isinstance(node.body[-1], _LEAVING)
        return ("elif" if elif_ else "if", _head(text(node.test)), then, orelse, leaves, "")
    if isinstance(node, ast.While):
        return ("while", _head(text(node.test)), statement(node.body[0], lines), "", False, "")
    if isinstance(node, ast.For | ast.AsyncFor):
        head = _header(node, lines) or f"{text(node.target)} in {text(node.iter)}"
        return ("for", one_line(head), statement(node.body[0], lines), "", False, "")
    if isinstance(node, ast.With | ast.AsyncWith):
        items = _header(node, lines) or ", ".join(_with_item(item, text) for item in node.items)
        return ("with", one_line(items), statement(node.body[0], lines), "", False, "")
    if isinstance(node, ast.IfExp):
        return ("ternary", _head(text(node.test)), "", "", False, "")
    if isinstance(node, ast.Assert):
        return ("assert", _head(text(node.test)), "", "", False, "")
    if isinstance(node, ast.Match):
        return ("match", one_line(text(node.subject)), "", "", False, "")
    if isinstance(node, _TRY):  # what it wraps; its first handler's first statement and what it catches
        handler = node.handlers[0] if node.handlers else None
        fallback = statement(handler.body[0], lines) if handler is not None else ""
        caught = one_line(text(handler.type)) if handler is not None and handler.type is not None else ""
        return ("try", statement(node.body[0], lines), fallback, caught, False, "")
    return ("", "", "", "", False, "")


_COMMENT = re.compile(r"""("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|#[^\n]*""")


def _head(source: str) -> str:
    """A condition on one line, without the comments written between its lines (not part of it)."""
    if "#" in source and "\n" in source:
        source = _COMMENT.sub(lambda found: found.group(1) or "", source)
    return one_line(source)


_TRY = tuple(kind for kind in _BLOCKS if kind.__name__.startswith("Try"))


_LEAVING = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _header(node: ast.For | ast.AsyncFor | ast.With | ast.AsyncWith, lines: Sequence[str]) -> str:
    """The head of a ``for`` or ``with`` written on one line, from that line (``x in y`` of ``for x in y:``);
    "" when it spans lines or shares its line with the body (then the nodes are read instead)."""
    if node.body[0].lineno != node.lineno + 1 or node.lineno > len(lines):
        return ""
    line = lines[node.lineno - 1].rstrip()
    if not line.isascii() or not line.endswith(":") or "#" in line:
        return ""
    words = line[node.col_offset : -1].split(None, 2 if line[node.col_offset :].startswith("async") else 1)
    return words[-1] if len(words) > 1 else ""


def _with_item(item: ast.withitem, text: Text) -> str:
    target = item.optional_vars
    return text(item.context_expr) + (f" as {text(target)}" if target is not None else "")


_COMPOUND = (ast.If, ast.While, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Try, ast.Match)


def statement(node: ast.stmt, lines: Sequence[str]) -> str:
    """A statement in one short line, read from the source lines (cheap: no node is unparsed): a compound
    one by its head (``if x``, ``for a in b``), a longer one by its first two lines."""
    line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    text = (
        line[node.col_offset :]
        if line.isascii()
        else line.encode()[node.col_offset :].decode(errors="replace")
    )
    if isinstance(node, _COMPOUND):
        text = text.rstrip().removesuffix(":")
    elif (node.end_lineno or 0) > node.lineno and len(text) < STATEMENT_TEXT:
        text += " " + lines[node.lineno].strip()
    return one_line(text, STATEMENT_TEXT)


def _name(node: ast.Name | ast.Attribute, name: str, out: Body) -> None:
    (out.names if node.ctx.__class__ is ast.Load else out.assigned).append(name)


def _skip_chain(node: ast.AST, skip: set[int]) -> None:
    """Skip a name or attribute chain (``a.b.c``): it is a callee, or part of a name already read."""
    while isinstance(node, ast.Attribute | ast.Name):
        skip.add(id(node))
        if isinstance(node, ast.Name):
            return
        node = node.value


def _literal(
    node: ast.JoinedStr | ast.UnaryOp, text: Text, bound: dict[int, str], skip: set[int], out: Body
) -> None:
    """An f-string or a signed number, as written (a plain constant is read in :func:`read_body`)."""
    if isinstance(node, ast.UnaryOp):  # -1, +2.5: one literal
        operand = node.operand
        if not (isinstance(operand, ast.Constant) and isinstance(operand.value, int | float | complex)):
            return
        skip.add(id(operand))
    else:
        skip.update(id(value) for value in node.values if isinstance(value, ast.Constant))
    out.literals.append((node.lineno, node.col_offset, bound.get(id(node), ""), clip(_joined(text(node)))))


_SPLIT = re.compile(r"""["']\s*[rRbBfFuU]{0,2}["']""")  # maybe a literal's end, then the next one's start
_QUOTE = re.compile(r"""[rRbBfFuU]*('''|\"\"\"|'|")""")


def _joined(written: str) -> str:
    """An f-string split into adjacent literals, as one literal (the split is layout):
    ``f"a {x} " "b"`` -> ``f"a {x} b"``."""
    if not _SPLIT.search(written):
        return written
    pieces = _pieces(f"({written})")
    heads = [head for head in map(_QUOTE.match, pieces) if head is not None]
    if len(pieces) < 2 or len(heads) < len(pieces):
        return written
    inner = [
        piece[head.end() : len(piece) - len(head.group(1))] for piece, head in zip(pieces, heads, strict=True)
    ]
    prefix, quote = pieces[0][: heads[0].start(1)], heads[0].group(1)
    return ("" if "f" in prefix.lower() else "f") + prefix + quote + "".join(inner) + quote


def _pieces(text: str) -> list[str]:
    """The string literals of ``text`` at its top level (an f-string's own replacement fields aside)."""
    lines = text.split("\n")
    found: list[str] = []
    start = (0, 0)
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and depth == 0:
                found.append(token.string)
            elif token.type == _FSTRING_START:
                start = token.start if depth == 0 else start
                depth += 1
            elif token.type == _FSTRING_END:
                depth -= 1
                found += [_between(lines, start, token.end)] if depth == 0 else []
    except (tokenize.TokenError, SyntaxError):
        return []
    return found


_FSTRING_START: int = getattr(tokenize, "FSTRING_START", -1)  # Python 3.12+: an f-string is tokens
_FSTRING_END: int = getattr(tokenize, "FSTRING_END", -1)


def _between(lines: Sequence[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    if start[0] == end[0]:
        return lines[start[0] - 1][start[1] : end[1]]
    middle = lines[start[0] : end[0] - 1]
    return "\n".join([lines[start[0] - 1][start[1] :], *middle, lines[end[0] - 1][: end[1]]])


_TRIES = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


def _skip_reraises(node: ast.Try, skip: set[int]) -> None:
    """``raise e`` inside ``except X as e:`` re-raises the handled exception, as a bare ``raise`` does: the
    same raise, so it is left out like the bare one (and ``e`` is not a value read)."""
    for handler in node.handlers:
        if handler.name is None:
            continue
        todo: list[ast.AST] = list(handler.body)
        while todo:
            child = todo.pop()
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
                continue  # another scope: its `e` may be another name
            exc = child.exc if isinstance(child, ast.Raise) and child.cause is None else None
            if isinstance(exc, ast.Name) and exc.id == handler.name:
                skip.update((id(child), id(exc)))
            todo.extend(ast.iter_child_nodes(child))


def _raise(node: ast.Raise, dotted: Dotted, text: Text, skip: set[int], out: Body) -> None:
    if node.exc is None:
        return
    target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    out.raises.append((node.lineno, node.col_offset, dotted(target) or text(node.exc)))
    skip.add(id(node.exc))  # a raised constructor call is a raise, not a call; its arguments still run
    _skip_chain(target, skip)


def _bindings(node: ast.AST, dotted: Dotted, bound: dict[int, str]) -> None:
    """Remember the name that a literal child of ``node`` is bound to."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        _bind(node.value, dotted(node.targets[0]), bound)
    elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
        _bind(node.value, dotted(node.target), bound)
    elif isinstance(node, ast.keyword) and node.arg:
        _bind(node.value, node.arg, bound)
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                _bind(value, key.value, bound)
    elif isinstance(node, ast.Compare) and len(node.comparators) == 1:
        left, right = node.left, node.comparators[0]
        _bind(right, dotted(left), bound)
        _bind(left, dotted(right), bound)


def _bind(value: ast.AST, name: str | None, bound: dict[int, str]) -> None:
    if name and "(" not in name and isinstance(value, ast.Constant | ast.JoinedStr | ast.UnaryOp):
        bound[id(value)] = name
