"""Shared machinery of the tree-sitter parsers: one walk, one facts extractor, one span builder.

Each language module (``ariadne_hook/languages/``) only describes its grammar with a ``Spec``
(``languages/grammar.py``): which nodes are functions and what they are called (``Spec.entry``), which nodes
open a named scope (``Spec.scope``), and how to read parameters, return types, calls and raises. This
package is imported when a file is parsed, grammars on first use (cached); ``tree_sitter`` itself is
imported lazily too, so a Python-only change imports none of this.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from ariadne_hook.languages.grammar import Ctx, Entry, Spec, squash, squash_lines, text
from ariadne_hook.locate.languages import ParseError, Scan
from ariadne_hook.models import FunctionFacts, FunctionSpan

if TYPE_CHECKING:
    from tree_sitter import Language, Node

# ------------------------------------------------------------------------------------------------- grammars


@cache
def grammar(module: str, function: str) -> Language:
    from tree_sitter import Language

    factory = getattr(importlib.import_module(module), function)
    return Language(factory())


def first_error_line(root: Node) -> int:
    """1-based line of the first ERROR or MISSING node (descending only into subtrees with errors)."""
    node = root
    while True:
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        bad = next((c for c in node.children if c.has_error or c.is_missing or c.is_error), None)
        if bad is None:
            return node.start_point[0] + 1
        node = bad


def syntax_tree(spec: Spec, source: bytes) -> Node:
    from tree_sitter import Parser  # a parser per call: Parser objects are not thread-safe

    tree = Parser(grammar(spec.module, spec.function)).parse(source)
    root = tree.root_node
    if root.has_error:
        line = first_error_line(root)
        raise ParseError(f"line {line}: syntax error", line)
    return root


# ------------------------------------------------------------------------------------------------- the walk


ClassFound = list[tuple[tuple[str, ...], "Node", "Node"]]  # (dotted name, first node, the class node)


def walk_entries(
    spec: Spec, root: Node, classes: ClassFound | None = None
) -> list[tuple[Entry, tuple[str, ...]]]:
    """Every entry with its full dotted name, in source order (an explicit stack: trees can be deep);
    class-like declarations are appended to ``classes`` when it is given."""
    found: list[tuple[Entry, tuple[str, ...]]] = []
    stack: list[tuple[Node, Ctx]] = [(root, Ctx())]
    while stack:
        node, ctx = stack.pop()
        entry = spec.entry(node, ctx)
        if entry is not None and entry.name:
            qualname = ctx.prefix + entry.name
            found.append((entry, qualname))
            inner = Ctx(qualname, False, None)
        else:
            scoped = spec.scope(node, ctx)
            if classes is not None:
                declared = spec.class_span(node, ctx, scoped)
                if declared is not None:
                    classes.append((declared[0], declared[1], node))
            inner = scoped or ctx
        stack.extend((child, inner) for child in reversed(node.named_children))
    return found


def own_nodes(entry: Entry, entry_ids: frozenset[int]) -> Iterator[Node]:
    """The function's nodes in source order, without the subtrees of nested entries."""
    stack = [entry.node]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in reversed(node.named_children) if c.id not in entry_ids)


def body_hash(entry: Entry) -> str:
    source = entry.node.text or b""
    if entry.name_node is not None and entry.name_node.start_byte >= entry.node.start_byte:
        cut_from = entry.name_node.start_byte - entry.node.start_byte
        cut_to = entry.name_node.end_byte - entry.node.start_byte
        source = source[:cut_from] + source[cut_to:]
    lines = (line.strip() for line in source.splitlines())
    return hashlib.sha256(b"\n".join(line for line in lines if line)).hexdigest()[:16]


def facts(spec: Spec, entry: Entry, entry_ids: frozenset[int]) -> FunctionFacts:
    from ariadne_hook.locate.treesitter.body import Body, is_function_literal_call, read_node

    calls: list[str] = []
    raises: list[str] = []
    returns_count = spec.implicit_returns(entry)
    body = Body(is_test=entry.name[-1].startswith(("Test", "test", "Benchmark", "Fuzz", "Example")))
    own_body = spec.body(entry.node)
    body.skip_names_until = own_body.start_byte if own_body is not None else 0  # not the name, not params
    for node in own_nodes(entry, entry_ids):
        if node.id != entry.node.id:
            read_node(node, body)
        if node.type in spec.raise_types:
            raised = spec.raised(node)
            if raised is not None:
                raises.append(raised)
                continue
        if node.type in spec.call_types:
            callee = None if is_function_literal_call(node) else spec.callee(node)
            if callee:
                calls.append(squash(callee))
        elif node.type in spec.return_types:
            returns_count += 1
    decorators = tuple(squash_lines(text(d)) for d in entry.decorators) + entry.tags
    return FunctionFacts(
        params=spec.params(entry),
        returns=spec.returns(entry),
        decorators=decorators,
        calls=tuple(calls),
        raises=tuple(raises),
        returns_count=returns_count,
        is_async=spec.is_async(entry),
        body_hash=body_hash(entry),
        flow=tuple(body.flow),
        blocks=tuple(body.blocks),
        literals=tuple(body.literals),
        assigned=tuple(dict.fromkeys(body.assigned)),  # compared as sets: once each
        names=tuple(dict.fromkeys(body.names)),
        cases=tuple(body.cases),
    )


def span_lines(entry: Entry) -> tuple[int, int]:
    return node_lines(entry.node, entry.first, *entry.decorators)


def node_lines(node: Node, *before: Node) -> tuple[int, int]:
    """1-based first and last line of ``node``, starting at the earliest of ``before`` when earlier."""
    starts = [node.start_point[0], *(b.start_point[0] for b in before)]
    end_row, end_col = node.end_point
    if end_col == 0 and end_row > node.start_point[0]:
        end_row -= 1  # a node that swallowed its trailing newline ends on the line before
    return min(starts) + 1, end_row + 1


def scan_with(spec: Spec, source_text: str) -> Scan:
    """Parse one version of a file: its spans now (source order; repeated names kept, as for Python), the
    facts of ``spans[i]`` when asked. ParseError ("line N: syntax error") when the tree has errors."""
    source = spec.prepare(source_text[1:] if source_text.startswith("\ufeff") else source_text)
    root = syntax_tree(spec, source.encode("utf-8", errors="surrogatepass"))
    declared: ClassFound = []
    found = walk_entries(spec, root, declared)
    found.sort(key=lambda item: (span_lines(item[0])[0], -span_lines(item[0])[1]))
    entry_ids = frozenset(entry.node.id for entry, _ in found)
    spans = [FunctionSpan(".".join(qualname), entry.kind, *span_lines(entry)) for entry, qualname in found]
    classes = [
        FunctionSpan(".".join(name), "class", *node_lines(node, first)) for name, first, node in declared
    ]

    @cache
    def facts_of(index: int) -> FunctionFacts:
        return facts(spec, found[index][0], entry_ids)

    from ariadne_hook.locate.treesitter.body import module_facts

    return Scan(spans, facts_of, classes, module_facts(root, entry_ids))


def parse_with(spec: Spec, source_text: str) -> list[FunctionSpan]:
    """Like ``scan_with``, with every span's facts filled in."""
    scan = scan_with(spec, source_text)
    return [replace(span, facts=scan.facts(index)) for index, span in enumerate(scan.spans)]
