"""Calls that stay but whose arguments changed: ``passes `usedforsecurity=False` to `hashlib.sha512```.

Read from the two sides' source of one function (any language with C-like calls: a dotted name followed by
``(``): the calls that a run of changed lines touches on each side, paired by callee within that run, and
their arguments compared (split at the commas outside brackets, strings and a lambda's parameters). A keyword
argument is its name; a positional one its place. A name passed in place of another (a rename, said by the
names read) and a literal changed in place (said by the literal changes) are left to those. A decorator whose
arguments changed is told with the same words (``argument_change``, ``one_call``), every change told.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from typing import NamedTuple

from ariadne_hook.summarize.quote import cut, quote_pair, ticked, unwrapped

# what the scan needs, nothing more (the rest of a body is skipped by the regex engine): strings, comments,
# a callee (a dotted name right before ``(``), the keywords that start a definition, brackets, commas, colons
_STRINGS = r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`[^`]*`'
_REST = r"|\b[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?=\()|[()\[\]{},]"  # not ``x.(T)``: a Go type assertion
_TOKENS = {  # the lookahead first: most characters start no token and fail there at once
    marker: re.compile(rf"(?=[\"'`{marker[0]}A-Za-z_$()\[\]{{}},])(?:{_STRINGS}|{marker}[^\n]*{_REST})")
    for marker in ("#", "//")
}
_DEFINE = re.compile(r"(?:(?:async|export|public|private|static|pub)\s+)*(?:def|func|fn|function)\b")
_QUOTED = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""")
_DEFINED = re.compile(r"\b(?:def|func|fn|function)$")
WINDOW = 30  # lines around the changed ones where a call that holds them may start or end
_KEYWORDS = frozenset(
    (
        *("if", "elif", "for", "while", "switch", "return", "def", "func", "function", "fn", "class", "not"),
        *("and", "or", "in", "is", "lambda", "await", "yield", "assert", "with", "match", "case", "new"),
        *("catch", "sizeof", "typeof", "go", "defer", "select", "except", "raise", "elsif", "unless"),
    )
)
_KEYWORD_ARG = re.compile(r"^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$", re.S)
_PLAIN = re.compile(r"^[A-Za-z_$][\w$.]*$")
_LITERAL = re.compile(r"""^(?:[rbfuRBFU]{0,2}["'`].*|-?\d[\w.]*|True|False|None|true|false|nil)$""", re.S)
ARG = 40  # characters of an argument shown
_OPEN_PARAMETERS = re.compile(r"^(?:lambda\b[^:]*|(?:move\s+)?\|[^|]*)$")  # ``lambda a`` / ``|a`` so far


def comment_marker(language: str) -> str:
    """The language's line-comment marker."""
    return "#" if language in ("python", "ruby") else "//"


class Call(NamedTuple):
    callee: str
    args: tuple[str, ...]
    first: int  # lines, 1-based, in the file
    last: int
    place: tuple[str, int] = ("", 0)  # the call it is an argument of, and which argument ("": none)


Token = tuple[str, int, int, int]  # (text, line, start offset, end offset)


_PREFIXES = frozenset(("r", "R", "u", "U", "b", "B", "f", "F", "rb", "br", "Rb", "bR", "rf", "fr"))
_OPENS_BODY = {"python": ":", "ruby": "\n"}


class Source:
    """What the summary reads of one side's source of a function (lines numbered as in its file), each
    part read when first asked for: the end of its head, the lines inside its multi-line strings, its
    calls with their arguments."""

    def __init__(self, source: str, first_line: int, language: str) -> None:
        self.source, self.first_line, self.language = source, first_line, language
        self.pattern = _TOKENS[comment_marker(language)]

    @cached_property
    def header_end(self) -> int:
        """The line that ends with the ``:`` or ``{`` opening the body (brackets closed), from the first
        line that starts a definition (or the first line); ``first_line`` when none does in 60 lines."""
        opener = _OPENS_BODY.get(self.language, "{")
        lines = self.source.split("\n", 80)[:80]
        start = next((i for i, line in enumerate(lines) if _DEFINE.match(line.lstrip())), 0)
        depth = 0
        for i in range(start, min(len(lines), start + 60)):
            code = _QUOTED.sub('""', lines[i]).split(" #" if self.language == "python" else " //")[0].rstrip()
            depth += code.count("(") + code.count("[") - code.count(")") - code.count("]")
            if depth <= 0 and code.endswith(opener):
                return self.first_line + i
        return self.first_line

    @cached_property
    def string_lines(self) -> frozenset[int]:
        """Lines wholly inside a string literal that spans lines (a template), a Python docstring aside."""
        if not _may_hold_text(self.source, self.language):
            return frozenset()
        head = self.header_end
        strings: set[int] = set()
        first = True
        for text, line, offset, _ in self.tokens:
            if line <= head:
                continue
            if text[:1] in "\"'`" and "\n" in text:
                start = self.source.rfind("\n", 0, offset) + 1
                alone = not self.source[start:offset].strip(" \trRbBuUfF")
                if not (self.language == "python" and first and alone):  # not the docstring, told as such
                    strings.update(range(line + 1, line + text.count("\n")))  # between its first and last
            first = False
        return frozenset(strings)

    @cached_property
    def tokens(self) -> list[Token]:
        """(text, line, start, end) of the strings, comments, callees, definition keywords, brackets,
        commas and colons (the rest is skipped by the regex engine)."""
        source, line, at = self.source, self.first_line, 0
        out: list[Token] = []
        for found in self.pattern.finditer(source):
            start = found.start()
            line += source.count("\n", at, start)
            at = start
            out.append((found.group(), line, start, found.end()))
        return out

    def calls_near(self, lines: Collection[int]) -> list[Call]:
        """The calls around ``lines`` (within WINDOW lines of them; the whole source when a string
        may span lines there: a window must not start inside one)."""
        if not lines:
            return []
        low, high = min(lines) - WINDOW - self.first_line, max(lines) + WINDOW - self.first_line
        if self.string_lines or low <= 0 and high >= self.source.count("\n"):
            return _calls(self.source, self.tokens)
        offsets = [0, *(m.end() for m in re.finditer("\n", self.source))]
        begin, end = offsets[max(low, 0)], offsets[min(high, len(offsets) - 1)]
        part = Source(self.source[begin:end], self.first_line + max(low, 0), self.language)
        return _calls(part.source, part.tokens)


def _may_hold_text(source: str, language: str) -> bool:
    """False when no string of ``source`` can span lines (a Python docstring aside): nothing to scan."""
    if language == "python":
        rest = _DOCSTRING.sub("", source, count=1)
        return '"""' in rest or "'''" in rest
    return "`" in source or 'R"' in source


_DOCSTRING = re.compile(
    r"""^(?:\s*@.*\n)*\s*(?:async\s+)?def\b[\s\S]*?:\s*\n\s*[rRbBuUfF]{0,2}(\"\"\"|\'\'\')[\s\S]*?\1"""
)


def _calls(source: str, tokens: Sequence[Token]) -> list[Call]:
    """The calls of ``source``, each with its place: the call it is an argument of, and which one."""
    out: list[Call] = []
    open_calls: list[tuple[str, int, list[int]]] = []  # (callee, token of its ``)``, tokens of its commas)
    for i, (name, line, at, _) in enumerate(tokens):
        if not (name[0].isalpha() or name[0] in "_$") or name in _KEYWORDS:
            continue
        if i + 1 >= len(tokens) or tokens[i + 1][0] != "(":
            continue
        before = source[max(0, at - 12) : at].rstrip()
        if before.endswith((")", "]", ".")) or _DEFINED.search(before):  # a chain's later link, a definition
            continue
        found = _arguments(source, tokens, i + 1)
        if found is not None:
            while open_calls and open_calls[-1][1] < i:  # calls closed before this one: not around it
                open_calls.pop()
            place = ("", 0)
            if open_calls:
                callee, _, commas = open_calls[-1]
                place = (callee, sum(c < i for c in commas))
            out.append(Call(name, found[0], line, found[1], place))
            open_calls.append((name, found[2], found[3]))
    return out


def _arguments(
    source: str, tokens: Sequence[Token], opening: int
) -> tuple[tuple[str, ...], int, int, list[int]] | None:
    """The arguments of the call whose ``(`` is ``tokens[opening]`` (each on one line, comments left out),
    the line of its ``)``, the index of that token and those of the commas between its arguments; None
    when it does not close."""
    depth = 0
    args: list[str] = []
    start = tokens[opening][3]
    cuts: list[tuple[int, int]] = []  # comments inside the current argument

    def text(stop: int) -> str:
        pieces, at = [], start
        for a, b in cuts:
            pieces.append(source[at:a])
            at = b
        return " ".join((("".join(pieces)) + source[at:stop]).split())

    commas: list[int] = []
    for index, (kind, line, at, stop) in enumerate(tokens[opening:], opening):
        if kind in ("(", "[", "{"):
            depth += 1
        elif kind in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                last = text(at)
                return (*args, *([last] if last else [])), line, index, commas
        elif kind == "," and depth == 1:
            current = text(at)
            if _OPEN_PARAMETERS.match(current):  # a comma between a lambda's parameters: not an argument's
                continue
            args.append(current)
            commas.append(index)
            start, cuts = stop, []
        elif kind[:1] in "#/":  # a comment (the only tokens that start so)
            cuts.append((at, stop))
    return None


Row = tuple[int, str]  # (line number in its side's file, text)
NumberedRun = tuple[list[Row], list[Row]]


@lru_cache(maxsize=16)  # one entry's summary reads its runs several times
def numbered_runs(diff: str) -> list[NumberedRun]:
    """(removed rows, added rows) of each run of changed rows of a unified-diff excerpt (shared: not to be
    changed)."""
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
    both = [(r, a) for r, a in runs if r and a and _may_pass_otherwise(r, a)]
    if not both:
        return []
    old_calls = [c for c in old.calls_near([n for r, _ in both for n, _ in r]) if c.first > old.header_end]
    new_calls = [c for c in new.calls_near([n for _, a in both for n, _ in a]) if c.first > new.header_end]
    out: list[str] = []
    seen: set[str] = set()
    for removed, added in both:
        olds = [c for c in old_calls if _touched(c, removed)]
        news = [c for c in new_calls if _touched(c, added)]
        for a, b in _pairs(olds, news):
            clause = _describe(a, b, sources)
            if clause and clause not in seen:
                seen.add(clause)
                out.append(clause)
    return out[:limit]


def _pairs(olds: list[Call], news: list[Call]) -> Iterator[tuple[Call, Call]]:
    """Old and new calls of one callee whose arguments differ, in order (equal ones cancel first): the one
    call of a callee on each side, else those at one place (an argument of the same call, the same one,
    or of none): ``cast(T, load(cast(M, d)))`` -> ``load(cast(dict, d))`` pairs the inner ``cast`` only."""
    for callee, place in dict.fromkeys((c.callee, c.place) for c in olds):
        a = [c for c in olds if c.callee == callee]
        b = [c for c in news if c.callee == callee]
        if len(a) != 1 or len(b) != 1:
            a = [c for c in a if c.place == place]
            b = [c for c in b if c.place == place]
        for call in list(a):
            same = next((n for n in b if n.args == call.args), None)
            if same is not None:
                a.remove(call)
                b.remove(same)
        yield from zip(a, b, strict=False)


def _describe(a: Call, b: Call, sources: tuple[str, ...]) -> str:
    def untold(x: str, y: str) -> bool:
        return not _told_elsewhere(x, y) and not _moved(x, y, sources)

    head, more = argument_change(a.args, b.args, untold)
    if head.startswith("no longer"):
        return f"{head} to {ticked(a.callee)}"
    return f"{head} to {ticked(a.callee)}{more}" if head else ""


def argument_change(
    old: Sequence[str], new: Sequence[str], told: Callable[[str, str], bool] = lambda x, y: True
) -> tuple[str, str]:
    """What a call passes now that it did not (``passes `x=1```, ``passes `b` instead of `a```) and the
    rest in brackets (`` (and no longer `y`)``); or ``no longer passes `y```, ""; ("", "") when nothing
    differs. An argument put for another is told only when ``told(old, new)`` (keyword by its name,
    positional by its place)."""
    old_kw, old_pos = _split(old)
    new_kw, new_pos = _split(new)
    passed = [f"{k}={v}" for k, v in new_kw.items() if k not in old_kw]
    dropped = [f"{k}={v}" for k, v in old_kw.items() if k not in new_kw]
    instead = [
        (f"{k}={old_kw[k]}", f"{k}={v}")
        for k, v in new_kw.items()
        if k in old_kw and unwrapped(old_kw[k]) != unwrapped(v) and told(old_kw[k], v)
    ]
    keys = ([unwrapped(a) for a in old_pos], [unwrapped(a) for a in new_pos])
    matcher = SequenceMatcher(None, *keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            pairs = zip(old_pos[i1:i2], new_pos[j1:j2], strict=True)
            instead += [(x, y) for x, y in pairs if unwrapped(x) != unwrapped(y) and told(x, y)]
            continue
        passed += new_pos[j1:j2]
        dropped += old_pos[i1:i2]
    shown = [quote_pair(x, y, ARG) for x, y in instead[:2]]  # long ones by where they differ
    instead_text = [f"{ticked(y)} instead of {ticked(x)}" for x, y in shown]
    parts = ([_quoted(passed)] if passed else []) + instead_text
    dropped_text = f"no longer {_quoted(dropped)}" if dropped else ""
    if not parts:
        return (f"no longer passes {_quoted(dropped)}" if dropped else ""), ""
    more = "; ".join(parts[1:] + ([dropped_text] if dropped_text else []))
    return f"passes {parts[0]}", (f" (and {more})" if more else "")


# a decorator's mark (``@``, ``#[``), then the callee: after ``@`` it may name its use-site target first, as
# Kotlin's ``@get:JvmName(…)`` and ``@field:Json(…)`` do (one colon: ``::`` is a path)
_MARKED_CALL = re.compile(
    r"(@|#!?\[)?\s*((?:(?<=@)[A-Za-z_]\w*:(?!:))?[A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*)\s*(.*)", re.S
)


def one_call(text: str, language: str) -> tuple[str, tuple[str, ...]] | None:
    """The callee and arguments of ``text`` when it is one call or a bare name, a decorator's mark aside
    (``@retry(stop=3)`` -> ``("retry", ("stop=3",))``, ``#[inline]`` -> ``("inline", ())``); else None."""
    found = _MARKED_CALL.fullmatch(text.strip())
    if found is None:
        return None
    mark, callee, rest = found.groups()
    if mark and mark.startswith("#"):
        if not rest.endswith("]"):
            return None
        rest = rest[:-1].rstrip()
    if not rest:
        return callee, ()
    tokens = Source(rest, 1, language).tokens
    if not tokens or tokens[0][0] != "(" or tokens[0][2] != 0:
        return None
    found_args = _arguments(rest, tokens, 0)
    if found_args is None or tokens[found_args[2]][3] != len(rest):
        return None  # ``f(a)(b)``, ``f(a).b``: not one call
    return callee, found_args[0]


_CALLEE = re.compile(r"([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\(")


def _moved(old: str, new: str, sources: tuple[str, ...]) -> bool:
    """The argument now names a local set to the old value (``f(g(x))`` -> ``y = g(x); f(y)``), or the
    old one named a local the new side no longer sets and passes its value instead, or both hold a call
    to the same callee (the change is that call's, told with it)."""
    old_source, new_source = sources
    if _PLAIN.match(new) and _binds(new, new_source):
        return True
    if _PLAIN.match(old) and _binds(old, old_source):
        return not _binds(old, new_source)
    return bool(set(_CALLEE.findall(old)) & set(_CALLEE.findall(new)))


def _may_pass_otherwise(removed: Sequence[Row], added: Sequence[Row]) -> bool:
    """True when a run of changed rows may change the arguments of a call that stays: a callee named on
    both sides, or a row that continues a call begun above it (its arguments, one a line)."""
    before = {m for _, text in removed for m in _CALLEE.findall(text)}
    if before & {m for _, text in added for m in _CALLEE.findall(text)}:
        return True
    return any(
        not _CALLEE.search(text) and text.rstrip().endswith((",", "(")) for _, text in (*removed, *added)
    )


def _binds(name: str, source: str) -> bool:
    """True when ``source`` assigns ``name`` (``name = …``, ``name := …``, spaced as ruff and gofmt do)."""
    for sign in (" = ", " := "):
        at = source.find(name + sign)
        while at >= 0:
            if at == 0 or not (source[at - 1].isalnum() or source[at - 1] in "_.$"):
                return True
            at = source.find(name + sign, at + 1)
    return False


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
