"""Kotlin: functions, ``Class.method`` in classes, objects and interfaces (``Outer.Inner.method``), companion
objects as ``Class.Companion.method`` (a named one by its name), extension functions as ``Type.function``
(kind method: they are called on a value), secondary constructors as ``Class.constructor``, property
accessors with a body as ``Class.property.get`` / ``.set``, enum entry bodies as ``Enum.ENTRY.method``.

Lambdas, and the methods of an object expression (``object : Runnable { ... }``) inside a function, are not
entries: their lines belong to the function around them; an object expression that initializes a property
has no function around it, its methods are ``property.method``. A function declared inside a function is
``outer.inner``, local to it. Interface functions without a body are not functions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ariadne_hook.languages import Imports, Language, ReferenceRules, Words, import_lines
from ariadne_hook.languages.grammar import Ctx, Entry, Spec, head, loaders, preceding, text
from ariadne_hook.locate.refsites import BARE, DEFINITION, IMPORT, MEMBER, Shape, Site, last_name, node_text
from ariadne_hook.locate.trivial import DOUBLE, SINGLE_CHAR, SLASH_COMMENTS, TRIPLE, c_like, starts
from ariadne_hook.models import Param

if TYPE_CHECKING:
    from tree_sitter import Node

    from ariadne_hook.models import FunctionChange

CLASSES = frozenset({"class_declaration", "object_declaration", "companion_object"})
ACCESSORS = {"getter": "get", "setter": "set"}
TYPES = frozenset({"user_type", "nullable_type", "parenthesized_type", "function_type"})
COMMENTS = frozenset({"line_comment", "multiline_comment"})
VALUE_PLACES = frozenset({"value_argument", "property_declaration", "return_expression", "assignment"})


def type_name(node: Node) -> str:
    """``List<T>`` -> ``List``; ``String?`` -> ``String``; ``a.b.C`` -> ``C``."""
    while node.type in {"nullable_type", "parenthesized_type"} and node.named_children:
        node = node.named_children[0]
    names = [c for c in node.named_children if c.type == "identifier"]
    return text(names[-1]) if names else text(node)


def receiver(node: Node) -> str:
    """The receiver type of an extension function (``fun String.shout()`` -> ``String``), "" for none."""
    children = node.children
    for index, child in enumerate(children):
        if child.type == "." and index > 0 and children[index - 1].type in TYPES:
            return type_name(children[index - 1])
        if child.type in {"function_value_parameters", "identifier"}:
            break
    return ""


def property_name(node: Node | None) -> str:
    """The property a node declares (``val p: Int`` -> ``p``), "" when it is no property declaration."""
    if node is None or node.type != "property_declaration":
        return ""
    declared = next((c for c in node.named_children if c.type == "variable_declaration"), None)
    found = next((c for c in declared.named_children if c.type == "identifier"), None) if declared else None
    return text(found)


def modifiers(node: Node) -> Node | None:
    return next((c for c in node.children if c.type == "modifiers"), None)


class Kotlin(Spec):
    module = "tree_sitter_kotlin"
    class_types = CLASSES
    call_types = frozenset({"call_expression"})
    raise_types = frozenset({"throw_expression"})
    return_types = frozenset({"return_expression"})

    def entry(self, node: Node, ctx: Ctx) -> Entry | None:
        if node.type == "function_declaration" and self.body(node) is not None:
            name = node.child_by_field_name("name")
            owner = receiver(node)
            prefix: tuple[str, ...] = ()
            holder = node.parent.parent if node.parent is not None else None
            if holder is not None and holder.type == "object_literal":
                if not ctx.in_type and ctx.prefix:
                    return None  # an object expression inside a function: part of it
                prefix = (property_name(holder.parent),)
            kind = "method" if ctx.in_type or owner or prefix else "function"
            parts = (*prefix, owner, text(name)) if owner else (*prefix, text(name))
            return Entry(parts, kind, node, node, name, self.annotations(node))
        if node.type == "secondary_constructor" and self.body(node) is not None:
            return Entry(("constructor",), "method", node, node, None, self.annotations(node))
        if node.type in ACCESSORS and self.body(node) is not None:
            owner_name = property_name(node.parent)
            return Entry((owner_name, ACCESSORS[node.type]), "method", node, node) if owner_name else None
        return None

    def annotations(self, node: Node) -> tuple[Node, ...]:
        """Annotations among the modifiers, and (a grammar quirk) a top-level function's annotations with
        arguments, which the grammar reads as expressions before it."""
        found = modifiers(node)
        own = tuple(c for c in found.children if c.type == "annotation") if found is not None else ()
        if node.parent is None or node.parent.type != "source_file":
            return own
        return preceding(node, frozenset({"annotated_expression"}), COMMENTS) + own

    def scope(self, node: Node, ctx: Ctx) -> Ctx | None:
        if node.type in {"class_declaration", "object_declaration"}:
            return ctx.enter(text(node.child_by_field_name("name")), in_type=True)
        if node.type == "companion_object":
            return ctx.enter(text(node.child_by_field_name("name")) or "Companion", in_type=True)
        if node.type == "enum_entry":
            name = next((c for c in node.named_children if c.type == "identifier"), None)
            return ctx.enter(text(name), in_type=True)
        if node.type == "object_literal":
            return Ctx(ctx.prefix, ctx.in_type, ctx.tag)
        return None

    def body(self, node: Node) -> Node | None:
        kinds = {"function_body", "block"} if node.type == "secondary_constructor" else {"function_body"}
        return next((c for c in node.children if c.type in kinds), None)

    def params(self, entry: Entry) -> tuple[Param, ...]:
        params = next((c for c in entry.node.children if c.type == "function_value_parameters"), None)
        if params is None:
            return ()
        out: list[Param] = []
        variadic, default_next = False, False
        for child in params.children:
            if child.type == "parameter_modifiers":
                variadic = "vararg" in text(child).split()
            elif child.type == "parameter":
                name = next((c for c in child.named_children if c.type == "identifier"), None)
                kind_node = next((c for c in child.named_children if c.type in TYPES), None)
                kind = "var_positional" if variadic else "positional"
                out.append(Param(text(name), text(kind_node) or None, None, kind))
                variadic = False
            elif child.type == "=":
                default_next = True
            elif default_next and child.is_named and out:
                last = out[-1]
                out[-1] = Param(last.name, last.annotation, text(child), last.kind)
                default_next = False
        return tuple(out)

    def returns(self, entry: Entry) -> str | None:
        """The type after the parameters' ``:`` (``fun f(): Int``)."""
        seen_params = False
        children = entry.node.children
        for index, child in enumerate(children):
            if child.type == "function_value_parameters":
                seen_params = True
            elif seen_params and child.type == ":" and index + 1 < len(children):
                return text(children[index + 1]) or None
            elif child.type == "function_body":
                break
        return None

    def is_async(self, entry: Entry) -> bool:
        found = modifiers(entry.node)
        return found is not None and "suspend" in text(found).split()

    def callee(self, node: Node) -> str | None:
        named = node.named_children
        return text(named[0]) if named else None

    def raised(self, node: Node) -> str | None:
        """``throw IllegalStateException("x")`` -> ``IllegalStateException``."""
        named = node.named_children
        if not named:
            return "throw"
        if named[0].type == "call_expression" and named[0].named_children:
            return text(named[0].named_children[0])
        return head(named[0])

    def implicit_returns(self, entry: Entry) -> int:
        body = self.body(entry.node)
        return int(body is not None and body.children[:1] != [] and body.children[0].type == "=")

    # ------------------------------------------------------------------------------------ references

    def reference(self, leaf: Node, name: str, line: int) -> Site | None | bool:
        parent = leaf.parent
        if parent is None:
            return None
        named = parent.named_children
        if parent.type == "navigation_expression":
            if len(named) < 2 or named[-1].id != leaf.id:
                return None  # the receiver: a value, not the function
            holder = parent.parent
            if holder is not None and holder.type == "assignment" and named_first(holder) == parent.id:
                return None  # obj.f = ...: a property set, not a use
            scoped = any(c.type == "::" for c in parent.children)
            call = call_of(parent)
            shape = call_shape(call) if call is not None else None
            return Site(name, line, MEMBER, last_name(node_text(named[0])), shape, scoped)
        if parent.type == "call_expression" and named[0].id == leaf.id:
            return Site(name, line, BARE, "", call_shape(parent))
        if parent.type == "function_declaration" and parent.child_by_field_name("name") == leaf:
            return Site(name, line, DEFINITION, receiver(parent) or owner_of(parent))
        if parent.type == "qualified_identifier" and parent.parent is not None:
            if parent.parent.type != "import" or named[-1].id != leaf.id:
                return None
            return Site(name, line, IMPORT, ".".join(text(c) for c in named[:-1]))
        if parent.type == "callable_reference" or parent.type in VALUE_PLACES:
            if parent.type == "assignment" and parent.child_by_field_name("left") == leaf:
                return None
            return Site(name, line, BARE)
        return None


def named_first(node: Node) -> int | None:
    return node.named_children[0].id if node.named_children else None


def call_of(callee: Node) -> Node | None:
    """The call whose callee is ``callee`` (``f(x)``, ``a.f(x)``), None when it is not called."""
    parent = callee.parent
    called = parent is not None and parent.type == "call_expression" and named_first(parent) == callee.id
    return parent if called else None


def call_shape(call: Node) -> Shape:
    """Positional arguments and trailing lambdas counted; a spread (``*xs``) or a named argument (``x = 1``,
    which may fill any parameter) leaves the fit undecided."""
    positional, undecided = 0, False
    outer = call.parent
    lambdas = [c for c in call.named_children if c.type == "annotated_lambda"]
    if outer is not None and outer.type == "call_expression" and named_first(outer) == call.id:
        lambdas += [c for c in outer.named_children if c.type == "annotated_lambda"]  # f(x) { ... }
    for arguments in (c for c in call.named_children if c.type == "value_arguments"):
        for argument in (a for a in arguments.named_children if a.type == "value_argument"):
            if any(c.type in {"=", "spread_expression", "*"} for c in argument.children):
                undecided = True
            else:
                positional += 1
    return Shape(positional + len(lambdas), (), undecided)


def owner_of(definition: Node) -> str:
    """The class, object or companion a function is declared in; "" at the top level or in a function."""
    node = definition.parent
    while node is not None:
        if node.type in {"class_declaration", "object_declaration"}:
            return text(node.child_by_field_name("name"))
        if node.type == "companion_object":
            return text(node.child_by_field_name("name")) or "Companion"
        if node.type in {"function_declaration", "object_literal"}:
            return ""
        node = node.parent
    return ""


_KEYWORD = re.compile(r"\b(?:fun|constructor|get|set)\b")
_ANNOTATION = re.compile(r"@[\w.:]+(?:\([^)]*\))?")


def is_public(change: FunctionChange) -> bool:
    """Not ``private``, nor ``internal`` (visible in its module only), nor local to a function: Kotlin's
    default visibility is public, and ``protected`` members are API for subclasses. The modifiers are read
    before the ``fun`` keyword, annotations (whose arguments may hold any word) left out."""
    if change.kind == "function" and "." in change.qualname:
        return False
    source = change.new_source if change.new_source is not None else change.old_source
    head = _KEYWORD.split(_ANNOTATION.sub(" ", source or ""), maxsplit=1)[0]
    return re.search(r"\b(?:private|internal)\b", head) is None


SPEC = Kotlin()
IMPORTS = Imports(starts("import"), import_lines(r"^\s*import\s+([\w.*`]+)"))
parser, scanner, sites = loaders(SPEC)
LANGUAGE = Language(
    name="kotlin",
    extensions=(".kt", ".kts"),
    filenames=(),
    parser=parser,
    scanner=scanner,
    lexer=c_like(SLASH_COMMENTS, (TRIPLE, DOUBLE, SINGLE_CHAR), IMPORTS.starts),
    imports=IMPORTS,
    references=ReferenceRules(
        sites, "kotlin", implicit_this=True, entry_points=("main",), nested_local=True, package_folders=True
    ),
    words=Words(defines=("fun", "class", "object", "interface"), decorator="annotation"),
    is_public=is_public,
    test_files=("*Test.kt", "*Tests.kt", "src/test/*", "src/androidTest/*", "src/testFixtures/*"),
)
