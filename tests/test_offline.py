"""The offline summarizer: short sentences built only from each entry's facts and diff."""

from __future__ import annotations

from dataclasses import replace

from ariadne_hook.locate import locate
from ariadne_hook.models import FileChange, FunctionChange, FunctionFacts, Param
from ariadne_hook.summarize.moves import moved_summaries, rename_summary
from ariadne_hook.summarize.offline import offline_summary
from tests.test_locate_python import BASE, by_name, change_of, dedent, edit

OLD = dedent(
    """
    import os
    import sys
    from json import loads

    LIMIT = 10


    class Old:
        pass


    def fetch(url, path, retries=3):
        return urllib.request.urlopen(url)


    def keep(a):
        # note
        return a
    """
)
NEW = dedent(
    """
    import os
    from json import loads, dumps
    import requests

    LIMIT = 20
    DEBUG = False


    class New:
        pass


    @cache
    def fetch(url, filename, timeout=10) -> int:
        response = requests.get(url, timeout=timeout)
        if not response.ok:
            raise TimeoutError(url)
        return response.status


    def keep(a):
        # a better note

        return a


    def load(self, path: str, *, force=False) -> bool:
        with open(path) as f:
            data = json.load(f)
        if not data:
            raise ValueError("empty")
        self._validate(data)
        if force:
            return True
        return False
    """
)


def summaries(old: str | None, new: str | None, path: str = "m.py") -> dict[str, str]:
    return {e.qualname: offline_summary(e) for e in locate([change_of(old, new, path=path)])}


def test_new_function() -> None:
    assert summaries(OLD, NEW)["load"] == (
        "New function (9 lines). Takes (self, path: str, *, force=False) -> bool. "
        "Calls open, json.load, self._validate. Raises ValueError. Returns in 2 places."
    )


def test_removed_function() -> None:
    assert (
        summaries(NEW, OLD)["load"]
        == "Removed function (9 lines). Took (self, path: str, *, force=False) -> bool."
    )


def test_signature_calls_raises_and_counts() -> None:
    assert summaries(OLD, NEW)["fetch"] == (
        "Adds `if not response.ok` (then `raise TimeoutError(url)`). Signature: path renamed to filename "
        "(same position); added parameter timeout=10; removed parameter retries=3; return annotation int "
        "added; decorator @cache added. Calls added: requests.get; calls removed: urllib.request.urlopen; "
        "now sets response; now reads response.ok, response.status. +6 \u22122 lines."
    )
    back = summaries(NEW, OLD)["fetch"]
    assert "return annotation int removed; decorator @cache removed" in back
    assert "no longer raises TimeoutError." in back


def test_parameter_details() -> None:
    old = "def f(a, b: int = 1, *args, c=2):\n    return a\n"
    new = "def f(b: str = 1, a=0, *, c=3, **kw):\n    return a\n"
    text = summaries(old, new)["f"]
    assert text == (
        "Signature: added parameter **kw; removed parameter *args; "
        "b type int \u2192 str; a default 0 added; c default 2 \u2192 3; parameters reordered. "
        "+1 \u22121 lines."
    )


def test_async_and_return_count_changes() -> None:
    text = summaries(
        "def f(x):\n    return x\n", "async def f(x):\n    if x:\n        return 1\n    return 2\n"
    )["f"]
    assert text == "Adds `if x` (then `return 1`). Signature: now async. +4 \u22122 lines."


def test_small_edit_without_fact_changes_quotes_the_lines() -> None:
    old = "def f(x):\n    y = x * 2\n    return y\n"
    assert summaries(old, old.replace("x * 2", "x * 3"))["f"] == (
        "Line `y = x * 2` became `y = x * 3`. +1 \u22121 lines."
    )
    grown = old.replace("    return y", "    y += 1\n    return y")
    assert summaries(old, grown)["f"] == "Added `y += 1`. +1 \u22120 lines."
    assert summaries(grown, old)["f"] == "Removed `y += 1`. +0 \u22121 lines."
    quoted = summaries('def g():\n    s = "a"\n', 'def g():\n    s = "`b`"\n')["g"]
    assert quoted == 'Line `s = "a"` became `` s = "`b`" ``. +1 \u22121 lines.'
    many = old.replace("y = x * 2", "a = 1\n    b = 2\n    y = x * 2 + a + b")
    assert "`" not in summaries(old, many)["f"]  # a larger edit is described by its counts only


def test_only_comments() -> None:
    assert summaries(OLD, NEW)["keep"] == (
        "Only comments or blank lines changed: `# note` \u2192 `# a better note`. +2 \u22121 lines."
    )


def test_body_unchanged_and_moved() -> None:
    new = edit(BASE, "def omega():", "@slow\ndef omega():")
    new = edit(new, "LIMIT = 10\n", "LIMIT = 10\nOTHER = 2\n")
    entry = by_name(locate([change_of(BASE, new)]))["omega"]
    assert offline_summary(entry) == (
        "Signature: decorator @slow added. Body unchanged; moved from line 23 to 24. +1 \u22120 lines."
    )


def test_rename_pairing() -> None:
    new = edit(BASE, "def omega():", "\n\ndef zeta():")
    entries = by_name(locate([change_of(BASE, new)]))
    omega, zeta, alpha = entries["omega"], entries["zeta"], by_name(locate([change_of(None, BASE)]))["alpha"]
    assert sorted(moved_summaries([omega, zeta, alpha])) == [0, 1]  # omega and zeta pair; alpha does not
    assert rename_summary(omega, zeta) == "Renamed from omega; body unchanged. Moved from line 23 to line 25."
    assert offline_summary(omega) == "Removed function (2 lines). Took ()."


def test_module_level_python() -> None:
    found = summaries(OLD, NEW)
    assert found["<module>"] == (
        "Module-level code (lines 2\u20136). Imports added: json.dumps, requests. Imports removed: sys. "
        "Assignments added: DEBUG. Values changed: LIMIT `10` \u2192 `20`. +6 \u22123 lines."
    )
    # a class's own lines are its entry
    assert found["Old"] == "Class-level code (line 8). Classes removed: Old. +0 \u22121 lines."
    assert found["New"] == "Class-level code (line 9). Classes added: New. +1 \u22120 lines."


def test_module_level_call_arguments_are_not_assignments() -> None:
    old = "setup(\n    name='a',\n)\n"
    new = "setup(\n    name='b',\n    version=1,\n)\n"
    assert summaries(old, new)["<module>"] == "Module-level code (lines 2\u20133). +2 \u22121 lines."


def test_module_level_other_languages() -> None:
    entry = FunctionChange(
        path="main.go",
        old_path=None,
        qualname="<module>",
        kind="module",
        change="modified",
        language="go",
        old_lines=None,
        new_lines=(5, 5),
        old_source=None,
        new_source='\t"net/http"',
        diff='@@ -4,0 +5 @@\n+\t"net/http"',
    )
    assert offline_summary(entry) == "Module-level code (line 5). Imports added: net/http. +1 \u22120 lines."
    js = replace(
        entry, language="javascript", diff="@@ -1 +1 @@\n-const a = require('a');\n+import b from \"b\";"
    )
    assert (
        offline_summary(js)
        == "Module-level code (line 5). Imports added: b. Imports removed: a. +1 \u22121 lines."
    )


def test_hunk_entries() -> None:
    text = summaries("x = 1\n", "def f(:\n    call_it(g(1))\n")
    [(name, summary)] = text.items()
    assert name == "hunk at line 1"
    assert summary == "+2 \u22121 lines. Defines f. Calls call_it, g."
    assert summaries("a\n", "b\nc\n", path="notes.txt") == {
        "<file>": "File modified: +2 \u22121 lines in 1 hunk. At line 1."
    }


def test_hunk_names_ignore_strings_and_comments() -> None:
    entry = FunctionChange(
        path="a.js",
        old_path=None,
        qualname="hunk at line 1",
        kind="hunk",
        change="added",
        language="javascript",
        old_lines=None,
        new_lines=(1, 2),
        old_source=None,
        new_source=None,
        diff='@@ -0,0 +1,2 @@\n+function go(x) { return run("fake(1)"); }\n+// other(2)',
        note="no parser for javascript: per-hunk entries",
    )
    assert offline_summary(entry) == "+2 \u22120 lines. Defines go. Calls run."


def test_skipped_and_unchanged_files() -> None:
    skipped = locate(
        [FileChange("big.py", None, "modified", None, None, skip_reason="file over 1000000 bytes")]
    )
    assert offline_summary(skipped[0]) == "File modified; not reviewed: file over 1000000 bytes."
    pure = locate([change_of(BASE, BASE, path="b.py", status="renamed", old_path="a.py")])
    assert offline_summary(pure[0]) == "File modified. Renamed from a.py, no content changes."


GO_OLD = FunctionFacts(
    params=(Param("ctx", "context.Context"), Param("n", "int")),
    returns="error",
    decorators=("//go:noinline",),
    calls=("fmt.Println", "doWork"),
    returns_count=2,
    body_hash="aaa",
)
GO_NEW = FunctionFacts(
    params=(Param("ctx", "context.Context"), Param("count", "int"), Param("opts", "...Option")),
    returns="(int, error)",
    calls=("doWork", "log.Printf"),
    raises=("panic",),
    returns_count=2,
    body_hash="bbb",
)


def go_change(change: str, old: FunctionFacts | None, new: FunctionFacts | None) -> FunctionChange:
    return FunctionChange(
        path="w.go",
        old_path=None,
        qualname="Worker.Run",
        kind="method",
        change=change,
        language="go",
        old_lines=(3, 9) if old else None,
        new_lines=(3, 12) if new else None,
        old_source=None,
        new_source=None,
        diff='@@ -4,2 +4,3 @@\n-\tfmt.Println(n)\n+\tlog.Printf("%d", count)\n+\tpanic(err)\n \treturn nil',
        old_facts=old,
        new_facts=new,
    )


def test_non_python_facts() -> None:
    assert offline_summary(go_change("added", None, GO_NEW)) == (
        "New method (10 lines). Takes (ctx: context.Context, count: int, opts: ...Option) -> (int, error). "
        "Calls doWork, log.Printf. Raises panic. Returns in 2 places."
    )
    assert offline_summary(go_change("modified", GO_OLD, GO_NEW)) == (
        "Now raises panic. Signature: n renamed to count (same position); "
        "added parameter opts: ...Option; return type error \u2192 (int, error); "
        "decorator //go:noinline removed. Calls added: log.Printf; calls removed: fmt.Println. "
        "+2 \u22121 lines."
    )
    # a parser that filled no facts: nothing is claimed about the signature
    assert offline_summary(go_change("added", None, FunctionFacts())) == "New method (10 lines)."


def test_deterministic_and_never_bare() -> None:
    changes = [change_of(OLD, NEW), change_of(BASE, None, path="gone.py"), change_of(None, NEW, path="n.py")]
    first = [offline_summary(e) for e in locate(changes)]
    second = [offline_summary(e) for e in locate(changes)]
    assert first == second and len(first) >= 8
    for text in first:
        assert text.strip().lower() not in ("modified", "modified.", "")
        assert text.endswith(".") and any(ch.isdigit() for ch in text)
