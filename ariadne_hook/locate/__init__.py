"""The locate stage: which functions a change touches.

``locate(changes, languages)`` turns the source stage's ``FileChange`` list into ``FunctionChange`` entries
sorted by (path, first line, qualname): one per touched function or method, one ``<module>`` entry per file
for lines outside functions, per-hunk entries for files that cannot be parsed, and one ``<file>`` entry for
each skipped file (or file without changed lines).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ariadne_hook.locate.core import locate_file
from ariadne_hook.locate.languages import ParseError, language_for, parser_for
from ariadne_hook.models import FileChange, FunctionChange

__all__ = ["ParseError", "language_for", "locate", "parser_for"]


def locate(changes: Sequence[FileChange], languages: Mapping[str, str] | None = None) -> list[FunctionChange]:
    """The reviewed units of ``changes``; ``languages`` maps path globs to language names (checked first)."""
    overrides = languages or {}
    found: list[FunctionChange] = []
    for change in changes:
        found.extend(locate_file(change, language_for(change.path, overrides)))
    found.sort(key=lambda entry: (entry.path, entry.first_line, entry.qualname))
    return found
