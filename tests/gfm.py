"""The HTML a GitHub-flavoured markdown renderer makes of a text (cmark-gfm, unsafe mode: raw HTML kept), read
back as elements, attributes, links, comments and the text nodes outside ``<code>``; and a hypothesis grammar
of the lines that begin a block in GFM, for properties that untrusted text never does."""

from __future__ import annotations

import string
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options
from hypothesis import strategies as st

# one table delimiter row cell: dashes with optional alignment colons and padding
_CELL = st.builds(
    lambda left, dashes, right, pad: f"{pad}{left}{'-' * dashes}{right}{pad}",
    st.sampled_from(["", ":"]), st.integers(1, 3), st.sampled_from(["", ":"]),
    st.sampled_from(["", " ", "\t"]),
)  # fmt: skip
DELIMITER_ROW = st.tuples(st.lists(_CELL, min_size=1, max_size=3), st.booleans(), st.booleans()).map(
    lambda t: ("|" if t[1] else "") + "|".join(t[0]) + ("|" if t[2] else "")
)
_RUN = st.integers(1, 4)
_OTHER_OPENERS = [">", "> ", "> [!NOTE]", "```", "````py", "~~~", "$$", "<div>", "<details>", "<!--", "<?x",
                  "<!X", "<![CDATA[", "</p>", "<script>", "[a]: /u", "[^1]: note"]  # fmt: skip
# what begins a block at a line start (CommonMark 0.31, GFM, GitHub): each opener then optional text
BLOCK_OPENER = st.one_of(
    DELIMITER_ROW,  # makes the line before it a table header
    st.builds(lambda c, n: c * n, st.sampled_from("=-"), _RUN),  # setext underline
    st.builds(lambda c, n, sp: (c + sp) * (n + 2), st.sampled_from("*-_"), _RUN, st.sampled_from(["", " "])),
    st.builds(lambda c: c + " ", st.sampled_from("-+*")),  # bullet
    st.builds(lambda n, d: f"{n}{d} ", st.integers(0, 10**9 - 1), st.sampled_from(".)")),  # ordered item
    st.builds(lambda n: "#" * n + " ", st.integers(1, 7)),  # ATX heading
    st.sampled_from(_OTHER_OPENERS),
)
INDENT = st.sampled_from(["", " ", "  ", "   ", "\t", "    ", "\u00a0", "\u3000"])
_TAIL = st.text(alphabet=string.punctuation + " 1aZ", max_size=6)
BLOCK_LINE = st.builds(lambda i, o, t: i + o + t, INDENT, BLOCK_OPENER, st.one_of(st.just(""), _TAIL))
# text of one to four lines, each a block opener or punctuation noise
BLOCK_TEXT = st.lists(st.one_of(BLOCK_LINE, BLOCK_LINE, _TAIL), min_size=1, max_size=4).map("\n".join)


class Page(HTMLParser):
    """Every element with its attributes, comments, links and the text nodes outside <code>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.attrs: list[tuple[str, str, str | None]] = []
        self.comments: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._in_code = 0
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attrs.extend((tag, name, value) for name, value in attrs)
        self._in_code += tag == "code"
        if tag == "a":
            self._href, self._link_text = dict(attrs).get("href") or "", []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_code -= tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code -= tag == "code"
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._link_text)))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._link_text.append(data)
        if not self._in_code:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parse(markdown: str) -> Page:
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    page = Page()
    page.feed(html)
    page.close()
    return page
