"""What the added (or removed) lines of a body put in place, told by what it is rather than by the names
they read or set: elements of a list written one a line, a new Go composite literal, new checks of a test.

- ``element_changes``: a run of rows that are only elements (``"--help",``) added to or removed from a list
  written one element a line: ``expects also `"--help"` ×4, `"-h"` (in `expected`)``; ``adds elements
  … to `flags``` outside a test's expected values.
- ``new_composites``: a Go composite literal written in added rows (``&BoolFlag{Name: "q"}``): ``adds a
  `BoolFlag` named `"q"```, else by its first fields.
- ``new_checks``: in a test, new blocks of added rows that assert something, each named by the comment
  that opens it, else by the words that tell its first assertion from the most alike one of the old side.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from ariadne_hook.models import FunctionChange
from ariadne_hook.summarize.call_args import NumberedRun, comment_marker
from ariadne_hook.summarize.quote import code_tokens, cut, ticked
from ariadne_hook.words import plural


def additions_of(change: FunctionChange, runs: list[NumberedRun]) -> tuple[list[str], list[str]]:
    """(clauses, types created): what the added or removed rows put in place (additions.py)."""
    sources = (change.old_source or "", change.new_source or "")
    starts = (change.old_lines[0] if change.old_lines else 1, change.new_lines[0] if change.new_lines else 1)
    facts = [f for f in (change.old_facts, change.new_facts) if f is not None]
    out = element_changes(runs, sources, starts, [case for f in facts for case in f.cases])
    clauses, created = new_composites(runs) if change.language == "go" else ([], [])
    if re.match(r"(?i)test", change.qualname.rsplit(".", 1)[-1]):
        out += new_checks(runs, sources[0], comment_marker(change.language))
    return out + clauses, created


_ELEMENT = re.compile(
    r"""^("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`|-?\d[\w.]*)\s*,?\s*(?:(?://|#).*)?$"""
)
_BLOCK = re.compile(r"^\s*(?:if|for|while|switch|select|case|func|def|class|else|elif|try|with|match)\b")
_CONTAINER = re.compile(r"""^\s*(?:(?:var|const|let)\s+)?["']?([\w.]+)["']?\s*(?::=|=|:)""")
_OPENS = re.compile(r"[\[{(]\s*$")


def element_changes(
    runs: Sequence[NumberedRun], sources: tuple[str, str], starts: tuple[int, int], cases: Sequence[str] = ()
) -> list[str]:
    """``expects also `"a"` ×2 (in `expected`)``, ``removes elements `x` from `flags```: runs of rows that
    are all elements of lists written one a line (a row that only came or went in each), not rows of a
    test's table of ``cases``."""
    found: dict[tuple[bool, str], Counter[str]] = {}
    lines = [source.split("\n") for source in sources]
    for removed, added in runs:
        if removed and added:
            continue
        rows, side = (added, 1) if added else (removed, 0)
        elements = [_ELEMENT.match(text.strip()) for _, text in rows]
        if not rows or not all(elements) or any(text.strip() in case for _, text in rows for case in cases):
            continue  # not elements only, or rows of a table of cases (told as cases)
        container = _container(lines[side], rows[0][0] - starts[side])
        if container is None:
            continue
        counter = found.setdefault((side == 1, container), Counter())
        counter.update(m.group(1) for m in elements if m)
    out = []
    for (gained, container), counter in found.items():
        items = [ticked(cut(e, 30)) + (f" \u00d7{n}" if n > 1 else "") for e, n in counter.items()]
        shown = ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "")
        where = ticked(container) if container else "a list"
        if re.search(r"expect|want", container, re.I):
            out.append(f"{'expects also' if gained else 'no longer expects'} {shown} (in {where})")
        else:
            verb = f"adds elements {shown} to" if gained else f"removes elements {shown} from"
            out.append(f"{verb} {where}")
    return out[:2]


def untold_texts(literals: Sequence[str], additions: Sequence[str]) -> list[str]:
    """The literal clauses without a ``new text`` or ``drops text`` whose strings the additions tell (as
    elements added or removed)."""
    said = " ".join(additions)
    return [
        c
        for c in literals
        if not (
            c.startswith(("new text", "drops text")) and all(q in said for q in re.findall(r"`([^`]+)`", c))
        )
    ]


def _container(lines: Sequence[str], index: int) -> str | None:
    """The name of the list that holds line ``index`` (0-based): the first line above that opens a
    bracket it does not close (``expected = strings.Join([]string{`` -> ``expected``); "" when it has no
    name; None when no list holds it (the rows are statements)."""
    depth = 0
    for line in reversed(lines[max(0, index - 200) : index]):
        code = re.sub(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""", '""', line)
        depth += sum(code.count(c) for c in ")]}") - sum(code.count(c) for c in "([{")
        if depth < 0:
            if not _OPENS.search(code) or code.rstrip().endswith(("):", ") {", ":")) or _BLOCK.match(code):
                return None  # a block, not a list
            found = _CONTAINER.match(line)
            return found.group(1) if found else ""
    return None


# ------------------------------------------------------------------------------- Go composite literals

_COMPOSITE = re.compile(r"(?<![\]*\w.])((?:[a-z]\w*\.)?[A-Z]\w*)\{")  # not a slice's element type
_FIELD = re.compile(r"""^\s*(\w+):\s*(.+?),?\s*$""")


def new_composites(runs: Sequence[NumberedRun]) -> tuple[list[str], list[str]]:
    """(clauses, the types they create): Go composite literals whose every row is an added row, and that
    the added rows hold more of than the removed rows: a literal kept on an edited row is not created, nor
    one that took the place of a removed literal of its type (its fields changed: told by the rows)."""
    candidates: list[tuple[str, list[tuple[str, str]]]] = []
    gone = {" ".join(text.split()) for removed, _ in runs for _, text in removed}  # a block that moved
    before = Counter(key for removed, _ in runs for key, _, _, _ in _literals([text for _, text in removed]))
    for _, added in runs:
        texts = [text for _, text in added]
        for key, row, kind, body in _literals(texts):
            if before[key] > 0:
                before[key] -= 1  # the same literal was in a removed row: kept, not created
            elif body is not None and " ".join(texts[row].split()) not in gone:
                candidates.append((kind, body))
    replaced: Counter[str] = Counter()
    for key, left in before.items():
        replaced[key.partition("{")[0]] += left
    created: list[tuple[str, list[tuple[str, str]]]] = []
    for kind, body in candidates:
        if replaced[kind] > 0:
            replaced[kind] -= 1
        else:
            created.append((kind, body))
    if not created:
        return [], []
    clauses: list[str] = []
    for kind, fields in created:
        named = next((v for k, v in fields if k.lower() == "name" and v[:1] in "\"'`"), None)
        if named is not None:
            clauses.append(f"a {ticked(kind)} named {ticked(cut(named, 30))}")
        else:
            first = ", ".join(f"{k}: {v}" for k, v in fields[:2]) + (", \u2026" if len(fields) > 2 else "")
            clauses.append(ticked(cut(f"{kind}{{{first}}}", 60)))
    counts = Counter(clauses)
    shown = [c + (f" \u00d7{counts[c]}" if counts[c] > 1 else "") for c in dict.fromkeys(clauses)]
    more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
    return [f"creates {', '.join(shown[:3])}{more}"], list(dict.fromkeys(kind for kind, _ in created))


def _literals(texts: Sequence[str]) -> list[tuple[str, int, str, list[tuple[str, str]] | None]]:
    """(text without spaces, the row it opens on, kind, fields or None when it does not close within
    ``texts``) of each composite literal of ``texts``; its text is its kind and what follows it in ``texts``
    up to its closing brace (to the last row when it does not close)."""
    out: list[tuple[str, int, str, list[tuple[str, str]] | None]] = []
    for i, text in enumerate(texts):
        for found in _COMPOSITE.finditer(text):
            rest = "".join("".join(t.split()) for t in [text[found.end() :], *texts[i + 1 :]])
            depth, end = 1, len(rest)
            for n, c in enumerate(rest):
                depth += (c in "{([") - (c in "})]")
                if depth == 0:
                    end = n
                    break
            kind = found.group(1)  # ``interface{}`` and ``any`` are one type: a literal that changed only so
            key = (kind + "{" + rest[:end]).replace("interface{}", "any")
            out.append((key, i, kind, _literal_body(texts, i, found.end())))
    return out


def _literal_body(texts: Sequence[str], line: int, start: int) -> list[tuple[str, str]] | None:
    """The ``key: value`` fields of the literal whose ``{`` ends at ``texts[line][:start]``, when it closes
    within ``texts``; None when it does not (its rows are not all added)."""
    depth = 1
    fields: list[tuple[str, str]] = []
    chunk = texts[line][start:]
    for n in range(line, len(texts)):
        piece = chunk if n == line else texts[n]
        for i, c in enumerate(piece):
            depth += (c in "{([") - (c in "})]")
            if depth == 0:
                inner = piece[:i] if n > line else chunk[:i]
                fields += _fields(inner)
                return fields
        fields += _fields(piece)
    return None


def _fields(text: str) -> list[tuple[str, str]]:
    out = []
    for part in re.split(r",\s*(?=\w+:)", text.strip()):
        found = _FIELD.match(part)
        if found and not any(c in found.group(2) for c in "{}"):
            out.append((found.group(1), found.group(2).rstrip(",")))
    return out


# ----------------------------------------------------------------------------------- checks of a test

_ASSERTION = re.compile(  # a Python ``assert`` is a block of the facts: told as such
    r"^(?:self\.assert\w*\(|pytest\.raises\(|with pytest\.raises|(?:assert|require|r|a|s|suite)\."
    r"\w+\(|t\.(?:Error|Errorf|Fatal|Fatalf|Fail)\b|if\b.*\{$|expect\()"
)


def new_checks(runs: Sequence[NumberedRun], old_source: str, comment: str) -> list[str]:
    """``adds checks: `unix address`; `…"nully", "help"…```: blocks of added rows (split at blank rows)
    that hold an assertion, named by the comment that opens them, else by what tells their first
    assertion from the most alike line of the old side."""
    old_lines = [" ".join(line.split()) for line in old_source.split("\n")]
    names: list[str] = []
    count = 0
    for removed, added in runs:
        if removed or not added:
            continue
        for block in _blocks([" ".join(text.split()) for _, text in added]):
            asserts = [line for line in block if _ASSERTION.match(line)]
            if not asserts or not any(_ASSERTION.match(line) and not line.startswith("if") for line in block):
                continue
            count += 1
            opening = block[0]
            if opening.startswith(comment):
                names.append(ticked(cut(opening.removeprefix(comment).strip(), 40)))
            else:
                names.append(_alike_name(asserts[0], old_lines))
    if not count:
        return []
    shown = "; ".join(dict.fromkeys(names[:2])) + (f" and {count - 2} more" if count > 2 else "")
    return [f"adds {plural(count, 'block')} of checks: {shown}"]


def _blocks(lines: Sequence[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in lines:
        if line:
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [block for block in out if block]


def _alike_name(line: str, old_lines: Sequence[str]) -> str:
    best = max(old_lines, key=lambda o: SequenceMatcher(None, o, line, autojunk=False).ratio(), default="")
    if best and SequenceMatcher(None, best, line, autojunk=False).ratio() >= 0.6:
        a, b = code_tokens(best), code_tokens(line)
        matcher = SequenceMatcher(None, [t.group() for t in a], [t.group() for t in b], autojunk=False)
        places = [op for op in matcher.get_opcodes() if op[0] != "equal"]
        if places:
            _, i1, i2, j1, j2 = places[0]
            first, last = max(j1 - 2, 0), min(j2 + 2, len(b))
            shown = line if len(line) <= 60 else line[b[first].start() : b[last - 1].end()]
            return ticked(cut(shown, 60)) + " (like an old check)"
    return ticked(cut(line, 50))
