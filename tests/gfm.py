"""The HTML a GitHub-flavoured markdown renderer makes of a text (cmark-gfm, unsafe mode: raw HTML kept), read
back as elements, attributes, links, comments and the text nodes outside ``<code>``."""

from __future__ import annotations

from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options


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
