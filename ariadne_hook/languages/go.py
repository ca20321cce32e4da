"""Go: functions, and methods as ``Type.Method`` for value, pointer and generic receivers.

Function literals are not entries: their lines belong to the function around them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ariadne_hook.languages import Imports, Language, ReferenceRules, Words, import_lines
from ariadne_hook.languages.grammar import Ctx, Entry, Spec, loaders, text
from ariadne_hook.locate.refsites import quoted
from ariadne_hook.locate.trivial import BACKTICK, DOUBLE, SINGLE_CHAR, SLASH_COMMENTS, c_like, starts
from ariadne_hook.models import Param

if TYPE_CHECKING:
    from tree_sitter import Node

    from ariadne_hook.models import FunctionChange


def receiver_type(method: Node) -> str:
    """``(s *Server)`` -> ``Server``; ``(l List[T])`` -> ``List``."""
    receiver = method.child_by_field_name("receiver")
    declaration = receiver.named_children[0] if receiver is not None and receiver.named_children else None
    node = declaration.child_by_field_name("type") if declaration is not None else None
    while node is not None and node.type in {"pointer_type", "generic_type", "parenthesized_type"}:
        node = node.child_by_field_name("type") or (node.named_children[0] if node.named_children else None)
    return text(node)


def import_specs(node: Node) -> list[Node]:
    specs: list[Node] = []
    for child in node.named_children:
        if child.type == "import_spec":
            specs.append(child)
        elif child.type == "import_spec_list":
            specs.extend(c for c in child.named_children if c.type == "import_spec")
    return specs


class Go(Spec):
    module = "tree_sitter_go"
    call_types = frozenset({"call_expression", "type_conversion_expression"})
    raise_types = frozenset({"call_expression"})
    return_types = frozenset({"return_statement"})

    def callee(self, node: Node) -> str | None:
        """``pkg.NewLRU[K, V](n)`` calls ``pkg.NewLRU``: the grammar reads a call with type arguments as a
        conversion to a generic type, which it cannot tell apart; any other conversion (``[]byte(s)``) is
        no call."""
        if node.type == "type_conversion_expression":
            generic = node.child_by_field_name("type")
            named = (
                generic.child_by_field_name("type")
                if generic is not None and generic.type == "generic_type"
                else None
            )
            return text(named) if named is not None else None
        return super().callee(node)

    def entry(self, node: Node, ctx: Ctx) -> Entry | None:
        if node.type not in {"function_declaration", "method_declaration"}:
            return None
        if node.child_by_field_name("body") is None:
            return None  # an assembly-backed declaration
        name = node.child_by_field_name("name")
        if node.type == "method_declaration":
            return Entry((receiver_type(node), text(name)), "method", node, node, name)
        return Entry((text(name),), "function", node, node, name)

    def owner(self, definition: Node) -> str | None:
        """A method's receiver type is its owner."""
        if definition.type == "method_declaration" and definition.child_by_field_name("receiver") is not None:
            return receiver_type(definition)
        return None

    def modules(self, root: Node) -> dict[str, str]:
        """``import "x/y/store"`` binds ``store``; ``import s "x/y/store"`` binds ``s``."""
        found: dict[str, str] = {}
        for node in (n for n in root.named_children if n.type == "import_declaration"):
            for spec in import_specs(node):
                path = quoted(spec.child_by_field_name("path"))
                alias = spec.child_by_field_name("name")
                found[text(alias) if alias is not None else path.rsplit("/", 1)[-1]] = path
        return found

    def package(self, root: Node) -> str:
        for node in (n for n in root.named_children if n.type == "package_clause"):
            return next((text(c) for c in node.named_children if c.type == "package_identifier"), "")
        return ""

    def class_span(self, node: Node, ctx: Ctx, inner: Ctx | None) -> tuple[tuple[str, ...], Node] | None:
        """``type Server struct {...}`` (any type declaration) is ``Server``; the span starts at ``type``
        when the declaration declares only this type."""
        if node.type not in {"type_spec", "type_alias"}:
            return None
        parent = node.parent
        alone = parent is not None and parent.type == "type_declaration" and len(parent.named_children) == 1
        return (*ctx.prefix, text(node.child_by_field_name("name"))), parent if alone and parent else node

    def params(self, entry: Entry) -> tuple[Param, ...]:
        params = entry.node.child_by_field_name("parameters")
        if params is None:
            return ()
        return tuple(p for declaration in params.named_children for p in self.declared(declaration))

    def declared(self, declaration: Node) -> tuple[Param, ...]:
        """``a, b int`` gives two params; an unnamed ``int`` gives ``_``."""
        if declaration.type not in {"parameter_declaration", "variadic_parameter_declaration"}:
            return ()
        kind = "var_positional" if declaration.type == "variadic_parameter_declaration" else "positional"
        type_text = text(declaration.child_by_field_name("type"))
        if kind == "var_positional":
            type_text = "..." + type_text
        names = [text(c) for c in declaration.children_by_field_name("name")] or ["_"]
        return tuple(Param(name, type_text or None, None, kind) for name in names)

    def returns(self, entry: Entry) -> str | None:
        result = entry.node.child_by_field_name("result")
        return text(result) or None

    def is_async(self, entry: Entry) -> bool:
        return False

    def raised(self, node: Node) -> str | None:
        if text(node.child_by_field_name("function")) != "panic":
            return None
        arguments = node.child_by_field_name("arguments")
        values = arguments.named_children if arguments is not None else []
        if not values:
            return "panic()"
        value = " ".join(text(values[0]).split())
        return f"panic({value if len(value) <= 60 else value[:59] + chr(0x2026)})"


SPEC = Go()


def is_public(change: FunctionChange) -> bool:
    """Every part of the name capitalized: an exported function, an exported method of an exported type."""
    return all(part[:1].isupper() for part in change.qualname.split("."))


# an import line, or a line of an import block: `"fmt"`, `alias "net/http"`
IMPORTS = Imports(starts("import"), import_lines(r"""^\s*(?:import\s+)?(?:[\w.]+\s+)?"([^"]+)"\s*$"""))
parser, scanner, sites = loaders(SPEC)
LANGUAGE = Language(
    name="go",
    extensions=(".go",),
    filenames=(),
    parser=parser,
    scanner=scanner,
    lexer=c_like(SLASH_COMMENTS, (DOUBLE, SINGLE_CHAR, BACKTICK), IMPORTS.starts),  # raw strings
    imports=IMPORTS,
    references=ReferenceRules(
        sites, "go", entry_points=("init", "main"), package_folders=True, result_count=True
    ),
    words=Words(defines=("func",)),
    is_public=is_public,
    test_files=("*_test.go",),
)
