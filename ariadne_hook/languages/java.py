"""Java: ``Class.method``, constructors as ``Class.Class``, nested types ``Outer.Inner.method``, interface
default methods, enums (constant bodies as ``Enum.CONSTANT.method``) and records.

Methods of anonymous classes (``new Runnable() { public void run() {...} }``) and lambdas inside a method
are not entries: their lines belong to the enclosing method, like any other expression in it. An anonymous
class that initializes a field has no enclosing method: its methods are ``Class.field.method``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ariadne_hook.languages import Imports, Language, ReferenceRules, Words, declaration, import_lines
from ariadne_hook.languages.grammar import Ctx, Entry, Spec, loaders, text
from ariadne_hook.locate.trivial import DOUBLE, SINGLE_CHAR, SLASH_COMMENTS, c_like, starts
from ariadne_hook.models import Param

if TYPE_CHECKING:
    from tree_sitter import Node

    from ariadne_hook.models import FunctionChange

METHODS = frozenset({"method_declaration", "constructor_declaration", "compact_constructor_declaration"})
TYPES = frozenset(
    {
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
        "annotation_type_declaration",
    }
)
ANNOTATIONS = frozenset({"annotation", "marker_annotation"})


def in_anonymous_class(node: Node) -> bool:
    body = node.parent
    return body is not None and body.parent is not None and body.parent.type == "object_creation_expression"


def field_name(node: Node) -> str:
    """The variable an anonymous class initializes (``Runnable r = new Runnable() {...}`` -> ``r``)."""
    parent = node.parent.parent if node.parent is not None else None  # the `new X() {...}` expression
    while parent is not None and parent.type not in {"variable_declarator", "class_body"} | TYPES:
        parent = parent.parent
    found = parent.child_by_field_name("name") if parent is not None else None
    return text(found) if parent is not None and parent.type == "variable_declarator" else ""


class Java(Spec):
    module = "tree_sitter_java"
    class_types = TYPES
    call_types = frozenset(
        {"method_invocation", "object_creation_expression", "explicit_constructor_invocation"}
    )
    raise_types = frozenset({"throw_statement"})
    return_types = frozenset({"return_statement"})

    def entry(self, node: Node, ctx: Ctx) -> Entry | None:
        if node.type not in METHODS or node.child_by_field_name("body") is None:
            return None
        name = node.child_by_field_name("name")
        prefix: tuple[str, ...] = ()
        if in_anonymous_class(node):
            if not ctx.in_type:
                return None  # inside a method: part of it
            prefix = (field_name(node),)  # in a field initializer: Class.field.method
        return Entry((*prefix, text(name)), "method", node, node, name, self.annotations(node))

    def annotations(self, node: Node) -> tuple[Node, ...]:
        modifiers = next((c for c in node.children if c.type == "modifiers"), None)
        return tuple(c for c in modifiers.children if c.type in ANNOTATIONS) if modifiers is not None else ()

    def scope(self, node: Node, ctx: Ctx) -> Ctx | None:
        if node.type in TYPES or node.type == "enum_constant":
            return ctx.enter(text(node.child_by_field_name("name")), in_type=True)
        return None

    def param(self, node: Node) -> Param | None:
        if node.type == "formal_parameter":
            name = node.child_by_field_name("name")
            return Param(text(name), text(node.child_by_field_name("type")) or None)
        if node.type == "spread_parameter":
            declarator = next((c for c in node.named_children if c.type == "variable_declarator"), None)
            kinds = [
                text(c) for c in node.named_children if c.type not in {"variable_declarator", "modifiers"}
            ]
            label = text(declarator.child_by_field_name("name")) if declarator is not None else ""
            return Param(label, " ".join(kinds) + "..." if kinds else None, kind="var_positional")
        return None

    def returns(self, entry: Entry) -> str | None:
        return text(entry.node.child_by_field_name("type")) or None

    def is_async(self, entry: Entry) -> bool:
        return False

    def callee(self, node: Node) -> str | None:
        if node.type == "object_creation_expression":
            return "new " + text(node.child_by_field_name("type"))
        if node.type == "explicit_constructor_invocation":
            return text(node.child_by_field_name("constructor"))
        receiver = node.child_by_field_name("object")
        name = text(node.child_by_field_name("name"))
        return text(receiver) + "." + name if receiver is not None else name


SPEC = Java()


def is_public(change: FunctionChange) -> bool:
    return re.search(r"\bpublic\b", declaration(change)) is not None


IMPORTS = Imports(starts("import"), import_lines(r"^\s*import\s+(?:static\s+)?([\w.*]+)\s*;"))
parser, scanner, sites = loaders(SPEC)
LANGUAGE = Language(
    name="java",
    extensions=(".java",),
    filenames=(),
    parser=parser,
    scanner=scanner,
    lexer=c_like(SLASH_COMMENTS, (DOUBLE, SINGLE_CHAR), IMPORTS.starts),
    imports=IMPORTS,
    references=ReferenceRules(sites, "java", implicit_this=True),
    words=Words(defines=("class", "interface", "enum"), decorator="annotation"),
    is_public=is_public,
    test_files=("*Test.java", "*Tests.java", "src/test/*"),
)
