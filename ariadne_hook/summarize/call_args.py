"""Calls that stay but whose arguments changed: ``passes `usedforsecurity=False` to `hashlib.sha512```.

Read from the two sides' source of one function (any language with C-like calls: a dotted name followed by
``(``): the calls that a run of changed lines touches on each side, paired by callee within that run, and
their arguments compared (split at the commas outside brackets and strings). A keyword argument is its
name; a positional one its place. A name passed in place of another (a rename, said by the names read) and
a literal changed in place (said by the literal changes) are left to those.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher
from typing import NamedTuple

from ariadne_hook.summarize.quote import cut, ticked

_TOKEN = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`[^`]*`'
    r"|//[^\n]*|#[^\n]*|[A-Za-z_$][\w$]*|\d[\w.]*|\n|[^\s\w]"
)
_KEYWORDS = frozenset(
    (
        *("if", "elif", "for", "while", "switch", "return", "def", "func", "function", "fn", "class", "not"),
        *("and", "or", "in", "is", "lambda", "await", "yield", "assert", "with", "match", "case", "new"),
        *("catch", "sizeof", "typeof", "print", "super", "go", "defer", "select", "except", "raise"),
    )
)
_KEYWORD_ARG = re.compile(r"^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$", re.S)
_PLAIN = re.compile(r"^[A-Za-z_$][\w$.]*$")
_LITERAL = re.compile(r"""^(?:[rbfuRBFU]{0,2}["'`].*|-?\d[\w.]*|True|False|None|true|false|nil)$""", re.S)
ARG = 40  # characters of an argument shown


class Call(NamedTuple):
    callee: str
    args: tuple[str, ...]
    first: int  # lines, 1-based, in the file
    last: int


Token = tuple[str, int, int, int]  # (text, line, start offset, end offset)


class Source(NamedTuple):
    """What the summary reads of one side's source of a function, lines numbered as in its file."""

    calls: list[Call]
    header_end: int  # the last line of its head (decorators, signature): what the signature facts tell
    string_lines: frozenset[int]  # lines wholly inside a string literal that spans lines (a template)


_PREFIXES = frozenset(("r", "R", "u", "U", "b", "B", "f", "F", "rb", "br", "Rb", "bR", "rf", "fr"))
_OPENS_BODY = {"python": ":", "ruby": "\n"}


def read_source(source: str, first_line: int, language: str) -> Source:
    """The calls of ``source`` (whose first line is ``first_line`` of its file) with their arguments, the
    end of its head and the lines inside its multi-line strings."""
    comment = "#" if language in ("python", "ruby") else "//"
    tokens: list[Token] = []
    line = first_line
    for found in _TOKEN.finditer(source):
        text = found.group()
        if text != "\n" and not (text.startswith(("#", "//")) and text.startswith(comment)):
            tokens.append((text, line, found.start(), found.end()))
        line += text.count("\n")
    head = _header_end(tokens, language, first_line)
    strings: set[int] = set()
    docstring = language == "python"  # the first string of a Python body is its docstring: told as such
    for text, at, _, _ in tokens:
        if at <= head:
            continue
        if text[:1] in "\"'`" and "\n" in text and not docstring:
            strings.update(range(at + 1, at + text.count("\n")))  # the lines between its first and last
        docstring = docstring and text in _PREFIXES
    return Source(_calls(source, tokens), head, frozenset(strings))


def _header_end(tokens: Sequence[Token], language: str, first_line: int) -> int:
    """The line of the ``:`` or ``{`` that opens the body (outside brackets), after the first keyword
    that starts a definition; ``first_line`` when there is none."""
    opener = _OPENS_BODY.get(language, "{")
    start = next((i for i, t in enumerate(tokens) if t[0] in ("def", "func", "fn", "function")), 0)
    depth = 0
    for text, line, _, _ in tokens[start:]:
        if text in ("(", "["):
            depth += 1
        elif text in (")", "]"):
            depth -= 1
        elif depth == 0 and text == opener:
            return line
    return first_line


def _calls(source: str, tokens: Sequence[Token]) -> list[Call]:
    out: list[Call] = []
    for i, token in enumerate(tokens):
        if token[0] != "(" or i == 0 or not _word(tokens[i - 1][0]):
            continue
        j = i - 1
        while j >= 2 and tokens[j - 1][0] == "." and _word(tokens[j - 2][0]):
            j -= 2
        before = tokens[j - 1][0] if j > 0 else ""
        name = "".join(t[0] for t in tokens[j:i])
        if before in (".", ")", "]", "def", "func", "fn", "function") or name in _KEYWORDS:
            continue
        args, last = _arguments(source, tokens, i)
        out.append(Call(name, args, tokens[j][1], last))
    return out


def _word(text: str) -> bool:
    return text[:1].isalpha() or text[:1] in "_$"


def _arguments(source: str, tokens: Sequence[Token], opening: int) -> tuple[tuple[str, ...], int]:
    """The arguments of the call whose ``(`` is ``tokens[opening]`` (each on one line), and the line of
    its ``)``."""
    depth = 0
    args: list[str] = []
    start = end = -1
    for text, line, at, stop in tokens[opening:]:
        single = len(text) == 1
        if single and text in "([{":
            depth += 1
            if depth == 1:
                continue
        elif single and text in ")]}":
            depth -= 1
            if depth == 0:
                if start >= 0:
                    args.append(" ".join(source[start:end].split()))
                return tuple(args), line
        elif text == "," and depth == 1:
            args.append(" ".join(source[start:end].split()))
            start = -1
            continue
        start = at if start < 0 else start
        end = stop
    return tuple(args), tokens[-1][1]


Row = tuple[int, str]  # (line number in its side's file, text)
NumberedRun = tuple[list[Row], list[Row]]


def numbered_runs(diff: str) -> list[NumberedRun]:
    """(removed rows, added rows) of each run of changed rows of a unified-diff excerpt."""
    runs: list[NumberedRun] = []
    old = new = 0
    removed: list[Row] = []
    added: list[Row] = []
    for line in [*diff.split("\n"), " "]:
        if line.startswith("@@"):
            found = re.match(r"^@@ -(\d+)(?:,\d+)? \+(\d+)", line)
            old, new = (int(found.group(1)), int(found.group(2))) if found else (old, new)
            continue
        if line.startswith("-"):
            removed.append((old, line[1:]))
            old += 1
        elif line.startswith("+"):
            added.append((new, line[1:]))
            new += 1
        else:
            if removed or added:
                runs.append((removed, added))
                removed, added = [], []
            old += 1
            new += 1
    return runs


def _touched(call: Call, rows: Sequence[Row]) -> bool:
    return any(call.first <= n <= call.last for n, _ in rows)


def argument_changes(
    old: Source, new: Source, runs: Sequence[NumberedRun], sources: tuple[str, str] = ("", ""), limit: int = 3
) -> list[str]:
    """``passes `x=1` to `f```, ``no longer passes `y` to `g```, ``passes `b` instead of `a` to `h```, for
    the calls of the body (not of its head: the signature tells a decorator). An argument replaced by a
    local (or a local by its value) and a change inside a call that is an argument (told as that call's)
    are no change of their own."""
    flat = tuple(" ".join(s.split()) for s in sources)
    out: list[str] = []
    seen: set[str] = set()
    for removed, added in runs:
        if not removed or not added:
            continue
        olds = [c for c in old.calls if c.first > old.header_end and _touched(c, removed)]
        news = [c for c in new.calls if c.first > new.header_end and _touched(c, added)]
        for a, b in _pairs(olds, news):
            clause = _describe(a, b, flat)
            if clause and clause not in seen:
                seen.add(clause)
                out.append(clause)
    return out[:limit]


def _pairs(olds: list[Call], news: list[Call]) -> Iterator[tuple[Call, Call]]:
    """Old and new calls of one callee whose arguments differ, in order (equal ones cancel first)."""
    for callee in dict.fromkeys(c.callee for c in olds):
        a = [c for c in olds if c.callee == callee]
        b = [c for c in news if c.callee == callee]
        for call in list(a):
            same = next((n for n in b if n.args == call.args), None)
            if same is not None:
                a.remove(call)
                b.remove(same)
        yield from zip(a, b, strict=False)


def _describe(a: Call, b: Call, sources: tuple[str, ...]) -> str:
    old_kw, old_pos = _split(a.args)
    new_kw, new_pos = _split(b.args)
    passed = [f"{k}={v}" for k, v in new_kw.items() if k not in old_kw]
    dropped = [f"{k}={v}" for k, v in old_kw.items() if k not in new_kw]
    instead = [
        (f"{k}={old_kw[k]}", f"{k}={v}")
        for k, v in new_kw.items()
        if k in old_kw
        and old_kw[k] != v
        and not _told_elsewhere(old_kw[k], v)
        and not _moved(old_kw[k], v, sources)
    ]
    matcher = SequenceMatcher(None, old_pos, new_pos, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            pairs = zip(old_pos[i1:i2], new_pos[j1:j2], strict=True)
            instead += [(x, y) for x, y in pairs if not _told_elsewhere(x, y) and not _moved(x, y, sources)]
            continue
        passed += new_pos[j1:j2]
        dropped += old_pos[i1:i2]
    instead_text = [f"{ticked(cut(y, ARG))} instead of {ticked(cut(x, ARG))}" for x, y in instead[:2]]
    parts = ([_quoted(passed)] if passed else []) + instead_text
    dropped_text = f"no longer {_quoted(dropped)}" if dropped else ""
    if not parts:
        return f"no longer passes {_quoted(dropped)} to {ticked(a.callee)}" if dropped else ""
    more = "; ".join(parts[1:] + ([dropped_text] if dropped_text else []))
    return f"passes {parts[0]} to {ticked(a.callee)}" + (f" (and {more})" if more else "")


_CALLEE = re.compile(r"([A-Za-z_$][\w$.]*)\(")


def _moved(old: str, new: str, sources: tuple[str, ...]) -> bool:
    """The argument now names a local set to the old value (``f(g(x))`` -> ``y = g(x); f(y)``), or the
    old one named a local the new side no longer sets and passes its value instead, or both hold a call
    to the same callee (the change is that call's, told with it)."""
    old_source, new_source = sources
    if _PLAIN.match(new) and re.search(rf"(?<![\w.]){re.escape(new)} :?= ", new_source):
        return True
    if _PLAIN.match(old) and re.search(rf"(?<![\w.]){re.escape(old)} :?= ", old_source):
        return not re.search(rf"(?<![\w.]){re.escape(old)} :?= ", new_source)
    return bool(set(_CALLEE.findall(old)) & set(_CALLEE.findall(new)))


_TYPING = re.compile(r"""^["']?[\w.]+\[[\w.\[\], |"']*\]["']?$""")


def _told_elsewhere(old: str, new: str) -> bool:
    """A name read instead of another, a literal changed in place (the summary's other facts say it), or
    a type spelled otherwise (``t.Type[X]`` -> ``"type[X]"``: the signature's types tell that kind)."""
    return bool(
        (_PLAIN.match(old) and _PLAIN.match(new))
        or (_LITERAL.match(old) and _LITERAL.match(new))
        or (_TYPING.match(old) and _TYPING.match(new))
    )


def _split(args: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    keywords: dict[str, str] = {}
    positional: list[str] = []
    for arg in args:
        found = _KEYWORD_ARG.match(arg)
        if found:
            keywords[found.group(1)] = found.group(2)
        else:
            positional.append(arg)
    return keywords, positional


def _quoted(items: Sequence[str]) -> str:
    shown = ", ".join(ticked(cut(item, ARG)) for item in items[:3])
    return shown + (f" and {len(items) - 3} more" if len(items) > 3 else "")
