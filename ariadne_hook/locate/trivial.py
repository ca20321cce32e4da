"""Is a change trivial: only comments, blank lines and whitespace (and, at module level, imports)?

Each side of a file is *lexed* once, on demand, into its significant tokens, each tied to the lines it spans;
an entry is trivial when the tokens on its removed lines equal the tokens on its added lines. So a changed
comment, a re-indented line, an added blank line compare equal; anything else, including a changed string,
does not. Module-level entries also leave out the lines of import statements, so an entry that only adds,
removes or reorders imports is trivial too.

- Python uses ``tokenize``: COMMENT and NL tokens (comments, blank lines, line breaks inside brackets) are
  dropped, INDENT / DEDENT / NEWLINE compare by type only (a uniformly re-indented block is the same code;
  a statement moved out of a block is not). **Docstrings are code**: they are string constants that end up
  in ``__doc__`` (click prints them as help text), so a docstring edit is not trivial.
- C-like languages (JavaScript, TypeScript, Go, Rust, Java, Kotlin, C, C++) drop ``//`` and ``/* ... */``
  comments (so the `` * `` continuation lines of a doc comment too) and Ruby ``#`` and ``=begin``/``=end``
  comments; string literals are kept verbatim (Kotlin's triple-quoted raw strings too). Whitespace inside a
  line does not count, line structure does: joining or splitting a statement over lines is not trivial
  outside Python (newlines end statements in Go, Kotlin, Ruby and JavaScript).
- Imports: Python ``import`` / ``from ... import`` (a whole logical line without ``;``), JS/TS ``import``
  statements and ``require(...)`` bindings, Go ``import`` (blocks too), Rust ``use`` (not ``pub use``, which
  changes the crate's API), Java and Kotlin ``import``, C/C++ ``#include``, Ruby ``require`` /
  ``require_relative``.

Each language's module (``ariadne_hook/languages/``) picks its lexer from the building blocks here: its
``Comments`` (said once: the lexer's pattern and the comment-line markers), its string forms, its imports.

Anything that cannot be lexed (a tokenize error, a language without a lexer) is never trivial.
"""

from __future__ import annotations

import io
import re
import tokenize
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache

_STRUCTURE = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT})
_DROPPED = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER})
EOL = "\n"  # the end-of-line token of the C-like lexer: line structure counts there


@dataclass(frozen=True)
class Lexed:
    """One side of a file: its significant tokens and, for each line, the tokens on it."""

    tokens: Sequence[str]
    lines: dict[int, list[int]]  # git line number -> indices of the tokens on that line (spanning it)
    imports: frozenset[int]  # lines that belong to import statements


def tokens_of(lexed: Lexed, lines: Collection[int], skip_imports: bool) -> list[str]:
    """The tokens on ``lines`` in file order, each once; import lines left out when asked."""
    chosen: set[int] = set()
    for line in lines:
        if skip_imports and line in lexed.imports:
            continue
        chosen.update(lexed.lines.get(line, ()))
    return [lexed.tokens[i] for i in sorted(chosen)]


# ------------------------------------------------------------------------------------------------ Python


def lex_python(text: str, first_line: int = 1, starts_import: ImportRule | None = None) -> Lexed | None:
    """Python tokens with ``tokenize``; None when the text does not tokenize. ``text`` may be a part of a
    file that starts at a top-level statement: ``first_line`` is the file's line number of its first line."""
    source = text[1:] if text.startswith("\ufeff") else text
    shift = first_line - 1
    tokens: list[str] = []
    lines: dict[int, list[int]] = defaultdict(list)
    imports: set[int] = set()
    statement: list[tokenize.TokenInfo] = []  # the logical line being read
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in _DROPPED:
                continue
            index = len(tokens)
            tokens.append(tokenize.tok_name[tok.type] if tok.type in _STRUCTURE else tok.string)
            for line in range(tok.start[0] + shift, tok.end[0] + shift + 1):
                lines[line].append(index)
            if tok.type in (tokenize.INDENT, tokenize.DEDENT):
                continue
            statement.append(tok)
            if tok.type == tokenize.NEWLINE:
                if starts_import is not None and _python_import(statement, starts_import):
                    imports.update(range(statement[0].start[0] + shift, tok.end[0] + shift + 1))
                statement = []
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return Lexed(tokens, dict(lines), frozenset(imports))


def _python_import(statement: Sequence[tokenize.TokenInfo], starts_import: ImportRule) -> bool:
    """A whole logical line that is an import (a ``;`` would put more on it)."""
    if statement[0].type != tokenize.NAME or not starts_import([t.string for t in statement]):
        return False
    return not any(t.type == tokenize.OP and t.string == ";" for t in statement)


# ------------------------------------------------------------------------------------------------ C-like


@dataclass(frozen=True)
class Comments:
    """A language's comment syntax, said once: the lexer's pattern (a ``comment`` group) and how a line of
    a comment starts (for text that is only lines of a diff: the offline summaries)."""

    pattern: str
    markers: tuple[str, ...]

    def only_comments(self, lines: Sequence[str]) -> bool:
        """Every line blank or a comment line, and at least one line: the one "only comments changed" rule."""
        changed = [line.strip() for line in lines]
        return bool(changed) and all(not line or line.startswith(self.markers) for line in changed)


# building blocks of a language's lexer (its module picks its comments and string forms)
SLASH_COMMENTS = Comments(r"(?P<comment>//[^\n]*|/\*[\s\S]*?(?:\*/|\Z))", ("//", "/*", "*"))
HASH_COMMENTS = Comments(r"(?P<comment>#[^\n]*|^=begin\b[\s\S]*?(?:^=end\b[^\n]*|\Z))", ("#",))
PYTHON_COMMENTS = Comments(r"(?P<comment>#[^\n]*)", ("#",))  # tokenize reads them; the markers serve
DOUBLE = r'"(?:\\[\s\S]|[^"\\\n])*"?'
TRIPLE = r'"""[\s\S]*?(?:"""|\Z)'  # Kotlin raw strings
SINGLE_STRING = r"'(?:\\[\s\S]|[^'\\\n])*'?"
SINGLE_CHAR = r"'(?:\\[^'\n]{1,10}|[^'\\\n])'"  # a char literal; a lone ' (Rust lifetime) is punctuation
BACKTICK = r"`(?:\\[\s\S]|[^`\\])*`?"
_REST = r"|(?P<word>\w+)|(?P<space>[ \t\r\f\v]+)|(?P<eol>\n)|(?P<other>.)"

ImportRule = Callable[[Sequence[str]], bool]  # the tokens of a line that may start an import statement


@dataclass(frozen=True)
class Lexer:
    """A language's lexer: ``lex(text, first_line)``. ``prefilter``: a comment starts with ``#`` and nothing
    else hides code, so changed lines whose non-blank characters differ, without a ``#``, are code (Python:
    spares tokenizing both sides of a big file for the common case)."""

    lex: Callable[[str, int], Lexed | None]
    comments: Comments
    prefilter: bool = False


def c_like(comments: Comments, strings: Sequence[str], starts_import: ImportRule) -> Lexer:
    """The lexer of a language with these comments, these string literal forms and these imports."""
    pattern = re.compile(comments.pattern + r"|(?P<string>" + "|".join(strings) + ")" + _REST, re.MULTILINE)
    return Lexer(lambda text, first_line: lex_c_like(text, pattern, starts_import, first_line), comments)


def starts(*heads: str) -> ImportRule:
    """An import statement starts with one of these words (``import``, ``use``, ``require``)."""
    return lambda words: bool(words) and words[0] in heads


_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")


def lex_c_like(text: str, pattern: re.Pattern[str], starts_import: ImportRule, first_line: int = 1) -> Lexed:
    """Tokens by one regular expression: words, punctuation characters and string literals (a string
    over several lines gives one token per line), then an end-of-line token on every line with code."""
    source = text[1:] if text.startswith("\ufeff") else text
    tokens: list[str] = []
    lines: dict[int, list[int]] = defaultdict(list)
    line = first_line

    def add(value: str) -> None:
        lines[line].append(len(tokens))
        tokens.append(value)

    for found in pattern.finditer(source):
        kind, value = found.lastgroup, found.group()
        if kind == "eol":
            if lines.get(line):
                add(EOL)
            line += 1
        elif kind in ("word", "other"):
            add(value)
        elif kind in ("string", "comment"):
            parts = value.split("\n")
            for number, part in enumerate(parts):
                if kind == "string" and part:
                    add(part)
                if number < len(parts) - 1:
                    if lines.get(line):
                        add(EOL)
                    line += 1
    if lines.get(line):
        add(EOL)
    return Lexed(tokens, dict(lines), _import_lines(tokens, lines, starts_import))


def _import_lines(tokens: Sequence[str], lines: dict[int, list[int]], starts: ImportRule) -> frozenset[int]:
    """Lines of import statements: a line whose tokens start one, and the lines after it while a bracket
    it opened is still open (``import (`` ... ``)`` in Go, ``import {`` ... ``} from`` in JavaScript)."""
    found: set[int] = set()
    depth = 0
    for number in sorted(lines):
        words = [tokens[i] for i in lines[number] if tokens[i] != EOL]
        if depth <= 0:
            depth = 0
            if not starts(words):
                continue
        found.add(number)
        depth += sum(w in _OPEN for w in words) - sum(w in _CLOSE for w in words)
    return frozenset(found)


# ------------------------------------------------------------------------------------------------ entry


def lex(text: str, language: str, first_line: int = 1) -> Lexed | None:
    """One side of a file (or a part of it starting at a statement, at line ``first_line``) lexed for
    ``language``; None when there is no lexer or the text does not lex."""
    lexer = _lexer_of(language)
    return None if lexer is None else lexer.lex(text, first_line)


def _lexer_of(language: str) -> Lexer | None:
    from ariadne_hook.languages import language_named

    found = language_named(language)
    return None if found is None else found.lexer


class FileTriviality:
    """``is_trivial`` for the entries of one file, each side lexed at most once, only when needed.

    Each side is lexed by windows when ``bounds`` gives, for each side, lines where a top-level statement
    starts (the first lines of top-level functions and classes, and the lines after them; an entry may
    give its own, e.g. its function's span): an entry's lines are tokenized from the last bound at or
    before its first line to the line before the next bound after its last line. Lexing is slow (``tokenize``
    takes a tenth of a second for a 3,000-line file); a window gives the same tokens on those lines as the
    whole file would, since it starts where a statement starts.
    """

    def __init__(
        self,
        language: str,
        old_text: str | None,
        new_text: str | None,
        bounds: tuple[Sequence[int], Sequence[int]] = ((), ()),
    ) -> None:
        self.language = language
        self._texts = (old_text, new_text)
        self._bounds = tuple(sorted({1, *side}) for side in bounds)

    def tokens(
        self, which: int, lines: Collection[int], bounds: Sequence[int] | None, module: bool
    ) -> list[str] | None:
        """The tokens on ``lines`` of one side (None when it does not lex), lexed by the windows that hold
        them (see the class), or the whole side when there are no bounds."""
        cuts = self._bounds[which] if bounds is None else sorted({1, *bounds})
        if len(cuts) <= 1:
            lexed = self.side(which)
            return None if lexed is None else tokens_of(lexed, lines, module)
        last = len(self.text_lines(which))
        windows: dict[int, list[int]] = defaultdict(list)  # window start -> its lines
        for line in sorted(lines):
            windows[cuts[bisect_right(cuts, line) - 1]].append(line)
        out: list[str] = []
        for start, inside in windows.items():
            after = bisect_right(cuts, start)
            lexed = self.window(which, start, cuts[after] - 1 if after < len(cuts) else last)
            if lexed is None:
                return None
            out += tokens_of(lexed, inside, module)
        return out

    @cache  # noqa: B019
    def window(self, which: int, start: int, end: int) -> Lexed | None:
        return lex("\n".join(self.text_lines(which)[start - 1 : end]) + "\n", self.language, start)

    @cache  # noqa: B019 - one instance per file, dropped with it
    def side(self, which: int) -> Lexed | None:
        text = self._texts[which]
        return None if text is None else lex(text, self.language)

    @cache  # noqa: B019
    def text_lines(self, which: int) -> list[str]:
        return (self._texts[which] or "").split("\n")

    def surely_not(self, removed: Collection[int], added: Collection[int], module: bool) -> bool:
        """Python without a ``#`` on the changed lines: different non-blank characters are different code
        (no need to tokenize both sides of a big file for the common case)."""
        lexer = _lexer_of(self.language)
        if lexer is None or not lexer.prefilter:
            return False
        old, new = self.text_lines(0), self.text_lines(1)
        before = [old[n - 1] for n in sorted(removed) if 0 < n <= len(old)]
        after = [new[n - 1] for n in sorted(added) if 0 < n <= len(new)]
        if not module and (not before or not after):  # only added (or only removed) lines: any code?
            return any(t.strip() and not t.lstrip().startswith(("#", "\\")) for t in before or after)
        if any("#" in text or (module and "import" in text) for text in [*before, *after]):
            return False
        return "".join("".join(t.split()) for t in before) != "".join("".join(t.split()) for t in after)

    def __call__(
        self,
        removed: Collection[int],
        added: Collection[int],
        *,
        module: bool,
        bounds: tuple[Sequence[int], Sequence[int]] | None = None,
    ) -> bool:
        """``bounds`` (per side) replaces the file's for this entry: the lines where the statements that
        hold its lines start (a function's span; a class's span and its methods)."""
        if _lexer_of(self.language) is None or not (removed or added):
            return False
        if self.surely_not(removed, added, module):
            return False
        before = self.tokens(0, removed, bounds[0] if bounds else None, module) if removed else []
        after = self.tokens(1, added, bounds[1] if bounds else None, module) if added else []
        return before is not None and after is not None and before == after
