"""Offline summaries: a few short, deterministic sentences built only from a ``FunctionChange`` itself.

Every statement comes from the entry's ``FunctionFacts`` or its diff; nothing is guessed. Function entries
use only the facts (any language); module-level entries also read the +/- lines of the diff for imports,
assignments and classes (Python) or import-like lines (other languages); hunk entries name what the added
lines define and call where that is recognizable.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ariadne_hook.languages import language_named, words_of
from ariadne_hook.models import FunctionChange, FunctionFacts
from ariadne_hook.summarize.additions import additions_of, untold_texts
from ariadne_hook.summarize.call_args import argument_changes, comment_marker, numbered_runs
from ariadne_hook.summarize.cases import case_changes, case_names
from ariadne_hook.summarize.fact_changes import (
    BARE,
    diff_lines,
    docstring_change,
    expression_change,
    first_words,
    joined,
    kept_in_nested,
    literal_changes,
    module_assignments,
    name_changes,
    names_list,
    new_items,
    raise_changes,
    sentence,
)
from ariadne_hook.summarize.flow import flat, flow_changes
from ariadne_hook.summarize.hunk_summary import counts, file_summary, hunk_summary
from ariadne_hook.summarize.layout import layout_only
from ariadne_hook.summarize.quote import quote_pair, ticked
from ariadne_hook.summarize.signature import decorator_text, signature, signature_changes
from ariadne_hook.summarize.untold import sides_of, text_lines, untold_of
from ariadne_hook.words import plural


def offline_summary(change: FunctionChange) -> str:
    """What ``change`` does, in a few sentences."""
    if change.skip_reason is not None:
        return _skipped(change)
    if change.kind == "hunk":
        return hunk_summary(change)
    if change.kind == "file":
        return file_summary(change)
    if change.kind in ("module", "class"):
        return _module(change)
    return _function(change)


# ---------------------------------------------------------------------------------------------- helpers


def _size(lines: tuple[int, int] | None) -> int:
    return 0 if lines is None else lines[1] - lines[0] + 1


def _where(lines: tuple[int, int] | None) -> str:
    if lines is None:
        return ""
    return f"line {lines[0]}" if lines[0] == lines[1] else f"lines {lines[0]}{chr(0x2013)}{lines[1]}"


def _only_comments(change: FunctionChange) -> bool:
    """True when every changed line is blank or a comment line (for languages whose comments we know)."""
    language = language_named(change.language)
    added, removed = diff_lines(change.diff)
    return language is not None and language.lexer.comments.only_comments(added + removed)


# ---------------------------------------------------------------------------------------------- skipped


def _skipped(change: FunctionChange) -> str:
    return f"File {change.change}; not reviewed: {change.skip_reason}."


# -------------------------------------------------------------------------------------------- functions


_NO_FACTS = FunctionFacts()


def _known(facts: FunctionFacts | None) -> FunctionFacts | None:
    """The facts, or None when the parser left them all at their defaults (nothing to report)."""
    return facts if facts is not None and facts != _NO_FACTS else None


def _kind(change: FunctionChange, facts: FunctionFacts | None) -> str:
    return ("async " if facts is not None and facts.is_async else "") + change.kind


def _function(change: FunctionChange) -> str:
    old, new = _known(change.old_facts), _known(change.new_facts)
    if change.change == "added":
        parts = [f"New {_kind(change, new)} ({plural(_size(change.new_lines), 'line')})."]
        parts += _describe(new, change.language, "")
    elif change.change == "deleted":
        parts = [f"Removed {_kind(change, old)} ({plural(_size(change.old_lines), 'line')})."]
        parts += _describe(old, change.language, "past")[:1]
    else:
        parts = _modified(change, old, new)
    if change.note:
        parts.append(sentence(change.note))
    return " ".join(parts)


def _describe(facts: FunctionFacts | None, language: str, tense: str) -> list[str]:
    if facts is None:
        return []
    verb = "Took" if tense == "past" else "Takes"
    parts = [flat(f"{verb} ({signature(facts.params, language)}){_returns(facts)}.")]
    if facts.decorators:  # a parametrize decorator by its head: its rows are the cases, named below
        decorators = [_parametrize_head(decorator_text(d, language)) for d in facts.decorators]
        parts.append(f"Decorated with {names_list(decorators)}.")
    if facts.cases:
        parts.append(f"{plural(len(facts.cases), 'test case')}: {case_names(facts.cases)}.")
    if facts.calls:
        parts.append(f"Calls {names_list(facts.calls)}.")
    raises = [r for r in facts.raises if not r.startswith("panic(")]
    panics = [ticked(r) for r in facts.raises if r.startswith("panic(")]
    parts += [f"Raises {names_list(raises)}."] if raises else []
    parts += [f"Panics: {names_list(panics, 2)}."] if panics else []
    if facts.returns_count:
        parts.append(f"Returns in {plural(facts.returns_count, 'place')}.")
    return parts


def _parametrize_head(decorator: str) -> str:
    """``@pytest.mark.parametrize('kind', ['a', 'b'])`` -> ``@pytest.mark.parametrize('kind', …)``."""
    found = re.match(
        r"(@?[\w.]*parametrize\(\s*(?:\([^()]*\)|\[[^\[\]]*\]|'[^']*'|\"[^\"]*\"))\s*,", decorator
    )
    return f"{found.group(1)}, \u2026)" if found else decorator


def _returns(facts: FunctionFacts) -> str:
    return f" -> {facts.returns}" if facts.returns else ""


def _modified(change: FunctionChange, old: FunctionFacts | None, new: FunctionFacts | None) -> list[str]:
    if old is not None and new is not None:
        old, new = kept_in_nested(change, old, new)
    facts = _fact_changes(change, old, new) if old is not None and new is not None else []
    if _only_comments(change):
        parts = [f"Only comments or blank lines changed{first_words(change.diff, ': ')}."]
    elif facts and not _one_short_line(change.diff, facts):
        parts = facts
    else:
        quoted = _quoted_lines(change.diff)  # one line for one: the lines say it best; else a re-wrap first
        first = quoted if quoted[:1] and quoted[0].startswith("Line ") else _layout(change, new)
        parts = first or quoted or facts or _untold_only(change)
        parts = parts or [_size_sentence(change, new)]
    parts.append(counts(change.diff, change.nested))
    return parts


def _one_short_line(diff: str, facts: Sequence[str]) -> bool:
    """One line replaced by one line, short enough to quote whole, and no change of behaviour or signature
    (facts of a single sentence that is not about control flow, a docstring, a line inside a longer text or
    test cases, which say the changed words themselves): the lines say it best."""
    added, removed = ([line for line in side if not BARE.match(line)] for side in diff_lines(diff))
    if len(added) != 1 or len(removed) != 1 or len(facts) != 1 or facts[0].startswith(("Adds", "Removes")):
        return False
    if added[0].strip() == removed[0].strip():
        return False  # a line moved: quoted, it would read as changed into itself
    inside_text = facts[0].startswith("Text changed") and not any(q in removed[0] for q in "\"'`")
    return max(len(added[0].strip()), len(removed[0].strip())) <= QUOTE_LIMIT and not (
        inside_text
        or facts[0].startswith(("Signature", "Now", "No longer", "Condition", "Docstring", "Test cases"))
    )


def _untold_only(change: FunctionChange) -> list[str]:
    """A larger edit that changed no fact: its changed words (untold.py), when it has some."""
    sides = sides_of(change)
    untold = untold_of(change, "", sides) if sides is not None else []
    return [joined(untold)] if untold else []


def _layout(change: FunctionChange, new: FunctionFacts | None) -> list[str]:
    words = words_of(change.language)
    old_source, new_source = change.old_source, change.new_source

    def same_program() -> bool:  # asked only where the lines differ: it parses both sources
        same_code = words.same_code
        if same_code is None or old_source is None or new_source is None:
            return False
        return same_code(old_source, new_source)

    docstring = new.docstring if new is not None else ""
    return layout_only(change.diff, docstring, comment_marker(change.language), same_program, words.decorator)


def _size_sentence(change: FunctionChange, new: FunctionFacts | None) -> str:
    before, after = _size(change.old_lines), _size(change.new_lines)
    size = plural(after, "line") + ("" if before == after else f", was {before}")
    return f"Changed {_kind(change, new)} ({size})."


QUOTE_LIMIT = 80


def _quote(line: str, limit: int = QUOTE_LIMIT) -> str:
    text = line.strip()
    text = text if len(text) <= limit else text[: limit - 1] + "\u2026"
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _quoted_lines(diff: str) -> list[str]:
    """For a small edit that changed no fact: the changed lines themselves (at most two a side); a bare
    brace or blank line is never quoted."""
    added, removed = ([line for line in side if not BARE.match(line)] for side in diff_lines(diff))
    if (not added and not removed) or len(added) > 2 or len(removed) > 2:
        return []
    if len(added) == len(removed) == 1:
        before, after = quote_pair(removed[0].strip(), added[0].strip(), QUOTE_LIMIT)
        return [f"Line {_quote(before)} became {_quote(after)}."]
    out = [f"Added {', '.join(_quote(line) for line in added)}."] if added else []
    return out + ([f"Removed {', '.join(_quote(line) for line in removed)}."] if removed else [])


def _fact_changes(change: FunctionChange, old: FunctionFacts, new: FunctionFacts) -> list[str]:
    """Sentences for what changed between the two sides' facts, most important first."""
    if old.body_hash and old.body_hash == new.body_hash:
        start_old = change.old_lines[0] if change.old_lines else None
        start_new = change.new_lines[0] if change.new_lines else None
        moved = f"; moved from line {start_old} to {start_new}" if start_old != start_new else ""
        cases = case_changes(old.cases, new.cases)
        clauses = signature_changes(old, new, change.language, cases_told=bool(cases))
        signature = [f"Signature: {'; '.join(clauses)}."] if clauses else []
        layout = [] if cases or clauses else _layout(change, new)  # a decorator re-wrapped: where
        if layout:
            return [layout[0].removesuffix(".") + f"{moved}."]
        return ([joined(cases)] if cases else []) + signature + [f"Body unchanged{moved}."]
    behaviour = _behaviour(change, old, new, compact=False)
    if _length([behaviour]) > BUDGET * 2 // 3:  # a large rewrite: its facts in brief
        behaviour = _behaviour(change, old, new, compact=True)
    clauses = signature_changes(old, new, change.language, cases_told=old.cases != new.cases)
    signature_sentence = [f"Signature: {'; '.join(clauses)}"] if clauses else []
    calls = _set_changes(old.calls, new.calls, "calls")
    literals = literal_changes(old.literals, new.literals, change.diff)
    runs = numbered_runs(change.diff)
    additions, created = additions_of(change, runs)
    if created:  # the fields of a new composite literal are told with it; one still set is not lost
        told = {a for a in new.assigned if a.rsplit(".", 1)[0] in created}
        new = replace(new, assigned=tuple(a for a in new.assigned if a not in told))
        old = replace(old, assigned=tuple(a for a in old.assigned if a not in told))
    names = name_changes(change, old, new)
    simple = not (behaviour or clauses or calls) and all(c.startswith(("New", "Drops")) for c in literals)
    told_by_names = not names or any(w in names[0] for w in ("Renames local", "instead of"))
    expression = (
        expression_change(change.diff) if simple and (names or literals) and not told_by_names else []
    )
    if expression:
        literals = []  # a literal replaced by a name (or the reverse): the changed words show both
    sides = sides_of(change)
    arguments = []  # a small edit (an expression): its changed words say it all
    if sides is not None and not expression:
        arguments = argument_changes(*sides, runs, (change.old_source or "", change.new_source or ""))
    told_texts = any(c.startswith("Text changed") for c in literals)  # else a long text by its lines
    texts = text_lines(change.diff, sides) if sides is not None and not told_texts else []
    literals = untold_texts(literals, additions)
    details = additions + texts + calls + arguments + literals
    details += docstring_change(old.docstring, new.docstring)
    details += expression
    groups = [behaviour, signature_sentence, details + names]  # at most three sentences, most important first
    if sides is not None and not expression and any(groups):  # what no sentence tells: a detail too
        details += untold_of(change, " ".join(clause for group in groups for clause in group), sides)
        groups[2] = details + names
    if _length(groups) > BUDGET:  # a line or two: the names read and set go first, then extra clauses
        groups[2] = details or names[:1]
    if _length(groups) > BUDGET and len(clauses) > 3:
        groups[1] = [f"Signature: {'; '.join(clauses[:3])}; and {len(clauses) - 3} more"]
    while _length(groups) > BUDGET and len(groups[2]) > 1:  # then the details, least telling first
        groups[2] = sorted(groups[2], key=_telling)[:-1]
    return [joined(group) for group in groups if group]


def _behaviour(change: FunctionChange, old: FunctionFacts, new: FunctionFacts, compact: bool) -> list[str]:
    """What the function now does otherwise: its test cases, control flow and raises."""
    flow = flow_changes(old, new, change, compact)
    told = " ".join(flow)  # a new guard that raises or panics says so already
    raises = [c for c in raise_changes(old.raises, new.raises) if f"raise {c[11:]}" not in told]
    return case_changes(old.cases, new.cases, compact) + flow + raises


def _telling(clause: str) -> int:
    """How much a detail tells a reviewer (lower: more): a changed value first, removed calls last."""
    order = (
        "multi-line text",
        "expects",
        "no longer expects",
        "adds",
        "creates",
        "removes elements",
        "Text changed",
        "Value changed",
        "docstring",
        "passes",
        "no longer passes",
        "changes",
        "calls added",
        "calls removed",
    )
    return next((i for i, word in enumerate(order) if clause.startswith(word)), len(order))


BUDGET = 400  # characters of a summary's sentences, about two lines of a review


def _length(groups: Sequence[Sequence[str]]) -> int:
    return sum(len(clause) + 2 for group in groups for clause in group)


def _set_changes(before: Sequence[str], after: Sequence[str], what: str) -> list[str]:
    out = []
    if gained := new_items(before, after):
        out.append(f"{what} added: {names_list(gained)}")
    if lost := new_items(after, before):
        out.append(f"{what} removed: {names_list(lost)}")
    return out


# ----------------------------------------------------------------------------------------------- module


_PY_ASSIGN = re.compile(r"^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?::[^=]*)?=(?!=)")
_PY_CLASS = re.compile(r"^\s*class\s+([A-Za-z_]\w*)")


def _imported(lines: Iterable[str], language: str) -> list[str]:
    found = language_named(language)
    return [] if found is None else found.imports.names(lines)


def _assigned(lines: Iterable[str]) -> list[str]:
    """Names assigned by unindented statements (indented lines may be call arguments: not counted)."""
    out: list[str] = []
    for line in lines:
        if line[:1].isspace() or line.rstrip().endswith(","):
            continue
        if (found := _PY_ASSIGN.match(line)) and _statement_start(line):
            out += [name.strip() for name in found.group(1).split(",")]
    return out


def _statement_start(line: str) -> bool:
    """True when ``line`` can begin a Python statement: it parses, or it opens a bracket or a string that
    later lines close. A line inside a multi-line string constant (``COMP_CWORD=$x \\``) is no statement."""
    text = line.rstrip().removesuffix("\\")
    for closer in ("", ")", "]", "}", '"""', "'''", '"""\n)', "'''\n)"):
        try:
            ast.parse(text + closer)
        except (SyntaxError, ValueError):
            continue
        return True
    return False


def _classes(lines: Iterable[str]) -> list[str]:
    return [found.group(1) for line in lines if (found := _PY_CLASS.match(line))]


def _module(change: FunctionChange) -> str:
    if (change.kind != "class" and not change.qualname.startswith("<module")) or not change.diff:
        note = sentence(change.note) if change.note else ""
        return " ".join(
            filter(None, [f"File {change.change}.", note, counts(change.diff) if change.diff else ""])
        )
    added, removed = diff_lines(change.diff)
    where = _where(change.new_lines) or _where(change.old_lines)
    label = "Class-level code" if change.kind == "class" else "Module-level code"
    parts = [f"{label} ({where})."]
    language = change.language
    parts += _changes(_imported(removed, language), _imported(added, language), "imports", both=None)
    by_lines = words_of(language).line_statements
    if change.old_facts is not None or change.new_facts is not None:
        parts += module_assignments(change.old_facts, change.new_facts)
    elif by_lines:
        parts += _changes(_assigned(removed), _assigned(added), "assignments", both="changed")
    if by_lines:
        parts += _changes(_classes(removed), _classes(added), "classes", both="changed")
    if _only_comments(change):
        parts.append("Only comments or blank lines changed.")
    parts.append(counts(change.diff))
    return " ".join(parts)


def _changes(before: list[str], after: list[str], what: str, both: str | None) -> list[str]:
    """Sentences for names that appear only in the added lines, only in the removed ones, and (when
    ``both`` names the verb) in both."""
    gained, lost = new_items(before, after), new_items(after, before)
    common = [name for name in dict.fromkeys(after) if name in set(before)]
    out = []
    if gained:
        out.append(f"{what.capitalize()} added: {names_list(gained)}.")
    if lost:
        out.append(f"{what.capitalize()} removed: {names_list(lost)}.")
    if common and both:
        out.append(f"{what.capitalize()} {both}: {names_list(common)}.")
    return out
