"""Make untrusted text safe for where it goes: a terminal (:func:`clean`, :func:`plain_line`, :func:`shown`),
the local markdown review (:func:`plain_markdown`), or a GitHub markdown comment / job summary
(:func:`neutralize`).

Every destination gets terminal-safe text. :func:`clean` removes ANSI escape sequences, C0/C1 control
characters (keeping newline and tab), and the characters that are invisible or reorder text: every format
character (Unicode category Cf: zero-width space/joiners U+200B–U+200F, U+061C, the bidi controls
U+202A–U+202E and U+2066–U+2069, U+FEFF, the tag characters of "ASCII smuggling" U+E0000–U+E007F...), the
other default-ignorable code points (variation selectors, Hangul fillers, U+E0000–U+E0FFF) and lone
surrogates (bytes that were not UTF-8: shown as U+FFFD). Line and paragraph separators become newlines.
:func:`shown` is for repository identifiers (paths, qualnames): the same characters are made *visible* as
escapes (``\u200b``, ``\x1b``, ``\n``; an undecodable byte as ``\xff``) instead of dropped, so two paths
never look alike; everything else is kept as is.

The diff's author can steer what the model writes, so on GitHub every model text goes through
:func:`neutralize` before it reaches markdown. What it defuses, on top of :func:`clean`:

- @mentions, ``#123`` / ``owner/repo#123`` and ``GH-123`` references, and full URLs of issues, pull
  requests, discussions and commits on any host (a zero-width joiner after ``@`` / ``#`` / ``GH-``, or
  inside the URL's ``://`` so it is no autolink: GitHub's mention and reference filters need an alphanumeric
  right after the sigil, so nobody is pinged and no cross-reference is created; the text still reads the
  same);
- raw HTML (``<`` ``>`` ``&`` become entities, so no ``<details>``, ``<img>``, ``<!--`` marker forgery or
  entity-spelled ``&#64;mention``);
- block structure, by construction: blank lines are dropped, each line's leading indentation removed, and
  no line begins with an unescaped ASCII punctuation character or a ``1.`` / ``1)`` list number
  (:func:`inline_start`): every block GFM knows (heading, list, quote, thematic break, setext underline,
  table delimiter row such as ``:-:`` or ``-:``, code fence, HTML block, link reference or footnote
  definition, math block) begins that way, so the text stays inside the paragraph / list item / table cell it
  was put in whatever it holds;
- inline structure: ``[`` is escaped (no links, no remote images that load on view, no footnotes), ``|``
  is escaped (no table breakage), unmatched backtick runs are escaped (no code span reaching into the
  surrounding markup), and so is a backtick right after URL-like text (GFM's autolink would swallow it and
  expose the span's content as raw HTML); matched code spans are kept, only a ``<!--`` inside them is
  broken up; other bare URLs stay visible autolinks (they load nothing);
- length: capped at ``limit`` characters of input, with an ellipsis.

It is cheap (linear, a few regexes) and idempotent for texts under the limit:
``neutralize(neutralize(t)) == neutralize(t)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

ZWJ = "\u200d"
Defuse = Callable[[str], str]  # a host's extra rules for text outside code spans
DEFAULT_LIMIT = 3000
ELLIPSIS = "…"

# ANSI / ECMA-48 escape sequences, 7- and 8-bit: control strings (OSC, DCS, SOS, PM, APC) up to their
# terminator, CSI sequences, and two-character escapes. A sequence left unfinished loses only its ESC.
_ANSI = re.compile(
    r"(?:\x1b[P\]X^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x90\x98\x9c-\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|\x1b[ -/]*[0-~]"
)
_LINE_BREAK = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CANDIDATE = re.compile(r"[^\x20-\x7e]")  # what may be unsafe: controls and non-ASCII (a negated class:
# the same set as [\x00-\x1f\x7f-\U0010ffff], whose compiled charset costs ~9 ms at every start)
_CANDIDATE_BUT_NEWLINE = re.compile(r"[^\x20-\x7e\n]")  # the same, a newline kept without a call per line
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# default-ignorable code points outside category Cf (Unicode DerivedCoreProperties): combining grapheme
# joiner, Hangul fillers, Khmer inherent vowels, Mongolian selectors, variation selectors, tags and the rest
_IGNORABLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF),
)  # fmt: skip
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SAFE_ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_REFERENCE = re.compile(r"(?<!&)#(?=[0-9])")
_GH_REFERENCE = re.compile(r"(?<![A-Za-z0-9])GH-(?=[0-9])", re.IGNORECASE)
# the full URL of an issue, pull request, discussion or commit (any host: GitHub Enterprise too)
# (a host holds none of the characters this module escapes, a backtick, ``[`` or ``|``, nor a backslash: the
# same text matches whether or not they were escaped, so neutralizing twice changes nothing)
_REF_PATH = r"[^\s/`\\\[|]*/[^\s/]+/[^\s/]+/(?:issues|pull|pulls|discussions|commit|commits)/"
_REF_URL = re.compile(rf"https?:(?=//{_REF_PATH})|ww(?=w\.{_REF_PATH})", re.IGNORECASE)
# Every block of CommonMark, GFM and GitHub's extensions that can begin an unindented line begins with an
# ASCII punctuation character (heading, list bullet, quote, thematic break, setext underline, table delimiter
# row, code fence, HTML block, link reference definition, footnote, math block) or with digits and ``.`` /
# ``)`` (ordered list): a line whose first character is one of these is backslash-escaped there (which GFM
# renders as the character itself), whatever follows. Not ``\`` (already an escape) nor ``&`` (an entity is
# inline, and this module writes entities); a backtick run closed later on the line is a code span, no fence.
_LINE_OPENERS = frozenset("!\"#$%'()*+,-./:;<=>?@[]^_`{|}~")
_LIST_NUMBER = re.compile(r"[0-9]+(?=[.)])")
_BACKTICKS = re.compile(r"`+")
# what begins raw HTML (a tag, a comment, a declaration) or an inline link's destination ("](", images too)
_LOCAL_OPENER = re.compile(r"<(?=[A-Za-z/!?])|(?<=\])\(")


@lru_cache(maxsize=4096)  # a review's non-ASCII characters are few and repeated: each judged once
def _is_unsafe(char: str) -> bool:
    """A character that a terminal or a browser does not show as itself (see the module docstring)."""
    if char < "\x80":
        return char < " " or char == "\x7f"
    code = ord(char)
    return unicodedata.category(char) in _UNSAFE_CATEGORIES or any(lo <= code <= hi for lo, hi in _IGNORABLE)


def map_unsafe(text: str, replace: Callable[[str], str], keep_newlines: bool = False) -> str:
    """``text`` with each unsafe character replaced by ``replace(char)`` (dropped, or an escape); with
    ``keep_newlines`` a newline is kept as is without asking ``replace`` (a 1 MB JSON review has 42,000)."""
    candidate = _CANDIDATE_BUT_NEWLINE if keep_newlines else _CANDIDATE
    return candidate.sub(lambda m: replace(m.group()) if _is_unsafe(m.group()) else m.group(), text)


def _dropped(char: str) -> str:
    if char == "\t":
        return char
    return "\ufffd" if "\ud800" <= char <= "\udfff" else ""


def clean(text: str) -> str:
    """Text safe for a terminal, otherwise as is: ANSI escape sequences, control characters (not newline and
    tab) and invisible or bidi characters removed; line breaks of every kind become ``\\n``."""
    return map_unsafe(_LINE_BREAK.sub("\n", _ANSI.sub("", text)), _dropped, keep_newlines=True)


def plain_line(text: str) -> str:
    """:func:`clean` text on one line (runs of whitespace, newlines included, become one space)."""
    return " ".join(clean(text).split())


def _escape(char: str) -> str:
    code = ord(char)
    if char in _ESCAPES:
        return _ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by the surrogateescape decoding
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(name: str) -> str:
    """A repository identifier (path, qualname, hunk header) as is, but with every unsafe character made
    visible as an escape (``\\u202e``, ``\\x1b``, ``\\n``): nothing hidden, nothing reordered, one line."""
    return map_unsafe(name, _escape)


def _preceding_backslashes(text: str, index: int) -> int:
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count


def _escape_chars(text: str, chars: str) -> str:
    """Backslash-escape each of ``chars`` that is not already escaped (odd run of backslashes before it)."""
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in chars and _preceding_backslashes(text, i) % 2 == 0:
            out.append("\\")
        out.append(ch)
    return "".join(out)


def break_references(text: str) -> str:
    """@mentions, ``#123`` / ``owner/repo#123`` / ``GH-123`` references and issue, pull-request, discussion
    and commit URLs with a zero-width joiner after the sigil (or inside ``://``): nobody is pinged, no issue
    is cross-referenced or closed (``Fixes #1``) by GitHub or GitLab, and the text reads the same. For text
    that GitHub reads: the PR comment, the job summary, a commit message's body."""
    text = _MENTION.sub("@" + ZWJ, text)
    text = _REFERENCE.sub("#" + ZWJ, text)
    text = _GH_REFERENCE.sub(lambda m: m.group() + ZWJ, text)
    return _REF_URL.sub(lambda m: m.group() + ZWJ, text)


def _plain(text: str, defuse: Defuse | None = None) -> str:
    """Neutralize a stretch of text outside code spans (``defuse``: a host's own rules, applied first)."""
    if defuse is not None:
        text = defuse(text)
    text = _SAFE_ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return _escape_chars(break_references(text), "[|")


def break_comments(span: str) -> str:
    """Text for a code span in GitHub markdown: it renders literally; only break up a would-be HTML comment
    opener, so not even a code span holds this tool's comment marker."""
    return span.replace("<!--", "<!-" + ZWJ + "-")


_code = break_comments


def _split_code_spans(line: str) -> list[tuple[str, str]]:
    """(kind, text) pieces, kind being "plain", "code" (a matched span) or "safe" (an escaped lone run)."""
    pieces: list[tuple[str, str]] = []
    pos = plain_start = 0
    while (run := _BACKTICKS.search(line, pos)) is not None:
        if _preceding_backslashes(line, run.start()) % 2 == 1:
            pos = run.start() + 1  # an escaped backtick is literal; the rest of the run may still open a span
            continue
        size = len(run.group())
        closer = None if _after_url(line, run.start()) else _next_run_of(line, run.end(), size)
        pieces.append(("plain", line[plain_start : run.start()]))
        if closer is None:
            pieces.append(("safe", "\\`" * size))
            pos = plain_start = run.end()
        else:
            pieces.append(("code", line[run.start() : closer]))
            pos = plain_start = closer
    pieces.append(("plain", line[plain_start:]))
    return pieces


def _after_url(line: str, index: int) -> bool:
    """True when the text before ``index`` (back to the last space) may be a GFM autolink: the autolink
    would swallow the backtick, and the would-be code span's content would be parsed as raw markdown/HTML."""
    word = line[:index].rsplit(" ", 1)[-1].lower()
    return "://" in word or "www." in word or ":" in word


def _next_run_of(line: str, start: int, size: int) -> int | None:
    """End index of the next backtick run of exactly ``size`` after ``start``, or None."""
    for run in _BACKTICKS.finditer(line, start):
        if len(run.group()) == size:
            return run.end()
    return None


def _table_code(span: str) -> str:
    """In a table cell GFM splits on ``|`` before it parses code spans: escape pipes there too."""
    return _escape_chars(_code(span), "|")


def inline_start(line: str) -> str:
    """``line`` (without leading whitespace) made unable to begin any block at a line start: its first
    character backslash-escaped when it is ASCII punctuation, or the ``.`` / ``)`` after leading digits (see
    :data:`_LINE_OPENERS`). So a line of untrusted text is always paragraph text: never a heading, list item,
    quote, fence, HTML block, thematic break, setext underline or table delimiter row. Idempotent."""
    number = _LIST_NUMBER.match(line)
    if number is not None:
        return line[: number.end()] + "\\" + line[number.end() :]
    if line[:1] not in _LINE_OPENERS:
        return line
    run = _BACKTICKS.match(line)
    if run is not None and _next_run_of(line, run.end(), len(run.group())) is not None:
        return line  # a code span closed on this line (a fence's info string holds no backtick)
    return "\\" + line


def _line(line: str, cell: bool, defuse: Defuse | None) -> str:
    code = _table_code if cell else _code
    handlers: dict[str, Callable[[str], str]] = {
        "plain": lambda piece: _plain(piece, defuse),
        "code": code,
        "safe": str,
    }
    return inline_start("".join(handlers[kind](piece) for kind, piece in _split_code_spans(line)))


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def _close_trailing_backslash(text: str) -> str:
    """A final odd backslash would escape whatever markup the renderer puts after the text."""
    return text + "\\" if _preceding_backslashes(text, len(text)) % 2 == 1 else text


def _neutralize(text: str, limit: int, cell: bool, defuse: Defuse | None) -> str:
    text = _cap(clean(text), limit).replace("\t", " ")
    # each line's final odd backslash closed: before a line break it would make a hard break (<br>)
    lines = [
        _close_trailing_backslash(_line(line.strip(), cell, defuse))
        for line in text.split("\n")
        if line.strip()
    ]
    return "\n".join(lines)


def _escape_local_openers(text: str) -> str:
    """A backslash before each ``<`` that would begin raw HTML and each ``(`` that would begin a link's
    destination, unless it is escaped already."""
    out: list[str] = []
    last = 0
    for opener in _LOCAL_OPENER.finditer(text):
        if _preceding_backslashes(text, opener.start()) % 2 == 0:
            out += [text[last : opener.start()], "\\"]
            last = opener.start()
    return "".join(out) + text[last:]


def plain_markdown(text: str) -> str:
    """:func:`plain_line` text for the local markdown review: as is (no entities, no zero-width joiners), but
    it cannot change the review's structure: no block begins with it (:func:`inline_start`), no raw HTML
    (a ``<`` that would open a tag or comment gets a backslash), no link or image with a hidden destination
    (``](`` becomes ``]\\(``; a bare URL stays a visible autolink), no backtick run left open to pair with the
    review's own code spans, and no final backslash escaping what follows. Idempotent."""
    handlers: dict[str, Callable[[str], str]] = {"plain": _escape_local_openers, "code": str, "safe": str}
    pieces = _split_code_spans(plain_line(text))
    return _close_trailing_backslash(inline_start("".join(handlers[kind](piece) for kind, piece in pieces)))


def neutralize(text: str, *, limit: int = DEFAULT_LIMIT, defuse: Defuse | None = None) -> str:
    """Untrusted text made safe for a markdown paragraph or list item; keeps line breaks, drops blank ones.
    ``defuse``: a host's own rules for text outside code spans (GitLab's references: publish/gitlab.py),
    applied to the clean text before this module's rules."""
    return _neutralize(text, limit, False, defuse)


def neutralize_inline(text: str, *, limit: int = DEFAULT_LIMIT, defuse: Defuse | None = None) -> str:
    """Like :func:`neutralize` but on one line and safe in a table cell (pipes in code spans escaped too):
    for table cells, headings and ``<summary>`` text."""
    return _neutralize(" ".join(text.split()), limit, True, defuse)


def trim_markdown(text: str, limit: int, note: str, measure: Callable[[str], int] = len) -> str:
    """``text`` if it fits ``limit`` (as counted by ``measure``), else whole lines of it plus ``note``.

    Code fences and ``<details>`` blocks left open by the cut are closed before the note, so the note is
    visible and the rest of the page is not swallowed.
    """
    if measure(text) <= limit:
        return text
    budget = limit - measure(note) - measure("\n```\n" + "</details>\n" * 8) - 2
    kept: list[str] = []
    used = 0
    for line in text.split("\n"):
        size = measure(line) + 1
        if used + size > budget:
            break
        kept.append(line)
        used += size
    return _close_blocks(kept) + "\n\n" + note


def _close_blocks(lines: list[str]) -> str:
    in_fence = False
    depth = 0
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
        elif not in_fence:  # the renderer writes <details> at a line start and </details> on its own line
            depth += stripped.startswith("<details>") - (stripped == "</details>")
    tail = (["```"] if in_fence else []) + ["</details>"] * min(max(depth, 0), 8)
    return "\n".join(lines + tail)
