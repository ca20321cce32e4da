"""Pure unified-diff parser: git's extended format and plain ``diff -u`` / ``diff -ruN`` output.

Line numbering: file text is always split with ``str.split("\\n")``, never with ``str.splitlines()``,
which also breaks on ``\\r``, ``\\x0b``, ``\\x0c``, ``\\x1c``-``\\x1e``, ``\\x85``, ``\\u2028`` and
``\\u2029`` and would shift every line number after such a character away from git's hunk numbers.
A CRLF file keeps its ``\\r`` at the end of each line, exactly as the diff body does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ariadne_hook.models import ADDED, COPIED, DELETED, MODIFIED, RENAMED, Hunk

_HUNK_RE = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)")
_EXTENDED = (
    "old mode ",
    "new mode ",
    "deleted file mode ",
    "new file mode ",
    "copy from ",
    "copy to ",
    "rename from ",
    "rename to ",
    "similarity index ",
    "dissimilarity index ",
    "index ",
)
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_ZERO_SHA = re.compile(r"0+")
_EPOCH = "1970-01-01"  # ``diff -N`` dates a missing side at the epoch
_SHOW_HEADER = re.compile(r"(commit|From) [0-9a-f]{7,64}\b")


class PatchError(ValueError):
    """Text that is not a consistent unified diff; the message is one line."""


@dataclass(frozen=True)
class PatchFile:
    """One file section of a unified diff."""

    old_path: str | None  # None for /dev/null (added)
    new_path: str | None  # None for /dev/null (deleted)
    status: str  # added | modified | deleted | renamed | copied
    hunks: tuple[Hunk, ...] = ()
    binary: bool = False
    old_blob: str | None = None  # object ids from git's "index" line; None when absent or all zeros
    new_blob: str | None = None
    old_mode: str | None = None
    new_mode: str | None = None
    similarity: int | None = None

    @property
    def path(self) -> str:
        """The new path; the old path for a deleted file."""
        return self.new_path or self.old_path or ""


def unquote_path(name: str) -> str:
    """Decode git's C-style quoted path (``"a\\303\\251.py"``) into str; other names are returned as-is.

    Bytes that are not UTF-8 become surrogate escapes, like ``os.fsdecode``.
    """
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    out = bytearray()
    body, i = name[1:-1], 0
    while i < len(body):
        char = body[i]
        if char != "\\" or i + 1 == len(body):
            out += char.encode("utf-8", "surrogateescape")
            i += 1
        elif body[i + 1] in _ESCAPES:
            out.append(_ESCAPES[body[i + 1]])
            i += 2
        elif body[i + 1 : i + 4].isdigit():
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out += body[i + 1].encode("utf-8", "surrogateescape")
            i += 2
    return out.decode("utf-8", "surrogateescape")


def _quoted_end(text: str) -> int:
    """Index just past the closing quote of the quoted name that starts text, or -1."""
    i = 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == '"':
            return i + 1
        else:
            i += 1
    return -1


def _strip1(name: str) -> str:
    """Drop the first path component (git's ``a/`` / ``b/`` prefix), like ``patch -p1``."""
    return name.split("/", 1)[1] if "/" in name else name


def split_git_header(rest: str) -> tuple[str, str]:
    """The two (still prefixed) names of ``diff --git <rest>``.

    Unquoted names with spaces are ambiguous; git only leaves them to this line when both sides are the same
    path (mode change, binary file), so an even split in the middle is tried first.
    """
    if rest.startswith('"'):
        end = _quoted_end(rest)
        if end > 0:
            return unquote_path(rest[:end]), unquote_path(rest[end + 1 :])
    if rest.endswith('"') and ' "' in rest:
        cut = rest.index(' "')
        return rest[:cut], unquote_path(rest[cut + 1 :])
    mid = len(rest) // 2
    if len(rest) % 2 and rest[mid] == " ":
        left, right = rest[:mid], rest[mid + 1 :]
        if left == right or _strip1(left) == _strip1(right):
            return left, right
    left, _, right = rest.partition(" ")
    return left, right


def _header_name(line: str) -> tuple[str, bool]:
    """Name from a ``--- `` / ``+++ `` line: (name, dated at the epoch). Drops a tab and timestamp."""
    value = line[4:].rstrip("\r")
    if value.startswith('"'):
        end = _quoted_end(value)
        if end > 0:
            return unquote_path(value[:end]), value[end:].lstrip().startswith(_EPOCH)
    name, _, stamp = value.partition("\t")
    return name, stamp.startswith(_EPOCH)


def _blob(sha: str) -> str | None:
    return None if not sha or _ZERO_SHA.fullmatch(sha) else sha


def _hunk_error(path: str, lineno: int, header: str, problem: str) -> PatchError:
    return PatchError(f"{path}: hunk {header.strip()!r} at line {lineno} {problem}")


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()  # the text's final newline ends the last line; it does not start another
        self.i = 0

    def peek(self, offset: int = 0) -> str:
        index = self.i + offset
        return self.lines[index] if index < len(self.lines) else ""

    def run(self) -> list[PatchFile]:
        files: list[PatchFile] = []
        while self.i < len(self.lines):
            line = self.lines[self.i]
            if line.startswith("diff --git "):
                files.append(self.git_file())
            elif line.startswith(("diff --cc ", "diff --combined ")):
                raise PatchError(
                    f"line {self.i + 1}: combined (merge) diffs are not supported; diff against one parent"
                )
            elif line.startswith("--- ") and self.peek(1).startswith("+++ "):
                files.append(self.plain_file())
            elif line.startswith("@@ -"):
                raise PatchError(f"line {self.i + 1}: hunk without a ---/+++ file header")
            else:
                self.i += 1
        return files

    def git_file(self) -> PatchFile:
        old_name, new_name = split_git_header(self.lines[self.i][len("diff --git ") :].rstrip("\r"))
        strip = old_name != new_name  # a/x b/x; equal names mean --no-prefix output
        self.i += 1
        meta: dict[str, str] = {}
        binary, minus, plus = False, "", ""
        while self.i < len(self.lines):
            line = self.lines[self.i].rstrip("\r")
            key = next((p for p in _EXTENDED if line.startswith(p)), None)
            if key is not None:
                meta[key.strip()] = line[len(key) :]
            elif line.startswith(("Binary files ", "GIT binary patch")):
                binary = True
                self.i += 1
                break
            elif line.startswith("--- ") and self.peek(1).startswith("+++ "):
                minus, plus = self.lines[self.i], self.lines[self.i + 1]
                self.i += 2
                break
            else:
                break
            self.i += 1
        old_path, new_path = self.git_paths(meta, minus, plus, (old_name, new_name), strip)
        hunks = self.hunks(new_path or old_path or "") if minus else ()
        return self.git_patch_file(meta, old_path, new_path, hunks, binary)

    @staticmethod
    def git_paths(
        meta: dict[str, str], minus: str, plus: str, header: tuple[str, str], strip: bool
    ) -> tuple[str | None, str | None]:
        def fix(name: str) -> str:
            return _strip1(name) if strip else name

        old = fix(header[0])
        new = fix(header[1])
        if minus:
            minus_name, plus_name = _header_name(minus)[0], _header_name(plus)[0]
            old = old if minus_name == "/dev/null" else fix(minus_name)
            new = new if plus_name == "/dev/null" else fix(plus_name)
        old = unquote_path(meta.get("rename from", meta.get("copy from", ""))) or old
        new = unquote_path(meta.get("rename to", meta.get("copy to", ""))) or new
        if "new file mode" in meta:
            return None, new
        if "deleted file mode" in meta:
            return old, None
        if minus and _header_name(minus)[0] == "/dev/null":
            return None, new
        if minus and _header_name(plus)[0] == "/dev/null":
            return old, None
        return old, new

    @staticmethod
    def git_patch_file(
        meta: dict[str, str],
        old_path: str | None,
        new_path: str | None,
        hunks: tuple[Hunk, ...],
        binary: bool,
    ) -> PatchFile:
        shas, _, index_mode = meta.get("index", "").partition(" ")
        old_sha, _, new_sha = shas.partition("..")
        if old_path is None:
            status = ADDED
        elif new_path is None:
            status = DELETED
        elif "rename from" in meta:
            status = RENAMED
        elif "copy from" in meta:
            status = COPIED
        else:
            status = MODIFIED
        similarity = meta.get("similarity index", "").rstrip("%")
        return PatchFile(
            old_path=old_path,
            new_path=new_path,
            status=status,
            hunks=hunks,
            binary=binary,
            old_blob=_blob(old_sha),
            new_blob=_blob(new_sha),
            old_mode=meta.get("old mode") or meta.get("deleted file mode") or index_mode or None,
            new_mode=meta.get("new mode") or meta.get("new file mode") or index_mode or None,
            similarity=int(similarity) if similarity.isdigit() else None,
        )

    def plain_file(self) -> PatchFile:
        (old, old_gone), (new, new_gone) = (
            _header_name(self.lines[self.i]),
            _header_name(self.lines[self.i + 1]),
        )
        self.i += 2
        old_gone, new_gone = old_gone or old == "/dev/null", new_gone or new == "/dev/null"
        if "/" in old and "/" in new and old != new and _strip1(old) == _strip1(new):
            old, new = _strip1(old), _strip1(new)  # diff -ruN a/x b/x
        hunks = self.hunks(old if new_gone else new)
        if old_gone and not new_gone:
            return PatchFile(old_path=None, new_path=new, status=ADDED, hunks=hunks)
        if new_gone and not old_gone:
            return PatchFile(old_path=old, new_path=None, status=DELETED, hunks=hunks)
        return PatchFile(old_path=old, new_path=new, status=MODIFIED, hunks=hunks)

    def hunks(self, path: str) -> tuple[Hunk, ...]:
        out: list[Hunk] = []
        while self.i < len(self.lines) and self.lines[self.i].startswith("@@ "):
            out.append(self.hunk(path))
        line = self.peek()
        if line.startswith(("+", "-")) and line != "-- " and not line.startswith("--- "):
            raise PatchError(f"{path}: line {self.i + 1} is outside any hunk (hunk line counts too small?)")
        return tuple(out)

    def hunk(self, path: str) -> Hunk:
        lines, start = self.lines, self.i
        match = _HUNK_RE.match(lines[start])
        if match is None:
            raise _hunk_error(path, start + 1, lines[start], "has a malformed header")
        old_start, old_count, new_start, new_count, context = match.groups()
        old_left = int(old_count) if old_count is not None else 1
        new_left = int(new_count) if new_count is not None else 1
        i, end = start + 1, len(lines)
        if old_left == 0 or new_left == 0:  # pure addition / removal: a fast check of one tag
            count, tag = (new_left, "+") if old_left == 0 else (old_left, "-")
            if ("\n" + "\n".join(lines[i : i + count])).count("\n" + tag) == count:
                i += count
                old_left = new_left = 0
        while old_left > 0 or new_left > 0:
            if i == end:
                raise _hunk_error(path, start + 1, lines[start], "ends before its line counts are reached")
            tag = lines[i][:1]
            if tag == "+":
                new_left -= 1
            elif tag == "-":
                old_left -= 1
            elif tag == " " or tag == "":  # "": a context line whose single space was stripped
                old_left -= 1
                new_left -= 1
            elif tag != "\\":
                raise _hunk_error(path, start + 1, lines[start], f"is cut short at line {i + 1}")
            i += 1
        if old_left < 0 or new_left < 0:
            raise _hunk_error(path, start + 1, lines[start], "has more lines than its header counts")
        if i < end and lines[i].startswith("\\"):
            i += 1
        body = lines[start + 1 : i]
        if "" in body:
            body = [line or " " for line in body]
        self.i = i
        return Hunk(
            old_start=int(old_start),
            old_count=int(old_count) if old_count is not None else 1,
            new_start=int(new_start),
            new_count=int(new_count) if new_count is not None else 1,
            header=context.strip(),
            lines=tuple(body),
        )


def parse_patch(text: str) -> list[PatchFile]:
    """Parse a unified diff (git's, ``git show``/format-patch with a mail header, or plain ``diff -u``).

    Text before the first file header (a mail header, a commit message) is ignored. Empty text, or only a
    ``git show``/format-patch header (an empty commit), gives []. Raises PatchError for text without any
    file header or for hunks whose line counts do not match their ``@@`` header.
    """
    files = _Parser(text).run()
    if not files and text.strip() and not _SHOW_HEADER.match(text):
        raise PatchError("no file header (diff --git, or ---/+++ lines) found")
    return files


def line_sets(hunks: Sequence[Hunk]) -> tuple[frozenset[int], frozenset[int]]:
    """(old-side line numbers removed, new-side line numbers added) by the hunks."""
    removed: list[int] = []
    added: list[int] = []
    for hunk in hunks:
        old, new = hunk.old_start, hunk.new_start
        if hunk.old_count == 0 or hunk.new_count == 0:  # pure addition / removal
            added.extend(range(new, new + hunk.new_count))
            removed.extend(range(old, old + hunk.old_count))
            continue
        for line in hunk.lines:
            tag = line[:1]
            if tag == "-":
                removed.append(old)
                old += 1
            elif tag == "+":
                added.append(new)
                new += 1
            elif tag != "\\":
                old += 1
                new += 1
    return frozenset(removed), frozenset(added)


def split_lines(text: str) -> tuple[list[str], bool]:
    """(lines, ends with a newline) with ``str.split("\\n")`` semantics; "" has no lines."""
    if not text:
        return [], True
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
        return lines, True
    return lines, False


def apply_hunks(old_text: str, hunks: Sequence[Hunk]) -> str | None:
    """The new text from the old one, or None when the hunks' context and removed lines do not match it."""
    old, old_eol = split_lines(old_text)
    out: list[str] = []
    pos = 0
    new_unterminated = False
    for hunk in hunks:
        start = hunk.old_start - 1 if hunk.old_count else hunk.old_start
        if start < pos or start > len(old):
            return None
        out.extend(old[pos:start])
        pos, prev = start, ""
        for line in hunk.lines:
            tag = line[:1]
            if tag == "\\":
                new_unterminated = new_unterminated or prev in (" ", "+")
                continue
            prev = tag
            if tag == "+":
                out.append(line[1:])
                continue
            if pos >= len(old) or old[pos] != line[1:]:
                return None
            if tag == " ":
                out.append(old[pos])
            pos += 1
    reaches_end = bool(hunks) and pos == len(old)
    out.extend(old[pos:])
    eol = not new_unterminated if reaches_end else old_eol
    return "\n".join(out) + ("\n" if out and eol else "")


def reverse_hunks(hunks: Sequence[Hunk]) -> tuple[Hunk, ...]:
    """The hunks that turn the new side back into the old one."""
    swap = {"+": "-", "-": "+"}
    return tuple(
        Hunk(
            old_start=h.new_start,
            old_count=h.new_count,
            new_start=h.old_start,
            new_count=h.old_count,
            header=h.header,
            lines=tuple(swap.get(line[:1], line[:1]) + line[1:] for line in h.lines),
        )
        for h in hunks
    )
