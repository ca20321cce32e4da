"""TypeScript and TSX: the JavaScript rules plus typed parameters, return types and namespaces.

Signatures without a body (interfaces, overload signatures, abstract methods, ``declare``) are not functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ariadne_hook.locate.languages import Scan
from ariadne_hook.locate.treesitter import Entry, parse_with, scan_with, text
from ariadne_hook.locate.treesitter.javascript import JavaScript
from ariadne_hook.models import FunctionSpan, Param

if TYPE_CHECKING:
    from tree_sitter import Node

TYPED = frozenset({"required_parameter", "optional_parameter"})


def annotation(node: Node | None) -> str | None:
    """``: number`` -> ``number``."""
    if node is None:
        return None
    return text(node).lstrip(":").strip() or None


class TypeScript(JavaScript):
    module = "tree_sitter_typescript"
    function = "language_typescript"

    def param(self, node: Node) -> Param | None:
        if node.type not in TYPED:
            return super().param(node)
        pattern = node.child_by_field_name("pattern")
        inner = super().param(pattern) if pattern is not None else None
        name = inner.name if inner is not None else text(node)
        if node.type == "optional_parameter":
            name += "?"
        kind = inner.kind if inner is not None else "positional"
        default = node.child_by_field_name("value")
        return Param(name, annotation(node.child_by_field_name("type")), text(default) or None, kind)

    def returns(self, entry: Entry) -> str | None:
        return annotation(entry.node.child_by_field_name("return_type"))


class Tsx(TypeScript):
    function = "language_tsx"


TS_SPEC = TypeScript()
TSX_SPEC = Tsx()


def parse(source: str) -> list[FunctionSpan]:
    """Functions of one TypeScript file; raises ParseError on a syntax error."""
    return parse_with(TS_SPEC, source)


def parse_tsx(source: str) -> list[FunctionSpan]:
    """Functions of one TSX file; raises ParseError on a syntax error."""
    return parse_with(TSX_SPEC, source)


def scan(source: str) -> Scan:
    """``parse`` with the facts computed on demand."""
    return scan_with(TS_SPEC, source)


def scan_tsx(source: str) -> Scan:
    """``parse_tsx`` with the facts computed on demand."""
    return scan_with(TSX_SPEC, source)
