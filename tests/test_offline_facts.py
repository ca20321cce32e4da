"""Offline summaries name what changed in the language of the code: control flow, conditions, literals,
names; never a word inside a string, a function literal as a call, a bare brace. Real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from ariadne_hook.locate import locate
from ariadne_hook.summarize.offline import offline_summary
from tests.test_polyglot import history


def summary_of(tmp_path: Path, path: str, old: str, new: str, qualname: str) -> str:
    entries = {e.qualname: e for e in locate(history(tmp_path, path, old, new))}
    assert qualname in entries, sorted(entries)
    return offline_summary(entries[qualname])


# ------------------------------------------------------------------------------------------------ Python

PY = """\
def fetch(url, retries):
    timeout = 20
    message = "could not reach the server, giving up"
    if retries > 3:
        log(message)
    return get(url, timeout=timeout)
"""


def test_python_control_flow_added(tmp_path: Path) -> None:
    new = PY.replace("    return get(", "    if url is None:\n        raise ValueError(url)\n    return get(")
    text = summary_of(tmp_path, "m.py", PY, new, "fetch")
    assert text.startswith("Adds `if url is None` (then `raise ValueError(url)`).")


def test_python_condition_changed(tmp_path: Path) -> None:
    new = PY.replace("if retries > 3:", "if retries >= 3 and url:")
    text = summary_of(tmp_path, "m.py", PY, new, "fetch")
    assert text.startswith("Condition `retries > 3` \u2192 `retries >= 3 and url`.")


def test_python_literal_changed_names_its_variable(tmp_path: Path) -> None:
    new = PY.replace("timeout = 20", "timeout = 30").replace("giving up", "retrying later")
    text = summary_of(tmp_path, "m.py", PY, new, "fetch")
    assert "timeout `20` \u2192 `30`" in text
    assert "message `" in text and "giving up" in text and "retrying later" in text


def test_python_renamed_local(tmp_path: Path) -> None:
    new = PY.replace("timeout = 20", "limit = 20").replace("timeout=timeout", "timeout=limit")
    assert summary_of(tmp_path, "m.py", PY, new, "fetch").startswith("Renames local timeout to limit.")


def test_python_lambda_is_not_a_call(tmp_path: Path) -> None:
    new = PY.replace("    return get(", "    key = (lambda: pick(url))\n    return get(")
    text = summary_of(tmp_path, "m.py", PY, new, "fetch")
    assert "Calls added: pick;" in text and "lambda" not in text


def test_python_string_constant_lines_are_not_assignments(tmp_path: Path) -> None:
    old = '_SOURCE_BASH = """\\\n%(complete_func)s() {\n    COMP_WORDS=x \\\nCOMP_CWORD=1\n}\n"""\n'
    new = old.replace("COMP_WORDS=x", "COMP_WORDS=y").replace("COMP_CWORD=1", "COMP_CWORD=2")
    text = summary_of(tmp_path, "m.py", old, new, "<module>")
    assert "COMP_CWORD" not in text and "COMP_WORDS" not in text and "Assignments" not in text
    assert "String constant changed: _SOURCE_BASH." in text


def test_python_bare_brace_is_never_quoted(tmp_path: Path) -> None:
    old = "def f(x):\n    d = {\n        'a': x,\n    }\n    return d\n"
    new = "def f(x):\n    d = {\n        'a': x,\n        }\n    return d\n"
    text = summary_of(tmp_path, "m.py", old, new, "f")
    assert "`}`" not in text and text.startswith("Only the layout changed (`d = {\u2026}` re-spaced)."), text


# ---------------------------------------------------------------------------------------- other languages

GO = """\
package p

func run(items []string) error {
\tconst greeting = "hello there, friend, and welcome to the long greeting of this test file"
\ttimeout := 20
\tfor _, item := range items {
\t\tuse(item, greeting, timeout)
\t}
\treturn nil
}
"""


def test_go_defer_func_literal_is_not_a_call(tmp_path: Path) -> None:
    new = GO.replace("\ttimeout := 20\n", "\ttimeout := 20\n\tdefer func() { cleanup() }()\n")
    text = summary_of(tmp_path, "p.go", GO, new, "run")
    assert text.startswith("Adds `defer`.") and "Calls added: cleanup." in text
    assert "func()" not in text


def test_go_string_constant_edit_names_the_constant(tmp_path: Path) -> None:
    new = GO.replace("hello there, friend", "hello there, stranger")
    text = summary_of(tmp_path, "p.go", GO, new, "run")
    changed = (
        "greeting `\u2026hello there, friend, and welcome\u2026` \u2192 `\u2026hello there, stranger, and"
    )
    assert text.startswith(f"Text changed: {changed}")


def test_go_removed_loop_and_bare_brace(tmp_path: Path) -> None:
    new = GO.replace("\tfor _, item := range items {\n\t\tuse(item, greeting, timeout)\n\t}\n", "")
    text = summary_of(tmp_path, "p.go", GO, new, "run")
    assert text.startswith("Removes `for _, item := range items`.") and "`}`" not in text


def test_go_literal_and_condition(tmp_path: Path) -> None:
    old = "package p\n\nfunc f(n int) bool {\n\tif n > 10 {\n\t\treturn true\n\t}\n\treturn false\n}\n"
    new = old.replace("n > 10", "n >= 10 && n < 99")
    assert summary_of(tmp_path, "p.go", old, new, "f").startswith(
        "Condition `n > 10` \u2192 `n >= 10 && n < 99`."
    )


JS = """\
export function load(path, opts) {
  const retries = 3;
  if (!path) {
    return null;
  }
  return read(path, retries);
}
"""


@pytest.mark.parametrize("path", ["a.js", "a.ts"])
def test_javascript_and_typescript_facts(tmp_path: Path, path: str) -> None:
    flow = JS.replace(
        "  return read(", "  try {\n    check(path);\n  } catch (e) {\n    throw e;\n  }\n  return read("
    )
    text = summary_of(tmp_path / "flow", path, JS, flow, "load")
    assert text.startswith("Adds `try`; now raises e.") and "Calls added: check;" in text
    literal = JS.replace("const retries = 3;", "const retries = 5;").replace("return null", "return path")
    assert "Value changed: retries `3` \u2192 `5`" in summary_of(
        tmp_path / "literal", path, JS, literal, "load"
    )
    iife = JS.replace("  return read(", "  (() => warm(path))();\n  return read(")
    text = summary_of(tmp_path / "iife", path, JS, iife, "load")
    assert "Calls added: warm." in text and "=>" not in text


JAVA = """\
class Pool {
    int size(int n) {
        if (n > 4) {
            return 4;
        }
        return n;
    }
}
"""


def test_java_facts(tmp_path: Path) -> None:
    new = JAVA.replace("n > 4", "n > 8").replace("return 4;", "return 8;")
    text = summary_of(tmp_path / "a", "Pool.java", JAVA, new, "Pool.size")
    assert text.startswith("Condition `n > 4` \u2192 `n > 8`.") and "`4` \u2192 `8`" in text
    loop = JAVA.replace(
        "        return n;", "        while (n > 0) {\n            n--;\n        }\n        return n;"
    )
    text = summary_of(tmp_path / "b", "Pool.java", JAVA, loop, "Pool.size")
    assert text.startswith("Adds `while n > 0` (then `n--;`).")


RUST = """\
fn parse(input: &str) -> Option<u32> {
    let limit = 10;
    let n = input.parse::<u32>().ok()?;
    Some(n.min(limit))
}
"""


def test_rust_facts(tmp_path: Path) -> None:
    new = RUST.replace("    Some(", "    if n == 0 {\n        return None;\n    }\n    Some(")
    text = summary_of(tmp_path / "a", "lib.rs", RUST, new, "parse")
    assert text.startswith("Adds `if n == 0` (then `return None;`).")
    closure = RUST.replace("    Some(", "    let f = |x: u32| x + 1;\n    Some(")
    text = summary_of(tmp_path / "b", "lib.rs", RUST, closure, "parse")
    assert "Calls added" not in text and "now sets f" in text.lower()
    literal = RUST.replace("let limit = 10;", "let limit = 12;")
    one_line = "Line `let limit = 10;` became `let limit = 12;`."  # a short one-line edit is quoted
    assert summary_of(tmp_path / "c", "lib.rs", RUST, literal, "parse").startswith(one_line)
    longer = RUST.replace("let limit = 10;", "let limit = 12;").replace(
        "Some(n.min(limit))", "Some(n.max(1))"
    )
    assert "limit `10` \u2192 `12`" in summary_of(tmp_path / "d", "lib.rs", RUST, longer, "parse")


def test_python_lines_removed_inside_an_assignment_change_it(tmp_path: Path) -> None:
    old = 'LINKS = [\n    "a",\n    "b",\n    "c",\n]\n'
    new = 'LINKS = [\n    "a",\n    "c",\n]\nNEW = 1\n'
    text = summary_of(tmp_path, "m.py", old, new, "<module>")
    assert "Assignments added: NEW." in text and "Assignments changed: LINKS." in text
    assert "removed" not in text


def test_python_removed_check_is_not_a_changed_condition(tmp_path: Path) -> None:
    keep = "    a = 1\n    b = 2\n    c = 3\n    d = 4\n    e = 5\n    f = 6\n    g = 7\n"
    old = (
        "def f(multiple, flag):\n    if flag is None:\n        raise TypeError('a')\n    x = 1\n"
        + keep
        + "    if multiple and flag:\n        raise TypeError('b')\n    return x\n"
    )
    new = (
        "def f(multiple, flag):\n    if flag is None:\n        raise TypeError('a')\n    if multiple:\n"
        "        x = ()\n    else:\n        x = 1\n" + keep + "    return x\n"
    )
    text = summary_of(tmp_path, "m.py", old, new, "f")
    assert "Condition `" not in text and "\u2192 `multiple`" not in text
    assert text.startswith("Adds `if multiple` (then `x = ()`); removes `if multiple and flag` (then `raise")
    assert "removes a `raise TypeError`" in text


def test_python_multi_line_annotation_is_one_line(tmp_path: Path) -> None:
    old = "def f(\n    a: t.Dict[str, int] = None,\n) -> None:\n    pass\n"
    new = "def f(\n    a: t.Optional[\n        t.Mapping[str, int]\n    ] = None,\n) -> None:\n    pass\n"
    text = summary_of(tmp_path, "m.py", old, new, "f")
    assert "\n" not in text and "a type t.Dict[str, int] \u2192 t.Optional[ t.Mapping[str, int] ]" in text


def test_go_module_level_constants(tmp_path: Path) -> None:
    banner = "`usage: tool [flags]\nthe first line of a long help text\nCOMP_CWORD=%s the second line`"
    old = f'package p\n\nconst (\n\tsuffix = "_ACTIVE_HELP"\n\tbanner = {banner}\n)\n\nvar re = 1\n'
    new = f'package p\n\nconst (\n\tsuffix = "ACTIVE_HELP"\n\tbanner = {banner.replace("second", "2nd")}\n)\n'
    text = summary_of(tmp_path, "p.go", old, new, "<module>")
    assert 'Values changed: suffix `"_ACTIVE_HELP"` \u2192 `"ACTIVE_HELP"`.' in text
    assert "String constant changed: banner." in text and "Assignments removed: re." in text
    assert "COMP_CWORD" not in text and "second" not in text


def test_go_module_level_constant_renamed(tmp_path: Path) -> None:
    old = 'package p\n\nconst (\n\toneRequired = "cobra_one"\n\tother = "x"\n)\n'
    new = 'package p\n\nconst (\n\toneRequiredAnnotation = "cobra_one"\n\tother = "y"\n)\n'
    text = summary_of(tmp_path, "p.go", old, new, "<module>")
    assert "Renamed (same value): oneRequired \u2192 oneRequiredAnnotation." in text
    assert 'Values changed: other `"x"` \u2192 `"y"`.' in text and "Assignments" not in text
    assert "String constant" not in text


# ------------------------------------------------------------- the same facts in JS, TS, Java and Rust

MESSAGE = "the first words of a long message that a user reads when nothing was found"
SOURCES = {
    "a.js": (
        f'const GREETING = "{MESSAGE}";\n\n'
        "function f(n, a, b) {\n  if (n > 10) {\n    return GREETING;\n  }\n"
        "  for (let i = 0; i < n; i++) {\n    a[i] = 0;\n  }\n"
        "  for (let i = 0; i < n; i++) {\n    b[i] = 0;\n  }\n"
        "  return n;\n}\n"
    ),
    "a.ts": (
        f'const GREETING: string = "{MESSAGE}";\n\n'
        "function f(n: number, a: number[], b: number[]): number | string {\n  if (n > 10) {\n"
        "    return GREETING;\n  }\n"
        "  for (let i = 0; i < n; i++) {\n    a[i] = 0;\n  }\n"
        "  for (let i = 0; i < n; i++) {\n    b[i] = 0;\n  }\n"
        "  return n;\n}\n"
    ),
    "A.java": (
        f'class A {{\n    static final String GREETING = "{MESSAGE}";\n\n'
        "    int f(int n, int[] a, int[] b) {\n        if (n > 10) {\n            return 1;\n        }\n"
        "        for (int i = 0; i < n; i++) {\n            a[i] = 0;\n        }\n"
        "        for (int i = 0; i < n; i++) {\n            b[i] = 0;\n        }\n"
        "        return n;\n    }\n}\n"
    ),
    "lib.rs": (
        f'const GREETING: &str = "{MESSAGE}";\n\n'
        "fn f(n: usize, a: &mut [u8], b: &mut [u8]) -> usize {\n    if n > 10 {\n        return 1;\n    }\n"
        "    for i in 0..n {\n        a[i] = 0;\n    }\n"
        "    for i in 0..n {\n        b[i] = 0;\n    }\n    n\n}\n"
    ),
}
FUNCTION = {"a.js": "f", "a.ts": "f", "A.java": "A.f", "lib.rs": "f"}


def only_entry(tmp_path: Path, path: str, old: str, new: str) -> str:
    [entry] = locate(history(tmp_path, path, old, new))
    return offline_summary(entry)


@pytest.mark.parametrize("path", sorted(SOURCES))
def test_string_constant_edit_names_the_constant(tmp_path: Path, path: str) -> None:
    old = SOURCES[path]
    text = only_entry(tmp_path, path, old, old.replace("nothing was found", "no match was found"))
    assert "String constant changed: GREETING." in text and "nothing" not in text


@pytest.mark.parametrize("path", sorted(SOURCES))
def test_condition_changed(tmp_path: Path, path: str) -> None:
    old = SOURCES[path]
    text = summary_of(tmp_path, path, old, old.replace("n > 10", "n >= 12"), FUNCTION[path])
    assert text.startswith("Condition `n > 10` \u2192 `n >= 12`.")


@pytest.mark.parametrize("path", sorted(SOURCES))
def test_merged_loops_never_describe_a_brace(tmp_path: Path, path: str) -> None:
    old = SOURCES[path]
    lines = old.split("\n")
    second = max(i for i, line in enumerate(lines) if line.lstrip().startswith("for"))
    merged = "\n".join(lines[: second - 1] + lines[second + 1 :])  # drop "}" and the second "for ..."
    text = summary_of(tmp_path, path, old, merged, FUNCTION[path])
    assert text.startswith("Merges two `for ") and " loops into one." in text and "`}`" not in text
