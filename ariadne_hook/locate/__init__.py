"""The locate stage: which functions a change touches.

``locate(changes, languages)`` turns the source stage's ``FileChange`` list into ``FunctionChange`` entries
sorted by (path, first line, qualname): one per touched function or method, one per class whose own lines
changed, one per block of module-level changes, one ``file`` entry per file without a function parser,
per-hunk entries for files that cannot be parsed, and one ``<file>`` entry for each skipped file (or file
without changed lines).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ariadne_hook.locate.hunks import file_entry
from ariadne_hook.locate.languages import ParseError, language_for, parser_for
from ariadne_hook.models import FileChange, FunctionChange

__all__ = ["ParseError", "language_for", "locate", "parser_for"]


def locate(changes: Sequence[FileChange], languages: Mapping[str, str] | None = None) -> list[FunctionChange]:
    """The reviewed units of ``changes``; ``languages`` maps path globs to language names (checked first)."""
    overrides = languages or {}
    per_file: list[list[FunctionChange]] = []
    jobs: list[tuple[int, FileChange, str]] = []  # files with text to map: (position, change, language)
    for change in changes:
        language = language_for(change.path, overrides)
        if change.skip_reason is not None:  # one <file> entry: no parser, no mapping machinery imported
            per_file.append([file_entry(change, language, skip_reason=change.skip_reason)])
        else:
            jobs.append((len(per_file), change, language))
            per_file.append([])
    if jobs:
        from ariadne_hook.locate.parallel import locate_files

        for (position, _, _), entries in zip(
            jobs, locate_files([(c, lang) for _, c, lang in jobs]), strict=True
        ):
            per_file[position] = entries
    found = [entry for entries in per_file for entry in entries]
    found.sort(key=lambda entry: (entry.path, entry.first_line, entry.qualname))
    return found
