"""What a function body does, read from its tree-sitter nodes in one pass (every grammar).

Besides the calls, raises and returns of ``FunctionFacts``: control flow (``if``, ``else``, loops, ``try``,
``switch``/``match``/``case``, ``defer``, ``go``, ``return``, ``break``...), the blocks of ``if`` / ``while``
/ ``for`` / ``switch`` / ternaries (their head, the first statement of their body and of their ``else``),
literals (numbers, strings, booleans, with the name they are bound or compared to), assigned names (a field
set in a struct literal as ``Type.Field``) and the names read (not a function literal's parameters: it defines
them). In a test function, the rows of a table of cases (a slice of struct literals, an array of objects) and
``t.Run("name", ...)`` subtests are its cases: their words are not read as literals or names. A call whose
callee is a function literal (``defer func() {...}()``, an IIFE, a called closure) is not a call: its body's
calls are. Node types are those of the grammar wheels; they rarely collide across grammars, so one table
serves all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from ariadne_hook.locate.languages import holding
from ariadne_hook.locate.snippets import MAX_TEXT, STATEMENT_TEXT, clip, one_line
from ariadne_hook.models import Block, FunctionFacts

if TYPE_CHECKING:
    from tree_sitter import Node

FLOW = {
    **dict.fromkeys(("if_statement", "if_expression", "if", "unless"), "if"),
    **dict.fromkeys(("if_modifier", "unless_modifier"), "if"),
    **dict.fromkeys(("for_statement", "for_in_statement", "for_expression", "enhanced_for_statement"), "for"),
    **dict.fromkeys(("for", "for_range_loop"), "for"),
    **dict.fromkeys(("while_statement", "while_expression", "while", "until", "do_statement"), "while"),
    **dict.fromkeys(("while_modifier", "until_modifier"), "while"),
    "loop_expression": "loop",
    **dict.fromkeys(("try_statement", "try_with_resources_statement", "rescue"), "try"),
    **dict.fromkeys(("switch_statement", "expression_switch_statement", "type_switch_statement"), "switch"),
    "switch_expression": "switch",
    "select_statement": "select",
    "match_expression": "match",
    "when_expression": "switch",  # Kotlin's when; its branches are when_entry
    "when_entry": "case",
    "try_expression": "try",
    "do_while_statement": "while",
    "case": "case",
    "defer_statement": "defer",
    "go_statement": "go",
    **dict.fromkeys(("return_statement", "return_expression", "return"), "return"),
    **dict.fromkeys(("break_statement", "break_expression", "break"), "break"),
    **dict.fromkeys(("continue_statement", "continue_expression", "next"), "continue"),
    "goto_statement": "goto",
}
TERNARIES = frozenset(("ternary_expression", "conditional_expression", "conditional"))
# flow words that open a block with a head
HEADED = frozenset(("if", "while", "for", "switch", "select", "match"))
# the nodes that wrap the statements of a body or an else branch
WRAPPERS = frozenset(
    (
        "block",
        "statement_block",
        "statement_list",
        "compound_statement",
        "else_clause",
        "body_statement",
        "else",
    )
)
LITERALS = frozenset(
    (
        *("interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal", "rune_literal"),
        *("imaginary_literal", "string", "template_string", "number", "regex", "true", "false"),
        *("string_literal", "text_block", "decimal_integer_literal", "hex_integer_literal"),
        *("character_literal",),
        *("octal_integer_literal", "binary_integer_literal", "decimal_floating_point_literal"),
        *("integer_literal", "char_literal", "boolean_literal", "number_literal", "concatenated_string"),
        *("integer", "float", "simple_symbol"),
    )
)
# node type -> the field holding what it assigns
ASSIGNS = {
    **dict.fromkeys(("short_var_declaration", "assignment_statement", "range_clause"), "left"),
    **dict.fromkeys(("var_spec", "const_spec", "variable_declarator"), "name"),
    **dict.fromkeys(("assignment_expression", "augmented_assignment_expression"), "left"),
    **dict.fromkeys(("compound_assignment_expr", "assignment", "operator_assignment"), "left"),
    "let_declaration": "pattern",
    "init_declarator": "declarator",
}
# a name, or a chain of names read as one (``c.flags``, ``self.x``, ``a::b``, ``@x``)
NAMES = frozenset(
    (
        *("identifier", "selector_expression", "member_expression", "field_access", "field_expression"),
        *("scoped_identifier", "instance_variable", "qualified_identifier", "constant", "scope_resolution"),
    )
)
FUNCTION_LITERALS = frozenset(
    ("func_literal", "function_expression", "function", "arrow_function", "closure_expression")
    + ("lambda_expression",)
)
# a function literal, a lambda or a block with parameters (Kotlin's and Ruby's too): its parameters are
# defined there, not read; found by a field, else (Kotlin) by the type of a child
LAMBDAS = FUNCTION_LITERALS | {"lambda_literal", "anonymous_function", "do_block", "block", "lambda"}
_PARAMETER_FIELDS = ("parameters", "parameter", "declarator")
_PARAMETER_LISTS = frozenset(("lambda_parameters", "function_value_parameters"))
_FIELDLESS = frozenset(("lambda_literal", "anonymous_function"))  # Kotlin: a child of those types
# call node type -> the field that ends its callee
CALL_HEADS = {
    **dict.fromkeys(("call_expression", "macro_invocation"), "function"),
    "macro_invocation": "macro",
    "method_invocation": "name",
    "new_expression": "constructor",
    "object_creation_expression": "type",
    "type_conversion_expression": "type",  # Go: a call with type arguments reads as one
    "call": "method",
}
_PASS_UP = frozenset(("expression_list", "literal_element", "parenthesized_expression", "unary_expression"))
_BINDERS = frozenset(("keyed_element", "pair", "binary_expression", "binary", *ASSIGNS))
TABLES = {"literal_value": "literal_value", "array": "object"}  # a table node -> the type of its rows
MAX_NAME = 80
_SEQUENCES = ("slice_type", "array_type", "implicit_length_array_type")  # Go: []T, [2]T, [...]T


def _text(node: Node | None) -> str:
    return "" if node is None or node.text is None else node.text.decode("utf-8", errors="replace")


def unwrap(node: Node) -> Node:
    """``(x)`` -> ``x``."""
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


@dataclass
class Body:
    flow: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    literals: list[tuple[str, str]] = field(default_factory=list)
    assigned: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    skip_names_until: int = 0  # byte offset: the nodes before it are inside a callee, a target or a name
    is_test: bool = False  # a test function: its tables of cases are read as cases


def is_function_literal_call(node: Node) -> bool:
    function = node.child_by_field_name("function")
    return function is not None and unwrap(function).type in FUNCTION_LITERALS


def read_node(node: Node, body: Body) -> None:
    """Add what ``node`` says to ``body`` (nodes come in source order, parents first)."""
    kind = node.type
    word = FLOW.get(kind)
    if word is not None:
        body.flow.append(word)
        if word in HEADED:
            _block(node, word, body)
    elif kind in TERNARIES:
        condition = node.child_by_field_name("condition")
        if condition is not None:
            body.blocks.append(("ternary", one_line(_text(unwrap(condition))), "", "", False, ""))
    if kind in LAMBDAS:
        _skip_parameters(node, body)
    inside = node.start_byte < body.skip_names_until
    if body.is_test and not inside and kind in TABLES and _table(node, body):
        return
    if kind == "keyed_element" and not inside:
        _field_set(node, body)
    if kind in LITERALS:
        if not inside:
            body.literals.append((_bound_name(node), clip(_text(node))))
        body.skip_names_until = max(body.skip_names_until, node.end_byte)
    elif kind in ASSIGNS:
        target = node.child_by_field_name(ASSIGNS[kind])
        if target is not None:
            body.assigned.extend(_targets(target))
            body.skip_names_until = max(body.skip_names_until, target.end_byte)
    elif kind in NAMES and not inside:
        name = " ".join(_text(node).split())
        if len(name) <= MAX_NAME and "(" not in name:
            body.names.append(name)
            body.skip_names_until = max(body.skip_names_until, node.end_byte)
    head = CALL_HEADS.get(kind)
    callee = node.child_by_field_name(head) if head is not None else None
    if callee is None and head == "function" and node.named_children:  # a call without fields (Kotlin)
        callee = node.named_children[0]
    if callee is not None:  # the callee (and a receiver before it) is a call, not a name read
        body.skip_names_until = max(body.skip_names_until, callee.end_byte)
        if body.is_test and not inside and _text(callee).endswith(".Run"):
            _subtest(node, _text(callee), body)


def _skip_parameters(node: Node, body: Body) -> None:
    """The parameters of a function literal (``func(ctx context.Context)``, ``(a, b) =>``, ``|v|``,
    ``{ v -> ...}``) are names it defines: none of them is read (nor a default value in them)."""
    found = next((p for p in map(node.child_by_field_name, _PARAMETER_FIELDS) if p is not None), None)
    if found is None and node.type in _FIELDLESS:
        found = next((c for c in node.named_children if c.type in _PARAMETER_LISTS), None)
    if found is not None:
        body.skip_names_until = max(body.skip_names_until, found.end_byte)


def _block(node: Node, word: str, body: Body) -> None:
    """The block of an if / while / for / switch / match node; an ``else`` that is not an ``else if``."""
    condition = node.child_by_field_name("condition")
    checked = ""  # what the head checks, where it holds more (a Go switch's head is its tag alone)
    if condition is None or word in ("for", "switch", "select", "match"):
        head = _head(node)
    else:
        head = one_line(_text(unwrap(condition)))
        initializer = node.child_by_field_name("initializer")  # Go: ``if err := f(); err != nil``
        if initializer is not None:  # the condition whole, the init statement cut to the room left
            init, room, checked = one_line(_text(initializer)), MAX_TEXT - len(head) - 2, head
            head = f"{init if len(init) <= room else init[: max(room - 1, 0)] + chr(0x2026)}; {head}"
    consequence = node.child_by_field_name("consequence") or node.child_by_field_name("body")
    orelse = ""
    alternative = node.child_by_field_name("alternative") if word == "if" else None
    if alternative is not None:
        inner = alternative
        if inner.type == "else_clause" and inner.named_children:
            inner = inner.named_children[0]
        if FLOW.get(inner.type) != "if" and inner.type != "elsif":
            orelse = first_statement(inner)
            body.flow.append("else")
    parent = node.parent
    is_elif = (
        word == "if"
        and parent is not None
        and (parent.type == "else_clause" or FLOW.get(parent.type) == "if")
    )
    keyword = "elif" if is_elif else word
    then = first_statement(consequence) if consequence is not None else ""
    leaves = consequence is not None and _leaves(consequence)
    body.blocks.append((keyword, head, then, orelse, leaves, checked))


def _head(node: Node) -> str:
    """The head of a loop or switch: its ``value`` field, else its text before its body, keyword aside."""
    value = node.child_by_field_name("value")
    if value is not None and node.child_by_field_name("body") is None:
        return one_line(_text(unwrap(value)))
    body = node.child_by_field_name("body")
    if body is None:  # a Go switch / select: its cases follow its opening brace
        body = next((c for c in node.children if c.type == "{"), None)
    source = node.text or b""
    if body is not None:
        source = source[: body.start_byte - node.start_byte]
    words = source.decode("utf-8", errors="replace").split(None, 1)
    return one_line(words[1] if len(words) > 1 else "").strip("({ )")


def _leaves(node: Node) -> bool:
    """True when the last statement of a body returns, throws, panics, breaks or continues."""
    while node.type in WRAPPERS:
        children = [c for c in node.named_children if "comment" not in c.type]
        if not children:
            return False
        node = children[-1]
    word = FLOW.get(node.type)
    return word in ("return", "break", "continue") or "throw" in node.type or _text(node).startswith("panic(")


def first_statement(node: Node) -> str:
    """The first statement inside a body or an else branch (comments aside), in one short line."""
    while node.type in WRAPPERS:
        children = [c for c in node.named_children if "comment" not in c.type]
        if not children:
            return ""
        node = children[0]
    return one_line(_text(node), STATEMENT_TEXT)


def _table(node: Node, body: Body) -> bool:
    """A literal whose elements are two or more rows (struct literals, objects) is a table of cases; so is a
    Go slice or array of struct literals with one row (``[]Case{{A: "x"}}``): a table that grows from one
    row to two stays a table, its first row is not told as added."""
    row_type = TABLES[node.type]
    parent = node.parent
    kind = (
        parent.child_by_field_name("type")
        if parent is not None and parent.type == "composite_literal"
        else None
    )
    least = 1 if kind is not None and kind.type in _SEQUENCES else 2
    rows = [
        unwrap(c.named_children[0]) if c.type == "literal_element" and c.named_children else c
        for c in node.named_children
    ]
    rows = [r for r in rows if "comment" not in r.type]
    if len(rows) < least or any(r.type != row_type for r in rows):
        return False
    body.cases.extend(clip(_uncommented(_text(row))) for row in rows)
    body.skip_names_until = max(body.skip_names_until, node.end_byte)
    return True


_COMMENTS = re.compile(r""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`[^`]*`|(//[^\n]*|/\*[\s\S]*?\*/)""")


def _uncommented(text: str) -> str:
    """A row of cases without the comments written inside it (``{ // Date only.`` ...): a comment edited
    or added is no change of the case, and never its name."""
    if "/" not in text:
        return text
    return _COMMENTS.sub(lambda found: "" if found.group(1) else found.group(), text)


def _subtest(call: Node, callee: str, body: Body) -> None:
    arguments = call.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    if first is not None and first.type in LITERALS:
        body.cases.append(f"{callee}({clip(_text(first))})")


def _field_set(node: Node, body: Body) -> None:
    """``GroupID: x`` in ``Command{...}``: the field ``Command.GroupID`` is set (its key is not a read)."""
    key = node.named_children[0] if node.named_children else None
    name = unwrap(key.named_children[0]) if key is not None and key.named_children else key
    if key is None or name is None or name.type not in ("identifier", "field_identifier"):
        return
    literal = node.parent.parent if node.parent is not None else None
    kind = (
        literal.child_by_field_name("type")
        if literal is not None and literal.type == "composite_literal"
        else None
    )
    type_name = _text(kind).lstrip("*&") if kind is not None else ""
    plain = type_name and len(type_name) <= MAX_NAME and not any(c in type_name for c in "{[( ")
    body.assigned.append(f"{type_name}.{_text(name)}" if plain else _text(name))
    body.skip_names_until = max(body.skip_names_until, key.end_byte)


def _targets(target: Node) -> Iterable[str]:
    parts = target.named_children if target.type in ("expression_list", "tuple_pattern") else [target]
    for part in parts:
        while part.type in ("pointer_declarator", "reference_declarator") and part.named_children:
            part = part.named_children[-1]
        name = " ".join(_text(part).split())
        if name and len(name) <= MAX_NAME and "(" not in name:
            yield name


def _bound_name(node: Node) -> str:
    """The name a literal is assigned to, keyed by, or compared with ("" when none)."""
    parent, child = node.parent, node
    for _ in range(3):
        if parent is None or parent.type not in _PASS_UP:
            break
        child = parent
        parent = parent.parent
    if parent is None or parent.type not in _BINDERS:
        return ""
    if parent.type in ASSIGNS:
        target = parent.child_by_field_name(ASSIGNS[parent.type])
        names = list(_targets(target)) if target is not None and target.id != child.id else []
        return names[0] if len(names) == 1 else ""
    if parent.type in ("keyed_element", "pair"):
        first = parent.named_children[0] if parent.named_children else None
        key = parent.child_by_field_name("key") or first
        if key is None or key.id == child.id:
            return ""
        return " ".join(_text(key).split()).strip("\"'")[:MAX_NAME]
    others = [c for c in (parent.child_by_field_name("left"), parent.child_by_field_name("right")) if c]
    other = next((c for c in others if c.id != child.id), None)
    return " ".join(_text(other).split()) if other is not None and other.type in NAMES else ""


# ---------------------------------------------------------------------------------------- module level

# declarations outside functions: node type -> the field holding the name(s) it binds
MODULE_ASSIGNS = {
    **dict.fromkeys(("const_spec", "var_spec", "variable_declarator", "const_item", "static_item"), "name"),
    "init_declarator": "declarator",
    **dict.fromkeys(("assignment", "assignment_expression"), "left"),
}
Statement = tuple[int, int, list[str], str]  # first line, last line, names bound, literal value text or ""


def module_facts(root: Node, entry_ids: frozenset[int]) -> Callable[[frozenset[int]], FunctionFacts]:
    """Facts of the declarations outside any function that hold some of the given lines: ``assigned`` their
    names, ``literals`` (name, value) for a literal value, ``names`` every name declared so on this side."""

    @cache
    def statements() -> list[Statement]:  # on the first call only: most files have no module-level change
        out: list[Statement] = []  # in source order: a pre-order walk that never enters what it keeps
        stack = [root]
        while stack:
            node = stack.pop()
            field_name = MODULE_ASSIGNS.get(node.type)
            if node.id in entry_ids:
                continue
            if field_name is None:
                stack.extend(reversed(node.named_children))
                continue
            target = node.child_by_field_name(field_name)
            names = list(_targets(target)) if target is not None else []
            value = node.child_by_field_name("value") or node.child_by_field_name("right")
            if value is not None and value.type == "expression_list" and value.named_child_count == 1:
                value = value.named_children[0]
            literal = clip(_text(value)) if value is not None and value.type in LITERALS else ""
            out.append((node.start_point[0] + 1, node.end_point[0] + 1, names, literal))
        return out

    @cache
    def index() -> tuple[list[int], list[int], tuple[str, ...]]:
        found = statements()
        everything = tuple(name for _, _, names, _ in found for name in names)
        return [s[0] for s in found], [s[1] for s in found], everything

    def facts(changed: frozenset[int]) -> FunctionFacts:
        assigned: list[str] = []
        literals: list[tuple[str, str]] = []
        firsts, lasts, everything = index()
        for at in holding(firsts, lasts, changed):
            _, _, names, literal = statements()[at]
            assigned.extend(names)
            if literal and len(names) == 1:
                literals.append((names[0], literal))
        return FunctionFacts(assigned=tuple(assigned), literals=tuple(literals), names=everything)

    return facts
