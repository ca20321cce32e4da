"""Ruby: ``def`` in classes and modules (``Mod.Klass.method``), top-level defs, singleton methods.

``def self.x`` and the defs of a ``class << self`` block are ``Klass.x`` with the decorator ``singleton``.
Blocks (``each { ... }``, ``do ... end``) are not entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ariadne_hook.locate.languages import Scan
from ariadne_hook.locate.treesitter import Ctx, Entry, Spec, head, parse_with, scan_with, text
from ariadne_hook.models import FunctionSpan, Param

if TYPE_CHECKING:
    from tree_sitter import Node

SINGLETON = "singleton"
RAISES = frozenset({"raise", "fail"})
PARAM_KINDS = {
    "splat_parameter": "var_positional",
    "hash_splat_parameter": "var_keyword",
    "keyword_parameter": "keyword",
}


def call_name(node: Node) -> str:
    receiver = node.child_by_field_name("receiver")
    method = text(node.child_by_field_name("method"))
    return text(receiver) + "." + method if receiver is not None else method


class Ruby(Spec):
    module = "tree_sitter_ruby"
    class_types = frozenset({"class", "module"})
    call_types = frozenset({"call"})
    raise_types = frozenset({"call", "identifier"})
    return_types = frozenset({"return"})

    def entry(self, node: Node, ctx: Ctx) -> Entry | None:
        name = node.child_by_field_name("name")
        if node.type == "method":
            kind = "method" if ctx.in_type else "function"
            tags = (SINGLETON,) if ctx.tag == SINGLETON else ()
            return Entry((text(name),), kind, node, node, name, (), tags)
        if node.type == "singleton_method":
            owner = node.child_by_field_name("object")
            prefix = () if owner is None or owner.type == "self" else (text(owner),)
            return Entry((*prefix, text(name)), "method", node, node, name, (), (SINGLETON,))
        return None

    def scope(self, node: Node, ctx: Ctx) -> Ctx | None:
        if node.type in {"class", "module"}:
            return ctx.enter(*text(node.child_by_field_name("name")).split("::"), in_type=True)
        if node.type == "singleton_class":
            return Ctx(ctx.prefix, True, SINGLETON)
        return None

    def params(self, entry: Entry) -> tuple[Param, ...]:
        params = entry.node.child_by_field_name("parameters")
        if params is None:
            return ()
        return tuple(self.param(c) for c in params.named_children if c.type != "comment")

    def param(self, node: Node) -> Param:
        name = node.child_by_field_name("name")
        if name is None:
            return Param(text(node))
        value = node.child_by_field_name("value")
        prefix = "&" if node.type == "block_parameter" else ""
        return Param(prefix + text(name), None, text(value) or None, PARAM_KINDS.get(node.type, "positional"))

    def is_async(self, entry: Entry) -> bool:
        return False

    def callee(self, node: Node) -> str | None:
        return call_name(node)

    def raised(self, node: Node) -> str | None:
        """``raise Error, "x"`` -> ``Error``; a bare ``raise`` (re-raise) -> ``raise``."""
        if node.type == "identifier":
            bare = text(node) in RAISES and node.parent is not None and node.parent.type != "call"
            return text(node) if bare else None
        if node.child_by_field_name("receiver") is not None or call_name(node) not in RAISES:
            return None
        arguments = node.child_by_field_name("arguments")
        values = arguments.named_children if arguments is not None else []
        return ruby_head(values[0]) if values else text(node.child_by_field_name("method"))


def ruby_head(node: Node) -> str:
    """``Error.new("x")`` -> ``Error``; other expressions as written."""
    if node.type == "call" and text(node.child_by_field_name("method")) == "new":
        return text(node.child_by_field_name("receiver"))
    return head(node) if node.type != "call" else call_name(node)


SPEC = Ruby()


def parse(source: str) -> list[FunctionSpan]:
    """Methods of one Ruby file; raises ParseError on a syntax error."""
    return parse_with(SPEC, source)


def scan(source: str) -> Scan:
    """``parse`` with the facts computed on demand."""
    return scan_with(SPEC, source)
