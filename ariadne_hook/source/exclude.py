"""Drop the content of excluded files (lock files, vendored code, secrets) before anything reads it.

Matching rules (``fnmatch.fnmatchcase``: ``*`` also crosses ``/``; case-sensitive on every platform):

- a pattern without ``/`` matches a file's basename: ``*.lock`` matches ``a/b/x.lock``, ``.env`` matches
  ``app/.env``;
- a pattern with ``/`` matches the whole path or any suffix of it that starts at a directory boundary:
  ``vendor/*`` matches ``vendor/x/y.js`` and ``sub/vendor/x.js``; a leading ``/`` anchors it at the
  repository root (``/vendor/*`` does not match ``sub/vendor/x.js``).

A renamed or copied file is excluded when either its new or its old path matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fnmatch import fnmatchcase

from ariadne_hook.models import FileChange


def _suffixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[i:]) for i in range(len(parts))]


def matches(path: str, pattern: str) -> bool:
    """True when pattern (see the module rules) matches path."""
    if "/" not in pattern:
        return fnmatchcase(path.rsplit("/", 1)[-1], pattern)
    if pattern.startswith("/"):
        return fnmatchcase(path, pattern[1:])
    return any(fnmatchcase(suffix, pattern) for suffix in _suffixes(path))


def excluded_by(change: FileChange, patterns: Sequence[str]) -> str | None:
    """The first pattern that excludes the change, or None."""
    paths = [change.path] + ([change.old_path] if change.old_path else [])
    return next((p for p in patterns if p and any(matches(path, p) for path in paths)), None)


def apply_excludes(changes: Sequence[FileChange], patterns: Sequence[str]) -> list[FileChange]:
    """The changes, in order, with excluded ones emptied of text and hunks (line sets kept for counts).

    An excluded file's content never leaves the machine: its texts become None and its hunks ().
    """
    out: list[FileChange] = []
    for change in changes:
        pattern = excluded_by(change, patterns)
        if pattern is None:
            out.append(change)
        else:
            out.append(
                replace(
                    change, old_text=None, new_text=None, hunks=(), skip_reason=f"excluded by {pattern!r}"
                )
            )
    return out
