"""References left behind: where the reviewed revision still uses a function this change deleted or renamed,
or still calls one whose signature it changed the old way (docs/REFERENCES.md has the rules).

``find_references(root, source, changes, files, ...)`` -> ``ReferenceScan``: a mapping from the index of an
entry in ``changes`` to its ``References`` (only entries with at least one), and whether the scan finished.

1. Targets: function/method entries deleted (not paired with an added entry of the same body = renamed, not
   moved to another file under the same name), renamed (the old name), or modified with a different call
   signature (parameters a call can see; Go: the number of results).
2. One ``git grep -z -n -I -w -F -e NAME...`` over the tracked files of the targets' languages at the
   reviewed revision (``--cached`` for staged changes, the head commit of a range). A patch has no revision:
   nothing is looked for.
3. Each file with a hit is read (the diff's own text when it has it, else one ``git cat-file --batch``) and
   parsed by its language's parser (``locate/refsites.py``); only occurrences the parser confirms count,
   then the rules of the target's kind decide (a method: ``.name`` accesses, ...). Lines this change added
   or modified are never listed, nor excluded files.

Bounded: it stops at ``min(start + budget_seconds, deadline_at)`` (monotonic clock) and reads at most
``max_files`` files; either way ``complete`` is False and ``note`` says so.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ariadne_hook.languages import language_for, language_named, path_globs, registry
from ariadne_hook.locate.align import rename_pairs
from ariadne_hook.locate.callfit import accepts_more, go_results, signature_key
from ariadne_hook.locate.reference_rules import DELETED, SIGNATURE, Target, decide, family, rules
from ariadne_hook.locate.refsites import FileSites, sites
from ariadne_hook.models import (
    FileChange,
    FunctionChange,
    References,
    SourceInfo,
)
from ariadne_hook.words import plural

CAP = 10  # references listed per entry (the total is counted past it)
MAX_TEXT = 100  # characters of a listed line
MAX_FILES = 400  # files read and parsed for confirmation
BUDGET_SECONDS = 2.0
MAX_FILE_BYTES = 1_000_000

_NAME = re.compile(r"[A-Za-z_$][\w$]*[?!]?\Z")
_DUPLICATE = re.compile(r"#\d+$")  # "name#2": the 2nd definition of a name in its file
_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.M)  # Go: `package name`; Kotlin: `package a.b.name`
INDEX_NAMES = frozenset({"__init__", "index", "mod", "lib", "main"})


@dataclass(frozen=True)
class ReferenceScan:
    found: dict[int, References] = field(default_factory=dict)  # entry index -> what it left behind
    complete: bool = True
    note: str | None = None  # why the scan is incomplete ("cut short after 2.0 s ...")
    files_read: int = 0
    seconds: float = 0.0


# ----------------------------------------------------------------------------------------------- targets


def _leaf(qualname: str) -> str:
    return qualname.rsplit(".", 1)[-1]


def _plain(qualname: str) -> str:
    """The qualname without the ``#n`` that tells apart the definitions of a name defined more than once
    in a file (locate/core.py): references are to the name."""
    return _DUPLICATE.sub("", qualname)


def _owner(qualname: str) -> str:
    parts = qualname.split(".")
    return parts[-2] if len(parts) > 1 else ""


def _special(change: FunctionChange, name: str) -> bool:
    """Constructors, destructors, operators, dunders: called implicitly, not by their name."""
    if _NAME.match(name) is None or name == _owner(change.qualname):
        return True
    if change.kind == "function" and name in rules(change.language).entry_points:
        return True
    return (name.startswith("__") and name.endswith("__")) or name in {"constructor", "initialize"}


def _module_names(path: str, language: str, old_text: str | None) -> frozenset[str]:
    stem = posixpath.splitext(posixpath.basename(path))[0]
    folder = posixpath.basename(posixpath.dirname(path))
    names = {stem}
    if stem in INDEX_NAMES and folder:
        names.add(folder)
    if rules(language).package_folders:  # the package (its name, its folder) qualifies, not the file
        found = _PACKAGE.search(old_text or "")
        names = {folder} if folder else set()
        names |= {found.group(1).rsplit(".", 1)[-1]} if found else set()
    return frozenset(n for n in names if n)


def _signature_changed(change: FunctionChange) -> bool:
    old, new = change.old_facts, change.new_facts
    if old is None or new is None:
        return False
    known = rules(change.language)
    if known.result_count and go_results(old.returns) != go_results(new.returns):
        return True
    if signature_key(old.params, known.binding) == signature_key(new.params, known.binding):
        return False
    return not accepts_more(old.params, new.params, known.binding)


def targets(
    changes: Sequence[FunctionChange], files: Sequence[FileChange], deadline_at: float | None = None
) -> list[Target] | None:
    """The entries to look for, in entry order; None when the clock passed ``deadline_at`` (a
    ``time.monotonic()`` instant) before they were all seen."""
    pairs = rename_pairs(changes)
    texts = {f.old_path or f.path: f.old_text for f in files}
    kept = {(c.path, _plain(c.qualname)) for c in changes if c.change != "deleted"}
    live = Counter((c.path, _plain(c.qualname)) for c in changes if c.change != "deleted")
    added = {_plain(c.qualname) for c in changes if c.change == "added"}
    out: list[Target] = []
    for i, c in enumerate(changes):
        if deadline_at is not None and time.monotonic() > deadline_at:
            return None
        qualname = _plain(c.qualname)
        name = _leaf(qualname)
        if c.kind not in {"function", "method"} or c.skip_reason is not None or _special(c, name):
            continue
        if rules(c.language).nested_local and c.kind == "function" and "." in qualname:
            continue  # a function nested in a function: local to it
        if c.change == "deleted":
            why = _deleted_why(c, changes, pairs.get(i), kept, added)
        elif c.change == "modified" and live[(c.path, qualname)] == 1 and _signature_changed(c):
            why = SIGNATURE
        else:
            why = None
        if why is None:  # most entries: nothing left behind to look for (no module names worked out)
            continue
        homes = {c.path, c.old_path or c.path}
        modules = frozenset().union(*(_module_names(p, c.language, texts.get(p)) for p in homes))
        target = Target(i, name, qualname, c.kind, c.path, c.language, why, _owner(qualname), modules)
        if why == SIGNATURE:
            target = replace(target, old=c.old_facts, new=c.new_facts, own=c.new_lines)
        out.append(target)
    return out


def _deleted_why(
    change: FunctionChange,
    changes: Sequence[FunctionChange],
    pair: int | None,
    kept: set[tuple[str, str]],
    added: set[str],
) -> str | None:
    """ "deleted", "renamed to X", or None when the name lives on (moved, still defined in the file)."""
    qualname = _plain(change.qualname)
    if (change.path, qualname) in kept:
        return None  # another definition of the same name stays in the file
    if pair is not None:
        new = _plain(changes[pair].qualname)
        return None if _leaf(new) == _leaf(qualname) else f"renamed to {new}"
    return None if qualname in added else DELETED  # added elsewhere: moved


# -------------------------------------------------------------------------------------------- the search


def find_references(
    root: Path,
    source: SourceInfo,
    changes: Sequence[FunctionChange],
    files: Sequence[FileChange],
    *,
    languages: Mapping[str, str] | None = None,
    excludes: Sequence[str] = (),
    budget_seconds: float = BUDGET_SECONDS,
    deadline_at: float | None = None,
    max_files: int = MAX_FILES,
    cap: int = CAP,
) -> ReferenceScan:
    """What the deleted, renamed and re-signatured entries of ``changes`` left behind in the reviewed
    revision of the repository at ``root``, never past ``deadline_at`` (a ``time.monotonic()`` instant)."""
    started = time.monotonic()
    own_deadline_at = started + budget_seconds  # the scan's own share of the run
    deadline_at = own_deadline_at if deadline_at is None else min(deadline_at, own_deadline_at)
    revision = _revision(source)
    if revision is None:
        return ReferenceScan()
    wanted = targets(changes, files, deadline_at)
    if wanted is None:
        short = f"references: cut short after {_elapsed(started)} (the changed functions not all looked at)"
        return _incomplete({}, 0, started, short)
    if not wanted:
        return ReferenceScan()
    overrides = dict(languages or {})
    families = {family(t.language) for t in wanted}
    specs = _pathspecs(families, overrides)
    found_hits = _grep(root, revision, sorted({t.name for t in wanted}), specs, deadline_at)
    if found_hits is None:
        return _incomplete({}, 0, started, f"references: cut short after {_elapsed(started)} (git grep)")
    relevant = _relevance(wanted)
    hits: dict[str, list[int]] = {}
    for path, found_lines in found_hits.items():
        language = language_for(path, overrides)
        if family(language) in families and not _excluded(path, excludes):
            lines = [number for number, text in found_lines if relevant(text, language)]
            if lines:
                hits[path] = lines
    by_path = {f.path: f for f in files if f.status != "deleted"}
    order = sorted(hits, key=lambda p: (p not in by_path, p))
    read, texts = order[:max_files], _texts(root, revision, order[:max_files], by_path)
    parsed: dict[str, FileSites] = {}
    note = None
    names = {t.name for t in wanted}
    for count, path in enumerate(read):
        if time.monotonic() > deadline_at:
            total = plural(len(order), "file")
            note = f"references: cut short after {_elapsed(started)} ({count} of {total} read)"
            break
        text = texts.get(path)
        found = sites(text, language_for(path, overrides), names, hits[path]) if text is not None else None
        if found is not None:
            parsed[path] = found
    else:
        if len(order) > max_files:
            note = f"references: {plural(len(order) - max_files, 'more file')} with the names not read"
    found_refs = decide(wanted, parsed, texts, by_path, overrides, cap)
    if note is not None:
        return _incomplete(found_refs, len(parsed), started, note)
    return ReferenceScan(found_refs, True, None, len(parsed), time.monotonic() - started)


def _relevance(wanted: Sequence[Target]) -> Callable[[str, str], bool]:
    """Whether a hit line can hold a reference: any use of a deleted or renamed name; for a signature
    change a call (``name(``, ``name<T>(``, ``name[T](``; Ruby calls need no parentheses) or an import
    (which makes the calls of its file count)."""
    anywhere = sorted({t.name for t in wanted if t.why != SIGNATURE})
    called = sorted({t.name for t in wanted if t.why == SIGNATURE})
    use = _words(anywhere, "")
    call = _words(called, r"\s*[(<\[]")

    def relevant(text: str, language: str) -> bool:
        if use is not None and use.search(text):
            return True
        if call is None:
            return False
        known = rules(language)
        return known.bare_calls or call.search(text) is not None or _imports_line(language, text)

    return relevant


def _words(names: Sequence[str], after: str) -> re.Pattern[str] | None:
    if not names:
        return None
    return re.compile(r"(?<![\w$])(?:" + "|".join(map(re.escape, names)) + r")(?![\w$?!])" + after)


def _elapsed(started: float) -> str:
    return f"{time.monotonic() - started:.1f} s"


def _incomplete(found: dict[int, References], read: int, started: float, note: str) -> ReferenceScan:
    return ReferenceScan(found, False, note, read, time.monotonic() - started)


def _revision(source: SourceInfo) -> str | None:
    """ "" for the index (staged), the head commit of a range, None for a patch (no revision to read)."""
    if source.kind == "staged":
        return ""
    if source.kind == "range" and source.head:
        return source.head
    return None


def _imports_line(language: str, text: str) -> bool:
    found = language_named(language)
    return found is not None and found.imports.line(text)


def _pathspecs(families: set[str], overrides: Mapping[str, str]) -> list[str]:
    specs = path_globs([name for name in registry() if family(name) in families])
    return specs + [glob for glob, lang in overrides.items() if family(lang) in families]


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    if not patterns:
        return False
    from ariadne_hook.source.exclude import matches

    return any(p and matches(path, p) for p in patterns)


def _grep(
    root: Path, revision: str, names: Sequence[str], specs: Sequence[str], deadline_at: float
) -> dict[str, list[tuple[int, str]]] | None:
    """path -> (line number, text) of the lines with a word-bounded hit of any name; None when it ran out
    of time."""
    command = ["git", "-c", "grep.column=false", "-c", "grep.fullName=true", "grep", "-z", "-n", "-I", "-w"]
    command += ["-F", "--no-color", *(a for name in names for a in ("-e", name))]
    command += ["--cached"] if revision == "" else [revision]
    command += ["--", *specs]
    timeout = max(deadline_at - time.monotonic(), 0.01)
    try:
        proc = subprocess.run(command, cwd=root, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    except OSError:
        return {}
    prefix = f"{revision}:".encode() if revision else b""
    out: dict[str, list[tuple[int, str]]] = {}
    for record in proc.stdout.split(b"\n"):
        parts = record.split(b"\0", 2)
        if len(parts) < 3 or not parts[1].isdigit():
            continue
        raw = parts[0][len(prefix) :] if prefix and parts[0].startswith(prefix) else parts[0]
        text = parts[2].decode("utf-8", "replace")
        out.setdefault(raw.decode("utf-8", "surrogateescape"), []).append((int(parts[1]), text))
    return out


def _texts(
    root: Path, revision: str, paths: Sequence[str], by_path: Mapping[str, FileChange]
) -> dict[str, str]:
    """The reviewed revision's text of each path: the diff's own new side, else read from git."""
    from ariadne_hook.source.git import read_blobs

    out = {p: by_path[p].new_text for p in paths if p in by_path and by_path[p].new_text is not None}
    names = {f"{revision}:{p}": p for p in paths if p not in out}
    for name, blob in read_blobs(root, names, MAX_FILE_BYTES).items():
        if isinstance(blob, bytes):
            try:
                out[names[name]] = blob.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return {p: t for p, t in out.items() if t is not None}
