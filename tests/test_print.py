"""Print typography measured from the PDFs themselves (issue: publication-grade print).

Positions come from PDFium's character boxes; a page's running head is the text in the band
above the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import pypdfium2 as pdfium
import pytest

from conftest import SessionBuild

HEAD_BAND = 60.0  # points from the top edge: the head sits in the top margin
BODY_TOP = 95.0  # points from the top edge: a heading above this opens the page
DOMAIN_NUMBER = re.compile(r"^\D*?(\d+)[.:]")
#: A glyph's loose box is the font's ascent plus descent: 1.362 em for Noto Sans.
LINE_HEIGHT_EMS = 1.362


@dataclass(frozen=True)
class Head:
    page: int
    lines: int
    text: str
    gap: float
    size: float


def heads(pdf: bytes) -> list[Head]:
    """The running head of every page but the cover."""
    document = pdfium.PdfDocument(pdf)
    found = []
    try:
        for index in range(1, len(document)):
            page = document[index]
            _, height = page.get_size()
            textpage = page.get_textpage()
            chars = []
            for i in range(textpage.count_chars()):
                left, bottom, right, top = textpage.get_charbox(i, loose=True)
                if bottom > height - HEAD_BAND and right > left:
                    chars.append((left, right, round(bottom), top - bottom))
            if not chars:
                continue
            chars.sort()
            gaps = [b[0] - a[1] for a, b in pairwise(chars)]
            em = max(c[3] for c in chars) / LINE_HEIGHT_EMS
            text = textpage.get_text_bounded(0, height - HEAD_BAND, page.get_size()[0], height)
            found.append(Head(index + 1, len({c[2] for c in chars}), text, max(gaps), em))
    finally:
        document.close()
    return found


@pytest.mark.parametrize("report", ["snapshot", "profile"])
@pytest.mark.parametrize("locale", ["en", "de", "ru"])
def test_running_heads_never_wrap_and_keep_their_parts_an_em_apart(
        built: SessionBuild, report: str, locale: str) -> None:
    edition = built.edition("kaz", report, locale)
    found = heads(edition.pdf)
    assert found, "no running heads"
    for head in found:
        assert head.lines == 1, f"page {head.page}: {head.text!r} wraps"
        assert head.gap >= head.size, f"page {head.page}: {head.text!r} parts run together"


def sections_at_top(pdf: bytes) -> dict[int, tuple[str, int]]:
    """For every page but the cover, the section the page is in at its top: the title and
    outline level of the last bookmark before it, or of one at the very top of the page."""
    document = pdfium.PdfDocument(pdf)
    try:
        marks = []
        for bookmark in document.get_toc():
            destination = bookmark.get_dest()
            if destination is None or destination.get_index() == 0:
                continue
            _, position = destination.get_view()
            height = document.get_page_size(destination.get_index())[1]
            marks.append((destination.get_index() + 1, height - position[1],
                          bookmark.get_title(), bookmark.level))
        pages = len(document)
    finally:
        document.close()
    current: dict[int, tuple[str, int]] = {}
    for page in range(2, pages + 1):
        started = [m for m in marks if m[0] < page or (m[0] == page and m[1] <= BODY_TOP)]
        if started:
            current[page] = (started[-1][2], started[-1][3])
    return current


@pytest.mark.parametrize("report", ["snapshot", "profile"])
@pytest.mark.parametrize("locale", ["en", "de", "ru"])
def test_each_page_is_headed_by_the_section_it_is_in_at_its_top(
        built: SessionBuild, report: str, locale: str) -> None:
    """A domain is named by its number and short label (from content), never its long
    title; other sections by their heading."""
    edition = built.edition("kaz", report, locale)
    expected = sections_at_top(edition.pdf)
    for head in heads(edition.pdf):
        title, level = expected[head.page]
        number = DOMAIN_NUMBER.match(title)
        if level > 0 and number:
            label = f" {number.group(1)}: "
            assert label in head.text, (head.page, head.text, title)
            if label not in title:  # the snapshot's long title, not the profile's label
                assert title not in head.text, (head.page, head.text)
        else:
            assert head.text.endswith(title), (head.page, head.text, title)
