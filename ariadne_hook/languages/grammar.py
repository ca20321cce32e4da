"""How a language module describes its tree-sitter grammar: a ``Spec`` (which nodes are functions, scopes
and classes, how to read parameters, returns, calls, raises and references), the ``Ctx`` of the walk, the
``Entry`` a spec recognises, and small helpers on nodes' text. ``loaders(spec)`` gives the parser, scanner
and reference-sites parts of the language's ``Language``; the machinery that walks a tree
(``locate/treesitter/``) is imported only when a file is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from ariadne_hook.models import Param

if TYPE_CHECKING:
    from tree_sitter import Node

    from ariadne_hook.locate.languages import Parser, Scanner
    from ariadne_hook.locate.refsites import FileSites, Site

_AROUND_DOTS = re.compile(r" ?(\?\.|\.|::|->) ?")
MAX_CALLEE = 120  # longest callee / raise text kept, in characters


@dataclass(frozen=True)
class Ctx:
    """Where the walk is: the dotted prefix, whether we are in a type body, and a tag for entries."""

    prefix: tuple[str, ...] = ()
    in_type: bool = False
    tag: str | None = None  # e.g. "impl Display" (Rust trait impls), "singleton" (Ruby class << self)

    def enter(self, *parts: str, in_type: bool, tag: str | None = None) -> Ctx:
        return Ctx(self.prefix + tuple(p for p in parts if p), in_type, tag)


@dataclass(frozen=True)
class Entry:
    """A function node recognised by a language spec."""

    name: tuple[str, ...]  # name parts relative to the enclosing prefix
    kind: str  # "function" | "method"
    node: Node  # the function itself: facts and the end line come from it
    first: Node  # where the span starts (export/declaration/template wrapper); decorators are added
    name_node: Node | None = None  # cut out of the body hash, so a pure rename keeps the hash
    decorators: tuple[Node, ...] = ()  # decorator / attribute / annotation nodes
    tags: tuple[str, ...] = ()  # extra decorator texts ("impl Display", "singleton")


class Spec:
    """One language's description; subclasses override what their grammar needs."""

    module = ""  # grammar wheel, e.g. "tree_sitter_go"
    function = "language"  # its factory function
    call_types: frozenset[str] = frozenset()
    raise_types: frozenset[str] = frozenset()
    return_types: frozenset[str] = frozenset()

    def entry(self, node: Node, ctx: Ctx) -> Entry | None:
        raise NotImplementedError

    def prepare(self, source: str) -> str:
        """The text the grammar is given; a language may blank what its grammar cannot read (same length
        and line breaks, so every offset and line number stays true)."""
        return source

    def scope(self, node: Node, ctx: Ctx) -> Ctx | None:
        """The context for ``node``'s children when ``node`` opens a named scope (class, module...)."""
        return None

    class_types: frozenset[str] = frozenset()  # node types that are class-like declarations

    def class_span(self, node: Node, ctx: Ctx, inner: Ctx | None) -> tuple[tuple[str, ...], Node] | None:
        """(full dotted name, the node its span starts at) when ``node`` is a class-like declaration whose
        own lines (outside its methods) make an entry of kind "class"; ``inner`` is what ``scope`` gave."""
        if node.type in self.class_types and inner is not None and inner.prefix != ctx.prefix:
            return inner.prefix, node
        return None

    def params(self, entry: Entry) -> tuple[Param, ...]:
        """The entry's ``parameters`` children, each read by :meth:`param` (None: not a parameter)."""
        params = entry.node.child_by_field_name("parameters")
        if params is None:
            return ()
        return tuple(p for p in (self.param(c) for c in params.named_children) if p is not None)

    def param(self, node: Node) -> Param | None:
        return None

    def returns(self, entry: Entry) -> str | None:
        return None

    def is_async(self, entry: Entry) -> bool:
        return any(child.type == "async" for child in entry.node.children)

    def callee(self, node: Node) -> str | None:
        """The callee of a call node as written, or None when the node is not a call worth listing."""
        function = node.child_by_field_name("function")
        return text(function) if function is not None else None

    def raised(self, node: Node) -> str | None:
        """What a raise/throw node raises; None when ``node`` (e.g. an ordinary call) raises nothing."""
        named = node.named_children
        return head(named[0]) if named else node.type

    def implicit_returns(self, entry: Entry) -> int:
        return 0

    def body(self, node: Node) -> Node | None:
        """The body of a function node (names before it are its name and parameters, not names read)."""
        return node.child_by_field_name("body")

    # references (locate/refsites.py): the shared node tables serve a grammar unless it says otherwise

    def owner(self, definition: Node) -> str | None:
        """The type a definition belongs to when the grammar says so otherwise than by nesting (a Go
        receiver); None: the enclosing class-like node tells."""
        return None

    def modules(self, root: Node) -> dict[str, str]:
        """Names bound to whole modules by the file's top-level imports (name -> module path)."""
        return {}

    def package(self, root: Node) -> str:
        """The package a file declares, where the grammar says (Go)."""
        return ""

    def reference(self, leaf: Node, name: str, line: int) -> Site | None | bool:
        """What the occurrence ``leaf`` of ``name`` is, when this grammar classifies its own occurrences (a
        ``Site``, or None: no use of the name); False: the shared tables of ``refsites.py`` decide."""
        return False


# ---------------------------------------------------------------------------------------------- text helpers


def text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def squash(value: str) -> str:
    """One-line text for callees split over lines (``foo\\n  .bar`` -> ``foo.bar``), MAX_CALLEE at most."""
    return _AROUND_DOTS.sub(r"\1", " ".join(value.split()))[:MAX_CALLEE]


def head(node: Node) -> str:
    """A short name for an expression: the callee of a call / constructor, else its text."""
    for name in ("constructor", "function", "type", "method"):
        inner = node.child_by_field_name(name)
        if inner is not None and node.type not in {"identifier", "constant"}:
            return squash(text(inner))
    return squash(text(node))


def preceding(node: Node, wanted: frozenset[str], skipped: frozenset[str]) -> tuple[Node, ...]:
    """The run of siblings just before ``node`` whose types are in ``wanted`` (``skipped`` ones pass)."""
    found: list[Node] = []
    sibling = node.prev_named_sibling
    while sibling is not None and (sibling.type in wanted or sibling.type in skipped):
        if sibling.type in wanted:
            found.append(sibling)
        sibling = sibling.prev_named_sibling
    return tuple(reversed(found))


def squash_lines(value: str) -> str:
    return " ".join(value.split())


Sites = Callable[[str, Collection[str], Iterable[int]], "FileSites | None"]


def loaders(spec: Spec) -> tuple[Callable[[], Parser], Callable[[], Scanner], Sites]:
    """A grammar's parts of a ``Language``: its parser and scanner loaders (each imports the grammar wheel
    first: ImportError when it is missing) and its reference sites (``locate/refsites.py``)."""

    def parser() -> Parser:
        from ariadne_hook.locate.treesitter import grammar, parse_with

        grammar(spec.module, spec.function)
        return partial(parse_with, spec)

    def scanner() -> Scanner:
        from ariadne_hook.locate.treesitter import grammar, scan_with

        grammar(spec.module, spec.function)
        return partial(scan_with, spec)

    def sites(text: str, names: Collection[str], lines: Iterable[int]) -> FileSites | None:
        from ariadne_hook.locate.refsites import treesitter_sites

        return treesitter_sites(spec, text, names, lines)

    return parser, scanner, sites
