"""Offline summaries tell a piece of code as what it is: a wrapper (``try``, ``with``, ``if``...) is added or
removed only when its own row is; a table row re-keyed (a comment inside it aside) is the same case; a
parameter of a function literal is defined, not read; a Go ``if`` keeps its init statement, and is paired by
its condition, which locate records apart. Real git repositories (tests.test_offline_facts.summary_of)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ariadne_hook.languages import parser_for
from tests.test_offline_facts import summary_of

# ------------------------------------------- 1. a statement re-wrapped inside an unchanged `try` row

TRY_OLD = """\
class TestWrapper:
    def test_message(self):
        try:
            self.assertTrue(_retryable_test_if_exception_message(NoCustomErrorAfterCount(3)))
        except CustomError:
            print(_retryable_test_if_exception_message.retry.statistics)
            self.fail("CustomError should've been retried")
"""
TRY_NEW = """\
class TestWrapper:
    def test_message(self):
        try:
            self.assertTrue(
                _retryable_test_if_exception_message(NoCustomErrorAfterCount(3))
            )
        except CustomError:
            print(_retryable_test_if_exception_message.statistics)
            self.fail("CustomError should've been retried")
"""


def test_a_statement_rewrapped_inside_an_unchanged_try_adds_and_removes_no_try(tmp_path: Path) -> None:
    text = summary_of(tmp_path, "tests/test_m.py", TRY_OLD, TRY_NEW, "TestWrapper.test_message")
    assert "`try`" not in text, text
    assert "statistics instead of" in text and "retry.statistics" in text, text


def test_a_condition_continued_on_a_changed_line_is_a_changed_condition(tmp_path: Path) -> None:
    old = "def check(a, b):\n    if (a.ready and\n            b.ready):\n        go(a)\n    return a\n"
    new = "def check(a, b):\n    if (a.ready and\n            b.done):\n        go(b)\n    return a\n"
    text = summary_of(tmp_path, "m.py", old, new, "check")
    assert "Adds" not in text and "removes" not in text, text
    assert text.startswith("Condition `a.ready and b.ready` \u2192 `a.ready and b.done`"), text
    old = "package p\n\nfunc check(a, b T) T {\n\tif a.ready &&\n\t\tb.ready {\n\t\tgo1(a)\n\t}\n"
    old += "\treturn a\n}\n"
    new = old.replace("b.ready {", "b.done {").replace("go1(a)", "go1(b)")
    text = summary_of(tmp_path / "go", "m.go", old, new, "check")
    assert text.startswith("Condition `a.ready && b.ready` \u2192 `a.ready && b.done`"), text


def test_checks_moved_into_a_new_function_below_are_still_removed(tmp_path: Path) -> None:
    # the diff keeps the moved rows as context, now of the new function: still removed from this one
    body = (
        "\tl := len(c)\n\tif n >= l || -n > l {\n\t\treturn 0, %s\n\t}\n"
        "\tif n >= 0 {\n\t\treturn c[n], %s\n\t}\n\treturn c[l+n], %s\n}\n"
    )
    head = "package p\n\nfunc Nth(c []int, n int) (int, error) {\n"
    old = head + body % ('errors.New("out")', "nil", "nil")
    new = (
        head + "\tvalue, ok := nth(c, n)\n"
        '\treturn value, check(ok, "out")\n}\n\nfunc nth(c []int, n int) (int, bool) {\n'
        + body
        % ("false", "true", "true")
    )
    text = summary_of(tmp_path, "p.go", old, new, "Nth")
    assert text.startswith("Removes `if n >= l || -n > l`"), text


def test_a_try_whose_row_was_added_is_still_told(tmp_path: Path) -> None:
    old = "def load(path):\n    data = read(path)\n    return data\n"
    new = "def load(path):\n    try:\n        data = read(path)\n    except OSError:\n        data = None\n"
    new += "    return data\n"
    text = summary_of(tmp_path, "m.py", old, new, "load")
    assert text.startswith("Adds `try` around `data = read(path)`"), text


# ------------------------------------------- 3. a parameter of a function literal is defined, not read

REGISTRY = "customMarshalerRegistryForEveryKnownType"
LITERALS = {  # path: (old source, old parameter list, new one, qualname)
    "m.go": (
        "package p\n\nfunc Register(marshaler func(T) ([]byte, error)) {\n"
        f"\t{REGISTRY}[reflect.TypeOf(k)] = func(v interface{{}}) ([]byte, error) {{\n"
        "\t\treturn marshaler(v.(T))\n\t}\n}\n",
        "func(v interface{})",
        "func(ctx context.Context, v interface{})",
        "Register",
    ),
    "m.js": (
        f"function register(marshal) {{\n  {REGISTRY}.set(someLongKeyExpression, (v) => {{\n"
        "    return marshal(v);\n  });\n}\n",
        "(v) =>",
        "(ctx, v) =>",
        "register",
    ),
    "m.kt": (
        f"fun register(m: M) {{\n    {REGISTRY}.put(someLongKeyExpressionHere) {{ v ->\n"
        "        marshal(v)\n    }\n}\n",
        "{ v ->",
        "{ ctx, v ->",
        "register",
    ),
    "m.rs": (
        f"fn register(m: &mut M) {{\n    {REGISTRY}.put(some_long_key_expression_here, |v| {{\n"
        "        marshal(v)\n    });\n}\n",
        "|v|",
        "|ctx, v|",
        "register",
    ),
    "m.py": (
        f"def register(m):\n    {REGISTRY}.put(some_long_key_expression_here, lambda v: marshal(v))\n",
        "lambda v:",
        "lambda ctx, v:",
        "register",
    ),
}


@pytest.mark.parametrize("path", sorted(LITERALS))
def test_a_parameter_added_to_a_function_literal_is_not_read(tmp_path: Path, path: str) -> None:
    old, before, after, qualname = LITERALS[path]
    text = summary_of(tmp_path, path, old, old.replace(before, after), qualname)
    assert "reads ctx" not in text and "passes" not in text.lower(), text  # nor `lambda ctx` an argument
    assert "ctx" in text, text  # the literal's new head is quoted


# ------------------------------------------- 4. a Go `if` is told with its init statement


def test_a_go_if_with_an_init_statement_is_told_with_its_call(tmp_path: Path) -> None:
    old = (
        "package p\n\nfunc (p *parser) parseFlowSequence(ctx *context) (*Node, error) {\n"
        "\tnode := newNode(ctx)\n"
        "\tif err := setLineComment(ctx, node, ctx.startToken()); err != nil {\n\t\treturn nil, err\n\t}\n"
        "\tif node.End == nil {\n\t\treturn nil, errNotFound(node.Start)\n\t}\n"
        "\tctx.goNext()\n\treturn node, nil\n}\n"
    )
    new = old.replace(
        "\tctx.goNext()",
        "\n\t// set line comment if exists\n"
        "\tif err := setLineComment(ctx, node, ctx.currentToken()); err != nil {\n\t\treturn nil, err\n\t}\n"
        "\tctx.goNext()",
    )
    text = summary_of(tmp_path, "parser.go", old, new, "parser.parseFlowSequence")
    assert text.startswith(
        "Adds `if err := setLineComment(ctx, node, ctx.currentToken()); err != nil` (then `return nil, err`)"
    ), text


def test_a_go_if_whose_init_statement_changed_checks_the_same_condition(tmp_path: Path) -> None:
    want = '{"level":"info","fields":[' + ",".join(f'"f{i}"' for i in range(40)) + "]}"
    old = (
        "package p\n\nfunc TestLog(t *testing.T) {\n\tout := run()\n"
        f'\tif got, want := decode(out.Bytes()), `{want}`+"\\n"; got != want {{\n'
        '\t\tt.Errorf("invalid log output:\\ngot:  %v\\nwant: %v", got, want)\n\t}\n}\n'
    )
    new = old.replace('"f7"', '"f7","extra"')
    text = summary_of(tmp_path, "log_test.go", old, new, "TestLog")
    assert "ondition" not in text and "dds `if" not in text, text
    assert '"extra"' in text, text  # the text that changed is told, by the literals


# a condition whose last string is an escaped backslash: read backwards for its last `;` outside strings, it
# was cut at the `;` inside `';'`, so `r == ';' || …` and `r == ':' || r == ';' || …` checked the same
ESCAPED = {  # path: (source, its CONDITION before, after)
    "split.go": (
        'package p\n\nfunc split(s string) []string {\n\tvar out []string\n\tfor s != "" {\n'
        "\t\tif r := first(s); CONDITION {\n\t\t\tout = append(out, s[:1])\n\t\t}\n"
        "\t\ts = s[1:]\n\t}\n\treturn out\n}\n",
        "r == ';' || r == '\\\\'",
        "r == ':' || r == ';' || r == '\\\\'",
    ),
    "split.py": (
        "def split(s):\n    out = []\n    for r in s:\n"
        "        if CONDITION:\n            out.append(r)\n    return out\n",
        "r == ';' or r == '\\\\'",
        "r == ':' or r == ';' or r == '\\\\'",
    ),
}


@pytest.mark.parametrize("path", sorted(ESCAPED))
def test_a_condition_edited_before_a_quoted_semicolon_is_a_changed_condition(
    tmp_path: Path, path: str
) -> None:
    source, before, after = ESCAPED[path]
    old, new = source.replace("CONDITION", before), source.replace("CONDITION", after)
    text = summary_of(tmp_path, path, old, new, "split")
    assert text.startswith("Condition `"), text  # not a line that became another
    assert text.split(" \u2192 ", 1)[1].startswith(("`" + after, "`r := first(s); " + after)), text


def test_a_go_if_records_its_condition_apart_from_its_init_statement() -> None:
    parse = parser_for("go")
    assert parse is not None
    long = ", ".join(f"arg{i}" for i in range(60))
    source = (
        "package p\n\nfunc f() error {\n"
        '\tif err := run(func() { a(); b(";") }); err != nil {\n\t\treturn err\n\t}\n'
        f"\tif n, ok := count({long}); ok && n > 0 {{\n\t\treturn nil\n\t}}\n"
        '\tif ready() {\n\t\treturn nil\n\t}\n\treturn errors.New("x; y")\n}\n'
    )
    (function,) = parse(source)
    blocks = function.facts.blocks
    assert [(b[1][:32], b[5]) for b in blocks] == [
        ('err := run(func() { a(); b(";") ', "err != nil"),
        (f"n, ok := count({long}"[:32], "ok && n > 0"),
        ("ready()", ""),  # the head is all it checks
    ]
    assert blocks[1][1].endswith("\u2026; ok && n > 0"), blocks[1][1]  # a long init is cut, not the condition


# ------------------------------------------- 2. a table's rows re-keyed: only the cases that changed count


def _row(*fields: str) -> str:
    return "\t\t{\n" + "".join(f"\t\t\t{f},\n" for f in fields) + "\t\t},\n"


def test_rows_rekeyed_with_comments_inside_are_the_same_cases(tmp_path: Path) -> None:
    numbers = [(f'"v: {i}\\n"', f'map[string]int{{"v": {i}}}') for i in range(8)]
    old_rows = [('"null\\n"', "(*struct{})(nil)"), ('"v: hi\\n"', 'map[string]string{"v": "hi"}')]
    old_rows += [("// Date only.\n\t\t\t" + '"v: 2015-01-01\\n"', 'map[string]T{"v": date(2015, 1, 1)}')]
    old_rows += [*numbers, ('"---\\n"', "(*struct{})(nil)")]
    head = (
        "package p\n\nfunc TestDecoder(t *testing.T) {\n\ttests := []struct {\n\t\tsource string\n"
        "\t\tvalue  interface{}\n%s\t}{\n"
    )
    tail = "\t}\n\tfor _, test := range tests {\n\t\tcheck(t, test.source, test.value)\n\t}\n}\n"
    old = head % "" + "".join(_row(*r) for r in old_rows) + tail
    new_rows = [
        _row(f"source: {s.replace('// Date only.', '// Date only, UTC.')}", f"value: {v}")
        for s, v in old_rows
    ]
    new_rows[0] = _row('source: "null"', "value: (*struct{})(nil)")
    new_rows[-1] = _row('source: "---\\n"', "value: (*struct{})(nil)", "eof: true")
    new_rows += [_row('source: "~"', "value: (*struct{})(nil)"), _row('source: "v: 10\\n"', "value: 10")]
    new = head % "\t\teof    bool\n" + "".join(new_rows) + tail
    text = summary_of(tmp_path, "decode_test.go", old, new, "TestDecoder")
    assert text.startswith('Test cases: adds `"~"`, `"v: 10\\n"`; changes '), text
    changes = text.split("; changes ", 1)[1].split(".", 1)[0]
    assert "2015" not in changes and "more" not in changes, text  # 2 changed: `---` sets eof, `null` edited
    assert '`{"---\\n", (*struct{})(nil),}` (now sets eof)' in changes and '"null' in changes, text


def test_a_case_moved_in_its_table_is_moved_not_added_and_removed(tmp_path: Path) -> None:
    rows = [f'\t\t{{name: "case {i}", in: {i}, want: {i * 2}}},\n' for i in range(6)]
    head = "package p\n\nfunc TestDouble(t *testing.T) {\n\ttests := []struct {\n\t\tname string\n"
    head += "\t\tin, want int\n\t}{\n"
    tail = "\t}\n\tfor _, tt := range tests {\n\t\tcheck(t, tt.in, tt.want)\n\t}\n}\n"
    new_rows = [*rows[1:4], rows[0], *rows[4:]]
    new_rows[4] = new_rows[4].replace("want: 8", "want: 9")
    text = summary_of(
        tmp_path, "m_test.go", head + "".join(rows) + tail, head + "".join(new_rows) + tail, "TestDouble"
    )
    assert text.startswith(
        'Test cases: changes `"case 4"` (`\u2026want: 8\u2026` \u2192 `\u2026want: 9\u2026`); '
        'moves `"case 0"`.'
    ), text
    assert "Adds" not in text and "removes" not in text, text


# ------------------------------ 5. a Go literal whose fields changed; a call with type arguments (sample 10)


def test_a_go_literal_whose_fields_changed_is_not_created(tmp_path: Path) -> None:
    # tablewriter-13: `tw.CellConfig{Formatting: …}` → `tw.CellConfig{Merging: …}` changes a literal
    old = "package p\n\nfunc TestX(t *testing.T) {\n\tcfg := Config{\n"
    old += "\t\tRow: tw.CellConfig{Formatting: tw.CellFormatting{MergeMode: tw.MergeHierarchical}},\n"
    old += "\t}\n\trun(cfg)\n}\n"
    new = old.replace("Formatting: tw.CellFormatting{MergeMode:", "Merging: tw.CellMerging{Mode:")
    text = summary_of(tmp_path, "m_test.go", old, new, "TestX")
    assert "tw.CellConfig{}" not in text and "Creates `tw.CellConfig" not in text, text
    assert "`tw.CellMerging{Mode: tw.MergeHierarchical}`" in text, text  # that type is new here
    # a literal of a type the removed rows never held is still created
    grown = old.replace("\trun(cfg)\n", '\textra := Extra{Name: "x"}\n\trun(cfg, extra)\n')
    text = summary_of(tmp_path / "grown", "m_test.go", old, grown, "TestX")
    assert '`Extra` named `"x"`' in text, text


def test_a_go_call_with_type_arguments_is_a_call(tmp_path: Path) -> None:
    # tablewriter-06: the grammar reads `pkg.New[K, V](n)` as a conversion to a generic type
    old = "package p\n\nfunc reset() {\n\tmu.Lock()\n\tcache = make(map[key]int)\n\tmu.Unlock()\n}\n"
    new = "package p\n\nfunc reset() {\n\tcache = twcache.NewLRU[key, int](capacity)\n}\n"
    text = summary_of(tmp_path, "m.go", old, new, "reset")
    assert "Calls added: twcache.NewLRU;" in text, text
    # a conversion is no call
    old = "package p\n\nfunc f(s string) []byte {\n\treturn nil\n}\n"
    new = "package p\n\nfunc f(s string) []byte {\n\treturn []byte(s)\n}\n"
    text = summary_of(tmp_path / "conv", "m.go", old, new, "f")
    assert "Calls added" not in text, text
