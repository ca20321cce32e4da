"""The locate stage on Python: spans and facts from ``ast``, changed lines mapped to functions."""

from __future__ import annotations

import difflib
import importlib
import re
import textwrap
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ariadne_hook.languages import Language, language_for, parser_for, registry, scanner_for
from ariadne_hook.locate import locate
from ariadne_hook.locate.core import locate_file
from ariadne_hook.locate.languages import ParseError, Scan
from ariadne_hook.locate.python import parse_python, scan_python
from ariadne_hook.models import (
    ADDED,
    DELETED,
    MODIFIED,
    RENAMED,
    FileChange,
    FunctionChange,
    FunctionSpan,
    Hunk,
    Param,
)
from tests.gitutil import commit_all, init_repo, stage_all, write

_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def git_lines(text: str | None) -> list[str]:
    """Lines as git counts them: split on "\\n" only, no empty line after a final newline."""
    if not text:
        return []
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def make_hunks(old: str | None, new: str | None, context: int = 3) -> tuple[Hunk, ...]:
    diff = list(difflib.unified_diff(git_lines(old), git_lines(new), lineterm="", n=context))[2:]
    hunks: list[Hunk] = []
    for line in diff:
        found = _HEADER.match(line)
        if found:
            a, b, c, d = (int(x) if x is not None else 1 for x in found.groups())
            hunks.append(Hunk(a, b, c, d, "", ()))
        else:
            last = hunks[-1]
            hunks[-1] = Hunk(
                last.old_start, last.old_count, last.new_start, last.new_count, "", (*last.lines, line)
            )
    return tuple(hunks)


def change_of(
    old: str | None, new: str | None, path: str = "m.py", status: str | None = None, **extra: object
) -> FileChange:
    """A FileChange as the source stage makes it, hunks from difflib."""
    hunks = make_hunks(old, new)
    rows = [row for hunk in hunks for row in hunk.numbered()]
    return FileChange(
        path=path,
        old_path=extra.pop("old_path", None),  # type: ignore[arg-type]
        status=status or (ADDED if old is None else DELETED if new is None else MODIFIED),
        old_text=old,
        new_text=new,
        hunks=hunks,
        removed_lines=frozenset(r[1] for r in rows if r[0] == "-" and r[1] is not None),
        added_lines=frozenset(r[2] for r in rows if r[0] == "+" and r[2] is not None),
        **extra,  # type: ignore[arg-type]
    )


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def by_name(entries: list[FunctionChange]) -> dict[str, FunctionChange]:
    return {e.qualname: e for e in entries}


def names(entries: list[FunctionChange]) -> list[str]:
    return [e.qualname for e in entries]


# ------------------------------------------------------------------------------------------- parser

SAMPLE = dedent(
    '''
    import os

    def top(a, /, b: int = 2, *args: str, c, d="x", **kw) -> bool:
        """Doc."""
        helper = lambda v: os.path.join(v, "x")
        def nested():
            open("never counted")
        if a:
            raise ValueError("bad")
        result = helper(a).strip()
        return bool(result)

    class Outer:
        @staticmethod
        @cache(3)
        def deco(x):
            return x

        class Inner:
            def method(self):
                pass

        if DEBUG:
            def debug_only(self):
                pass

    async def fetch(url):
        async with session() as s:
            return await s.get(url)

    try:
        def maybe():
            pass
    except ImportError:
        pass

    match command:
        case "go":
            def go():
                pass
    '''
)


def test_spans_names_kinds_and_ranges() -> None:
    spans = {s.qualname: s for s in parse_python(SAMPLE)}
    assert list(spans) == [
        "top",
        "top.nested",
        "Outer.deco",
        "Outer.Inner.method",
        "Outer.debug_only",
        "fetch",
        "maybe",
        "go",
    ]
    assert (spans["top"].start, spans["top"].end) == (3, 11)
    assert (spans["top.nested"].start, spans["top.nested"].end) == (6, 7)
    assert (spans["Outer.deco"].start, spans["Outer.deco"].end) == (14, 17)  # decorators included
    assert spans["Outer.deco"].kind == spans["Outer.Inner.method"].kind == "method"
    assert spans["Outer.debug_only"].kind == "method"  # a def under an `if` in a class body
    assert spans["top"].kind == spans["top.nested"].kind == spans["fetch"].kind == "function"


def test_facts() -> None:
    spans = {s.qualname: s for s in parse_python(SAMPLE)}
    top = spans["top"].facts
    assert top.params == (
        Param("a", None, None, "positional_only"),
        Param("b", "int", "2", "positional"),
        Param("args", "str", None, "var_positional"),
        Param("c", None, None, "keyword"),
        Param("d", None, '"x"', "keyword"),
        Param("kw", None, None, "var_keyword"),
    )
    assert top.returns == "bool"
    # the lambda's call counts, the nested def's does not, `raise X(...)` is a raise; in source order
    assert top.calls == ("os.path.join", "helper", "helper().strip", "bool")
    assert top.raises == ("ValueError",)
    assert top.returns_count == 1
    assert not top.is_async
    assert spans["Outer.deco"].facts.decorators == ("staticmethod", "cache(3)")
    fetch = spans["fetch"].facts
    assert fetch.is_async and fetch.calls == ("session", "s.get") and fetch.returns_count == 1


def test_body_hash_ignores_name_indent_and_decorators_but_not_body() -> None:
    a = parse_python("def f(x):\n    return x + 1\n")[0].facts.body_hash
    renamed = parse_python("@wraps\ndef g(x):\n    return x + 1\n")[0].facts.body_hash
    moved = parse_python("class C:\n    def h(x):\n        return x + 1\n")[0].facts.body_hash
    changed = parse_python("def f(x):\n    return x + 2\n")[0].facts.body_hash
    param = parse_python("def f(y):\n    return x + 1\n")[0].facts.body_hash
    assert a == renamed == moved
    assert len({a, changed, param}) == 3


def test_syntax_error_is_parse_error_with_git_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_python("x = 1\r\ny = 2\rdef f(:\n    pass\n")  # a lone CR is no line break for git
    assert info.value.line == 2
    assert str(info.value).startswith("line 2: ")


def test_bom_crlf_lone_cr_and_unicode_identifiers() -> None:
    text = "\ufeffimport os\r\n\r\ndef größe(ä):\r\n    return ä\r\n\rdef after():\r\n    pass\r\n"
    spans = {s.qualname: (s.start, s.end) for s in parse_python(text)}
    assert spans == {"größe": (3, 4), "after": (5, 6)}  # git's numbering: "\r" alone does not count


def test_language_for_and_overrides() -> None:
    assert language_for("a/b.py", {}) == "python"
    assert language_for("x.pyi", {}) == "python"
    assert language_for("lib/x.mjs", {}) == "javascript"
    assert language_for("x.tsx", {}) == "tsx"
    assert language_for("x.mts", {}) == "typescript"
    assert language_for("x.h", {}) == "c"
    assert language_for("x.hpp", {}) == "cpp"
    assert language_for("x.h++", {}) == "cpp"
    assert language_for("tasks/Rakefile", {}) == "ruby"
    assert language_for("Gemfile", {}) == "ruby"
    assert language_for("README.md", {}) == "text"
    assert language_for("Makefile", {}) == "text"
    assert language_for("tools/build.x", {"*.x": "python"}) == "python"
    assert language_for("src/a.js", {"src/*": "typescript"}) == "typescript"  # overrides come first
    assert language_for("bin/tool", {"tool": "python"}) == "python"  # a glob may name the file only


def registered(monkeypatch: pytest.MonkeyPatch, name: str, module: str, attribute: str) -> Language:
    """A language ``name`` (Python's parts) whose parser is ``module.attribute``, imported when loaded."""

    def load() -> Callable[[str], list[FunctionSpan]]:
        parse: Callable[[str], list[FunctionSpan]] = getattr(importlib.import_module(module), attribute)
        return parse

    def scanner() -> Callable[[str], Scan]:
        parse = load()

        def scan(text: str) -> Scan:
            spans = parse(text)
            return Scan(spans, lambda index: spans[index].facts)

        return scan

    language = replace(registry()["python"], name=name, parser=load, scanner=scanner)
    monkeypatch.setitem(registry(), name, language)
    return language


def test_parser_registry_is_lazy_and_unknown_languages_give_none() -> None:
    assert parser_for("python") is parse_python
    assert parser_for("cobol") is None
    assert parser_for("nolang") is None
    assert scanner_for("nolang") is None


def test_a_parser_whose_dependency_is_missing_is_noted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ariadne_test_needs_dep.py").write_text("import ariadne_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registered(monkeypatch, "needy", "ariadne_test_needs_dep", "parse")
    with pytest.raises(ModuleNotFoundError):
        parser_for("needy")  # not "no parser": the module exists, its dependency does not
    [entry] = locate_file(change_of("a\n", "b\n", path="x.needy"), "needy")
    assert entry.kind == "hunk"
    assert entry.note == (
        "the needy parser could not be loaded "
        "(ModuleNotFoundError: No module named 'ariadne_no_such_dependency'): per-hunk entries"
    )


# --------------------------------------------------------------------------------------- mapping

BASE = dedent(
    """
    import os

    LIMIT = 10


    def alpha(x):
        return x + 1


    class Box:
        size = 3

        @property
        def width(self):
            return self.size

        def outer(self):
            def inner():
                return 1
            return inner()


    def omega():
        pass
    """
)


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_modified_function_with_both_ranges_sources_and_diff() -> None:
    new = edit(BASE, "return x + 1", "return x + 2")
    [entry] = locate([change_of(BASE, new)])
    assert (entry.qualname, entry.kind, entry.change) == ("alpha", "function", "modified")
    assert entry.old_lines == entry.new_lines == (6, 7)
    assert entry.old_source == "def alpha(x):\n    return x + 1"
    assert entry.new_source == "def alpha(x):\n    return x + 2"
    assert entry.diff == "@@ -6,2 +6,2 @@\n def alpha(x):\n-    return x + 1\n+    return x + 2"
    assert entry.old_facts is not None and entry.new_facts is not None
    assert entry.language == "python" and entry.old_path is None


def test_decorator_line_change_maps_to_the_function() -> None:
    new = edit(BASE, "    @property\n", "    @cached_property\n")
    [entry] = locate([change_of(BASE, new)])
    assert (entry.qualname, entry.kind) == ("Box.width", "method")
    assert entry.new_facts is not None and entry.new_facts.decorators == ("cached_property",)


def test_nested_function_only_innermost_is_reported() -> None:
    new = edit(BASE, "return 1", "return 2")
    assert names(locate([change_of(BASE, new)])) == ["Box.outer.inner"]
    new = edit(new, "return inner()", "return inner() + 1")
    assert names(locate([change_of(BASE, new)])) == ["Box.outer", "Box.outer.inner"]


def test_nearby_module_lines_make_one_entry_and_class_body_lines_belong_to_the_class() -> None:
    new = edit(edit(BASE, "LIMIT = 10", "LIMIT = 20"), "    size = 3", "    size = 4")
    new = edit(new, "import os\n", "import os\nimport sys\n")
    entries = locate([change_of(BASE, new)])
    assert names(entries) == ["<module>", "Box"]
    module, box = entries
    assert module.kind == "module" and module.change == "modified"
    assert module.old_lines == (3, 3) and module.new_lines == (2, 4)
    assert "+import sys" in module.diff and "+LIMIT = 20" in module.diff and "size" not in module.diff
    assert module.new_source == "import sys\n\nLIMIT = 20"
    assert (box.kind, box.change, box.old_lines, box.new_lines) == ("class", "modified", (11, 11), (12, 12))
    assert box.diff.splitlines()[1:4] == [" class Box:", "-    size = 3", "+    size = 4"]
    assert box.new_source == "    size = 4"
    assert box.old_facts is not None and box.old_facts.literals == (("size", "3"),)


def test_added_deleted_and_renamed_functions() -> None:
    new = edit(BASE, "def omega():\n    pass\n", "def zeta():\n    pass\n")
    new = new + "\n\ndef brand_new(y):\n    return y\n"
    new = edit(new, "def alpha(x):\n    return x + 1\n\n\n", "")
    entries = by_name(locate([change_of(BASE, new)]))
    assert entries["alpha"].change == "deleted" and entries["alpha"].new_lines is None
    assert entries["alpha"].old_lines == (6, 7) and entries["alpha"].new_source is None
    assert entries["omega"].change == "deleted"
    assert entries["zeta"].change == "added" and entries["zeta"].old_lines is None
    assert entries["brand_new"].change == "added"
    assert entries["brand_new"].diff.splitlines()[1:] == ["+def brand_new(y):", "+    return y"]
    zeta, omega = entries["zeta"], entries["omega"]
    assert zeta.new_facts is not None and omega.old_facts is not None
    assert zeta.new_facts.body_hash == omega.old_facts.body_hash  # a pure rename keeps the hash


def test_line_just_after_a_function_is_module_level() -> None:
    # the line right after `return x + 1` (a blank line) is outside alpha; the def line is inside it
    new = edit(BASE, "    return x + 1\n\n", "    return x + 1\nTRAILER = 1\n")
    assert names(locate([change_of(BASE, new)])) == ["<module>"]
    new = edit(BASE, "def alpha(x):", "def alpha(x, y=0):")
    assert names(locate([change_of(BASE, new)])) == ["alpha"]
    new = edit(BASE, "def omega():\n    pass", "def omega():\n    pass\n    return None")
    assert names(locate([change_of(BASE, new)])) == ["omega"]  # a line added at the end extends it


def test_duplicate_names_stay_distinct_and_match_by_occurrence() -> None:
    old = dedent(
        """
        class C:
            @property
            def x(self):
                return self._x

            @x.setter
            def x(self, value):
                self._x = value

        if FAST:
            def f():
                return 1
        else:
            def f():
                return 2
        """
    )
    new = edit(edit(old, "self._x = value", "self._x = int(value)"), "return 2", "return 3")
    entries = locate([change_of(old, new)])
    assert [(e.qualname, e.change, e.new_lines) for e in entries] == [
        ("C.x#2", "modified", (6, 8)),
        ("f#2", "modified", (14, 15)),
    ]
    assert entries[0].old_facts is not None and entries[0].old_facts.params[1].name == "value"


def test_ordering_across_files_and_within_a_file() -> None:
    new = edit(edit(BASE, "pass", "return 0"), "return x + 1", "return x - 1")
    new = edit(new, "LIMIT = 10", "LIMIT = 11")
    changes = [change_of(BASE, new, path="z.py"), change_of(BASE, new, path="a.py")]
    entries = locate(changes)
    assert [(e.path, e.qualname) for e in entries] == [
        ("a.py", "<module>"),
        ("a.py", "alpha"),
        ("a.py", "omega"),
        ("z.py", "<module>"),
        ("z.py", "alpha"),
        ("z.py", "omega"),
    ]


def test_added_and_deleted_files() -> None:
    added = locate([change_of(None, BASE)])
    assert {e.change for e in added} == {"added"}
    assert names(added) == ["<module>", "alpha", "Box", "Box.width", "Box.outer", "Box.outer.inner", "omega"]
    assert by_name(added)["Box"].new_lines == (10, 11)  # class line and attribute; blank lines do not count
    assert all(e.old_lines is None and e.old_facts is None for e in added)
    deleted = locate([change_of(BASE, None)])
    assert {e.change for e in deleted} == {"deleted"}
    assert names(deleted) == names(added)
    assert all(e.new_lines is None and e.new_source is None for e in deleted)


def test_renamed_file_keeps_old_path_everywhere() -> None:
    new = edit(edit(BASE, "return x + 1", "return x"), "LIMIT = 10", "LIMIT = 1")
    entries = locate([change_of(BASE, new, path="new.py", status=RENAMED, old_path="old.py")])
    assert len(entries) == 2 and {e.old_path for e in entries} == {"old.py"}
    pure = locate([change_of(BASE, BASE, path="new.py", status=RENAMED, old_path="old.py")])
    assert [(e.qualname, e.note) for e in pure] == [("<file>", "renamed from old.py, no content changes")]


@pytest.mark.parametrize("side", ["old", "new"])
def test_syntax_error_on_either_side_gives_hunk_entries(side: str) -> None:
    broken = edit(BASE, "def omega():", "def omega(:")
    good = edit(BASE, "return x + 1", "return x + 3")
    old, new = (broken, good) if side == "old" else (good, broken)
    change = change_of(old, new)
    change = FileChange(**{**change.__dict__, "hunks": tuple(_with_header(h) for h in change.hunks)})
    entries = locate([change])
    assert [e.kind for e in entries] == ["hunk", "hunk"]
    assert entries[0].qualname == "hunk at line 4: def alpha(x):"
    assert entries[1].qualname == "hunk at line 20: def alpha(x):"
    assert entries[1].note == f"syntax error on the {side} side, line 23 (invalid syntax): per-hunk entries"
    assert {e.change for e in entries} == {"modified"}
    assert entries[0].diff.startswith("@@ -4,7 +4,7 @@ def alpha(x):\n")
    assert entries[0].old_source == "\n".join(old.split("\n")[3:10])
    assert entries[0].new_source == "\n".join(new.split("\n")[3:10])


def _with_header(hunk: Hunk) -> Hunk:
    return Hunk(hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count, "def alpha(x):", hunk.lines)


def test_a_file_without_a_parser_is_one_entry_with_all_its_hunks() -> None:
    old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n"
    new = "a\nb\nX\nc\nd\ne\nf\ng\nh\ni\nj\nl\n"
    [entry] = locate([change_of(old, new, path="notes.txt")])
    assert (entry.qualname, entry.kind, entry.change) == ("<file>", "file", "modified")
    assert (entry.old_lines, entry.new_lines, entry.note, entry.trivial) == ((11, 11), (3, 3), None, False)
    assert [line for line in entry.diff.split("\n") if line.startswith("@@")] == [
        "@@ -1,5 +1,6 @@",
        "@@ -8,5 +9,4 @@",
    ]
    assert "+X" in entry.diff and "-k" in entry.diff


def test_contents_unavailable_gives_hunk_entries() -> None:
    change = change_of(BASE, edit(BASE, "pass", "return 1"))
    bare = FileChange(**{**change.__dict__, "old_text": None, "new_text": None})
    [entry] = locate([bare])
    assert entry.kind == "hunk" and entry.note == "file contents unavailable: per-hunk entries"


def test_skipped_file_entry() -> None:
    change = FileChange("img.png", None, ADDED, None, None, skip_reason="binary file")
    [entry] = locate([change])
    assert (entry.qualname, entry.kind, entry.change, entry.language) == ("<file>", "module", "added", "text")
    assert entry.skip_reason == "binary file" and entry.diff == "" and entry.new_lines is None


def test_crlf_file_maps_lines_like_git() -> None:
    old = BASE.replace("\n", "\r\n")
    new = edit(old, "return x + 1", "return x + 5")
    [entry] = locate([change_of(old, new)])
    assert entry.qualname == "alpha" and entry.new_lines == (6, 7)
    assert entry.new_source == "def alpha(x):\n    return x + 5"


def test_failing_parser_degrades_to_hunks(monkeypatch: pytest.MonkeyPatch) -> None:
    registered(monkeypatch, "boom", "tests.test_locate_python", "exploding_parser")
    [entry] = locate_file(change_of("a\n", "b\n", path="x.boom"), "boom")
    assert entry.kind == "hunk"
    assert entry.note == "the boom parser failed on the old side (RuntimeError: kaput): per-hunk entries"


def exploding_parser(text: str) -> list[object]:
    raise RuntimeError("kaput")


def test_diff_excerpt_splits_and_keeps_true_numbers() -> None:
    old = "def f():\n" + "".join(f"    x{i} = {i}\n" for i in range(1, 21))
    new = edit(edit(old, "x2 = 2", "x2 = 22"), "x18 = 18", "x18 = 180")
    [entry] = locate([change_of(old, new)])
    hunks = [line for line in entry.diff.splitlines() if line.startswith("@@")]
    assert hunks == ["@@ -1,6 +1,6 @@", "@@ -16,6 +16,6 @@"]


# ------------------------------------------------------------------------------------- property

_NAMES = ("a", "b", "c")


@st.composite
def python_files(draw: st.DrawFn) -> str:
    """Small random modules: functions, classes with methods, nested defs, module statements."""
    out: list[str] = []

    def block(indent: str, depth: int) -> None:
        for _ in range(draw(st.integers(1, 3))):
            choice = draw(st.sampled_from(["stmt", "def", "class", "if"] if depth < 3 else ["stmt"]))
            name = draw(st.sampled_from(_NAMES))
            if choice == "stmt":
                out.append(f"{indent}{name} = {draw(st.integers(0, 9))}")
            elif choice == "def":
                if draw(st.booleans()):
                    out.append(f"{indent}@dec")
                out.append(f"{indent}def {name}():")
                block(indent + "    ", depth + 1)
            elif choice == "class":
                out.append(f"{indent}class {name.upper()}:")
                block(indent + "    ", depth + 1)
            else:
                out.append(f"{indent}if {name}:")
                block(indent + "    ", depth + 1)
            if draw(st.booleans()):
                out.append("")

    block("", 0)
    return "\n".join(out) + "\n"


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, str]:
    """A file and an edited copy; half of the time the copy is kept valid Python."""
    old = draw(python_files())
    lines = old.split("\n")[:-1]
    safe = draw(st.booleans())
    ops = ["replace", "insert"] if safe else ["delete", "insert", "replace", "swap"]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(ops))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "delete" and lines:
            del lines[at]
        elif op == "insert":  # at the indentation of the next non-blank line: still valid Python
            indent = next((re.match(r"\s*", line).group() for line in lines[at:] if line.strip()), "")  # type: ignore[union-attr]
            lines.insert(at, indent + draw(st.sampled_from(["x = 1", "def q(): return 1", "pass"])))
        elif op == "replace" and lines:
            lines[at] = lines[at].replace("= ", "= 1 + ")
        elif op == "swap" and len(lines) > 1:
            lines[at], lines[at - 1] = lines[at - 1], lines[at]
    return old, "\n".join(lines) + ("\n" if lines else "")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_property_every_changed_line_maps_to_exactly_one_entry(pair: tuple[str, str]) -> None:
    old, new = pair
    change = change_of(old, new)
    entries = locate([change])
    if any(e.kind == "hunk" for e in entries):  # an edit that broke the syntax: hunks cover everything
        assert all(e.kind == "hunk" for e in entries) and len(entries) == len(change.hunks)
        return
    assert len({e.qualname for e in entries}) == len(entries)  # no two entries of a file share a name
    for side, lines in (("old", change.removed_lines), ("new", change.added_lines)):
        for line in lines:
            owners = [e for e in entries if line in _lines_of(e, side, pair)]
            assert len(owners) == 1, (side, line, [(e.qualname, e.old_lines, e.new_lines) for e in owners])
            scan = scan_python(old if side == "old" else new)
            inner = [s for s in [*scan.spans, *scan.classes] if s.start <= line <= s.end]
            expected = max(inner, key=lambda s: (s.start, -s.end)).qualname if inner else "<module>"
            assert re.sub(r"(#\d+|:(was )?\d+)(?=>?$)", "", owners[0].qualname) == expected


def _text_at(texts: tuple[str, str], side: str, number: int) -> str:
    return git_lines(texts[0] if side == "old" else texts[1])[number - 1]


def _lines_of(entry: FunctionChange, side: str, texts: tuple[str, str]) -> set[int]:
    """The changed lines of ``side`` that the entry's diff excerpt shows as its own; checks on the way
    that every excerpt line is the file's line at the number its ``@@`` header gives."""
    old_lines, new_lines = git_lines(texts[0]), git_lines(texts[1])
    out: set[int] = set()
    old = new = 0
    for line in entry.diff.split("\n"):
        found = _HEADER.match(line)
        tag, text = line[:1], line[1:]
        if found:
            old, new = int(found.group(1)), int(found.group(3))
            old = old if (found.group(2) or "1") != "0" else old + 1
            new = new if (found.group(4) or "1") != "0" else new + 1
            continue
        if tag in (" ", "-"):
            assert old_lines[old - 1] == text
        if tag in (" ", "+"):
            assert new_lines[new - 1] == text
        if tag == ("-" if side == "old" else "+"):
            out.add(old if side == "old" else new)
        old += tag != "+"
        new += tag != "-"
    lines = entry.old_lines if side == "old" else entry.new_lines
    solid = {n for n in out if _text_at(texts, side, n).strip()}  # blank lines never widen a range
    assert not solid or (lines and all(lines[0] <= n <= lines[1] for n in solid))
    return out


# ------------------------------------------------------------------------------------ real repos


def test_staged_changes_in_a_real_repo(tmp_path: Path) -> None:
    git_source = pytest.importorskip("ariadne_hook.source.git")
    repo = init_repo(tmp_path / "repo")
    write(repo, "pkg/mod.py", BASE)
    write(repo, "pkg/gone.py", "def bye():\n    return 1\n")
    write(repo, "logo.bin", b"\x00\x01\x02")
    commit_all(repo)
    write(
        repo,
        "pkg/mod.py",
        edit(edit(BASE, "return x + 1", "return x + 2"), "pass", "return 0").replace("\n", "\r\n"),
    )
    (repo / "pkg/gone.py").unlink()
    write(repo, "pkg/new.py", "class K:\n    async def run(self):\n        await go()\n")
    write(repo, "logo.bin", b"\x00\x01\x03")
    stage_all(repo)
    _, changes = git_source.staged(repo, 1_000_000)
    entries = locate(changes)
    summary = [(e.path, e.qualname, e.change) for e in entries]
    assert ("pkg/gone.py", "bye", "deleted") in summary
    assert ("pkg/new.py", "K.run", "added") in summary
    assert ("logo.bin", "<file>", "modified") in summary
    # the CRLF rewrite touches every line: each function is modified, module lines form one entry
    assert {q for p, q, c in summary if p == "pkg/mod.py"} >= {"alpha", "omega", "<module>"}


def test_overloads_pair_by_where_their_lines_went_not_by_order() -> None:
    impl = "".join(f"    step{i}(x)\n" for i in range(8))
    old = (
        dedent(
            """
        @overload
        def f(x: int) -> int: ...
        def f(x):
        """
        )
        + impl
        + "    return x\n"
    )
    new = (
        dedent(
            """
        @overload
        def f(x: int) -> int: ...
        @overload
        def f(x: str) -> str: ...
        def f(x):
        """
        )
        + impl
        + "    return str(x)\n"
    )
    entries = [(e.qualname, e.change, e.old_lines, e.new_lines) for e in locate([change_of(old, new)])]
    assert entries == [
        ("f#3", "added", None, (3, 4)),
        ("f#2", "modified", (3, 12), (5, 14)),
    ]


def test_a_removed_overload_is_deleted_and_the_rest_stay_paired() -> None:
    old = dedent(
        """
        def g(a):
            return 1
        def g(a, b):
            return 2
        def g(a, b, c):
            return 3
        """
    )
    new = old.replace("def g(a, b):\n    return 2\n", "").replace("return 3", "return 33")
    entries = [(e.qualname, e.change, e.old_lines, e.new_lines) for e in locate([change_of(old, new)])]
    assert entries == [("g#2", "deleted", (3, 4), None), ("g#3", "modified", (5, 6), (3, 4))]
