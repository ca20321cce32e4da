"""Per-hunk entries (files that do not parse, languages without a parser) and whole-file entries, plus the
unified-diff formatting the locate stage shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ariadne_hook.models import ADDED, DEADLINE, DELETED, FileChange, FunctionChange, Hunk

FILE = "<file>"


def hunk_header(old_start: int, old_count: int, new_start: int, new_count: int, context: str = "") -> str:
    """``@@ -a,b +c,d @@ context`` as git writes it (a count of 1 is left out)."""

    def side(start: int, count: int) -> str:
        return str(start) if count == 1 else f"{start},{count}"

    head = f"@@ -{side(old_start, old_count)} +{side(new_start, new_count)} @@"
    return f"{head} {context}" if context else head


def hunk_text(hunk: Hunk) -> str:
    """One hunk in unified format, header line included."""
    header = hunk_header(hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count, hunk.header)
    return "\n".join([header, *hunk.lines])


def file_status_change(status: str) -> str:
    """FunctionChange.change for a whole file of this FileChange.status."""
    return status if status in (ADDED, DELETED) else "modified"


def file_entry(
    change: FileChange, language: str, note: str | None = None, skip_reason: str | None = None
) -> FunctionChange:
    """The one ``<file>`` entry of a skipped file or of a file without changed lines."""
    return FunctionChange(
        path=change.path,
        old_path=change.old_path,
        qualname=FILE,
        kind="module",
        change=file_status_change(change.status),
        language=language,
        old_lines=None,
        new_lines=None,
        old_source=None,
        new_source=None,
        diff="",
        note=note,
        skip_reason=skip_reason,
    )


def late_entry(change: FileChange, language: str, left: int, total: int) -> FunctionChange:
    """The ``<file>`` entry (skipped, reason ``deadline``) of what the run's deadline left undone in a file:
    ``left`` of its ``total`` changed lines are in no other entry (all of them: the file was not started)."""
    reason = f"{DEADLINE}: {left} of {total} changed lines not reviewed"
    return file_entry(change, language, skip_reason=reason)


def hunk_entries(change: FileChange, language: str, note: str) -> list[FunctionChange]:
    """One entry per hunk of ``change``; a ``<file>`` entry carrying the note when it has no hunks."""
    if not change.hunks:
        return [file_entry(change, language, note=note)]
    from ariadne_hook.locate.trivial import FileTriviality  # tokenize and its lexers: only when needed

    trivial = FileTriviality(language, change.old_text, change.new_text)
    entries = []
    for hunk in change.hunks:
        entry = hunk_entry(change, language, hunk, note)
        rows = hunk.numbered()
        removed = [old for tag, old, _, _ in rows if tag == "-" and old is not None]
        added = [new for tag, _, new, _ in rows if tag == "+" and new is not None]
        entries.append(replace(entry, trivial=True) if trivial(removed, added, module=False) else entry)
    return entries


def hunk_entry(change: FileChange, language: str, hunk: Hunk, note: str) -> FunctionChange:
    rows = hunk.numbered()
    old = [(number, text) for tag, number, _, text in rows if tag != "+" and number is not None]
    new = [(number, text) for tag, _, number, text in rows if tag != "-" and number is not None]
    first = new[0][0] if new else old[0][0] if old else hunk.new_start
    name = f"hunk at line {first}"
    return FunctionChange(
        path=change.path,
        old_path=change.old_path,
        qualname=f"{name}: {hunk.header}" if hunk.header else name,
        kind="hunk",
        change=_hunk_change({tag for tag, *_ in rows}),
        language=language,
        old_lines=_range(number for number, _ in old),
        new_lines=_range(number for number, _ in new),
        old_source="\n".join(text for _, text in old) if old else None,
        new_source="\n".join(text for _, text in new) if new else None,
        diff=hunk_text(hunk),
        note=note,
    )


def _hunk_change(tags: set[str]) -> str:
    if "+" in tags and "-" not in tags:
        return "added"
    if "-" in tags and "+" not in tags:
        return "deleted"
    return "modified"


def _range(numbers: Iterable[int]) -> tuple[int, int] | None:
    found = list(numbers)
    return (min(found), max(found)) if found else None


def text_file_entry(change: FileChange, language: str) -> FunctionChange:
    """The one entry of a file without a function parser (docs, changelogs, YAML...): all its hunks, the
    range of its changed lines on each side. Kind ``file``, name ``<file>``."""
    rows = [row for hunk in change.hunks for row in hunk.numbered()]
    return FunctionChange(
        path=change.path,
        old_path=change.old_path,
        qualname=FILE,
        kind="file",
        change=file_status_change(change.status),
        language=language,
        old_lines=_range(old for tag, old, _, _ in rows if tag == "-" and old is not None),
        new_lines=_range(new for tag, _, new, _ in rows if tag == "+" and new is not None),
        old_source=None,
        new_source=None,
        diff="\n".join(hunk_text(hunk) for hunk in change.hunks),
    )
