"""Offline summaries of entries without function facts: a hunk of a file whose functions could not be read
(what its added lines define and call, where that is recognizable) and a file without a parser (its hunks
in brief); the counts the other summaries share. A language's comment markers and definition keywords are
its module's (``ariadne_hook/languages/``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ariadne_hook.languages import language_named
from ariadne_hook.models import FunctionChange
from ariadne_hook.summarize.fact_changes import diff_lines, names_list
from ariadne_hook.words import plural

MINUS = "\u2212"


def counts(diff: str, nested: tuple[int, int] = (0, 0)) -> str:
    """``+3 −1 lines.``: the diff's rows and ``nested`` (added, removed) rows of definitions nested in the
    entry, functions or types (their own entries tell them; its line range holds them)."""
    added, removed = diff_lines(diff)
    total = f"+{len(added) + nested[0]} {MINUS}{len(removed) + nested[1]} lines"
    if nested == (0, 0):
        return total + "."
    return f"{total} (+{nested[0]} {MINUS}{nested[1]} of them in nested definitions)."


_CALL = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*)\s*\(")
_STRING = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""")
_NOT_CALLS = frozenset(
    (
        *("if", "elif", "else", "for", "while", "switch", "return", "catch", "and", "or", "not", "in", "is"),
        *("with", "def", "class", "function", "func", "fn", "sizeof", "typeof", "await", "yield", "assert"),
        *("lambda", "match", "case", "when", "unless", "until", "elsif"),
    )
)


def _code(line: str, language: str) -> str:
    """The line without string literals and trailing comments."""
    text = _STRING.sub('""', line)
    found = language_named(language)
    for marker in found.lexer.comments.markers if found is not None else ():
        if marker in ("#", "//"):
            text = text.split(marker, 1)[0]
    return text


def hunk_names(lines: Iterable[str], language: str) -> tuple[list[str], list[str]]:
    """(names defined, names called) in code lines of a language whose comment syntax is known."""
    found = language_named(language)
    if found is None:
        return [], []
    defines = re.compile(r"\b(?:" + "|".join(found.words.defines) + r")\s+([A-Za-z_$][\w$]*)")
    defined: list[str] = []
    called: list[str] = []
    for line in lines:
        code = _code(line, language)
        if code.lstrip().startswith(("*", "/*")):
            continue
        names = defines.findall(code)
        defined += names
        called += [name for name in _CALL.findall(code) if name not in _NOT_CALLS and name not in names]
    return defined, called


def hunk_summary(change: FunctionChange) -> str:
    """A hunk of a file whose functions could not be read: its counts, what it defines and calls."""
    added, _ = diff_lines(change.diff)
    parts = [counts(change.diff)]
    defined, called = hunk_names(added, change.language)
    if defined:
        parts.append(f"Defines {names_list(defined)}.")
    if called:
        parts.append(f"Calls {names_list(called)}.")
    return " ".join(parts)


def file_summary(change: FunctionChange) -> str:
    """A file without a function parser: its +/- counts, and its hunks in brief (line and git's context)."""
    hunks = []
    for line in change.diff.split("\n"):
        found = _FILE_HUNK.match(line)
        if found:
            context = found.group(2).strip()
            hunks.append(f"line {found.group(1)}" + (f" ({context[:60]})" if context else ""))
    sizes = counts(change.diff).removesuffix(".")
    text = f"File {change.change}: {sizes} in {plural(len(hunks), 'hunk')}."
    return f"{text} At {names_list(hunks, 5)}." if hunks else text


_FILE_HUNK = re.compile(r"^@@ -\S+ \+(\d+)(?:,\d+)? @@(.*)$")
