"""JavaScript: declarations, class and object-literal methods, functions bound to names or properties."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ariadne_hook.languages import Imports, Language, ReferenceRules, Words, declaration, import_lines
from ariadne_hook.languages.grammar import Ctx, Entry, Spec, loaders, text
from ariadne_hook.locate.refsites import quoted, required_module
from ariadne_hook.locate.trivial import BACKTICK, DOUBLE, SINGLE_STRING, SLASH_COMMENTS, c_like
from ariadne_hook.models import Param

if TYPE_CHECKING:
    from tree_sitter import Node

    from ariadne_hook.models import FunctionChange

DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration"})
EXPRESSIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
CLASSES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
FIELDS = frozenset({"field_definition", "public_field_definition"})
WRAPPERS = frozenset({"export_statement"})


def dotted(node: Node | None) -> tuple[str, ...]:
    """``a.b.c`` (identifiers and member expressions only) as parts; ``this`` and ``prototype`` dropped."""
    parts: list[str] = []
    while node is not None and node.type == "member_expression":
        prop = node.child_by_field_name("property")
        if prop is None or prop.type not in {"property_identifier", "private_property_identifier"}:
            return ()
        parts.append(text(prop))
        node = node.child_by_field_name("object")
    if node is None or node.type not in {"identifier", "this"}:
        return ()
    parts.append(text(node))
    return tuple(p for p in reversed(parts) if p not in {"this", "prototype"})


def key_name(node: Node | None) -> str:
    """An object key or method name: identifiers as is, string keys unquoted, computed keys as written."""
    if node is None:
        return ""
    if node.type == "string":
        return text(node)[1:-1]
    return text(node)


def with_wrapper(node: Node) -> Node:
    """The export statement around a declaration, when there is one (the span starts there)."""
    parent = node.parent
    return parent if parent is not None and parent.type in WRAPPERS else node


class JavaScript(Spec):
    module = "tree_sitter_javascript"
    class_types = CLASSES
    call_types = frozenset({"call_expression", "new_expression"})
    raise_types = frozenset({"throw_statement"})
    return_types = frozenset({"return_statement"})

    # ------------------------------------------------------------------------------------ naming

    def entry(self, node: Node, ctx: Ctx) -> Entry | None:
        if node.type in DECLARATIONS:
            name = node.child_by_field_name("name")
            return Entry((text(name),), "function", node, with_wrapper(node), name, self.decorators(node))
        if node.type == "method_definition":
            return self.method(node, ctx)
        if node.type in EXPRESSIONS:
            return self.bound(node, ctx)
        return None

    def method(self, node: Node, ctx: Ctx) -> Entry | None:
        if node.child_by_field_name("body") is None:
            return None
        name = node.child_by_field_name("name")
        return Entry((key_name(name),), "method", node, node, name, self.decorators(node))

    def bound(self, node: Node, ctx: Ctx) -> Entry | None:
        """A function expression named by what it is bound to; anonymous callbacks give None."""
        parent = node.parent
        if parent is None:
            return None
        if parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
            target = parent.child_by_field_name("name")
            if target is None or target.type != "identifier":
                return None
            return Entry((text(target),), "function", node, declaration_start(parent), target)
        if parent.type == "assignment_expression" and parent.child_by_field_name("right") == node:
            parts = dotted(parent.child_by_field_name("left"))
            kind = "method" if "prototype" in text(parent.child_by_field_name("left")) else "function"
            return Entry(parts, kind, node, statement_start(parent))
        if parent.type == "pair" and parent.child_by_field_name("value") == node:
            return Entry((key_name(parent.child_by_field_name("key")),), "method", node, parent)
        if parent.type in FIELDS:
            name = parent.child_by_field_name("property") or parent.child_by_field_name("name")
            return Entry((key_name(name),), "method", node, parent, None, self.decorators(parent))
        if parent.type == "export_statement":
            return Entry(("default",), "function", node, parent)
        return None

    def decorators(self, node: Node) -> tuple[Node, ...]:
        own = tuple(c for c in node.children if c.type == "decorator")
        before: list[Node] = []
        sibling = node.prev_named_sibling
        while sibling is not None and sibling.type == "decorator":
            before.append(sibling)
            sibling = sibling.prev_named_sibling
        return tuple(reversed(before)) + own

    def scope(self, node: Node, ctx: Ctx) -> Ctx | None:
        if node.type in CLASSES:
            name = node.child_by_field_name("name")
            label = text(name) if name is not None else self.binding(node)
            return ctx.enter(label, in_type=True)
        if node.type == "object":
            return ctx.enter(self.binding(node), in_type=False)
        if node.type == "internal_module":  # TypeScript namespace
            return ctx.enter(*text(node.child_by_field_name("name")).split("."), in_type=False)
        return None

    def class_span(self, node: Node, ctx: Ctx, inner: Ctx | None) -> tuple[tuple[str, ...], Node] | None:
        found = super().class_span(node, ctx, inner)
        if found is None:
            return None
        parent = node.parent
        if node.type == "class" and parent is not None and parent.type == "variable_declarator":
            return found[0], declaration_start(parent)  # const A = class {...}
        return found[0], with_wrapper(node)

    def binding(self, node: Node) -> str:
        """The name an object literal / class expression is bound to ("" when anonymous)."""
        parent = node.parent
        if parent is None:
            return ""
        if parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
            target = parent.child_by_field_name("name")
            return text(target) if target is not None and target.type == "identifier" else ""
        if parent.type == "pair" and parent.child_by_field_name("value") == node:
            return key_name(parent.child_by_field_name("key"))
        if parent.type == "assignment_expression" and parent.child_by_field_name("right") == node:
            return ".".join(dotted(parent.child_by_field_name("left")))
        return ""

    def modules(self, root: Node) -> dict[str, str]:
        """``import m from "./m"``, ``import * as m from "./m"``, ``const m = require("./m")``."""
        found: dict[str, str] = {}
        for node in root.named_children:
            if node.type == "import_statement":
                source = quoted(node.child_by_field_name("source"))
                for clause in (c for c in node.named_children if c.type == "import_clause"):
                    for part in clause.named_children:
                        if part.type == "identifier":
                            found[text(part)] = source
                        elif part.type == "namespace_import":
                            found.update(
                                (text(c), source) for c in part.named_children if c.type == "identifier"
                            )
            elif node.type in {"lexical_declaration", "variable_declaration"}:
                for declarator in (c for c in node.named_children if c.type == "variable_declarator"):
                    name = declarator.child_by_field_name("name")
                    source = required_module(declarator.child_by_field_name("value"))
                    if source and name is not None and name.type == "identifier":
                        found[text(name)] = source
        return found

    # ------------------------------------------------------------------------------------ facts

    def params(self, entry: Entry) -> tuple[Param, ...]:
        single = entry.node.child_by_field_name("parameter")
        if single is not None:
            return (Param(text(single)),)
        params = entry.node.child_by_field_name("parameters")
        if params is None:
            return ()
        return tuple(p for p in (self.param(c) for c in params.named_children) if p is not None)

    def param(self, node: Node) -> Param | None:
        if node.type == "assignment_pattern":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            return Param(text(left), default=text(right) or None)
        if node.type == "rest_pattern":
            return Param(text(node).lstrip("."), kind="var_positional")
        if node.type in {"comment", "decorator"}:
            return None
        return Param(text(node))

    def callee(self, node: Node) -> str | None:
        if node.type == "new_expression":
            return "new " + text(node.child_by_field_name("constructor"))
        return text(node.child_by_field_name("function"))

    def implicit_returns(self, entry: Entry) -> int:
        body = entry.node.child_by_field_name("body")
        return int(
            entry.node.type == "arrow_function" and body is not None and body.type != "statement_block"
        )


def declaration_start(declarator: Node) -> Node:
    """``const f = ...`` starts at ``const`` (or ``export``) when it declares one name only."""
    declaration = declarator.parent
    if declaration is None or len(declaration.named_children) != 1:
        return declarator
    return with_wrapper(declaration)


def statement_start(node: Node) -> Node:
    parent = node.parent
    return parent if parent is not None and parent.type == "expression_statement" else node


SPEC = JavaScript()


def starts_import(words: Sequence[str]) -> bool:
    """``import ...`` (not ``import(...)``, an expression) or a ``require(...)`` binding."""
    if words[:1] == ["import"] and words[1:2] != ["("]:
        return True
    bound = bool(words) and words[0] in ("const", "let", "var", "require")
    return bound and any(w == "require" and words[i + 1 : i + 2] == ["("] for i, w in enumerate(words))


def is_public(change: FunctionChange) -> bool:
    """A top-level function declared with ``export``."""
    top = "." not in change.qualname
    return top and re.search(r"(^|\s)export\s", declaration(change)) is not None


IMPORTS = Imports(
    starts_import, import_lines(r"""^\s*import\b.*?['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]""")
)
IMPORT_SUFFIXES = frozenset({"js", "mjs", "cjs", "ts", "tsx", "jsx"})  # import "./mod.js" names mod
LEXER = c_like(SLASH_COMMENTS, (DOUBLE, SINGLE_STRING, BACKTICK), IMPORTS.starts)  # template literals
WORDS = Words(defines=("function", "class"))
parser, scanner, sites = loaders(SPEC)
LANGUAGE = Language(
    name="javascript",
    extensions=(".js", ".mjs", ".cjs", ".jsx"),
    filenames=(),
    parser=parser,
    scanner=scanner,
    lexer=LEXER,
    imports=IMPORTS,
    references=ReferenceRules(sites, "javascript", import_suffixes=IMPORT_SUFFIXES),
    words=WORDS,
    is_public=is_public,
    test_files=("*.test.js", "*.spec.js", "*.test.jsx", "*.spec.jsx", "*.test.mjs", "*.spec.mjs"),
)
