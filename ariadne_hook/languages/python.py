"""Python: read with ``ast`` (``locate/python.py``, ``locate/python_refs.py``) and ``tokenize``
(``locate/trivial.py``), so this module only says what is Python's own."""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from ariadne_hook.languages import Imports, Language, ReferenceRules, Words
from ariadne_hook.locate.trivial import PYTHON_COMMENTS, Lexer, lex_python, starts

if TYPE_CHECKING:
    from ariadne_hook.locate.languages import Parser, Scanner
    from ariadne_hook.locate.refsites import FileSites
    from ariadne_hook.models import FunctionChange

_IMPORT = re.compile(r"^\s*import\s+(.+?)\s*(?:#.*)?$")
_FROM = re.compile(r"^\s*from\s+(\S+)\s+import\s+(.+?)\s*(?:#.*)?$")


def imported(lines: Iterable[str]) -> list[str]:
    """Dotted names imported by the lines (``import a.b as c`` -> a.b; ``from x import y`` -> x.y)."""
    out: list[str] = []
    for line in lines:
        if found := _FROM.match(line):
            module, names = found.group(1), found.group(2).strip("()\\ ")
            dot = "" if module.endswith(".") else "."
            out += [f"{module}{dot}{name.split()[0]}" for name in names.split(",") if name.strip()] or [
                module
            ]
        elif found := _IMPORT.match(line):
            out += [part.split()[0] for part in found.group(1).split(",") if part.strip()]
    return out


def is_public(change: FunctionChange) -> bool:
    """No part of the name starts with ``_`` (dunders such as ``__init__`` are public), nor any part of the
    module path (``_compat.py`` is private), and it is not nested in a function."""
    parts = [p.split("#", 1)[0] for p in change.qualname.split(".")]
    if change.kind == "function" and len(parts) > 1:
        return False  # nested in a function: local
    modules = [m.removesuffix(".py") for m in change.path.split("/")]
    return all(not p.startswith("_") or (p.startswith("__") and p.endswith("__")) for p in parts + modules)


def same_code(old: str, new: str) -> bool:
    """Whether two sources of a function are the same program: their ``ast`` alike (positions aside), so
    parentheses around an expression, a string split into adjacent literals, a trailing comma and line breaks
    are layout; False when either does not parse."""
    trees = []
    for source in (old, new):
        text = f"if 1:\n{source}" if source[:1].isspace() else source  # a method, indented in its class
        try:
            trees.append(ast.dump(ast.parse(text)))
        except (SyntaxError, ValueError):
            return False
    return trees[0] == trees[1]


def parser() -> Parser:
    from ariadne_hook.locate.python import parse_python

    return parse_python


def scanner() -> Scanner:
    from ariadne_hook.locate.python import scan_python

    return scan_python


def sites(text: str, names: Collection[str], lines: Iterable[int]) -> FileSites | None:
    from ariadne_hook.locate.python_refs import python_sites

    return python_sites(text, names, lines)


IMPORTS = Imports(starts("import", "from"), imported)
LANGUAGE = Language(
    name="python",
    extensions=(".py", ".pyi", ".pyw"),
    filenames=(),
    parser=parser,
    scanner=scanner,
    lexer=Lexer(lambda text, first_line: lex_python(text, first_line, IMPORTS.starts), PYTHON_COMMENTS, True),
    imports=IMPORTS,
    references=ReferenceRules(sites, "python", binding="python", receiver="python", nested_local=True),
    words=Words(
        defines=("def", "class"),
        decorator_prefix="@",
        returns="return annotation",
        star_params=True,
        line_statements=True,
        same_code=same_code,
    ),
    is_public=is_public,
    test_files=("test_*.py", "*_test.py", "conftest.py"),
)
