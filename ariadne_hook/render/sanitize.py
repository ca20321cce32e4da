"""Make untrusted (LLM) text safe to embed in a GitHub markdown comment or job summary.

The diff's author can steer what the model writes, so every model text goes through :func:`neutralize`
before it reaches markdown. What it defuses:

- @mentions and ``#123`` / ``owner/repo#123`` references (a zero-width joiner after ``@`` / ``#``: GitHub's
  mention and reference filters need an alphanumeric right after the sigil, so nobody is pinged and no
  cross-reference is created; the text still reads the same);
- raw HTML (``<`` ``>`` ``&`` become entities, so no ``<details>``, ``<img>``, ``<!--`` marker forgery or
  entity-spelled ``&#64;mention``);
- block structure: blank lines are dropped and each line's leading indentation removed, and a line that
  would open a heading, list, quote, thematic break, setext underline, code fence or math block is
  backslash-escaped, so the text stays inside the paragraph / list item / table cell it was put in;
- inline structure: ``[`` is escaped (no links, no remote images that load on view, no footnotes), ``|``
  is escaped (no table breakage), unmatched backtick runs are escaped (no code span reaching into the
  surrounding markup), and so is a backtick right after URL-like text (GFM's autolink would swallow it and
  expose the span's content as raw HTML); matched code spans are kept, only a ``<!--`` inside them is
  broken up; bare URLs stay visible autolinks (they load nothing);
- bidi overrides and control characters (Trojan-source style tricks) are removed;
- length: capped at ``limit`` characters of input, with an ellipsis.

It is cheap (linear, a few regexes) and idempotent for texts under the limit:
``neutralize(neutralize(t)) == neutralize(t)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

ZWJ = "\u200d"
DEFAULT_LIMIT = 3000
ELLIPSIS = "…"

_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_SAFE_ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_REFERENCE = re.compile(r"(?<!&)#(?=[0-9])")
# a line start that would open a block: heading, bullet, ordered item, thematic break / setext underline,
# tilde fence, math block (backtick fences are handled as unmatched backtick runs)
_BLOCK_START = re.compile(r"#{1,6}(?:\s|$)|[-+*](?:\s|$)|(?:[-*_=]\s*)+$|~~~|\$\$|([0-9]{1,9})[.)](?:\s|$)")
_BACKTICKS = re.compile(r"`+")


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


def _plain(text: str) -> str:
    """Neutralize a stretch of text outside code spans."""
    text = _SAFE_ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _MENTION.sub("@" + ZWJ, text)
    text = _REFERENCE.sub("#" + ZWJ, text)
    return _escape_chars(text, "[|")


def _code(span: str) -> str:
    """A matched code span renders literally; only break up a would-be HTML comment opener."""
    return span.replace("<!--", "<!-" + ZWJ + "-")


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


def _line(line: str, cell: bool) -> str:
    code = _table_code if cell else _code
    handlers: dict[str, Callable[[str], str]] = {"plain": _plain, "code": code, "safe": str}
    parts = [handlers[kind](piece) for kind, piece in _split_code_spans(line)]
    out = "".join(parts)
    block = _BLOCK_START.match(out)
    if block is None:
        return out
    digits = block.group(1)
    return out[: len(digits)] + "\\" + out[len(digits) :] if digits else "\\" + out


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def _close_trailing_backslash(text: str) -> str:
    """A final odd backslash would escape whatever markup the renderer puts after the text."""
    return text + "\\" if _preceding_backslashes(text, len(text)) % 2 == 1 else text


def _neutralize(text: str, limit: int, cell: bool) -> str:
    text = _INVISIBLE.sub("", _cap(text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "), limit))
    lines = [_line(line.strip(), cell) for line in text.split("\n") if line.strip()]
    return _close_trailing_backslash("\n".join(lines))


def neutralize(text: str, *, limit: int = DEFAULT_LIMIT) -> str:
    """Untrusted text made safe for a markdown paragraph or list item; keeps line breaks, drops blank ones."""
    return _neutralize(text, limit, cell=False)


def neutralize_inline(text: str, *, limit: int = DEFAULT_LIMIT) -> str:
    """Like :func:`neutralize` but on one line and safe in a table cell (pipes in code spans escaped too):
    for table cells, headings and ``<summary>`` text."""
    return _neutralize(" ".join(text.split()), limit, cell=True)


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
        elif not in_fence:
            depth += stripped.count("<details") - stripped.count("</details>")
    tail = (["```"] if in_fence else []) + ["</details>"] * min(max(depth, 0), 8)
    return "\n".join(lines + tail)
