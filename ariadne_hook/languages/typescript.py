"""TypeScript and TSX: the JavaScript rules plus typed parameters, return types and namespaces.

Signatures without a body (interfaces, overload signatures, abstract methods, ``declare``) are not functions.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ariadne_hook.languages import Language, Words
from ariadne_hook.languages.grammar import Entry, loaders, text
from ariadne_hook.languages.javascript import LANGUAGE as JAVASCRIPT
from ariadne_hook.languages.javascript import JavaScript
from ariadne_hook.models import Param

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


WORDS = Words(defines=("function", "class", "interface", "enum"))


def typescript(name: str, spec: TypeScript, extensions: tuple[str, ...], tests: tuple[str, ...]) -> Language:
    """TypeScript and TSX: JavaScript's language (imports, lexer, reference rules, public API) with their
    own grammar, files and definition keywords."""
    parser, scanner, sites = loaders(spec)
    return replace(
        JAVASCRIPT,
        name=name,
        extensions=extensions,
        parser=parser,
        scanner=scanner,
        references=replace(JAVASCRIPT.references, sites=sites),
        words=WORDS,
        test_files=tests,
    )


LANGUAGES = (
    typescript("typescript", TS_SPEC, (".ts", ".mts", ".cts"), ("*.test.ts", "*.spec.ts")),
    typescript("tsx", TSX_SPEC, (".tsx",), ("*.test.tsx", "*.spec.tsx")),
)
