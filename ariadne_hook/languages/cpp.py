"""C++: the C rules plus namespaces, classes, out-of-class definitions and templates.

``void ns::Class::method()`` -> ``ns.Class.method`` (prefixed by any enclosing namespaces); constructors
``Class.Class``, destructors ``Class.~Class``, operators ``Class.operator==``. A definition qualified with
``::`` is a method (the grammar cannot tell a class from a namespace there). Lambdas are not entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ariadne_hook.languages import Language, ReferenceRules, Words
from ariadne_hook.languages.c import IMPORTS, LEXER, C, is_public
from ariadne_hook.languages.grammar import Ctx, Entry, head, loaders, text

if TYPE_CHECKING:
    from tree_sitter import Node

CLASSES = frozenset({"class_specifier", "struct_specifier", "union_specifier"})
SCOPE_NAMES = frozenset({"template_type", "dependent_type"})


def parts(node: Node | None) -> tuple[str, ...]:
    """``ns::Class<T>::method`` -> ("ns", "Class", "method"); ``operator ==`` -> ("operator==",)."""
    found: list[str] = []
    while node is not None and node.type == "qualified_identifier":
        scope = node.child_by_field_name("scope")
        if scope is not None:
            found.append(scope_name(scope))
        node = node.child_by_field_name("name")
    if node is not None:
        found.append(leaf_name(node))
    return tuple(found)


def scope_name(node: Node) -> str:
    if node.type in SCOPE_NAMES:
        return text(node.child_by_field_name("name") or node)
    return text(node)


def leaf_name(node: Node) -> str:
    if node.type == "template_function":
        return text(node.child_by_field_name("name"))
    if node.type in {"operator_name", "destructor_name"}:
        return "".join(text(node).split())
    return text(node)


def template_start(node: Node) -> Node:
    """``template <...>`` lines belong to the function they introduce."""
    while node.parent is not None and node.parent.type == "template_declaration":
        node = node.parent
    return node


class Cpp(C):
    module = "tree_sitter_cpp"
    class_types = CLASSES
    call_types = frozenset({"call_expression", "new_expression"})
    raise_types = frozenset({"throw_statement"})

    def named(self, node: Node, target: Node, ctx: Ctx) -> Entry | None:
        name = parts(target)
        kind = "method" if ctx.in_type or len(name) > 1 else "function"
        name_node = target.child_by_field_name("name") if target.type == "qualified_identifier" else target
        return Entry(name, kind, node, template_start(node), name_node)

    def scope(self, node: Node, ctx: Ctx) -> Ctx | None:
        if node.type == "namespace_definition":
            name = text(node.child_by_field_name("name"))
            return ctx.enter(*name.replace(" ", "").split("::"), in_type=False)
        if node.type in CLASSES and node.child_by_field_name("body") is not None:
            return ctx.enter(scope_name(node.child_by_field_name("name") or node), in_type=True)
        return None

    def class_span(self, node: Node, ctx: Ctx, inner: Ctx | None) -> tuple[tuple[str, ...], Node] | None:
        found = super().class_span(node, ctx, inner)
        return None if found is None else (found[0], template_start(node))

    def callee(self, node: Node) -> str | None:
        if node.type == "new_expression":
            return "new " + text(node.child_by_field_name("type"))
        return text(node.child_by_field_name("function"))

    def raised(self, node: Node) -> str | None:
        named = node.named_children
        return head(named[0]) if named else "throw"


SPEC = Cpp()


parser, scanner, sites = loaders(SPEC)
LANGUAGE = Language(
    name="cpp",
    extensions=(".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".h++", ".c++"),
    filenames=(),
    parser=parser,
    scanner=scanner,
    lexer=LEXER,
    imports=IMPORTS,
    references=ReferenceRules(sites, "c", global_names=True, implicit_this=True, entry_points=("main",)),
    words=Words(defines=("class", "struct", "enum"), decorator="attribute"),
    is_public=is_public,
    test_files=("*_test.cc", "*_test.cpp", "test_*.cc", "test_*.cpp"),
)
