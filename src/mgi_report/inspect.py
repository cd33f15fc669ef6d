"""Read built editions back: the text a reader sees, page by page, and the PDF's outline.

Used by the tests to hold output to the sources, and by reviews to compare builds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO
from typing import Any, ClassVar

AUTO_HYPHEN = re.compile(r"[\u2010\u00ad]\n")
HARD_HYPHEN_BREAK = re.compile(r"-\n")
SPACES = re.compile(r"\s+")

#: Text whose baseline lies in the top or bottom share of the page is running furniture
#: (headers, page numbers): the templates keep the text block inside these bands.
FURNITURE_BAND = 0.07


@dataclass(frozen=True)
class OutlineItem:
    title: str
    page: int
    level: int


@dataclass(frozen=True)
class PdfText:
    """A PDF's body text per page (1-based pages in ``page()``), furniture removed."""

    pages: tuple[str, ...]
    furniture: tuple[str, ...]

    def page(self, number: int) -> str:
        return self.pages[number - 1]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def pdf_text(data: bytes, band: float = FURNITURE_BAND) -> PdfText:
    from pypdf import PdfReader  # only when a PDF is read: FURNITURE_BAND alone is light

    reader = PdfReader(BytesIO(data))
    pages, furniture = [], []
    for page in reader.pages:
        height = float(page.mediabox.height)
        body: list[str] = []
        margin: list[str] = []

        def visit(text: str, cm: Any, tm: Any, _font: Any, _size: Any,
                  body: list[str] = body, margin: list[str] = margin,
                  height: float = height) -> None:
            if not text.strip():
                body.append(text)
                return
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            (body if band * height < y < (1 - band) * height else margin).append(text)

        page.extract_text(visitor_text=visit)
        pages.append("".join(body))
        furniture.append(" ".join(margin))
    return PdfText(tuple(pages), tuple(furniture))


def normalize(text: str) -> str:
    """Undo line-end hyphenation and collapse whitespace, as a reader would read it."""
    text = AUTO_HYPHEN.sub("", text)
    text = HARD_HYPHEN_BREAK.sub("-", text)
    return SPACES.sub(" ", text).strip()


def outline(data: bytes) -> list[OutlineItem]:
    """Bookmarks in document order with their 1-based page and nesting level."""
    from pypdf import PdfReader  # only when a PDF is read: FURNITURE_BAND alone is light

    reader = PdfReader(BytesIO(data))
    items: list[OutlineItem] = []

    def walk(nodes: list[Any], level: int) -> None:
        for node in nodes:
            if isinstance(node, list):
                walk(node, level + 1)
            else:
                page = reader.get_destination_page_number(node)
                items.append(OutlineItem(str(node.title), -1 if page is None else page + 1,
                                         level))

    walk(reader.outline, 1)
    return items


class _TextExtractor(HTMLParser):
    SKIP: ClassVar[frozenset[str]] = frozenset({"style", "script", "head", "title"})
    BLOCK: ClassVar[frozenset[str]] = frozenset({
        "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "figcaption",
        "tspan", "header", "section", "nav", "aside", "ol", "ul", "table", "br"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The visible text of an HTML edition, blocks separated by newlines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)
