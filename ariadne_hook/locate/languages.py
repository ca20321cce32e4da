"""Which language a path is in, and the parser for a language (imported lazily, on first use).

A parser is ``parse(text) -> list[FunctionSpan]``; it raises ``ParseError`` when the text does not parse.
A language may also register a *scanner* (``scan(text) -> Scan``): the same spans with their facts computed
only on demand, so that the locate stage pays for the facts of the functions a diff touches and no others.
"""

from __future__ import annotations

import gc
import importlib
import posixpath
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ariadne_hook.models import FunctionFacts, FunctionSpan

Parser = Callable[[str], list[FunctionSpan]]


class ParseError(Exception):
    """The text does not parse; ``str(error)`` is one line such as ``line 3: invalid syntax``."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Scan:
    """A file's function spans (facts possibly left empty) and how to get the facts of ``spans[i]``."""

    spans: Sequence[FunctionSpan]
    facts: Callable[[int], FunctionFacts]
    classes: Sequence[FunctionSpan] = ()  # class-like scopes (kind "class"): their own lines are theirs
    # facts of the module-level statements holding the given lines, where the language offers them
    module_facts: Callable[[frozenset[int]], FunctionFacts] | None = None


Scanner = Callable[[str], Scan]


def holding(firsts: Sequence[int], lasts: Sequence[int], lines: Iterable[int]) -> list[int]:
    """The positions, ascending, of the statements that hold one of ``lines``: statement ``i`` runs from
    line ``firsts[i]`` to ``lasts[i]``, in source order (both lists ascending: statements overlap on a line
    at most, ``a = 1; b = 2``). By bisection: a file's module facts cost O(lines log n), not lines × n."""
    out: list[int] = []
    taken = 0  # statements before this one are already out
    for line in sorted(lines):
        low, high = max(bisect_left(lasts, line), taken), bisect_right(firsts, line)
        if low < high:
            out.extend(range(low, high))
            taken = high
    return out


_EXTENSIONS: dict[str, str] = {
    **dict.fromkeys((".py", ".pyi", ".pyw"), "python"),
    **dict.fromkeys((".js", ".mjs", ".cjs", ".jsx"), "javascript"),
    **dict.fromkeys((".ts", ".mts", ".cts"), "typescript"),
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    **dict.fromkeys((".c", ".h"), "c"),
    **dict.fromkeys((".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".h++", ".c++"), "cpp"),
    **dict.fromkeys((".rb", ".rake"), "ruby"),
}
_FILENAMES: dict[str, str] = {"Rakefile": "ruby", "Gemfile": "ruby"}

_TS = "ariadne_hook.locate.treesitter."
PARSERS: dict[str, str] = {
    "python": "ariadne_hook.locate.python:parse_python",
    "javascript": _TS + "javascript:parse",
    "typescript": _TS + "typescript:parse",
    "tsx": _TS + "typescript:parse_tsx",
    "go": _TS + "go:parse",
    "rust": _TS + "rust:parse",
    "java": _TS + "java:parse",
    "c": _TS + "c:parse",
    "cpp": _TS + "cpp:parse",
    "ruby": _TS + "ruby:parse",
}
# the lazy form of every parser: spans first, facts only for the functions a diff touches
SCANNERS: dict[str, str] = {
    "python": "ariadne_hook.locate.python:scan_python",
    **{lang: target.replace(":parse", ":scan") for lang, target in PARSERS.items() if lang != "python"},
}

# import string -> the callable; None when its module does not exist; the ImportError when it failed to load
_loaded: dict[str, object] = {}


def language_for(path: str, overrides: Mapping[str, str]) -> str:
    """The language of ``path``: the first override glob that matches the path or its file name, else the
    extension (or a well-known file name), else ``"text"``."""
    name = posixpath.basename(path)
    for pattern, language in overrides.items():
        if fnmatchcase(path, pattern) or fnmatchcase(name, pattern):
            return language
    if name in _FILENAMES:
        return _FILENAMES[name]
    ext = posixpath.splitext(name)[1]
    return _EXTENSIONS.get(ext) or _EXTENSIONS.get(ext.lower(), "text")


def _module_missing(exc: ModuleNotFoundError, module: str) -> bool:
    """True when the module named by an import string (or one of its packages) is what is missing,
    not something that module imports."""
    return exc.name is not None and (module == exc.name or module.startswith(exc.name + "."))


def _load(target: str) -> object:
    """The object an import string ``"package.module:attribute"`` names, or None when the module (or the
    attribute) does not exist. Other import failures propagate (and again on every call): every outcome
    is cached."""
    if target in _loaded:
        found = _loaded[target]
        if isinstance(found, ImportError):
            raise found
        return found
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        missing = isinstance(exc, ModuleNotFoundError) and _module_missing(exc, module_name)
        _loaded[target] = None if missing else exc
        if missing:
            return None
        raise
    found = getattr(module, attribute, None)
    _loaded[target] = found if callable(found) else None
    return _loaded[target]


def parser_for(language: str) -> Parser | None:
    """The parser of ``language``, or None when there is none (no entry, or its module does not exist)."""
    target = PARSERS.get(language)
    if target is None:
        return None
    found = _load(target)
    return found  # type: ignore[return-value]


def scanner_for(language: str) -> Scanner | None:
    """The lazy form of ``parser_for``: the language's own scanner, else its parser wrapped, else None."""
    target = SCANNERS.get(language)
    if target is not None:
        scanner = _load(target)
        if scanner is not None:
            return scanner  # type: ignore[return-value]
    parser = parser_for(language)
    return None if parser is None else _eager(parser)


def _eager(parser: Parser) -> Scanner:
    def scan(text: str) -> Scan:
        spans = parser(text)
        return Scan(spans, lambda index: spans[index].facts)

    return scan


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while syntax trees are built and used: thousands of small
    objects without cycles, which the collector would otherwise traverse again and again as they are
    made (about a third of ``ast.parse``'s time) and which reference counting frees anyway. The previous
    state is restored; nothing collectable is lost, only collected later."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
