"""A readable plain-text version of an HTML mail body, for mail that has no text part."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "table", "tr", "ul", "ol", "h1", "h2", "h3", "h4",
    "h5", "h6", "pre", "hr", "blockquote", "address", "dl", "dt", "dd",
}  # fmt: skip
PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre"}
SKIPPED = {"script", "style", "head", "title", "template"}


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.quote_depth = 0
        self.skip_depth = 0
        self.pre_depth = 0
        self.href: str | None = None

    def _break(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skip_depth += 1
        elif tag == "br":
            self.lines.append("")
        elif tag == "li":
            self._break()
            self.lines[-1] += "- "
        elif tag in BLOCKS:
            self._break()
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "pre":
                self.pre_depth += 1
        elif tag == "a":
            self.href = dict(attrs).get("href")
        elif tag in ("td", "th") and self.lines[-1].strip():
            self.lines[-1] += " "

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in BLOCKS or tag == "li":
            self._break()
            if tag in PARAGRAPHS:
                self.lines.append("")
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
            elif tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
        elif tag == "a":
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            first, *rest = data.split("\n")
            self.lines[-1] += first
            self.lines.extend(rest)
            return
        text = re.sub(r"\s+", " ", data)
        if not self.lines[-1].strip():
            text = text.lstrip()
            if text and self.quote_depth and not self.lines[-1].startswith(">"):
                self.lines[-1] = "> " * self.quote_depth
        self.lines[-1] += text
        if self.href and self.href.startswith(("http://", "https://")) and self.href != text.strip():
            self.lines[-1] += f" <{self.href}>"
            self.href = None


def html_to_text(html: str) -> str:
    builder = _TextBuilder()
    builder.feed(html)
    builder.close()
    lines = [line.rstrip() for line in builder.lines]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
