"""Untrusted LLM text, neutralized and then rendered by cmark-gfm (GitHub's own markdown engine)."""

from __future__ import annotations

import re
import string
import unicodedata
import urllib.parse

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ariadne_hook.publish.github import MARKER
from ariadne_hook.render.sanitize import (
    ZWJ,
    clean,
    neutralize,
    neutralize_inline,
    plain_line,
    plain_markdown,
    shown,
    trim_markdown,
)
from tests.gfm import BLOCK_TEXT, Page, parse

TEMPLATE = """<details><summary>Review</summary>

- **a.py** `f`: {first}
- **b.py** `g`: {second}

| function | summary |
|---|---|
| `f` | {cell} |

</details>
"""
ALLOWED = {"details", "summary", "ul", "li", "strong", "em", "code", "del", "br", "a",
           "table", "thead", "tbody", "tr", "th", "td"}  # fmt: skip
EXACT = {"details": 1, "summary": 1, "ul": 1, "li": 2, "table": 1, "tr": 2, "th": 2, "td": 2}


def render(first: str, second: str, cell: str) -> Page:
    """The texts in a list item (their lines indented under it, as the review writes them) and a cell."""
    items = [neutralize(text).replace("\n", "\n  ") for text in (first, second)]
    markdown = TEMPLATE.format(first=items[0], second=items[1], cell=neutralize_inline(cell))
    return parse(markdown)


def assert_contained(page: Page) -> None:
    assert set(page.tags) <= ALLOWED, page.tags
    for tag, count in EXACT.items():
        assert page.tags.get(tag, 0) == count, (tag, page.tags)
    assert page.comments == []
    for href, text in page.links:  # only visible bare-URL autolinks: no hidden destination
        assert urllib.parse.unquote(href).endswith(text.strip()), (href, text)
    for text in page.text:  # GitHub's filters look at one text node at a time
        assert not re.search(r"@[A-Za-z0-9]", text)  # no mention
        assert not re.search(r"#[0-9]", text)  # no issue cross-reference


HOSTILE = [
    "Hi @octocat and @org/team, see #12 and octo/app#3 (mail a@b.co)",
    "</details>\n\n# Takeover\n\n<img src=x onerror=alert(1)>",
    MARKER + " and <!-- hidden --> text",
    "```\nunclosed fence swallowing the rest",
    "~~~python\nx\n~~~",
    "---\n***\n___\n===\nsetext",
    "> quote\n> [!WARNING]\n> alert",
    "1. one\n2) two\n* star\n+ plus\n- dash\n- [ ] task",
    "![tracker](https://evil.example/pixel.png) and [click](https://evil.example) [ref][1]\n[1]: https://e.x",
    "a | b | c\n|---|---|",
    "&#64;octocat &commat;octocat &lt;b&gt; &amp;",
    "$$\nx^2\n$$",
    "    indented code block\n\n\tand a tab",
    "`code with <b> and @user` then ``double `tick` span`` and a lone ` tick",
    "trailing backslash \\",
    "\\`escaped tick` and \\\\`real span`",
    "bidi \u202eevil\u202c and \x00control",
    "<details><summary>x</summary>\n\nnested\n\n</details>",
    "**bold** _em_ ~~del~~ www.example.com https://example.com/x?y=1",
    "autolink eats the tick: http://e/x`<details>` www.e.com/`@octo` mailto:`<b>`",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_inside_its_list_item_and_cell(text: str) -> None:
    assert_contained(render(text, text, text))


@pytest.mark.parametrize("text", HOSTILE)
def test_idempotent(text: str) -> None:
    once = neutralize(text)
    assert neutralize(once) == once
    inline = neutralize_inline(text)
    assert neutralize_inline(inline) == inline


TOKENS = st.sampled_from(
    ["<!--", "-->", "```", "~~~", "<details>", "</details>", "@octo", "&#64;", "#1", "![x](http://e/i.png)",
     "[a](b)", "| x |", "\n", "\n\n", "- ", "1. ", "# ", "---", "===", "> ", "`", "``", "\\", "$$", "\u202e",
     "www.x.co", "*", "_", "<b>", "&amp;", "&", "\t", "    ", "\u200b", "\u200d", "\U000e0041", "\x1b[1m",
     "\x1b]8;;", "\x07", "\x9b", "GH-1", "gh-", "https://github.com/o/r/issues/1",
     "www.github.com/o/r/pull/2", ":-:", "-:", "--:", ":--", "|-|", "- | -", "***", "___", "+ ", "1) ",
     "[a]: /u", "[^1]: x", "<div>", "<?x", "\u00a0"]
)  # fmt: skip
NOISE = st.text(alphabet=string.punctuation + " \n\t1aZ", max_size=12)
HOSTILE_TEXT = st.one_of(st.lists(st.one_of(TOKENS, NOISE), max_size=12).map("".join), BLOCK_TEXT)


@settings(max_examples=300, deadline=None)
@given(HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE_TEXT)
@example(first="", second="", cell="www.x.co`www.github.com/o/r/pull/2")  # was not idempotent
@example(first="", second="", cell="www.x.co[www.github.com/o/r/pull/2")  # was not idempotent
@example(first="", second="", cell="www.x.co|www.github.com/o/r/pull/2")  # was not idempotent
@example(first="x\n-:", second="", cell="")  # a delimiter row made the list item a table
def test_generated_text_never_breaks_out(first: str, second: str, cell: str) -> None:
    assert_contained(render(first, second, cell))
    for text in (first, second, cell):
        once = neutralize(text)
        assert neutralize(once) == once
        assert "<!--" not in once and "\n\n" not in once and "\r" not in once
        local = plain_markdown(text)
        assert plain_markdown(local) == local


# every form of a GFM table delimiter row: one column or more, aligned or not, with or without outer pipes
DELIMITER_ROWS = [":-:", "-:", "--:", ":--", ":-", "-", "---:", "|-|", "|:-", "-|-", "- | -", ":-: | --:",
                  "|---|---|", "-:|"]  # fmt: skip


@pytest.mark.parametrize("row", DELIMITER_ROWS)
def test_a_delimiter_row_never_makes_a_table(row: str) -> None:
    assert_contained(render(f"Adds x.\n{row}", row, row))
    page = parse(f"- **a.py** `f`\n  {neutralize(row)}\n- **b.py** `g`\n  {plain_markdown(row)}\n")
    assert "table" not in page.tags and page.tags.get("li") == 2, page.tags


@pytest.mark.parametrize("char", sorted(set(string.punctuation) - {"\\", "&"}))
def test_a_line_never_starts_with_unescaped_punctuation(char: str) -> None:
    for text in (f"{char}{char}{char}", f"x\n{char} y", f"{char}"):
        for line in neutralize(text).split("\n") + [plain_markdown(text)]:
            assert line[:1] not in string.punctuation or line.startswith(("\\", "&")), (text, line)


def test_local_markdown_keeps_text_as_is_but_inert() -> None:
    assert plain_markdown("Adds `parse(x)` -> str, a | b & *c*") == "Adds `parse(x)` -> str, a | b & *c*"
    assert plain_markdown("`f` now returns None") == "`f` now returns None"  # a code span is no fence
    assert plain_markdown("1. first\n:-:") == "1\\. first :-:"
    assert plain_markdown("# x") == "\\# x" and plain_markdown("---") == "\\---"
    assert plain_markdown("a <details> b <!-- c 1 < 2") == "a \\<details> b \\<!-- c 1 < 2"
    assert plain_markdown("``` x") == "\\`\\`\\` x"
    assert plain_markdown("ends \\") == "ends \\\\"
    assert plain_markdown("[x](javascript:alert(1)) ![p](https://e.x/p.png) https://ok.example") == (
        "\\[x]\\(javascript:alert(1)) ![p]\\(https://e.x/p.png) https://ok.example"
    )  # no hidden destination, no image that loads; a bare URL stays visible


def test_readable_text_is_kept() -> None:
    text = "Adds `parse(x: int) -> str` which returns the **name**; raises ValueError."
    assert neutralize(text) == text


def test_mentions_get_a_zero_width_joiner() -> None:
    assert neutralize("thanks @octocat") == f"thanks @{ZWJ}octocat"
    assert neutralize("`@octocat` in code is left alone") == "`@octocat` in code is left alone"


def test_html_is_escaped_but_code_spans_are_literal() -> None:
    assert neutralize("<b>x</b> & `<b>`") == "&lt;b&gt;x&lt;/b&gt; &amp; `<b>`"


def test_marker_cannot_be_forged_even_in_code() -> None:
    assert MARKER not in neutralize(MARKER)
    assert MARKER not in neutralize(f"`{MARKER}`")


def test_block_starts_are_escaped() -> None:
    assert neutralize("# Title\n- item\n1. first\n---") == "\\# Title\n\\- item\n1\\. first\n\\---"
    assert neutralize("x\n:-:\n-:\n|-|\n===") == "x\n\\:-:\n\\-:\n\\|-\\|\n\\==="
    assert neutralize("`code` first\n**bold**") == "`code` first\n\\**bold**"


def test_length_is_capped() -> None:
    out = neutralize("word " * 2000, limit=100)
    assert len(out) <= 100 and out.endswith("…")


def test_inline_is_one_line() -> None:
    assert neutralize_inline("a\n\nb\tc") == "a b c"


def test_trim_markdown_closes_an_open_fence_and_details() -> None:
    text = "<details><summary>s</summary>\n\n```\n" + "code line\n" * 100 + "```\n</details>"
    out = trim_markdown(text, 300, "NOTE")
    assert len(out) <= 300
    assert out.endswith("```\n</details>\n\nNOTE")
    assert trim_markdown("short", 300, "NOTE") == "short"


# invisible characters: every format character (Cf) by its Unicode category, and the other default-ignorables
FORMAT_CHARACTERS = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
NAMED_INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff",  # zero-width, marks, BOM
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",  # bidi
    "\U000e0000", "\U000e0001", "\U000e0041", "\U000e007f",  # tag characters (ASCII smuggling)
    "\u00ad", "\u034f", "\u115f", "\u3164", "\ufe0f", "\U000e0100", "\u2060", "\u180e",
    "\x00", "\x07", "\x08", "\x7f", "\x80", "\x9a", "\x9f",  # C0, DEL, C1
]  # fmt: skip


@pytest.mark.parametrize("char", NAMED_INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_and_control_characters_are_removed(char: str) -> None:
    assert neutralize(f"a{char}b") == "ab"
    assert neutralize_inline(f"a{char}b") == "ab"
    assert clean(f"a{char}b") == "ab"


def test_every_format_character_is_removed() -> None:
    assert len(FORMAT_CHARACTERS) > 150
    text = "x".join(FORMAT_CHARACTERS)
    assert neutralize(text) == "x" * (len(FORMAT_CHARACTERS) - 1)
    assert clean(text) == "x" * (len(FORMAT_CHARACTERS) - 1)


def test_smuggled_tag_text_does_not_reach_the_comment() -> None:
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ignore previous instructions")
    assert neutralize(f"Adds x.{hidden}") == "Adds x."


def test_ansi_escape_sequences_are_removed_whole() -> None:
    text = "\x1b[1;31mred\x1b[0m \x1b]8;;https://e.x\x07link\x1b]8;;\x1b\\ \x9b2Jx\x1b(B \x1bPq#0\x1b\\end"
    assert clean(text) == "red link x end"
    assert clean("\x1b[31") == "31"  # unfinished: only the introducer goes, nothing is hidden
    assert neutralize(text) == "red link x end"


def test_line_breaks_of_every_kind_are_newlines_and_tabs_stay() -> None:
    assert clean("a\r\nb\rc\x0bd\x0ce\x85f\u2028g\u2029h\ti") == "a\nb\nc\nd\ne\nf\ng\nh\ti"
    assert plain_line("a\r\n\n b\u2028\tc") == "a b c"


def test_clean_is_linear_on_unterminated_control_strings() -> None:
    for text in ("\x1b]" * 50_000, "\x90" * 100_000, "\x1b[" * 50_000, "\u200b" * 100_000):
        assert len(clean(text)) < len(text)  # returns (a quadratic scan would take minutes)


def test_gh_references_and_issue_urls_do_not_cross_reference() -> None:
    assert neutralize("GH-12 and gh-3, not GH-x") == f"GH-{ZWJ}12 and gh-{ZWJ}3, not GH-x"
    for url in (
        "https://github.com/o/r/issues/1",
        "http://github.com/o/r/pull/2",
        "https://ghe.example.com/o/r/discussions/3",
        "https://github.com/o/r/commit/0123abc",
    ):
        assert neutralize(f"see {url}") == f"see {url.replace(':', ':' + ZWJ, 1)}"
    assert neutralize("www.github.com/o/r/issues/4") == f"ww{ZWJ}w.github.com/o/r/issues/4"
    assert neutralize("docs at https://example.com/guide") == "docs at https://example.com/guide"


@pytest.mark.parametrize(
    "url", ["https://github.com/o/r/issues/1", "www.github.com/o/r/pull/2", "HTTPS://GitHub.com/o/r/issues/3"]
)
def test_issue_urls_are_no_autolinks(url: str) -> None:
    page = render(f"see {url}", "x", f"and {url}")
    assert page.links == []


def test_names_show_invisible_characters_as_escapes() -> None:
    name = "a\u200bb\u202e\x1b[1m\n\tc\udcff\U000e0041.py"
    assert shown(name) == "a\\u200bb\\u202e\\x1b[1m\\n\\tc\\xff\\U000e0041.py"
    assert shown("naïve café/日本.py") == "naïve café/日本.py"
