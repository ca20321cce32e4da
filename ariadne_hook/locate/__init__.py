"""The locate stage: which functions a change touches.

``locate(changes, languages)`` turns the source stage's ``FileChange`` list into ``FunctionChange`` entries
sorted by (path, first line, qualname): one per touched function or method, one per class whose own lines
changed, one per block of module-level changes, one ``file`` entry per file without a function parser,
per-hunk entries for files that cannot be parsed, and one ``<file>`` entry for each skipped file (or file
without changed lines).

``deadline_at`` (a ``time.monotonic()`` instant: the run's one deadline) bounds the stage: past
``locate_deadline_at`` no more work starts, and what is left of a file is one skipped ``<file>`` entry,
reason ``deadline``, saying how many of its changed lines no entry covers (locate/core.py). The stage stops
at LOCATE_SHARE of the time left when it starts, so that what follows (references, summaries, rendering:
a few tens of microseconds an entry, against about 150 for mapping one) fits in the rest.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from ariadne_hook.languages import language_for
from ariadne_hook.locate.hunks import file_entry
from ariadne_hook.locate.languages import ParseError
from ariadne_hook.models import DEADLINE, FileChange, FunctionChange

__all__ = ["LOCATE_SHARE", "ParseError", "cut_notes", "locate", "locate_deadline_at"]

LOCATE_SHARE = 0.5  # of the time left before the deadline when the stage starts


def locate_deadline_at(deadline_at: float | None) -> float | None:
    """When the locate stage stops starting work: LOCATE_SHARE of the time left before ``deadline_at``."""
    if deadline_at is None:
        return None
    now = time.monotonic()
    return now + LOCATE_SHARE * max(0.0, deadline_at - now)


def locate(
    changes: Sequence[FileChange],
    languages: Mapping[str, str] | None = None,
    deadline_at: float | None = None,
) -> list[FunctionChange]:
    """The reviewed units of ``changes``; ``languages`` maps path globs to language names (checked first).
    ``deadline_at``: the run's deadline (see the module docstring); None: no limit."""
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

        mapped = locate_files([(c, lang) for _, c, lang in jobs], locate_deadline_at(deadline_at))
        for (position, _, _), entries in zip(jobs, mapped, strict=True):
            per_file[position] = entries
    found = [entry for entries in per_file for entry in entries]
    found.sort(key=lambda entry: (entry.path, entry.first_line, entry.qualname))
    return found


def cut_notes(changes: Sequence[FunctionChange], deadline: float) -> list[str]:
    """The run's note when the deadline cut this stage short (``deadline``: its seconds); [] when not."""
    files = len({c.path for c in changes if (c.skip_reason or "").startswith(f"{DEADLINE}:")})
    if not files:
        return []
    what = "1 file" if files == 1 else f"{files} files"
    return [f"deadline of {deadline:g} s reached while mapping lines to functions: {what} not reviewed fully"]
