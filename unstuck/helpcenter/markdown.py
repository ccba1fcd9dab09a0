"""Markdown in, safe HTML out: articles are written by agents but read by anyone, so the output is sanitised."""

import html
import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable("table")
_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
    "a", "img", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def render_markdown(text: str) -> str:
    """HTML for an article body; a top-level "# heading" becomes h2, since the page title is the h1."""
    rendered = _md.render(text or "").replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(rendered, tags=_TAGS, attributes=_ATTRIBUTES, link_rel="noopener noreferrer")


def plain_text(text: str) -> str:
    """The words of an article without Markdown syntax, for the search index and snippets."""
    return html.unescape(_SPACE.sub(" ", _TAG.sub(" ", _md.render(text or "")))).strip()
