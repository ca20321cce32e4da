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

import ast
import importlib
import re
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ariadne_hook.locate.languages import gc_paused
from ariadne_hook.locate.python import _line_mapper

if TYPE_CHECKING:
    from tree_sitter import Node

    from ariadne_hook.locate.treesitter import Spec

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
    """The occurrences of ``names`` on ``lines`` of ``text``; None when the file cannot be read."""
    if language == "python":
        return python_sites(text, names, lines)
    return treesitter_sites(text, language, names, lines)


# ---------------------------------------------------------------------------------------------- Python


def python_sites(text: str, names: Collection[str], lines: Iterable[int] = ()) -> FileSites | None:
    """Python occurrences; with ``lines``, only the statements that span one of them are walked (imports
    at the top level always are)."""
    source = text[1:] if text.startswith("\ufeff") else text
    try:
        with gc_paused():
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    git_line = _line_mapper(source)
    wanted = sorted(set(lines))
    if not wanted or re.search(r"\r(?!\n)", source):  # lone CRs: ast's lines are not git's, walk it all
        wanted = []
    found: list[Site] = []
    modules: dict[str, str] = {}
    shapes: dict[int, Shape] = {}
    stack: list[tuple[ast.AST, str]] = [(tree, "")]
    while stack:
        node, owner = stack.pop()
        if isinstance(node, ast.Call):
            shapes[id(node.func)] = _python_shape(node)
        elif isinstance(node, ast.Name):
            if node.id in names and isinstance(node.ctx, ast.Load):
                found.append(Site(node.id, git_line(node.lineno), BARE, call=shapes.get(id(node))))
            continue
        elif isinstance(node, ast.Attribute):
            if node.attr in names and isinstance(node.ctx, ast.Load):
                line = git_line(node.end_lineno or node.lineno)
                found.append(Site(node.attr, line, MEMBER, _receiver(node.value), shapes.get(id(node))))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name in names:
                found.append(Site(node.name, git_line(node.lineno), DEFINITION, owner))
            owner = ""
        elif isinstance(node, ast.ClassDef):
            owner = node.name
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.extend(_python_import(node, names, modules, git_line(node.lineno)))
            continue
        for child in ast.iter_child_nodes(node):
            if _spans(child, wanted) or (node is tree and isinstance(child, (ast.Import, ast.ImportFrom))):
                stack.append((child, owner))
    return FileSites(tuple(found), modules)


def _spans(node: ast.AST, wanted: Sequence[int]) -> bool:
    """True when ``node`` may hold one of the wanted lines (always without positions or wanted lines)."""
    start = getattr(node, "lineno", None)
    if not wanted or start is None:
        return True
    end = getattr(node, "end_lineno", None) or start
    decorators = getattr(node, "decorator_list", None)
    if decorators:  # a def's or a class's lineno is its def line: the decorators come before it
        start = min(start, *(d.lineno for d in decorators))
    index = bisect_left(wanted, start)
    return index < len(wanted) and wanted[index] <= end


def _receiver(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _python_import(
    node: ast.Import | ast.ImportFrom, names: Collection[str], modules: dict[str, str], line: int
) -> list[Site]:
    found: list[Site] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            modules[bound] = alias.name
        return found
    base = "." * node.level + (node.module or "")
    for alias in node.names:
        if alias.name in names:
            found.append(Site(alias.name, line, IMPORT, base))
        modules[alias.asname or alias.name] = f"{base}.{alias.name}" if base.strip(".") else alias.name
    return found


def _python_shape(call: ast.Call) -> Shape:
    starred = any(isinstance(a, ast.Starred) for a in call.args)
    keywords = tuple(k.arg for k in call.keywords if k.arg is not None)
    unpacked = starred or any(k.arg is None for k in call.keywords)
    return Shape(len(call.args), keywords, unpacked)


# ----------------------------------------------------------------------------------------- tree-sitter

_TS = "ariadne_hook.locate.treesitter."
_SPECS = {
    "javascript": (_TS + "javascript", "SPEC"),
    "typescript": (_TS + "typescript", "TS_SPEC"),
    "tsx": (_TS + "typescript", "TSX_SPEC"),
    "go": (_TS + "go", "SPEC"),
    "rust": (_TS + "rust", "SPEC"),
    "java": (_TS + "java", "SPEC"),
    "c": (_TS + "c", "SPEC"),
    "cpp": (_TS + "cpp", "SPEC"),
    "ruby": (_TS + "ruby", "SPEC"),
}
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


def _spec(language: str) -> Spec | None:
    target = _SPECS.get(language)
    if target is None:
        return None
    try:
        module = importlib.import_module(target[0])
    except ImportError:
        return None
    spec: Spec | None = getattr(module, target[1], None)
    return spec


def _root(spec: Spec, source: bytes) -> Node | None:
    from ariadne_hook.locate.treesitter import grammar

    try:
        from tree_sitter import Parser

        return Parser(grammar(spec.module, spec.function)).parse(source).root_node
    except (ImportError, ValueError, OSError):  # no grammar wheel, or it cannot load
        return None


def treesitter_sites(
    text: str, language: str, names: Collection[str], lines: Iterable[int]
) -> FileSites | None:
    spec = _spec(language)
    if spec is None:
        return None
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
            site = _classify(root.descendant_for_byte_range(start, end), match.group(), line)
            if site is not None:
                out.append(site)
    return FileSites(tuple(out), _modules(root, language), _package(root) if language == "go" else "")


def _text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def _field(node: Node) -> str | None:
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


def _classify(leaf: Node | None, name: str, line: int) -> Site | None:
    """What the occurrence ``leaf`` of ``name`` is, or None when it is no use of the name."""
    if leaf is None or leaf.type not in IDENTIFIERS or _text(leaf) != name or _broken(leaf):
        return None
    parent = leaf.parent
    if parent is None:
        return None
    place = (parent.type, _field(leaf))
    if place in MEMBERS:
        return _member(leaf, parent, place, name, line)
    if (
        parent.type == "method_reference"
        and parent.named_children
        and parent.named_children[-1].id == leaf.id
    ):
        receiver = parent.named_children[0] if len(parent.named_children) > 1 else None
        return Site(name, line, MEMBER, last_name(_text(receiver)), None, True)
    if place in DEFINITIONS:
        return Site(name, line, DEFINITION, _owner_of(parent))
    if place == ("function_declarator", "declarator"):
        return _declarator(parent, name, line)
    if place in BOUND_FUNCTIONS:
        value = parent.child_by_field_name("value")
        if value is None or value.type not in FUNCTION_VALUES:
            return None
        return Site(name, line, DEFINITION, _owner_of(parent))
    return _bare(leaf, parent, place, name, line)


def _declarator(declarator: Node, name: str, line: int, scope: str = "") -> Site:
    """C/C++: a definition when the function declarator heads a body, else a prototype."""
    owner = declarator.parent
    while owner is not None and owner.type in {"pointer_declarator", "reference_declarator"}:
        owner = owner.parent
    if owner is not None and owner.type == "function_definition":
        return Site(name, line, DEFINITION, scope or _owner_of(owner))
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


def _owner_of(definition: Node) -> str:
    """The type a definition belongs to (class, struct, impl, trait, Go receiver), "" for none."""
    if definition.type == "method_declaration" and definition.child_by_field_name("receiver") is not None:
        from ariadne_hook.locate.treesitter.go import receiver_type

        return receiver_type(definition)
    node = definition.parent
    while node is not None:
        if node.type in OWNERS:
            return last_name(_text(node.child_by_field_name("name")))
        if node.type == "impl_item":
            return last_name(_text(node.child_by_field_name("type")).split("<")[0])
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
        return _declarator(holder, name, line, last_name(_text(receiver)))  # void A::m() {...}
    if _inside(parent, "use_declaration"):
        return Site(name, line, IMPORT, _text(receiver).replace("::", "."))
    if holder is not None and holder.type in {"assignment_expression", "assignment"}:
        left = holder.child_by_field_name("left")
        if left is not None and left.id == parent.id:
            return None  # obj.f = ...: a (re)definition of a property, not a use
    call = parent if parent.type in CALLS_ITSELF else _call_of(parent)
    shape = _shape(call) if call is not None else None
    if receiver is None:
        return Site(name, line, BARE, "", shape) if parent.type in CALLS_ITSELF else None
    return Site(name, line, MEMBER, last_name(_text(receiver)), shape, parent.type in SCOPED)


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
        return Site(name, line, IMPORT, _text(path).replace("::", "."))
    if place == ("call_expression", "function"):
        return Site(name, line, BARE, "", _shape(parent))
    if place in VALUE_PLACES or (parent.type, None) in VALUE_PLACES:
        return Site(name, line, BARE)
    return None


def _call_of(callee: Node) -> Node | None:
    parent = callee.parent
    if parent is not None and parent.type == "call_expression" and _field(callee) == "function":
        return parent
    return None


def _shape(call: Node) -> Shape:
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
                keywords.append(_text(key))
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
    return _string(current.child_by_field_name("source")) if current is not None else ""


def _require_source(pattern_child: Node) -> str:
    """``const { f } = require("./m")`` -> ``./m`` for the ``f`` in the pattern."""
    pattern = pattern_child.parent
    declarator = pattern.parent if pattern is not None else None
    if declarator is None or declarator.type != "variable_declarator":
        return ""
    return _required(declarator.child_by_field_name("value"))


def _required(value: Node | None) -> str:
    if (
        value is None
        or value.type != "call_expression"
        or _text(value.child_by_field_name("function")) != "require"
    ):
        return ""
    arguments = value.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    return _string(first)


def _string(node: Node | None) -> str:
    return _text(node).strip("\"'`") if node is not None else ""


def _modules(root: Node, language: str) -> dict[str, str]:
    """Names bound to whole modules by the file's top-level imports (JS/TS/TSX and Go)."""
    found: dict[str, str] = {}
    for node in root.named_children:
        if node.type == "import_statement":
            source = _string(node.child_by_field_name("source"))
            for clause in (c for c in node.named_children if c.type == "import_clause"):
                for part in clause.named_children:
                    if part.type == "identifier":
                        found[_text(part)] = source
                    elif part.type == "namespace_import":
                        found.update(
                            (_text(c), source) for c in part.named_children if c.type == "identifier"
                        )
        elif node.type in {"lexical_declaration", "variable_declaration"}:
            for declarator in (c for c in node.named_children if c.type == "variable_declarator"):
                name = declarator.child_by_field_name("name")
                source = _required(declarator.child_by_field_name("value"))
                if source and name is not None and name.type == "identifier":
                    found[_text(name)] = source
        elif node.type == "import_declaration" and language == "go":
            for spec in _go_import_specs(node):
                path = _string(spec.child_by_field_name("path"))
                alias = spec.child_by_field_name("name")
                found[_text(alias) if alias is not None else path.rsplit("/", 1)[-1]] = path
    return found


def _go_import_specs(node: Node) -> list[Node]:
    specs: list[Node] = []
    for child in node.named_children:
        if child.type == "import_spec":
            specs.append(child)
        elif child.type == "import_spec_list":
            specs.extend(c for c in child.named_children if c.type == "import_spec")
    return specs


def _package(root: Node) -> str:
    for node in root.named_children:
        if node.type == "package_clause":
            return next((_text(c) for c in node.named_children if c.type == "package_identifier"), "")
    return ""
