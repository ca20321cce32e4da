"""Rust: free functions, ``Type.method`` in ``impl`` / ``impl Trait for Type``, ``Trait.method`` defaults,
``module.function`` in nested ``mod`` blocks. A trait impl adds ``impl Trait`` to the decorators.

Closures are not entries; bodiless trait signatures are not functions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ariadne_hook.languages import Imports, Language, ReferenceRules, Words, declaration, import_lines
from ariadne_hook.languages.grammar import (
    Ctx,
    Entry,
    Spec,
    loaders,
    preceding,
    squash_lines,
    text,
)
from ariadne_hook.locate.trivial import DOUBLE, SINGLE_CHAR, SLASH_COMMENTS, c_like, starts
from ariadne_hook.models import Param

if TYPE_CHECKING:
    from tree_sitter import Node

    from ariadne_hook.models import FunctionChange

ATTRIBUTES = frozenset({"attribute_item"})
COMMENTS = frozenset({"line_comment", "block_comment"})
PANICS = frozenset({"panic", "unreachable", "todo", "unimplemented"})


def type_name(node: Node | None) -> str:
    """``Vec<T>`` -> ``Vec``; ``&'a Foo`` -> ``Foo``; ``a::B`` -> ``a.B``."""
    while node is not None and node.type in {"generic_type", "reference_type", "pointer_type"}:
        node = node.child_by_field_name("type")
    return text(node).replace("::", ".")


def macro_name(node: Node) -> str:
    return text(node.child_by_field_name("macro"))


class Rust(Spec):
    module = "tree_sitter_rust"
    class_types = frozenset({"struct_item", "enum_item", "union_item", "trait_item"})
    call_types = frozenset({"call_expression", "macro_invocation"})
    raise_types = frozenset({"macro_invocation"})
    return_types = frozenset({"return_expression"})

    def entry(self, node: Node, ctx: Ctx) -> Entry | None:
        if node.type != "function_item":
            return None
        name = node.child_by_field_name("name")
        kind = "method" if ctx.in_type else "function"
        tags = (ctx.tag,) if ctx.tag else ()
        attributes = preceding(node, ATTRIBUTES, COMMENTS)
        return Entry((text(name),), kind, node, node, name, attributes, tags)

    def scope(self, node: Node, ctx: Ctx) -> Ctx | None:
        if node.type == "impl_item":
            trait = node.child_by_field_name("trait")
            tag = "impl " + text(trait) if trait is not None else None
            return ctx.enter(type_name(node.child_by_field_name("type")), in_type=True, tag=tag)
        if node.type == "trait_item":
            return ctx.enter(text(node.child_by_field_name("name")), in_type=True)
        if node.type == "mod_item":
            return ctx.enter(text(node.child_by_field_name("name")), in_type=False)
        return None

    def class_span(self, node: Node, ctx: Ctx, inner: Ctx | None) -> tuple[tuple[str, ...], Node] | None:
        """Structs, enums, unions and traits by name; an ``impl`` block as ``impl Type`` or
        ``impl Trait for Type`` (its functions stay ``Type.method``)."""
        if node.type == "impl_item":
            trait = node.child_by_field_name("trait")
            kind = squash_lines(text(node.child_by_field_name("type")))
            label = f"impl {squash_lines(text(trait))} for {kind}" if trait is not None else f"impl {kind}"
        elif node.type in self.class_types:
            label = text(node.child_by_field_name("name"))
        else:
            return None
        first = preceding(node, ATTRIBUTES, COMMENTS)
        return (*ctx.prefix, label), first[0] if first else node

    def param(self, node: Node) -> Param | None:
        if node.type == "self_parameter":
            return Param(text(node))
        if node.type == "parameter":
            kind_type = node.child_by_field_name("type")
            return Param(text(node.child_by_field_name("pattern")), text(kind_type) or None)
        if node.type == "variadic_parameter":
            return Param("...", kind="var_positional")
        return None

    def returns(self, entry: Entry) -> str | None:
        return text(entry.node.child_by_field_name("return_type")) or None

    def is_async(self, entry: Entry) -> bool:
        modifiers = next((c for c in entry.node.children if c.type == "function_modifiers"), None)
        return modifiers is not None and any(c.type == "async" for c in modifiers.children)

    def callee(self, node: Node) -> str | None:
        if node.type == "macro_invocation":
            return macro_name(node) + "!"
        return text(node.child_by_field_name("function"))

    def raised(self, node: Node) -> str | None:
        return macro_name(node) + "!" if macro_name(node) in PANICS else None


SPEC = Rust()


def is_public(change: FunctionChange) -> bool:
    return re.search(r"\bpub\b", declaration(change)) is not None


# `use` starts an import the trivial check may skip; `pub use` changes the crate's API: code, still named
IMPORTS = Imports(starts("use"), import_lines(r"^\s*(?:pub\s+)?use\s+([\w:]+)"))
parser, scanner, sites = loaders(SPEC)
LANGUAGE = Language(
    name="rust",
    extensions=(".rs",),
    filenames=(),
    parser=parser,
    scanner=scanner,
    lexer=c_like(SLASH_COMMENTS, (DOUBLE, SINGLE_CHAR), IMPORTS.starts),
    imports=IMPORTS,
    references=ReferenceRules(sites, "rust", receiver="rust", entry_points=("main",)),
    words=Words(defines=("fn", "struct", "enum", "trait"), decorator="attribute"),
    is_public=is_public,
    test_files=("tests/*.rs", "*_test.rs"),
)
