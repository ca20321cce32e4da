"""The offline overview of a change (the whole change's summary without a model), and the "references left
behind" warning: small pure functions over the summaries.

It belongs to the summarize stage: the walkthrough's request takes these lines as its facts, and the render
stage writes them at the top of a review (data flows one way: summarize -> render). The offline overview is
2–6 plain lines, always the same for the same report:

1. the entries counted by kind, and by change (added / modified / deleted);
2. the public API added, removed or re-signatured (by name), or that none was;
3. at most :data:`MAX_REFERENCE_LINES` lines of references left behind (then how many more entries have some);
4. the skipped files and why, when there are any.

"Public" is decided per language by its module (``Language.is_public``): Python, a name of which no part
starts with ``_`` (dunders such as ``__init__`` are public), in a module path of which no part does either
(``_compat.py`` is private), and that is not nested in a function; Go, every part of the name capitalized (an
exported method of an exported type); Java, ``public`` in the declaration; Kotlin, neither ``private`` nor
``internal``; JavaScript and TypeScript, a top-level function declared with ``export``; Rust, ``pub``; C and
C++, a function that is not ``static``; Ruby, every method (visibility is a runtime call). Class entries are
not API changes (their own lines); module, hunk and file entries neither; nor is anything in a test file (the
one classifier, ``languages.is_test_path``: ``tests/``, ``test_*.py``, ``conftest.py``, ``*_test.go``,
``*.test.ts``, ``e2e/``, ``*_spec.rb``, ``FooTest.java``...). Re-signatured: where calls may pass arguments by
name (Python, Ruby) what a call can see (parameter names, kinds, defaults; annotations are left out), for the
others the parameter kinds and types and the return type. Names defined more than once (``f#2``) are listed
once, without the ``#n``.

Every name is written through ``name`` (the destination's code span; the JSON passes names through) and every
message through ``text`` (the destination's sanitizer): the repository's text never goes in raw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ariadne_hook.counts import KINDS, kind_of
from ariadne_hook.languages import is_test_path, language_named
from ariadne_hook.locate.callfit import BY_NAME
from ariadne_hook.models import FunctionChange, FunctionFacts, References, Report, Summary
from ariadne_hook.words import plural

Write = Callable[[str], str]

MAX_REFERENCE_LINES = 3  # lines of references in the overview (one per entry, or 2 and how many more)
MAX_PLACES = 5  # places named in one warning line
MAX_NAMES = 8  # names listed per group of the API line
MAX_SKIPPED = 5  # skipped files named
CHANGES = ("added", "modified", "deleted")


def _more(items: Sequence[str], shown: int, total: int) -> str:
    rest = total - shown
    return ", ".join(items) + (f" (+{rest} more)" if rest > 0 else "")


def references_line(refs: References, name: Write) -> str:
    """``⚠ `old_api` deleted — still used at `d.py:5`, `e.py:9` (+3 more)``."""
    what = refs.why
    if what.startswith("renamed to "):
        what = f"renamed to {name(what.removeprefix('renamed to '))}"
    elif what not in ("deleted", "signature changed"):
        what = "changed"
    verb = "still called the old way at" if refs.why == "signature changed" else "still used at"
    places = [name(f"{r.path}:{r.line}") for r in refs.items[:MAX_PLACES]]
    return f"⚠ {name(refs.name)} {what} — {verb} {_more(places, len(places), refs.total)}"


# ------------------------------------------------------------------------------------------ public API


def is_public(change: FunctionChange) -> bool:
    """Whether the entry is a function or method others can call (see the module docstring)."""
    language = language_named(change.language)
    return change.kind in ("function", "method") and language is not None and language.is_public(change)


def _signature(facts: FunctionFacts | None, language: str) -> tuple[object, ...]:
    """What a caller depends on: Python and Ruby, the parameters' names, kinds and whether they have a
    default (annotations are not a call's business); the typed languages, the parameters' kinds and types
    and the return type."""
    if facts is None:
        return ()
    found = language_named(language)
    if found is not None and found.references.binding in BY_NAME:
        return tuple((p.name, p.kind, p.default is None) for p in facts.params)
    return (tuple((p.kind, p.annotation, p.default is None) for p in facts.params), facts.returns)


def _add(names: dict[str, None], qualname: str) -> None:
    """``names`` is an ordered set (a dict): a membership test per entry, not a scan of every name."""
    names.setdefault(".".join(part.split("#", 1)[0] for part in qualname.split(".")))  # overloads: one name


def api_changes(summaries: Sequence[Summary]) -> dict[str, list[str]]:
    """Public names (test files left out) by what happened to them: "added", "removed", "re-signatured"."""
    out: dict[str, dict[str, None]] = {"added": {}, "removed": {}, "re-signatured": {}}
    for summary in summaries:
        change = summary.change
        if change.skip_reason or is_test_path(change.path) or not is_public(change):
            continue
        if change.change == "added":
            _add(out["added"], change.qualname)
        elif change.change == "deleted":
            _add(out["removed"], change.qualname)
        elif _signature(change.old_facts, change.language) != _signature(change.new_facts, change.language):
            _add(out["re-signatured"], change.qualname)
    return {what: list(names) for what, names in out.items()}


def _api_line(summaries: Sequence[Summary], name: Write) -> str:
    groups = api_changes(summaries)
    said = [
        f"{what} {_more([name(n) for n in names[:MAX_NAMES]], min(len(names), MAX_NAMES), len(names))}"
        for what, names in groups.items()
        if names
    ]
    if not said:
        return "Public API: nothing added, removed or re-signatured."
    return "Public API: " + "; ".join(said) + "."


# -------------------------------------------------------------------------------------------- the lines


def _counts_line(summaries: Sequence[Summary]) -> str:
    by_kind: dict[str, dict[str, int]] = {}
    for summary in summaries:
        kind = kind_of(summary)
        if kind == "skipped":
            continue
        changes = by_kind.setdefault(kind, dict.fromkeys(CHANGES, 0))
        changes[summary.change.change] = changes.get(summary.change.change, 0) + 1
    parts = []
    for key, (singular, many) in KINDS.items():
        if key not in by_kind:
            continue
        changes = by_kind[key]
        total = sum(changes.values())
        detail = ", ".join(f"{n} {c}" for c, n in changes.items() if n)
        parts.append(f"{plural(total, singular, many)} ({detail})")
    files = len({s.change.path for s in summaries if kind_of(s) != "skipped"})
    if not parts:
        return "No changed code to review."
    return f"Changed: {', '.join(parts)} in {plural(files, 'file')}."


def _reference_lines(summaries: Sequence[Summary], name: Write) -> list[str]:
    found = [s.references for s in summaries if s.references is not None and s.references.total]
    if len(found) <= MAX_REFERENCE_LINES:
        return [references_line(r, name) for r in found]
    lines = [references_line(r, name) for r in found[: MAX_REFERENCE_LINES - 1]]
    rest = len(found) - len(lines)
    return [*lines, f"⚠ {plural(rest, 'more function')} left references behind (see below)."]


def _skipped_line(summaries: Sequence[Summary], name: Write, text: Write) -> str | None:
    skipped = [s for s in summaries if kind_of(s) == "skipped"]
    if not skipped:
        return None
    listed = [
        f"{name(s.change.path)} ({text(s.reason or s.change.skip_reason or 'no reason given')})"
        for s in skipped[:MAX_SKIPPED]
    ]
    return f"Skipped: {_more(listed, len(listed), len(skipped))}."


def overview_lines(report: Report, name: Write, text: Write) -> list[str]:
    """The offline overview, 2–6 lines: counts, public API, references left behind, skipped files."""
    summaries = report.summaries
    lines = [_counts_line(summaries), _api_line(summaries, name)]
    lines += _reference_lines(summaries, name)
    skipped = _skipped_line(summaries, name, text)
    return lines + ([skipped] if skipped else [])
