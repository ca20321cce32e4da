"""Where some names occur in a Python file, read with ``ast`` (``refsites.py`` has the other languages and
the types): bare uses, attribute accesses, imports and definitions, with the shape of each call."""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence

from ariadne_hook.locate.languages import gc_paused
from ariadne_hook.locate.python import line_mapper
from ariadne_hook.locate.refsites import BARE, DEFINITION, IMPORT, MEMBER, FileSites, Shape, Site


def python_sites(text: str, names: Collection[str], lines: Iterable[int] = ()) -> FileSites | None:
    """Python occurrences; with ``lines``, only the statements that span one of them are walked (imports
    at the top level always are)."""
    source = text[1:] if text.startswith("\ufeff") else text
    try:
        with gc_paused():
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    git_line = line_mapper(source)
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
