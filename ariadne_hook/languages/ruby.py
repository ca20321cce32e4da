"""Ruby: ``def`` in classes and modules (``Mod.Klass.method``), top-level defs, singleton methods.

``def self.x`` and the defs of a ``class << self`` block are ``Klass.x`` with the decorator ``singleton``.
Blocks (``each { ... }``, ``do ... end``) are not entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ariadne_hook.languages import Imports, Language, ReferenceRules, Words, import_lines
from ariadne_hook.languages.grammar import Ctx, Entry, Spec, head, loaders, text
from ariadne_hook.locate.trivial import DOUBLE, HASH_COMMENTS, SINGLE_STRING, c_like, starts
from ariadne_hook.models import Param

if TYPE_CHECKING:
    from tree_sitter import Node

SINGLETON = "singleton"
RAISES = frozenset({"raise", "fail"})
PARAM_KINDS = {
    "splat_parameter": "var_positional",
    "hash_splat_parameter": "var_keyword",
    "keyword_parameter": "keyword",
}


def call_name(node: Node) -> str:
    receiver = node.child_by_field_name("receiver")
    method = text(node.child_by_field_name("method"))
    return text(receiver) + "." + method if receiver is not None else method


class Ruby(Spec):
    module = "tree_sitter_ruby"
    class_types = frozenset({"class", "module"})
    call_types = frozenset({"call"})
    raise_types = frozenset({"call", "identifier"})
    return_types = frozenset({"return"})

    def entry(self, node: Node, ctx: Ctx) -> Entry | None:
        name = node.child_by_field_name("name")
        if node.type == "method":
            kind = "method" if ctx.in_type else "function"
            tags = (SINGLETON,) if ctx.tag == SINGLETON else ()
            return Entry((text(name),), kind, node, node, name, (), tags)
        if node.type == "singleton_method":
            owner = node.child_by_field_name("object")
            prefix = () if owner is None or owner.type == "self" else (text(owner),)
            return Entry((*prefix, text(name)), "method", node, node, name, (), (SINGLETON,))
        return None

    def scope(self, node: Node, ctx: Ctx) -> Ctx | None:
        if node.type in {"class", "module"}:
            return ctx.enter(*text(node.child_by_field_name("name")).split("::"), in_type=True)
        if node.type == "singleton_class":
            return Ctx(ctx.prefix, True, SINGLETON)
        return None

    def params(self, entry: Entry) -> tuple[Param, ...]:
        params = entry.node.child_by_field_name("parameters")
        if params is None:
            return ()
        return tuple(self.param(c) for c in params.named_children if c.type != "comment")

    def param(self, node: Node) -> Param:
        name = node.child_by_field_name("name")
        if name is None:
            return Param(text(node))
        value = node.child_by_field_name("value")
        prefix = "&" if node.type == "block_parameter" else ""
        return Param(prefix + text(name), None, text(value) or None, PARAM_KINDS.get(node.type, "positional"))

    def is_async(self, entry: Entry) -> bool:
        return False

    def callee(self, node: Node) -> str | None:
        return call_name(node)

    def raised(self, node: Node) -> str | None:
        """``raise Error, "x"`` -> ``Error``; a bare ``raise`` (re-raise) -> ``raise``."""
        if node.type == "identifier":
            bare = text(node) in RAISES and node.parent is not None and node.parent.type != "call"
            return text(node) if bare else None
        if node.child_by_field_name("receiver") is not None or call_name(node) not in RAISES:
            return None
        arguments = node.child_by_field_name("arguments")
        values = arguments.named_children if arguments is not None else []
        return ruby_head(values[0]) if values else text(node.child_by_field_name("method"))


def ruby_head(node: Node) -> str:
    """``Error.new("x")`` -> ``Error``; other expressions as written."""
    if node.type == "call" and text(node.child_by_field_name("method")) == "new":
        return text(node.child_by_field_name("receiver"))
    return head(node) if node.type != "call" else call_name(node)


SPEC = Ruby()


IMPORTS = Imports(
    starts("require", "require_relative"),
    import_lines(r"""^\s*require(?:_relative)?\s*\(?\s*['"]([^'"]+)['"]"""),
)
parser, scanner, sites = loaders(SPEC)
LANGUAGE = Language(
    name="ruby",
    extensions=(".rb", ".rake"),
    filenames=("Rakefile", "Gemfile"),
    parser=parser,
    scanner=scanner,
    lexer=c_like(HASH_COMMENTS, (DOUBLE, SINGLE_STRING), IMPORTS.starts),
    imports=IMPORTS,
    references=ReferenceRules(
        sites, "ruby", binding="ruby", global_names=True, implicit_this=True, bare_calls=True
    ),
    words=Words(defines=("def", "class", "module")),
    is_public=lambda change: True,  # every method: visibility is a runtime call
    test_files=("*_spec.rb", "*_test.rb", "test_*.rb"),
)
