"""The answer's rich text: sanitised with nh3 (the Ammonia sanitiser) to a small set of tags, and the
plain text taken from it for search, for the agent to read out and for SMS."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
BLOCKS = {"p", "br", "li", "h3", "h4", "blockquote", "tr", "table", "ul", "ol", "div"}

_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
_URL = re.compile(r"(https?://[^\s<>\"'，。；）]+)")
_BLANK_LINES = re.compile(r"\n\s*\n")


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text or ""))


def text_to_html(text: str) -> str:
    """Plain text as HTML: paragraphs at blank lines, line breaks kept, web addresses made links."""
    paragraphs = [p.strip() for p in _BLANK_LINES.split((text or "").replace("\r\n", "\n")) if p.strip()]
    out = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph, quote=False)
        linked = _URL.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', escaped)
        out.append("<p>" + linked.replace("\n", "<br>") + "</p>")
    return "".join(out)


def sanitize(value: str) -> str:
    """Safe HTML for the answer: plain text is turned into paragraphs first; scripts, styles, event
    handlers and unknown tags are removed; links get ``rel="noopener noreferrer"``."""
    value = (value or "").strip()
    if not looks_like_html(value):
        value = text_to_html(value)
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.link: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("· ")
        if tag == "a":
            self.link = dict(attrs).get("href") or None

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link:
            text_so_far = "".join(self.parts)
            if not text_so_far.rstrip().endswith(self.link):
                self.parts.append(f"（{self.link}）")
            self.link = None
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(value: str) -> str:
    """The readable text of sanitised HTML: one line per block, link targets kept in brackets."""
    parser = _TextExtractor()
    parser.feed(value or "")
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line)
