"""``ariadne-hook [--] PATH...``: git pathspecs that limit the review, in every source mode.

For the staged and range modes git itself applies them (`to_top` turns paths written relative to the current
folder into ``:(top,...)`` pathspecs, so git runs from the repository root); for a patch, `select` matches
the patch's paths the way git would: a path, a leading directory, a glob (``*`` crosses ``/`` unless the
``glob`` magic is given), ``:(exclude)`` / ``:!`` / ``:^``, ``:(icase)``, ``:(literal)``, ``:(top)`` / ``:/``.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ariadne_hook.models import FileChange

_SHORT_MAGIC = {"/": "top", "!": "exclude", "^": "exclude"}
_KNOWN = {"top", "exclude", "icase", "literal", "glob"}


class PathspecError(ValueError):
    """A path the user gave cannot limit this review (outside the repository, unknown magic)."""


@dataclass(frozen=True)
class Spec:
    pattern: str  # relative to the repository root (or to the current folder outside one)
    magic: frozenset[str]

    def as_git(self) -> str:
        magic = sorted(self.magic | {"top"})
        return f":({','.join(magic)}){self.pattern}"


def parse(text: str) -> tuple[frozenset[str], str]:
    """(magic words, pattern) of one pathspec as git reads it."""
    if not text.startswith(":"):
        return frozenset(), text
    if text.startswith(":("):
        close = text.find(")")
        if close < 0:
            raise PathspecError(f"{text}: missing ')' in the pathspec magic")
        words = {w.strip().split(":")[0] for w in text[2:close].split(",") if w.strip()}
        unknown = words - _KNOWN - {"attr"}
        if unknown or "attr" in words:
            raise PathspecError(
                f"{text}: unsupported pathspec magic {', '.join(sorted(unknown or {'attr'}))}"
            )
        return frozenset(words), text[close + 1 :]
    magic: set[str] = set()
    rest = text[1:]
    while rest and rest[0] in _SHORT_MAGIC:
        magic.add(_SHORT_MAGIC[rest[0]])
        rest = rest[1:]
    if rest.startswith(":"):
        rest = rest[1:]
    return frozenset(magic), rest


def resolve(texts: Sequence[str], cwd: str, root: str | None) -> list[Spec]:
    """The pathspecs relative to the repository root (or to ``cwd`` outside a repository)."""
    specs: list[Spec] = []
    for text in texts:
        magic, pattern = parse(text)
        if root is not None and "top" not in magic:
            absolute = os.path.normpath(os.path.join(cwd, pattern or "."))
            relative = os.path.relpath(absolute, root)
            if relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
                raise PathspecError(f"{text}: outside the repository {root}")
            pattern = "" if relative == "." else relative.replace(os.sep, "/")
            if text.endswith("/") and pattern:
                pattern += "/"
        specs.append(Spec(pattern.lstrip("/") if "top" in magic else pattern, magic - {"top"}))
    return specs


def to_git(specs: Sequence[Spec]) -> list[str]:
    return [s.as_git() for s in specs]


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """git's ``:(glob)``: ``*`` and ``?`` stop at ``/``; ``**/``, ``/**`` and ``/**/`` cross folders."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"(?:/.*)?\Z", re.DOTALL)


def matches(path: str, spec: Spec) -> bool:
    pattern, candidate = spec.pattern, path
    if "icase" in spec.magic:
        pattern, candidate = pattern.lower(), candidate.lower()
    if not pattern:
        return True  # the root (or ".")
    prefix = pattern.rstrip("/")
    if candidate == prefix or candidate.startswith(prefix + "/"):
        return True
    if "literal" in spec.magic or not any(c in pattern for c in "*?["):
        return False
    if "glob" in spec.magic:
        return _glob_regex(pattern).match(candidate) is not None
    return fnmatch.fnmatchcase(candidate, pattern)


def wanted(paths: Sequence[str | None], specs: Sequence[Spec]) -> bool:
    names = [p for p in paths if p]
    positive = [s for s in specs if "exclude" not in s.magic]
    negative = [s for s in specs if "exclude" in s.magic]
    included = not positive or any(matches(p, s) for p in names for s in positive)
    return included and not any(matches(p, s) for p in names for s in negative)


def select(files: Sequence[FileChange], specs: Sequence[Spec]) -> list[FileChange]:
    """The files a patch review keeps: those whose new or old path the pathspecs select."""
    if not specs:
        return list(files)
    return [f for f in files if wanted((f.path, f.old_path), specs)]
