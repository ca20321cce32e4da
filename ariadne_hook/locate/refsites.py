"""Where some names occur in one file, each occurrence classified by the file's own parser.

``sites(text, language, names, lines)`` reads only the word-bounded occurrences of ``names`` on the given
lines (the lines ``git grep`` found) and tells, for each, what the parser sees there: a bare use (``f(x)``,
``g = f``, ``[f]``), a member access (``obj.f``, ``pkg.F``, ``mod::f``, ``ns::f``), an import of the name, a
definition (a function or method of that name), or a C/C++ prototype. Occurrences in comments, strings,
parameter lists, type positions, object keys and error nodes are not sites. For a call, its shape (how many
positional arguments, which keywords, any unpacking) is kept, so the caller can test it against a signature.

Python is read with ``ast``; the eight other languages with their tree-sitter grammar (imported lazily, the
first time a file of that language is read). Line numbers are git's (1-based, split on ``\\n`` only).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

    from ariadne_hook.languages.grammar import Spec

BARE, MEMBER, IMPORT, DEFINITION, PROTOTYPE = "bare", "member", "import", "definition", "prototype"


@dataclass(frozen=True)
class Shape:
    """How a call passes its arguments."""

    positional: int
    keywords: tuple[str, ...] = ()
    unpacked: bool = False  # *args, **kw, ...spread, xs...: the count is unknown
    targets: int | None = None  # Go: how many values are assigned from the call (``a, err := f()``)


@dataclass(frozen=True)
class Site:
    name: str
    line: int
    role: str  # BARE | MEMBER | IMPORT | DEFINITION | PROTOTYPE
    receiver: str = (
        ""  # MEMBER: last name of what is before the dot ("self", "os", "mod"); IMPORT: the module
    )
    call: Shape | None = None  # set when the occurrence is what a call calls
    scoped: bool = False  # MEMBER through a path (``a::f``, ``A::m``) rather than a value (``x.f``)


@dataclass(frozen=True)
class FileSites:
    sites: tuple[Site, ...]
    modules: dict[str, str] = field(default_factory=dict)  # name bound by an import -> the module path
    package: str = ""  # Go: the file's package name


_WORD_END = re.compile(r"[\w$]+$")


def last_name(receiver: str) -> str:
    """``a.b.mod`` -> ``mod``; ``self`` -> ``self``; ``make()`` or ``x[0]`` -> "" (not a name)."""
    found = _WORD_END.search(receiver.strip())
    return found.group() if found else ""


def sites(text: str, language: str, names: Collection[str], lines: Iterable[int]) -> FileSites | None:
    """The occurrences of ``names`` on ``lines`` of ``text``; None when the file cannot be read (or its
    language has no parser). Each language's module says how (``ReferenceRules.sites``)."""
    from ariadne_hook.languages import language_named

    found = language_named(language)
    return None if found is None else found.references.sites(text, names, lines)


# ----------------------------------------------------------------------------------------- tree-sitter

IDENTIFIERS = frozenset(
    {
        "identifier",
        "property_identifier",
        "field_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
    }
)
# (parent type, the occurrence's field) -> the field holding the receiver
MEMBERS: dict[tuple[str, str | None], str] = {
    ("member_expression", "property"): "object",  # JS/TS
    ("selector_expression", "field"): "operand",  # Go
    ("field_expression", "field"): "value",  # Rust ("argument" in C/C++, tried too)
    ("scoped_identifier", "name"): "path",  # Rust a::f
    ("qualified_identifier", "name"): "scope",  # C++ ns::f
    ("method_invocation", "name"): "object",  # Java (no object: a bare call)
    ("field_access", "field"): "object",  # Java
    ("call", "method"): "receiver",  # Ruby (no receiver: a bare call)
}
SCOPED = frozenset({"scoped_identifier", "qualified_identifier", "method_reference"})
CALLS_ITSELF = frozenset({"method_invocation", "call"})  # the member node is the call (Java, Ruby)
DEFINITIONS = {
    ("function_declaration", "name"),
    ("generator_function_declaration", "name"),
    ("method_definition", "name"),
    ("method_declaration", "name"),
    ("function_item", "name"),
    ("function_signature_item", "name"),
    ("method", "name"),
    ("singleton_method", "name"),
    ("method_signature", "name"),
    ("abstract_method_signature", "name"),
    ("function_signature", "name"),
}
FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
BOUND_FUNCTIONS = {("variable_declarator", "name"), ("pair", "key"), ("public_field_definition", "name")}
BOUND_FUNCTIONS |= {("field_definition", "property")}
VALUE_PLACES = {
    ("variable_declarator", "value"),
    ("assignment_expression", "right"),
    ("assignment", "right"),
    ("init_declarator", "value"),
    ("let_declaration", "value"),
    ("return_statement", None),
    ("return_expression", None),
    ("arguments", None),
    ("argument_list", None),
    ("array", None),
    ("export_specifier", "name"),
}
SPREADS = frozenset(
    {"spread_element", "variadic_argument", "splat_argument", "hash_splat_argument", "dictionary_splat"}
)
SKIPPED_ARGUMENTS = frozenset({"comment", "block_argument", "line_comment", "block_comment"})


def _root(spec: Spec, source: bytes) -> Node | None:
    from ariadne_hook.locate.treesitter import grammar

    try:
        from tree_sitter import Parser

        return Parser(grammar(spec.module, spec.function)).parse(source).root_node
    except (ImportError, ValueError, OSError):  # no grammar wheel, or it cannot load
        return None


def treesitter_sites(spec: Spec, text: str, names: Collection[str], lines: Iterable[int]) -> FileSites | None:
    """The occurrences of ``names`` on ``lines`` of a file the grammar of ``spec`` reads."""
    prepared = spec.prepare(text[1:] if text.startswith("\ufeff") else text)
    source = prepared.encode("utf-8", errors="surrogatepass")
    root = _root(spec, source)
    if root is None:
        return None
    starts = [0]
    for found in re.finditer(rb"\n", source):
        starts.append(found.end())
    word = re.compile(r"(?<![\w$])(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")"
                      r"(?![\w$])")  # fmt: skip
    text_lines = prepared.split("\n")
    out: list[Site] = []
    for line in sorted(set(lines)):
        if not 1 <= line <= len(text_lines):
            continue
        raw = text_lines[line - 1]
        for match in word.finditer(raw):
            start = starts[line - 1] + len(raw[: match.start()].encode("utf-8", errors="surrogatepass"))
            end = start + len(match.group().encode("utf-8", errors="surrogatepass"))
            site = _classify(spec, root.descendant_for_byte_range(start, end), match.group(), line)
            if site is not None:
                out.append(site)
    return FileSites(tuple(out), spec.modules(root), spec.package(root))


def node_text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def field_of(node: Node) -> str | None:
    parent = node.parent
    if parent is None:
        return None
    for index, child in enumerate(parent.children):
        if child.id == node.id:
            return parent.field_name_for_child(index)
    return None


def _broken(node: Node) -> bool:
    current: Node | None = node
    while current is not None:
        if current.is_error or current.is_missing:
            return True
        current = current.parent
    return False


def _classify(spec: Spec, leaf: Node | None, name: str, line: int) -> Site | None:
    """What the occurrence ``leaf`` of ``name`` is, or None when it is no use of the name."""
    if leaf is None or leaf.type not in IDENTIFIERS or node_text(leaf) != name or _broken(leaf):
        return None
    own = spec.reference(leaf, name, line)
    if own is not False:
        return own if isinstance(own, Site) else None
    parent = leaf.parent
    if parent is None:
        return None
    place = (parent.type, field_of(leaf))
    if place in MEMBERS:
        return _member(leaf, parent, place, name, line)
    if (
        parent.type == "method_reference"
        and parent.named_children
        and parent.named_children[-1].id == leaf.id
    ):
        receiver = parent.named_children[0] if len(parent.named_children) > 1 else None
        return Site(name, line, MEMBER, last_name(node_text(receiver)), None, True)
    if place in DEFINITIONS:
        return Site(name, line, DEFINITION, _owner_of(spec, parent))
    if place == ("function_declarator", "declarator"):
        return _declarator(parent, name, line)
    if place in BOUND_FUNCTIONS:
        value = parent.child_by_field_name("value")
        if value is None or value.type not in FUNCTION_VALUES:
            return None
        return Site(name, line, DEFINITION, _owner_of(spec, parent))
    return _bare(leaf, parent, place, name, line)


def _declarator(declarator: Node, name: str, line: int, scope: str = "") -> Site:
    """C/C++: a definition when the function declarator heads a body, else a prototype."""
    owner = declarator.parent
    while owner is not None and owner.type in {"pointer_declarator", "reference_declarator"}:
        owner = owner.parent
    if owner is not None and owner.type == "function_definition":
        return Site(name, line, DEFINITION, scope or _owner_of(None, owner))
    return Site(name, line, PROTOTYPE)


OWNERS = frozenset(
    {
        "class_declaration",
        "abstract_class_declaration",
        "class",
        "class_specifier",
        "struct_specifier",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
        "trait_item",
        "module",
    }
)


def _owner_of(spec: Spec | None, definition: Node) -> str:
    """The type a definition belongs to (class, struct, impl, trait, Go receiver), "" for none."""
    declared = spec.owner(definition) if spec is not None else None
    if declared is not None:
        return declared
    node = definition.parent
    while node is not None:
        if node.type in OWNERS:
            return last_name(node_text(node.child_by_field_name("name")))
        if node.type == "impl_item":
            return last_name(node_text(node.child_by_field_name("type")).split("<")[0])
        if node.type in {"function_definition", "function_declaration", "method_definition", "function_item"}:
            return ""  # nested in a function
        node = node.parent
    return ""


def _member(leaf: Node, parent: Node, place: tuple[str, str | None], name: str, line: int) -> Site | None:
    receiver = parent.child_by_field_name(MEMBERS[place])
    if receiver is None and parent.type == "field_expression":
        receiver = parent.child_by_field_name("argument")
    holder = parent.parent
    if parent.type == "qualified_identifier" and holder is not None and holder.type == "function_declarator":
        return _declarator(holder, name, line, last_name(node_text(receiver)))  # void A::m() {...}
    if _inside(parent, "use_declaration"):
        return Site(name, line, IMPORT, node_text(receiver).replace("::", "."))
    if holder is not None and holder.type in {"assignment_expression", "assignment"}:
        left = holder.child_by_field_name("left")
        if left is not None and left.id == parent.id:
            return None  # obj.f = ...: a (re)definition of a property, not a use
    call = parent if parent.type in CALLS_ITSELF else _call_of(parent)
    shape = shape_of(call) if call is not None else None
    if receiver is None:
        return Site(name, line, BARE, "", shape) if parent.type in CALLS_ITSELF else None
    return Site(name, line, MEMBER, last_name(node_text(receiver)), shape, parent.type in SCOPED)


def _inside(node: Node, kind: str) -> bool:
    current: Node | None = node
    while current is not None:
        if current.type == kind:
            return True
        current = current.parent
    return False


def _bare(leaf: Node, parent: Node, place: tuple[str, str | None], name: str, line: int) -> Site | None:
    if leaf.type == "shorthand_property_identifier":
        return Site(name, line, BARE)
    if place == ("import_specifier", "name"):
        return Site(name, line, IMPORT, _import_source(parent))
    if leaf.type == "shorthand_property_identifier_pattern":
        source = _require_source(parent)
        return Site(name, line, IMPORT, source) if source else None
    if leaf.type != "identifier":
        return None
    if parent.type == "use_list" or place == ("use_as_clause", "path"):
        scoped = parent.parent
        path = scoped.child_by_field_name("path") if scoped is not None else None
        return Site(name, line, IMPORT, node_text(path).replace("::", "."))
    if place == ("call_expression", "function"):
        return Site(name, line, BARE, "", shape_of(parent))
    if place in VALUE_PLACES or (parent.type, None) in VALUE_PLACES:
        return Site(name, line, BARE)
    return None


def _call_of(callee: Node) -> Node | None:
    parent = callee.parent
    if parent is not None and parent.type == "call_expression" and field_of(callee) == "function":
        return parent
    return None


def shape_of(call: Node) -> Shape:
    arguments = call.child_by_field_name("arguments")
    positional, keywords, unpacked = 0, [], False
    for argument in arguments.named_children if arguments is not None else []:
        if argument.type in SKIPPED_ARGUMENTS:
            continue
        if argument.type in SPREADS:
            unpacked = True
        elif argument.type == "pair":  # Ruby keyword argument `key: value`
            key = argument.child_by_field_name("key")
            if key is not None and key.type == "hash_key_symbol":
                keywords.append(node_text(key))
            else:
                unpacked = True
        else:
            positional += 1
    return Shape(positional, tuple(keywords), unpacked, _targets(call))


def _targets(call: Node) -> int | None:
    """Go: how many names ``a, b := f()`` / ``a, b = f()`` / ``var a, b = f()`` assign from the call."""
    values = call.parent
    if values is None or values.type != "expression_list" or len(values.named_children) != 1:
        return None
    holder = values.parent
    if holder is None:
        return None
    if holder.type in {"short_var_declaration", "assignment_statement"}:
        left = holder.child_by_field_name("left")
        return len(left.named_children) if left is not None else None
    if holder.type == "var_spec":
        return len(holder.children_by_field_name("name"))
    return None


# ------------------------------------------------------------------------------- imports, package names


def _import_source(node: Node) -> str:
    current: Node | None = node
    while current is not None and current.type != "import_statement":
        current = current.parent
    return quoted(current.child_by_field_name("source")) if current is not None else ""


def _require_source(pattern_child: Node) -> str:
    """``const { f } = require("./m")`` -> ``./m`` for the ``f`` in the pattern."""
    pattern = pattern_child.parent
    declarator = pattern.parent if pattern is not None else None
    if declarator is None or declarator.type != "variable_declarator":
        return ""
    return required_module(declarator.child_by_field_name("value"))


def required_module(value: Node | None) -> str:
    """``require("./m")`` -> ``./m``; "" for any other value."""
    if (
        value is None
        or value.type != "call_expression"
        or node_text(value.child_by_field_name("function")) != "require"
    ):
        return ""
    arguments = value.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    return quoted(first)


def quoted(node: Node | None) -> str:
    """A string literal's text without its quotes."""
    return node_text(node).strip("\"'`") if node is not None else ""
