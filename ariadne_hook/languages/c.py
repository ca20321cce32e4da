"""C: function definitions (static or not); prototypes are not functions.

The declarator chain (``int *(*f)(void)``, ``char **g(...)``) is followed down to the function declarator;
C++ reuses this and adds scopes and qualified names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ariadne_hook.languages import Imports, Language, ReferenceRules, Words, declaration, import_lines
from ariadne_hook.languages.grammar import Ctx, Entry, Spec, loaders, squash_lines, text
from ariadne_hook.locate.trivial import DOUBLE, SINGLE_CHAR, SLASH_COMMENTS, c_like
from ariadne_hook.models import Param

if TYPE_CHECKING:
    from tree_sitter import Node

    from ariadne_hook.models import FunctionChange

# A statement-like macro alone on an indented line, without a semicolon (``Py_BEGIN_ALLOW_THREADS``,
# ``PyObject_HEAD``): an upper-case word with an underscore after its first letter. The grammar knows no
# macros and reads it as the start of a declaration that never ends; blanked when the line before it ends
# a statement or a block, or is a directive or a comment, so a wrapped expression is never touched.
MACRO_LINE = re.compile(r"^[ \t]+([A-Z][A-Za-z0-9]*_[A-Z0-9_]+)[ \t]*(?://.*)?$")
ENDS_STATEMENT = re.compile(r"(?:[;{}]|\*/)\s*(?://.*)?$|^\s*(?:#|//)")

WRAPPING = frozenset(
    {"pointer_declarator", "reference_declarator", "parenthesized_declarator", "attributed_declarator"}
)
NAMES = frozenset({"identifier", "field_identifier", "type_identifier"})
PARAMS = frozenset({"parameter_declaration", "optional_parameter_declaration"})


def inner(node: Node) -> Node | None:
    """The declarator inside a wrapping one (parenthesized and C++ reference declarators name no field)."""
    found = node.child_by_field_name("declarator")
    if found is None and node.type != "function_declarator":
        found = next(
            (c for c in node.named_children if c.type not in {"type_qualifier", "ms_pointer_modifier"}), None
        )
    return found


def function_declarator(definition: Node) -> Node | None:
    """The innermost function declarator of a definition (``void (*getfn(void))(int)`` -> ``getfn(void)``)."""
    node, found = definition.child_by_field_name("declarator"), None
    while node is not None and (node.type in WRAPPING or node.type == "function_declarator"):
        if node.type == "function_declarator":
            found = node
        node = inner(node)
    return found


def innermost_name(node: Node | None) -> Node | None:
    """The identifier a (parameter) declarator declares: ``**argv`` -> ``argv``, ``a[3]`` -> ``a``."""
    while node is not None and node.type not in NAMES:
        inner = node.child_by_field_name("declarator")
        node = inner if inner is not None else next((c for c in node.named_children if c.type in NAMES), None)
    return node


def without(outer: Node, inner: Node | None) -> str:
    """``outer``'s text with ``inner`` cut out, whitespace-normalized (``char **argv`` -> ``char **``)."""
    source = outer.text or b""
    if inner is not None:
        cut_from, cut_to = inner.start_byte - outer.start_byte, inner.end_byte - outer.start_byte
        source = source[:cut_from] + source[cut_to:]
    return squash_lines(source.decode("utf-8", errors="replace"))


class C(Spec):
    module = "tree_sitter_c"
    call_types = frozenset({"call_expression"})
    return_types = frozenset({"return_statement"})

    def entry(self, node: Node, ctx: Ctx) -> Entry | None:
        if node.type != "function_definition" or node.child_by_field_name("body") is None:
            return None
        declarator = function_declarator(node)
        target = declarator.child_by_field_name("declarator") if declarator is not None else None
        if target is None:
            return None
        return self.named(node, target, ctx)

    def named(self, node: Node, target: Node, ctx: Ctx) -> Entry | None:
        return Entry((text(target),), "function", node, node, target)

    def params(self, entry: Entry) -> tuple[Param, ...]:
        declarator = function_declarator(entry.node)
        params = declarator.child_by_field_name("parameters") if declarator is not None else None
        if params is None:
            return ()
        return tuple(p for p in (self.param(c) for c in params.children) if p is not None)

    def param(self, node: Node) -> Param | None:
        if node.type in {"variadic_parameter", "..."}:
            return Param("...", kind="var_positional")
        if node.type not in PARAMS:
            return None
        name = innermost_name(node.child_by_field_name("declarator"))
        if name is None:
            return None if text(node) == "void" else Param("_", squash_lines(text(node)))
        default = node.child_by_field_name("default_value")
        value = text(default) or None
        annotation = without(node, name)
        if default is not None:
            annotation = annotation.rsplit("=", 1)[0].strip()
        return Param(text(name), annotation or None, value)

    def returns(self, entry: Entry) -> str | None:
        """The declared type plus the pointer/reference marks of the declarator (``int *``)."""
        kind = entry.node.child_by_field_name("type")
        if kind is None:
            return None
        marks = ""
        node = entry.node.child_by_field_name("declarator")
        while node is not None and node.type in WRAPPING:
            marks += {"pointer_declarator": "*", "reference_declarator": "&"}.get(node.type, "")
            node = inner(node)
        return (text(kind) + (" " + marks if marks else "")).strip()

    def is_async(self, entry: Entry) -> bool:
        return False

    def prepare(self, source: str) -> str:
        return blank_macro_lines(source)


def blank_macro_lines(source: str) -> str:
    """``source`` with each statement-like macro line (see ``MACRO_LINE``) turned into spaces."""
    if "_" not in source:
        return source
    lines = source.split("\n")
    previous = ""  # the last line with code on it
    for i, line in enumerate(lines):
        if MACRO_LINE.match(line) and ENDS_STATEMENT.search(previous):
            lines[i] = " " * len(line)
            continue
        if line.strip():
            previous = line
    return "\n".join(lines)


SPEC = C()


def starts_include(words: Sequence[str]) -> bool:
    return words[:2] in (["#", "include"], ["#", "import"])


def is_public(change: FunctionChange) -> bool:
    """Not ``static``: visible to other translation units."""
    return re.search(r"\bstatic\b", declaration(change)) is None


IMPORTS = Imports(starts_include, import_lines(r"""^\s*#\s*include\s*[<"]([^>"]+)[>"]"""))
LEXER = c_like(SLASH_COMMENTS, (DOUBLE, SINGLE_CHAR), IMPORTS.starts)
parser, scanner, sites = loaders(SPEC)
LANGUAGE = Language(
    name="c",
    extensions=(".c", ".h"),
    filenames=(),
    parser=parser,
    scanner=scanner,
    lexer=LEXER,
    imports=IMPORTS,
    references=ReferenceRules(sites, "c", global_names=True, entry_points=("main",)),
    words=Words(defines=("struct", "enum"), decorator="attribute"),
    is_public=is_public,
    test_files=("test_*.c", "*_test.c"),
)
