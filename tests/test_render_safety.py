"""Text from the repository (paths, old paths, qualnames, hunk headers, reasons) and from the model cannot
inject markup into the review: the whole review is rendered with cmark-gfm (GitHub's markdown engine) in
unsafe mode, which passes raw HTML through, and the resulting HTML may hold only the elements the renderer
itself writes."""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ariadne_hook.models import FunctionChange, Reference, References, Report, SourceInfo, Stats, Summary
from ariadne_hook.publish.github import MARKER
from ariadne_hook.render.json import render_json
from ariadne_hook.render.markdown import COLLAPSE_OVER, GITHUB, LOCAL, render_markdown
from ariadne_hook.render.sanitize import plain_line
from ariadne_hook.summarize.offline_overview import overview_lines
from tests.gfm import BLOCK_TEXT, Page, parse

# what the renderer writes itself (h2 title, h3 / details per file, one li per entry) and what markdown in a
# model's answer may legitimately become (emphasis, code, strike-through, visible autolinks)
ALLOWED = {"h2", "h3", "p", "ul", "li", "strong", "em", "code", "del", "blockquote", "details", "summary",
           "a"}  # fmt: skip
LOCAL_ALLOWED = {"h2", "h3", "p", "ul", "li", "strong", "em", "code", "blockquote"}  # no HTML of ours at all
DANGEROUS = {"img", "script", "iframe", "style", "object", "embed", "svg", "form", "input", "h1", "table"}
MENTION = re.compile(r"@[A-Za-z0-9]")
REFERENCE = re.compile(r"#[0-9]|\bGH-[0-9]", re.IGNORECASE)
ISSUE_URL = re.compile(
    r"(?:https?://|www\.)[\w.-]+(?::\d+)?/[\w.-]+/[\w.-]+/(?:issues|pull|pulls|discussions|commit|commits)/\w",
    re.IGNORECASE,
)


def github(report: Report) -> str:
    """The review as it goes into the PR comment and the job summary."""
    return render_markdown(report, GITHUB)


def local(report: Report) -> str:
    """The review as it goes into the review file and stdout."""
    return render_markdown(report, LOCAL)


def change(path: str, qualname: str, first: int, **kw: object) -> FunctionChange:
    values: dict[str, object] = {
        "path": path,
        "old_path": None,
        "qualname": qualname,
        "kind": "function",
        "change": "modified",
        "language": "python",
        "old_lines": (first, first + 1),
        "new_lines": (first, first + 1),
        "old_source": None,
        "new_source": None,
        "diff": "",
    }
    values.update(kw)
    return FunctionChange(**values)  # type: ignore[arg-type]


def report(summaries: Sequence[Summary], label: str = "a..b", notes: Sequence[str] = ()) -> Report:
    stats = Stats(functions=len(summaries), summarized=len(summaries), requests=len(summaries))
    source = SourceInfo("range", None, None, label)
    return Report(source, "openai", "m-1", tuple(summaries), stats, tuple(notes))


def hostile_report(path: str, qualname: str, answer: str, entries: int) -> Report:
    """One file under ``path`` (renamed from a hostile old path) with ``entries`` entries, a normal file, a
    skipped file and a fallback, every text field hostile (references left behind and the walkthrough too)."""
    left = References(
        qualname, f"renamed to {qualname}", (Reference(path, 3, answer), Reference("a.py", 1, "")), 9
    )
    rows = [
        Summary(change(path, f"{qualname}{i}", i * 10 + 1, old_path=f"{path}.old"), "summarized", answer)
        for i in range(entries)
    ]
    rows += [
        Summary(change("plain.py", qualname, 1, note=answer), "fallback", answer, answer, references=left),
        Summary(change(f"{path}.bin", "<file>", 0, kind="module", old_lines=None, new_lines=None), "skipped",
                "", answer),
        Summary(change("z.txt", f"hunk at line 3: {qualname}", 3, kind="hunk"), "summarized", answer, answer),
    ]  # fmt: skip
    return replace(report(rows, label=answer, notes=(answer,)), walkthrough=answer)


def assert_structure(page: Page, rep: Report, allowed: set[str]) -> None:
    """Only the elements in ``allowed``, and exactly the renderer's own: one title, one heading or folded
    block per file, one list item per entry; no comment, no attribute but a visible autolink's href."""
    assert set(page.tags) <= allowed, page.tags
    assert not set(page.tags) & DANGEROUS
    assert page.comments == []
    for tag, name, value in page.attrs:
        assert (tag, name) == ("a", "href"), (tag, name, value)
        assert not name.startswith("on")
        assert value is not None and re.match(r"(?:https?|mailto):", value), value
    for href, text in page.links:
        assert urllib.parse.unquote(href).endswith(text.strip()), (href, text)
    files = {s.change.path for s in rep.summaries}
    folded = page.tags.get("details", 0)
    assert page.tags.get("h2") == 1
    overview = len(overview_lines(rep, str, str)) if rep.summaries else 0  # its own heading and items
    assert page.tags.get("h3", 0) + folded == len(files) + (1 if overview else 0), page.tags
    assert page.tags.get("summary", 0) == folded, page.tags
    assert page.tags.get("li") == len(rep.summaries) + overview, page.tags


def assert_only_our_markup(markdown: str, rep: Report) -> None:
    """The GitHub form: the structure, and no mention, reference, issue URL or marker anywhere."""
    page = parse(markdown)
    assert_structure(page, rep, ALLOWED)
    files = {s.change.path for s in rep.summaries}
    big = sum(1 for p in files if sum(s.change.path == p for s in rep.summaries) > COLLAPSE_OVER)
    assert page.tags.get("details", 0) == big, page.tags
    for text in page.text:  # GitHub's mention and reference filters look at one text node at a time
        assert not MENTION.search(text), text
        assert not REFERENCE.search(text), text
        assert not ISSUE_URL.search(text), text
    for href, _ in page.links:
        assert not ISSUE_URL.search(urllib.parse.unquote(href)), href
    assert MARKER not in markdown
    assert not [c for c in markdown if unsafe(c) and c not in "\n\u200d"], "invisible or control character"


# every block-level element GFM (and GitHub's HTML) can make: their counts are the review's structure
BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "blockquote", "pre", "hr", "table",
          "thead", "tbody", "tr", "th", "td", "details", "summary", "div", "dl", "section", "br")  # fmt: skip


def blocks(page: Page) -> dict[str, int]:
    return {tag: page.tags.get(tag, 0) for tag in BLOCKS if page.tags.get(tag, 0)}


def benign_twin(path: str, qualname: str, answer: str, entries: int) -> Report:
    """The same review with every free text (answer, reason, note, label, walkthrough) a plain word: the
    structure the renderer means to write (an empty text stays empty: it may leave a line out)."""
    word = "x" if plain_line(answer) else ""
    return replace(hostile_report(path, qualname, word, entries), walkthrough="x" if answer else None)


def assert_same_structure(render: Callable[[Report], str], path: str, qualname: str, answer: str,
                          entries: int) -> None:  # fmt: skip
    """Whatever the texts hold, the rendered HTML has exactly the blocks of the benign twin: the same
    headings, paragraphs, lists and items, no table, rule, code block or quote of their own."""
    hostile = blocks(parse(render(hostile_report(path, qualname, answer, entries))))
    assert hostile == blocks(parse(render(benign_twin(path, qualname, answer, entries)))), hostile


def unsafe(char: str) -> bool:
    """A control, format (Cf: zero-width, bidi, tags), surrogate, separator or other default-ignorable
    character: nothing a reader sees."""
    code = ord(char)
    ignorable = 0xFE00 <= code <= 0xFE0F or 0xE0000 <= code <= 0xE0FFF or code in (0x034F, 0x115F, 0x3164)
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") or ignorable


HOSTILE_PATHS = [
    "x`<img src=x onerror=alert(1)>`</summary></details><h1>owned</h1>/f.py",
    "<script>alert(1)</script>.py",
    "a`b``c```d````e.py",
    "`lead",
    "trail`",
    "new\nline<h1>x</h1>\n\n<img src=x onerror=y>.py",
    "cr\rlf\r\n<iframe src=javascript:alert(1)>.py",
    "<!-- hidden",
    "--> after",
    MARKER,
    "&lt;img src=x onerror=y&gt;.py",
    "&#60;script&#62;alert(1)&#60;/script&#62;.py",
    "@octocat/#12/GH-7/a.py",
    "https://github.com/o/r/issues/1/x.py",
    "\u202eevil\u200b\ufeff\U000e0041\U000e0062.py",
    "\x1b[31mred\x1b[0m.py",
    "</details>",
    '<details open><summary>x</summary>"',
    "|pipe| and [link](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>.py",
]
HOSTILE_ANSWERS = [
    "Hi @octocat and @org/team, see #12, GH-3, gh-4 and octo/app#3",
    "</summary></details>\n\n# Takeover\n\n<img src=x onerror=alert(1)>",
    MARKER + " and <!-- hidden --> text",
    "see https://github.com/o/r/issues/1, http://github.com/o/r/pull/2 and https://ghe.example/o/r/discussions/3",
    "www.github.com/o/r/issues/9 and https://github.com/o/r/commit/abc123 https://github.com/o/r/pull/2/files",
    "<script>alert(1)</script> <iframe src=x></iframe> [x](javascript:alert(1)) ![p](https://e.x/p.png)",
    "smuggled \U000e0049\U000e0067\U000e006e tags, \u200bzero\u200c\u200d\u200e\u200f \u061c\ufeff",
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \x1b[2J \x9b31m",
    "`code <b>` then ``` fence and <!-- comment",
    "&#64;octocat &commat;octocat &#x23;12 &lt;b&gt;",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
@pytest.mark.parametrize("entries", [1, COLLAPSE_OVER + 1])
def test_hostile_paths_and_names_cannot_inject(path: str, entries: int) -> None:
    rep = hostile_report(path, path, "Adds x.", entries)
    assert_only_our_markup(github(rep), rep)


@pytest.mark.parametrize("answer", HOSTILE_ANSWERS)
@pytest.mark.parametrize("entries", [1, COLLAPSE_OVER + 1])
def test_hostile_answers_cannot_inject(answer: str, entries: int) -> None:
    rep = hostile_report("src/app.py", "f", answer, entries)
    assert_only_our_markup(github(rep), rep)


PATH_TOKENS = st.sampled_from(
    ["<", ">", "`", "``", "```", "</summary>", "</details>", "<details>", "<img src=x onerror=a()>", "<!--",
     "-->", "&", "&lt;", "&#60;", "\n", "\r", "\n\n", "@octo", "#1", "GH-2", "|", "[", "](", "*", "_", "\\",
     "\u202e", "\u200b", "\U000e0041", "\x1b[1m", MARKER, "/", " ", "a", ".py"]
)  # fmt: skip
HOSTILE_TEXT = st.lists(PATH_TOKENS, min_size=1, max_size=10).map("".join)


ANSWERS = st.one_of(HOSTILE_TEXT, BLOCK_TEXT)  # BLOCK_TEXT: lines that begin a block in GFM


@settings(max_examples=150, deadline=None)
@given(HOSTILE_TEXT, HOSTILE_TEXT, ANSWERS, st.sampled_from([1, COLLAPSE_OVER + 1]))
@example(path="<", qualname="<", answer="\\\n<", entries=1)  # a line-final backslash made a <br>
@example(path="a.py", qualname="f", answer=":-:", entries=1)  # a delimiter row made the entry a table
def test_generated_paths_names_and_answers_never_inject(
    path: str, qualname: str, answer: str, entries: int
) -> None:
    rep = hostile_report(path, qualname, answer, entries)
    assert_only_our_markup(github(rep), rep)
    assert_same_structure(github, path, qualname, answer, entries)


@settings(max_examples=250, deadline=None)
@given(BLOCK_TEXT, st.sampled_from([1, COLLAPSE_OVER + 1]))
def test_generated_block_openers_never_restructure_either_review(answer: str, entries: int) -> None:
    """Lines that would begin a block of any kind GFM knows, as a model's answer, reason, note, walkthrough
    and the review's label: both the PR comment and the local review keep exactly their own structure."""
    assert_same_structure(github, "src/app.py", "f", answer, entries)
    assert_same_structure(local, "src/app.py", "f", answer, entries)


# a model's answer that would make a block of its own: every form of a GFM table delimiter row (with and
# without pipes, aligned or not), setext underlines, thematic breaks, list / quote / fence / math / HTML-block
# starters, link reference and footnote definitions, ordered items with either delimiter
STRUCTURE_ANSWERS = [
    ":-:", "-:", "--:", ":--", ":-", "-", "--", "|-|", "|:-:|", "-|-", "- | -", ":-: | --:", " \t-:\t ",
    "Adds x.\n:-:", "a | b\n-|-", "===", "=", "---", "Adds x.\n===", "***", "* * *", "___", "- - -",
    "- item", "+ item", "* item", "1. first", "1) first", "7. seventh", "# Title", "###### six", "> quote",
    "```", "```python\nx = 1", "~~~", "$$", "<div>", "<details>", "<!-- c", "<?php", "<![CDATA[x",
    "[ref]: https://evil.example", "[^1]: footnote", "    indented", "\tTab",
    "`lone", "``` `x` ```", "\\", "x\\",
]  # fmt: skip


@pytest.mark.parametrize("answer", STRUCTURE_ANSWERS)
@pytest.mark.parametrize("entries", [1, COLLAPSE_OVER + 1])
def test_answers_cannot_restructure_the_pr_comment(answer: str, entries: int) -> None:
    assert_same_structure(github, "src/app.py", "f", answer, entries)
    rep = hostile_report("src/app.py", "f", answer, entries)
    assert_only_our_markup(github(rep), rep)


@pytest.mark.parametrize("answer", STRUCTURE_ANSWERS)
def test_answers_cannot_restructure_the_local_review(answer: str) -> None:
    assert_same_structure(local, "src/app.py", "f", answer, COLLAPSE_OVER + 1)
    rep = hostile_report("src/app.py", "f", answer, COLLAPSE_OVER + 1)
    assert_structure(parse(local(rep)), rep, LOCAL_ALLOWED | {"a"})


# the local form: the review file and stdout ------------------------------------------------------------
AS_IS = (
    "Returns a -> b for [x]; uses @t.overload, <b>bold</b> & *stars* | pipes"
    " #12 GH-5 https://github.com/o/r/issues/1"
)
DIRTY = (  # the same with ANSI colours, zero-width and bidi characters, a bell, a tag character, CRLF
    "Returns \x1b[31ma -> b\x1b[0m for [x];\u200b uses @t.overload,\u202e <b>bold</b>\x07 & *stars* | pipes"
    "\r\n#12 GH-5 https://github.com/o/r/issues/1\U000e0041"
)


def test_local_review_carries_the_text_as_is_minus_controls() -> None:
    rep = report([Summary(change("a.py", "f", 1), "summarized", DIRTY)])
    text = local(rep)
    # only a tag's "<" gets a backslash: the local preview shows the model's markup, it does not run it
    as_is = AS_IS.replace("<b>bold</b>", "\\<b>bold\\</b>")
    assert f"- **`f`** — modified · lines 1–2\n  {as_is}\n" in text
    assert "\\" not in as_is.replace("\\<", "")
    for escaped in ("-&gt;", "&lt;", "&amp;", "\\[", "\\|", "\\*", "\u200d", "\x1b", "<details"):
        assert escaped not in text


def test_github_review_of_the_same_text_is_neutralized() -> None:
    rep = report([Summary(change("a.py", "f", 1), "summarized", DIRTY)])
    text = github(rep)
    assert "a -&gt; b" in text and "\\[x]" in text and "@\u200dt.overload" in text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp;" in text and "#\u200d12" in text and "GH-\u200d5" in text
    assert "https:\u200d//github.com/o/r/issues/1" in text
    assert not [c for c in text if unsafe(c) and c not in "\n\u200d"]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
@pytest.mark.parametrize("entries", [1, COLLAPSE_OVER + 1])
def test_local_review_has_no_html_from_the_repository(path: str, entries: int) -> None:
    rep = hostile_report(path, path, "Adds x.", entries)
    text = local(rep)
    assert_structure(parse(text), rep, LOCAL_ALLOWED)
    assert not [c for c in text if unsafe(c) and c != "\n"]


@settings(max_examples=150, deadline=None)
@given(HOSTILE_TEXT, HOSTILE_TEXT, ANSWERS)
@example(path="a.py", qualname="f", answer="<details>")  # an HTML block folded the rest of the review
@example(path="<", qualname="<", answer="<[](")  # a link with a hidden (empty) destination
def test_local_review_is_terminal_safe_and_never_folds(path: str, qualname: str, answer: str) -> None:
    rep = hostile_report(path, qualname, answer, COLLAPSE_OVER + 1)
    text = local(rep)
    assert_same_structure(local, path, qualname, answer, COLLAPSE_OVER + 1)
    assert_structure(parse(text), rep, LOCAL_ALLOWED | {"a", "del"})
    assert not [c for c in text if unsafe(c) and c != "\n"]
    lines = text.split("\n")
    assert not [line for line in lines if line.startswith("<")], "no HTML block: no folding"
    entries = [line for line in lines if line.startswith("- **")]
    assert len(entries) == len([s for s in rep.summaries if s.change.qualname != "<file>"])


def test_names_show_their_invisible_characters() -> None:
    rep = report([Summary(change("a\u200bb\u202e.py", "f\x1b[1m\nx", 1), "summarized", "ok")])
    for text in (local(rep), github(rep)):
        assert "### `a\\u200bb\\u202e.py`" in text
        assert "- **`f\\x1b[1m\\nx`**" in text


def test_json_carries_text_as_is_minus_controls_and_exact_names() -> None:
    path = "src/\u202eevil\u200b\udcff.py"  # an undecodable byte arrives as a surrogate escape
    rep = report(
        [Summary(change(path, "f\x1b[1m", 1, note="note\x1b[0m"), "fallback", DIRTY, "HTTP 500\u200b\x07")],
        notes=("run note\x9b2J",),
    )
    text = render_json(rep)
    assert not [c for c in text if unsafe(c) and c != "\n"], "the file shows nothing hidden"
    data = json.loads(text)
    entry = data["functions"][0]
    assert entry["summary"] == AS_IS.replace(" #12", "\n#12")  # a line break stays a line break
    assert entry["reason"] == "HTTP 500" and entry["note"] == "note" and data["notes"] == ["run note"]
    assert entry["path"] == path and entry["qualname"] == "f\x1b[1m"  # identifiers keep their exact value
