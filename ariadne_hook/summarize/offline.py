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

from ariadne_hook.languages import language_named, words_of
from ariadne_hook.locate.align import rename_pairs
from ariadne_hook.models import FunctionChange, FunctionFacts, Param
from ariadne_hook.summarize.fact_changes import (
    ARROW,
    diff_lines,
    flat,
    flow_changes,
    joined,
    literal_changes,
    module_assignments,
    name_changes,
    names_list,
    new_items,
    raise_changes,
    sentence,
)
from ariadne_hook.words import plural

MINUS = "\u2212"


def offline_summary(change: FunctionChange) -> str:
    """What ``change`` does, in a few sentences."""
    if change.skip_reason is not None:
        return _skipped(change)
    if change.kind == "hunk":
        return _hunk(change)
    if change.kind == "file":
        return _file(change)
    if change.kind in ("module", "class"):
        return _module(change)
    return _function(change)


def rename_summary(old: FunctionChange, new: FunctionChange) -> str:
    """The summary of a deleted entry and an added entry with the same body, reported as one change."""
    text = (
        "Body unchanged." if old.qualname == new.qualname else f"Renamed from {old.qualname}; body unchanged."
    )
    if old.old_lines and new.new_lines:
        other_file = old.path != new.path
        source = f"{old.path}:{old.old_lines[0]}" if other_file else f"line {old.old_lines[0]}"
        target = f"{new.path}:{new.new_lines[0]}" if other_file else f"line {new.new_lines[0]}"
        text += f" Moved from {source} to {target}." if source != target else ""
    return text


def moved_summaries(changes: Sequence[FunctionChange]) -> dict[int, str]:
    """index -> summary for the entries whose body is unchanged: they only moved or were renamed.

    A modified entry with the same body on both sides, or a deleted entry and an added entry of the same file
    with the same body (name aside), paired as a rename. Such entries need no LLM call.
    """
    found: dict[int, str] = {}
    for i, c in enumerate(changes):
        old = c.old_facts.body_hash if c.old_facts else ""
        if c.change == "modified" and old and old == (c.new_facts.body_hash if c.new_facts else ""):
            found[i] = offline_summary(c)
    for d, a in rename_pairs(changes).items():
        found[a] = rename_summary(changes[d], changes[a])
        found[d] = f"Renamed to {changes[a].qualname}; body unchanged (see there)."
    return found


# ---------------------------------------------------------------------------------------------- helpers


def _counts(diff: str) -> str:
    added, removed = diff_lines(diff)
    return f"+{len(added)} {MINUS}{len(removed)} lines."


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
    if facts.decorators:
        parts.append(f"Decorated with {names_list(_decorator(d, language) for d in facts.decorators)}.")
    if facts.calls:
        parts.append(f"Calls {names_list(facts.calls)}.")
    if facts.raises:
        parts.append(f"Raises {names_list(facts.raises)}.")
    if facts.returns_count:
        parts.append(f"Returns in {plural(facts.returns_count, 'place')}.")
    return parts


def _returns(facts: FunctionFacts) -> str:
    return f" -> {facts.returns}" if facts.returns else ""


def _decorator(text: str, language: str) -> str:
    prefix = words_of(language).decorator_prefix
    return f"{prefix}{text}" if prefix and not text.startswith(prefix) else text


def format_param(param: Param, language: str) -> str:
    starred = words_of(language).star_params
    star = {"var_positional": "*", "var_keyword": "**"}.get(param.kind, "") if starred else ""
    text = star + param.name + (f": {param.annotation}" if param.annotation else "")
    if param.default is not None:
        text += f" = {param.default}" if param.annotation else f"={param.default}"
    return text


def signature(params: Sequence[Param], language: str) -> str:
    """Parameters as a list, with Python's ``/`` and ``*`` markers where they apply."""
    out: list[str] = []
    kinds = [p.kind for p in params]
    markers = words_of(language).star_params
    for index, param in enumerate(params):
        opens_keywords = not {"var_positional", "keyword"} & set(kinds[:index])
        if markers and param.kind == "keyword" and opens_keywords:
            out.append("*")
        out.append(format_param(param, language))
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        if markers and param.kind == "positional_only" and following != "positional_only":
            out.append("/")
    return ", ".join(out)


def _modified(change: FunctionChange, old: FunctionFacts | None, new: FunctionFacts | None) -> list[str]:
    facts = _fact_changes(change, old, new) if old is not None and new is not None else []
    if _only_comments(change):
        parts = ["Only comments or blank lines changed."]
    elif facts and not _one_short_line(change.diff, facts):
        parts = facts
    else:
        parts = _quoted_lines(change.diff) or facts or [_size_sentence(change, new)]
    parts.append(_counts(change.diff))
    return parts


def _one_short_line(diff: str, facts: Sequence[str]) -> bool:
    """One line replaced by one line, short enough to quote whole, and no change of behaviour or signature
    (facts of a single sentence that is not about control flow): the lines say it best."""
    added, removed = ([line for line in side if not _BARE.match(line)] for side in diff_lines(diff))
    if len(added) != 1 or len(removed) != 1 or len(facts) != 1 or facts[0].startswith(("Adds", "Removes")):
        return False
    return max(len(added[0].strip()), len(removed[0].strip())) <= QUOTE_LIMIT and not facts[0].startswith(
        ("Signature", "Now", "No longer", "Condition")
    )


def _size_sentence(change: FunctionChange, new: FunctionFacts | None) -> str:
    before, after = _size(change.old_lines), _size(change.new_lines)
    size = plural(after, "line") + ("" if before == after else f", was {before}")
    return f"Changed {_kind(change, new)} ({size})."


QUOTE_LIMIT = 80
_BARE = re.compile(r"^[\s{}()\[\];,]*$")  # a line that says nothing: braces, brackets, blank


def _quote(line: str, limit: int = QUOTE_LIMIT) -> str:
    text = line.strip()
    text = text if len(text) <= limit else text[: limit - 1] + "\u2026"
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _quoted_lines(diff: str) -> list[str]:
    """For a small edit that changed no fact: the changed lines themselves (at most two a side); a bare
    brace or blank line is never quoted."""
    added, removed = ([line for line in side if not _BARE.match(line)] for side in diff_lines(diff))
    if (not added and not removed) or len(added) > 2 or len(removed) > 2:
        return []
    if len(added) == len(removed) == 1:
        return [f"Line {_quote(removed[0])} became {_quote(added[0])}."]
    out = [f"Added {', '.join(_quote(line) for line in added)}."] if added else []
    return out + ([f"Removed {', '.join(_quote(line) for line in removed)}."] if removed else [])


def _fact_changes(change: FunctionChange, old: FunctionFacts, new: FunctionFacts) -> list[str]:
    """Sentences for what changed between the two sides' facts, most important first."""
    if old.body_hash and old.body_hash == new.body_hash:
        start_old = change.old_lines[0] if change.old_lines else None
        start_new = change.new_lines[0] if change.new_lines else None
        moved = f"; moved from line {start_old} to {start_new}" if start_old != start_new else ""
        clauses = signature_changes(old, new, change.language)
        return ([f"Signature: {'; '.join(clauses)}."] if clauses else []) + [f"Body unchanged{moved}."]
    behaviour = flow_changes(old, new, change.diff)
    behaviour += raise_changes(old.raises, new.raises)
    clauses = signature_changes(old, new, change.language)
    signature_sentence = [f"Signature: {'; '.join(clauses)}"] if clauses else []
    details = _set_changes(old.calls, new.calls, "calls")
    details += literal_changes(old.literals, new.literals)
    details += name_changes(change, old, new)
    groups = (behaviour, signature_sentence, details)  # at most three sentences, most important first
    return [joined(group) for group in groups if group]


def _set_changes(before: Sequence[str], after: Sequence[str], what: str) -> list[str]:
    out = []
    if gained := new_items(before, after):
        out.append(f"{what} added: {names_list(gained)}")
    if lost := new_items(after, before):
        out.append(f"{what} removed: {names_list(lost)}")
    return out


_KIND_WORD = {
    "positional_only": "positional-only",
    "positional": "positional",
    "keyword": "keyword-only",
    "var_positional": "variadic positional",
    "var_keyword": "variadic keyword",
}


def signature_changes(old: FunctionFacts, new: FunctionFacts, language: str) -> list[str]:
    """Clauses such as ``added parameter timeout=10`` or ``return annotation None → int`` (one line each:
    a type written over several lines is squeezed)."""
    return [flat(clause) for clause in _signature_clauses(old, new, language)]


def _signature_clauses(old: FunctionFacts, new: FunctionFacts, language: str) -> list[str]:
    clauses = _param_changes(old.params, new.params, language)
    returns = words_of(language).returns
    if old.returns != new.returns:
        if old.returns and new.returns:
            clauses.append(f"{returns} {old.returns} {ARROW} {new.returns}")
        elif new.returns:
            clauses.append(f"{returns} {new.returns} added")
        else:
            clauses.append(f"{returns} {old.returns} removed")
    word = words_of(language).decorator
    clauses += [f"{word} {_decorator(d, language)} added" for d in new_items(old.decorators, new.decorators)]
    clauses += [
        f"{word} {_decorator(d, language)} removed" for d in new_items(new.decorators, old.decorators)
    ]
    if old.is_async != new.is_async:
        clauses.append("now async" if new.is_async else "no longer async")
    return clauses


def _param_changes(old: Sequence[Param], new: Sequence[Param], language: str) -> list[str]:
    old_names, new_names = {p.name for p in old}, {p.name for p in new}
    renamed = {
        o.name: n.name
        for o, n in zip(old, new, strict=False)
        if o.name != n.name
        and o.name not in new_names
        and n.name not in old_names
        and (o.kind, o.default) == (n.kind, n.default)
    }
    clauses = [f"{o} renamed to {n} (same position)" for o, n in renamed.items()]
    renamed_to = set(renamed.values())
    clauses += [
        f"added parameter {format_param(p, language)}"
        for p in new
        if p.name not in old_names and p.name not in renamed_to
    ]
    clauses += [
        f"removed parameter {format_param(p, language)}"
        for p in old
        if p.name not in new_names and p.name not in renamed
    ]
    by_name = {p.name: p for p in old}
    for param in new:
        before = by_name.get(param.name)
        if before is not None:
            clauses += _one_param_changes(before, param)
    kept_old = [p.name for p in old if p.name in new_names]
    kept_new = [p.name for p in new if p.name in old_names]
    if kept_old != kept_new:
        clauses.append("parameters reordered")
    return clauses


def _one_param_changes(old: Param, new: Param) -> list[str]:
    out = []
    for what, before, after in (
        ("type", old.annotation, new.annotation),
        ("default", old.default, new.default),
    ):
        if before == after:
            continue
        if before is not None and after is not None:
            out.append(f"{new.name} {what} {before} {ARROW} {after}")
        elif after is not None:
            out.append(f"{new.name} {what} {after} added")
        else:
            out.append(f"{new.name} {what} {before} removed")
    if old.kind != new.kind:
        out.append(f"{new.name} now {_KIND_WORD.get(new.kind, new.kind)}")
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
            filter(None, [f"File {change.change}.", note, _counts(change.diff) if change.diff else ""])
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
    parts.append(_counts(change.diff))
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


# ------------------------------------------------------------------------------------------------ hunks


_CALL = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*)\s*\(")
_STRING = re.compile(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""")
_NOT_CALLS = frozenset(
    (
        *("if", "elif", "else", "for", "while", "switch", "return", "catch", "and", "or", "not", "in", "is"),
        *("with", "def", "class", "function", "func", "fn", "sizeof", "typeof", "await", "yield", "assert"),
        *("lambda", "match", "case", "when", "unless", "until", "elsif"),
    )
)


def _code(line: str, language: str) -> str:
    """The line without string literals and trailing comments."""
    text = _STRING.sub('""', line)
    found = language_named(language)
    for marker in found.lexer.comments.markers if found is not None else ():
        if marker in ("#", "//"):
            text = text.split(marker, 1)[0]
    return text


def hunk_names(lines: Iterable[str], language: str) -> tuple[list[str], list[str]]:
    """(names defined, names called) in code lines of a language whose comment syntax is known."""
    found = language_named(language)
    if found is None:
        return [], []
    defines = re.compile(r"\b(?:" + "|".join(found.words.defines) + r")\s+([A-Za-z_$][\w$]*)")
    defined: list[str] = []
    called: list[str] = []
    for line in lines:
        code = _code(line, language)
        if code.lstrip().startswith(("*", "/*")):
            continue
        names = defines.findall(code)
        defined += names
        called += [name for name in _CALL.findall(code) if name not in _NOT_CALLS and name not in names]
    return defined, called


def _hunk(change: FunctionChange) -> str:
    added, _ = diff_lines(change.diff)
    parts = [_counts(change.diff)]
    defined, called = hunk_names(added, change.language)
    if defined:
        parts.append(f"Defines {names_list(defined)}.")
    if called:
        parts.append(f"Calls {names_list(called)}.")
    return " ".join(parts)


def _file(change: FunctionChange) -> str:
    """A file without a function parser: its +/- counts, and its hunks in brief (line and git's context)."""
    hunks = []
    for line in change.diff.split("\n"):
        found = _FILE_HUNK.match(line)
        if found:
            context = found.group(2).strip()
            hunks.append(f"line {found.group(1)}" + (f" ({context[:60]})" if context else ""))
    counts = _counts(change.diff).removesuffix(".")
    text = f"File {change.change}: {counts} in {plural(len(hunks), 'hunk')}."
    return f"{text} At {names_list(hunks, 5)}." if hunks else text


_FILE_HUNK = re.compile(r"^@@ -\S+ \+(\d+)(?:,\d+)? @@(.*)$")
