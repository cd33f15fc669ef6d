"""Gate: the print typography of issue #10 (items 1 to 5), measured from each PDF itself.

Every glyph's box, font size and order come from PDFium (pypdfium2): no layout is
re-computed and no HTML is read. The words of the edition that matter here — the country's
name, the words the locale never hyphenates, the sources' web addresses — come from the
project under ``--root``.

Terms
-----

- *Glyph box*: PDFium's loose character box (the font's advance width by ascent plus
  descent), so the glyphs of a word, and the spaces between words, touch.
- *Size* of a glyph: its font size in points (PDFium's font size times the text matrix's scale).
  One *em* is the size of the text in question.
- *Line*: glyphs in PDFium's reading order until PDFium ends the line, a glyph no longer
  shares at least half its height with the line, or a glyph steps back to the left; its size
  is the most common size of its glyphs.
- *Body area*: the page less the margins of the plain ``@page`` rule of
  ``templates/css/*.css``, on the first page with ``@page :first`` over it (as in the
  ``text-in-bounds`` gate). The *head* is the text above
  the body area, the *foot* the text below it; *body lines* are the lines whose middle lies
  in it. *Body content* is the body lines plus every non-text page object (path, image,
  shading, form: an SVG figure such as the profile's wheel) that lies in the body area.
- *Outline entry*: a bookmark, with the page and height its destination points to. The
  entry on the cover (the report's title) opens no section.
- *Cover*: page 1. *Contents*: a page, or run of consecutive pages, whose link annotations
  land on (page and height within ``LINK_SLACK``) every outline entry of the highest level
  the sections use that starts after its first page — at least ``CONTENTS_MIN_ENTRIES`` of
  them; a page of figure links (a wheel linking to the domains alone) is not one.
  *Imprint*: a front-matter page after the cover that no outline entry covers yet: it lies
  before the page of the first outline entry after the cover. *Last page*: the report's
  last page.

Rules (a finding names the edition, the page and the text)
----------------------------------------------------------

``running head``
    On every page with text in the head: the head is one line; its parts (the margin
    boxes: runs of glyphs that touch, and that one text object draws unless a space glyph
    joins them) are at least 1 em of the head's size apart; and on a page some section
    has started by, the head names the section the page is in at its top — the last
    outline entry whose destination is on an earlier page, or on this page at or above its
    first body content (half its first line of slack: a destination is the heading's box,
    which may sit a point below the glyphs' top). The head *names* the section when its
    text ends with the entry's title or, for a numbered subsection (an entry below the
    sections' highest level whose title starts with a number followed by ``.`` or ``:``),
    holds that number followed by ``:`` — the short running label ``Domain 3:
    Partnerships`` names ``3. Engages with partners …``.
``page fill``
    No page but the cover, an imprint, the contents and the last page is filled less than
    ``MIN_FILL``. A page's fill is the height from the top of its body area to the bottom of
    the lowest body content that hangs together with what is above it (no vertical gap of
    more than ``FLOW_GAP`` of the body height: a footnote set at the foot of an otherwise
    empty page does not fill it), over the body area's height.
``hyphenation``
    A line is *hyphenated* when its last glyph is the hyphen that hyphenation draws:
    U+2010 as WeasyPrint writes it, or U+00AD / U+0002 / U+FFFE where the PDF marks it as a
    soft hyphen (``/ActualText``) and PDFium reports that instead. A hard hyphen (U+002D) at a
    line end is a compound broken at its own hyphen, not hyphenation. The word is joined
    from the letters before the hyphen and those that open the next line of the same size
    (on the same page, else the next page's first). Findings: more than
    ``MAX_HYPHENATED_RUN`` hyphenated lines in a row (the ladder is named by its words); a
    word of fewer than ``MIN_HYPHENATED_WORD`` letters hyphenated; fewer than
    ``MIN_FRAGMENT`` letters before or after the hyphen; a word cut by a page break (the
    last body line of a page hyphenated); a break inside the country's name
    (in any language of the project: a source may quote it in any) or inside a word a
    locale lists as never to be hyphenated (``never_hyphenate`` in its ``locale.yaml``),
    compared without case.
``address break``
    A source's web address (the country data's ``url``, as written or percent-decoded)
    whose text runs over a line end breaks only after one of ``URL_BREAKS`` — never
    between two letters or digits, never after anything else. Lines are read in order across
    the whole document, hyphenation hyphens at a line end and invisible break characters
    (zero-width space, word joiner, soft hyphen) left out.
``measure``
    The edition's body text is the most common size of the glyphs on its pages other than
    the cover, an imprint and the contents. A *full line* of it is a line of that size that
    reaches within ``FULL_LINE_SLACK`` ems of the right end of its column (the rightmost end
    of the lines of that size on the page that share its horizontal extent): a paragraph's
    last line, headings, tables and footnotes (other sizes, or short lines) are left out.
    Characters are counted as PDFium reads the line: spaces and a line-end hyphen included.
    The median over all full lines of the edition must lie within ``MEASURE``.
"""

from __future__ import annotations

import ctypes
import math
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..merge import never_hyphenate as kept_whole
from ..model import Project
from .context import GateContext
from .model import Finding, Gate, Outcome, Target, each
from .pdf_bounds import Box, Margins, page_margins
from .pdf_bounds import tool as pdfium_tool
from .pdf_text import spec_of

RUNNING_HEAD = "running head"
PAGE_FILL = "page fill"
HYPHENATION = "hyphenation"
ADDRESS_BREAK = "address break"
MEASURE_RULE = "measure"

#: Issue #10 item 1: a head's parts at least this many ems apart, or they read as one.
HEAD_GAP = 1.0
#: Glyphs closer than this (ems) belong to one run: a word space is a glyph of its own, so
#: the words of a margin box touch, and only the gap between two margin boxes is empty.
TOUCH = 0.15
#: Item 2: a page less full than this (of its body height) is "near-empty".
MIN_FILL = 1 / 3
#: A vertical gap larger than this share of the body height ends the page's flowing content
#: (what lies below, such as a footnote at the foot of the page, does not fill the page).
FLOW_GAP = 0.15
#: Item 3: a ladder of more hyphenated lines in a row than this is noticed by a reader.
MAX_HYPHENATED_RUN = 2
#: Item 3: shorter words are not hyphenated (the joined word's letters).
MIN_HYPHENATED_WORD = 7
#: Item 3: letters at least on each side of a hyphenation break.
MIN_FRAGMENT = 3
#: The glyph hyphenation draws at a line end (WeasyPrint: U+2010), and what PDFium reports
#: for it when the PDF marks it as a soft hyphen (U+00AD, or PDFium's own U+0002).
HYPHENATION_HYPHENS = frozenset("\u2010\u00ad\x02\ufffe")
#: Item 4: the only characters after which a web address may break.
URL_BREAKS = frozenset("/.-_?&=#")
#: Invisible characters a renderer may put into an address as break opportunities.
INVISIBLE = frozenset("\u200b\u2060\u00ad\ufeff")
#: Item 5: comfortable reading, characters per line (median of full body lines).
MEASURE = (55, 80)
#: A ragged-right line that is not a paragraph's last ends within the width of the word that
#: did not fit; hyphenation keeps that short. Lines ending further left are last lines.
FULL_LINE_SLACK = 6.0
#: Points by which a link's destination may miss an outline entry's and still land on it.
LINK_SLACK = 2.0
#: A contents page lists at least this many sections of the outline's highest level.
CONTENTS_MIN_ENTRIES = 2
#: A glyph shares at least this share of its height with the line it is on.
SAME_LINE = 0.5


# -- Reading a PDF -------------------------------------------------------------------------

@dataclass(frozen=True)
class Glyph:
    """One character as PDFium reads it; ``generated`` characters (a space PDFium infers
    between words) have no box of their own."""

    char: str
    box: Box
    size: float
    generated: bool = False
    drawn_by: int = 0  # the text object (PDFium's handle)


@dataclass(frozen=True)
class Line:
    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    @property
    def drawn(self) -> tuple[Glyph, ...]:
        return tuple(g for g in self.glyphs if not g.generated)

    @property
    def box(self) -> Box:
        boxes = [g.box for g in self.drawn]
        return Box(min(b.left for b in boxes), min(b.bottom for b in boxes),
                   max(b.right for b in boxes), max(b.top for b in boxes))

    @property
    def size(self) -> float:
        sizes = Counter(g.size for g in self.drawn if not g.char.isspace())
        return sizes.most_common(1)[0][0] if sizes else self.drawn[0].size

    @property
    def middle(self) -> float:
        box = self.box
        return (box.top + box.bottom) / 2

    def parts(self) -> list[list[Glyph]]:
        """The line's parts, left to right: runs of glyphs that touch and, where no space
        glyph lies between them, come from one text object (two margin boxes set flush
        against each other are still two parts)."""
        parts: list[list[Glyph]] = []
        for glyph in sorted(self.drawn, key=lambda g: g.box.left):
            if parts and _same_part(parts[-1][-1], glyph):
                parts[-1].append(glyph)
            else:
                parts.append([glyph])
        return parts

    def runs(self) -> list[str]:
        """The text of the line's parts."""
        return ["".join(g.char for g in part).strip() for part in self.parts()]

    def gaps(self) -> list[float]:
        """The widths between the line's parts, left to right (0 where they touch)."""
        parts = self.parts()
        return [max(0.0, b[0].box.left - max(g.box.right for g in a))
                for a, b in pairwise(parts)]


def _same_part(previous: Glyph, glyph: Glyph) -> bool:
    if glyph.box.left - previous.box.right > TOUCH * glyph.size:
        return False
    return (previous.drawn_by == glyph.drawn_by or previous.char.isspace()
            or glyph.char.isspace())


@dataclass(frozen=True)
class Mark:
    """An outline entry: the page (1-based) and height (PDF units, from the bottom) its
    destination points to, its title and level (0: top level)."""

    page: int
    y: float
    title: str
    level: int


@dataclass(frozen=True)
class Page:
    number: int
    size: Box
    body: Box
    head: tuple[Line, ...]
    lines: tuple[Line, ...]  # body lines, in reading order
    objects: tuple[Box, ...]  # non-text page objects in the body area
    links: tuple[tuple[int, float], ...]  # internal links: target page (1-based) and height

    def content(self) -> list[Box]:
        return [line.box for line in self.lines] + list(self.objects)


@dataclass(frozen=True)
class Document:
    edition: str
    pages: tuple[Page, ...]
    marks: tuple[Mark, ...]


def read(path: Path | bytes, edition: str, margins: Margins | None,
         first: Margins | None = None) -> Document:
    """The pages of a PDF as lines and boxes, with its outline. Without margins the whole
    page is the body (no head); the first page's are ``first`` when given."""
    document = pdfium.PdfDocument(str(path) if isinstance(path, Path) else path)
    try:
        pages = tuple(_read_page(document, index, first if index == 0 and first else margins)
                      for index in range(len(document)))
        marks = tuple(_marks(document))
    finally:
        document.close()
    return Document(edition, pages, marks)


def _marks(document: Any) -> Iterator[Mark]:
    for bookmark in document.get_toc():
        destination = bookmark.get_dest()
        if destination is None:
            continue
        index = destination.get_index()
        _, position = destination.get_view()
        height = document.get_page_size(index)[1]
        y = position[1] if len(position) > 1 and position[1] is not None else height
        yield Mark(index + 1, float(y), " ".join(bookmark.get_title().split()),
                   bookmark.level)


def _read_page(document: Any, index: int, margins: Margins | None) -> Page:
    page = document[index]
    try:
        width, height = page.get_size()
        size = Box(0, 0, width, height)
        body = size if margins is None else Box(margins.left, margins.bottom,
                                                width - margins.right, height - margins.top)
        textpage = page.get_textpage()
        try:
            lines = list(_lines(textpage))
        finally:
            textpage.close()
        head = tuple(line for line in lines if line.middle > body.top)
        inside = tuple(line for line in lines if body.bottom <= line.middle <= body.top)
        objects = tuple(box for box in _object_boxes(page) if box.inside(body))
        links = tuple(_links(document, page))
    finally:
        page.close()
    return Page(index + 1, size, body, head, inside, objects, links)


def _lines(textpage: Any) -> Iterator[Line]:
    raw = textpage.raw
    matrix = pdfium_c.FS_MATRIX()
    current: list[Glyph] = []
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, index))
        generated = bool(pdfium_c.FPDFText_IsGenerated(raw, index))
        if generated and char in "\r\n":
            if any(not g.generated for g in current):
                yield Line(tuple(current))
            current = []
            continue
        if generated:
            if current:
                last = current[-1]
                current.append(Glyph(" ", Box(last.box.right, last.box.bottom,
                                              last.box.right, last.box.top),
                                     last.size, generated=True))
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        if char == "\x00" or top <= bottom:
            continue
        pdfium_c.FPDFText_GetMatrix(raw, index, ctypes.byref(matrix))
        scale = math.hypot(matrix.c, matrix.d) or 1.0
        size = round(pdfium_c.FPDFText_GetFontSize(raw, index) * scale, 1)
        drawn_by = ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, index),
                               ctypes.c_void_p).value or 0
        glyph = Glyph(char, Box(left, bottom, right, top), size, drawn_by=drawn_by)
        drawn = [g for g in current if not g.generated]
        if drawn and not _continues(drawn[-1], glyph):
            yield Line(tuple(current))
            current = []
        current.append(glyph)
    if any(not g.generated for g in current):
        yield Line(tuple(current))


def _continues(previous: Glyph, glyph: Glyph) -> bool:
    """The glyph goes on the line of the previous one: it shares enough of its height and
    does not step back to the left."""
    a, b = previous.box, glyph.box
    shared = min(a.top, b.top) - max(a.bottom, b.bottom)
    return (shared >= SAME_LINE * min(a.top - a.bottom, b.top - b.bottom)
            and b.left >= a.left - glyph.size)


def _object_boxes(page: Any) -> Iterator[Box]:
    for obj in page.get_objects(max_depth=1):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        left, bottom, right, top = obj.get_bounds()
        if right > left or top > bottom:
            yield Box(left, bottom, right, top)


def _links(document: Any, page: Any) -> Iterator[tuple[int, float]]:
    """The page's internal links: the page (1-based) and height they go to."""
    position, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
    has_x, has_y, has_zoom = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    x, y, zoom = ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        destination = pdfium_c.FPDFLink_GetDest(document.raw, link)
        if not destination:
            action = pdfium_c.FPDFLink_GetAction(link)
            if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_GOTO:
                continue
            destination = pdfium_c.FPDFAction_GetDest(document.raw, action)
        if not destination:
            continue
        target = pdfium_c.FPDFDest_GetDestPageIndex(document.raw, destination)
        if target < 0:
            continue
        pdfium_c.FPDFDest_GetLocationInPage(
            destination, ctypes.byref(has_x), ctypes.byref(has_y), ctypes.byref(has_zoom),
            ctypes.byref(x), ctypes.byref(y), ctypes.byref(zoom))
        yield target + 1, float(y.value) if has_y.value else math.inf


# -- Which page is which -------------------------------------------------------------------

def sections(document: Document) -> list[Mark]:
    """The outline entries that open sections: all but those on the cover."""
    return [mark for mark in document.marks if mark.page > 1]


def contents_pages(document: Document) -> set[int]:
    """The contents: runs of pages whose links land on every outline entry of the sections'
    highest level that starts after the run's first page (at least
    ``CONTENTS_MIN_ENTRIES``)."""
    marks = sections(document)
    found: set[int] = set()

    def lands(link: tuple[int, float], mark: Mark) -> bool:
        return link[0] == mark.page and abs(link[1] - mark.y) <= LINK_SLACK

    run: list[Page] = []
    for page in [*document.pages, None]:
        forward = page is not None and any(
            lands(link, mark) for link in page.links for mark in marks
            if mark.page > page.number)
        if forward and page is not None:
            run.append(page)
            continue
        if run:
            first = run[0].number
            top = min(m.level for m in marks)
            wanted = [m for m in marks if m.level == top and m.page > first]
            reached = [m for m in wanted
                       if any(lands(link, m) for p in run for link in p.links)]
            if len(wanted) >= CONTENTS_MIN_ENTRIES and len(reached) == len(wanted):
                found.update(p.number for p in run)
        run = []
    return found


def front_matter(document: Document) -> set[int]:
    """Imprint pages: after the cover, before the page the first section starts on."""
    marks = sections(document)
    first = min((m.page for m in marks), default=len(document.pages) + 1)
    return set(range(2, first))


def exempt_pages(document: Document) -> dict[int, str]:
    """Pages that may be nearly empty, and why."""
    exempt = dict.fromkeys(front_matter(document), "imprint")
    exempt.update(dict.fromkeys(contents_pages(document), "contents"))
    exempt[1] = "cover"
    exempt.setdefault(len(document.pages), "last page")
    return exempt


# -- Rule 1: running heads -----------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    """A page's running head: its text, how many lines it takes, its parts, the narrowest
    gap between two parts (infinite with one part) and its size (1 em, in points)."""

    page: int
    lines: int
    text: str
    parts: tuple[str, ...]
    gap: float
    size: float


def heads(document: Document) -> list[Head]:
    """The running head of every page that has one."""
    found = []
    for page in document.pages:
        if not page.head:
            continue
        text = " ".join(" ".join(line.text.split()) for line in page.head)
        parts = tuple(part for line in page.head for part in line.runs() if part)
        gaps = [gap for line in page.head for gap in line.gaps()]
        size = max(line.size for line in page.head)
        found.append(Head(page.number, len(page.head), text, parts, min(gaps, default=math.inf),
                          size))
    return found


def sections_at_top(document: Document) -> dict[int, Mark]:
    """For every page some section has started by, the section it is in at its top: the
    last outline entry on an earlier page, or on this page at or above its first body
    line (half that line's height of slack)."""
    marks = sorted(sections(document), key=lambda m: (m.page, -m.y))
    current: dict[int, Mark] = {}
    for page in document.pages:
        content = page.content()
        if content:
            top = max(box.top for box in content)
            lines = [line.box for line in page.lines]
            first = max(lines, key=lambda b: b.top) if lines else None
            limit = top - ((first.top - first.bottom) / 2 if first else 0.0)
        else:
            limit = page.body.bottom
        started = [m for m in marks
                   if m.page < page.number or (m.page == page.number and m.y >= limit)]
        if started:
            current[page.number] = started[-1]
    return current


NUMBERED = re.compile(r"^\D*?(\d+)[.:]")


def names_section(head: str, mark: Mark, top_level: int = 0) -> bool:
    """The head's text names the section: it ends with its title, or, for a numbered
    subsection (below ``top_level``), holds its number as a running label (``Domain 3:``)."""
    number = NUMBERED.match(mark.title)
    if mark.level > top_level and number:
        # In a right-to-left head the colon, a neutral, is read out on either side.
        label = number.group(1)
        return re.search(rf"(?<!\d)(?:{label}:|:{label}(?!\d))", head) is not None
    return head.endswith(mark.title)


def running_head_findings(document: Document) -> Iterator[Finding]:
    expected = sections_at_top(document)
    top_level = min((m.level for m in sections(document)), default=0)
    for head in heads(document):
        where = f"{document.edition} page {head.page}"
        if head.lines > 1:
            yield Finding(RUNNING_HEAD, where, f"the head wraps to {head.lines} lines: "
                                               f"“{head.text}”")
        if head.gap < HEAD_GAP * head.size:
            yield Finding(RUNNING_HEAD, where,
                          f"the head's parts are {head.gap:.1f} pt apart, less than 1 em "
                          f"({head.size:.1f} pt): {' | '.join(f'“{p}”' for p in head.parts)}")
        mark = expected.get(head.page)
        if mark is not None and not names_section(head.text, mark, top_level):
            yield Finding(RUNNING_HEAD, where,
                          f"the head “{head.text}” does not name the section the page is in "
                          f"at its top, “{mark.title}”")


# -- Rule 2: page fill ---------------------------------------------------------------------

def fill(page: Page) -> float:
    """How much of the body area's height the page's flowing content fills (0 to 1)."""
    height = page.body.top - page.body.bottom
    if height <= 0:
        return 1.0
    bottom = page.body.top
    for box in sorted(page.content(), key=lambda b: -b.top):
        if box.top < bottom - FLOW_GAP * height:
            break
        bottom = min(bottom, box.bottom)
    return max(0.0, min(1.0, (page.body.top - bottom) / height))


def page_fill_findings(document: Document) -> Iterator[Finding]:
    exempt = exempt_pages(document)
    for page in document.pages:
        if page.number in exempt:
            continue
        filled = fill(page)
        if filled < MIN_FILL:
            text = " ".join(line.text for line in page.lines)
            quoted = " ".join(text.split())
            if len(quoted) > 80:
                quoted = quoted[:80] + " …"
            yield Finding(PAGE_FILL, f"{document.edition} page {page.number}",
                          f"the page is {filled:.0%} full (at least {MIN_FILL:.0%} wanted): "
                          f"“{quoted}”")


# -- Rule 3: hyphenation -------------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    """A line that ends in a hyphen PDFium may report for hyphenation: the page, the line's
    index among the page's body lines, the text before the hyphen (back to the last space),
    the next line's first word, and whether the hyphen is a hard one (the content writes
    the two parts joined by a hyphen-minus: PDFium reads a hyphen-minus after a letter at a
    line end as U+0002, as it does a soft hyphen)."""

    page: int
    index: int
    before: str
    after: str
    hard: bool
    across_pages: bool = False

    @property
    def left(self) -> str:
        return _leading(self.before[::-1], _is_letter)[::-1]

    @property
    def right(self) -> str:
        return _leading(self.after, _is_letter)

    @property
    def shown(self) -> str:
        return f"{self.before}{'-' if self.hard else chr(0x2010)}{self.after}"


def _is_letter(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char).startswith("M")


def _is_word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _leading(text: str, wanted: Any) -> str:
    """The characters that open ``text`` and pass ``wanted``."""
    end = 0
    while end < len(text) and wanted(text[end]):
        end += 1
    return text[:end]


def compounds(texts: Iterable[str]) -> frozenset[str]:
    """Every ``left-right`` pair of word characters joined by a hyphen-minus in ``texts``,
    lower case: what a hard hyphen at a line end may be part of."""
    pairs = set()
    for text in texts:
        for position, char in enumerate(text):
            if char != "-":
                continue
            left = _leading(text[:position][::-1], _is_word_char)[::-1]
            right = _leading(text[position + 1:], _is_word_char)
            if left and right:
                pairs.add(f"{left}-{right}".lower())
    return frozenset(pairs)


def _next_line(document: Document, page: Page, index: int,
               size: float) -> tuple[Line | None, bool]:
    """The line a cut word goes on in: the next of the same size on the page, else the
    first of that size on the next page; and whether it is on the next page."""
    for line in page.lines[index + 1:]:
        if line.size == size:
            return line, False
    if page.number < len(document.pages):
        for line in document.pages[page.number].lines:
            if line.size == size:
                return line, True
    return None, False


def breaks(document: Document, hard_pairs: frozenset[str] = frozenset()
           ) -> dict[tuple[int, int], Break]:
    """Every body line that ends in a hyphenation hyphen, by page and line index."""
    found = {}
    for page in document.pages:
        for index, line in enumerate(page.lines):
            text = line.text.rstrip()
            if len(text) < 2 or text[-1] not in HYPHENATION_HYPHENS:
                continue
            words = text[:-1].split()
            following, across_pages = _next_line(document, page, index, line.size)
            after = following.text.split() if following else []
            before = words[-1] if words else ""
            first = after[0].rstrip("".join(HYPHENATION_HYPHENS)) if after else ""
            pair = (f"{_leading(before[::-1], _is_word_char)[::-1]}-"
                    f"{_leading(first, _is_word_char)}").lower()
            hard = text[-1] != "\u2010" and pair in hard_pairs
            found[page.number, index] = Break(page.number, index, before, first, hard,
                                              across_pages)
    return found


def hyphenation_findings(document: Document, protected: Iterable[str],
                         hard_pairs: frozenset[str] = frozenset()) -> Iterator[Finding]:
    words = {word.lower(): word for word in protected if word}
    cuts = {key: cut for key, cut in breaks(document, hard_pairs).items() if not cut.hard}
    for cut in cuts.values():
        where = f"{document.edition} page {cut.page}"
        word = cut.left + cut.right
        if len(word) < MIN_HYPHENATED_WORD:
            yield Finding(HYPHENATION, where,
                          f"“{cut.shown}”: a word of {len(word)} letters is hyphenated "
                          f"(at least {MIN_HYPHENATED_WORD})")
        if cut.across_pages:
            yield Finding(HYPHENATION, where,
                          f"“{cut.shown}”: the word is cut by the page break")
        if min(len(cut.left), len(cut.right)) < MIN_FRAGMENT:
            yield Finding(HYPHENATION, where,
                          f"“{cut.shown}”: {len(cut.left)} letters before the hyphen and "
                          f"{len(cut.right)} after (at least {MIN_FRAGMENT} each)")
        joined = (cut.before + cut.after).lower()
        position = len(cut.before)
        for lower, protected_word in words.items():
            start = joined.find(lower)
            while start >= 0:
                if start < position < start + len(lower):
                    yield Finding(HYPHENATION, where,
                                  f"“{cut.shown}”: “{protected_word}” is never hyphenated")
                    break
                start = joined.find(lower, start + 1)
    for page in document.pages:
        run: list[Break] = []
        for index in range(len(page.lines) + 1):
            ended = cuts.get((page.number, index))
            if ended is not None:
                run.append(ended)
                continue
            if len(run) > MAX_HYPHENATED_RUN:
                yield Finding(HYPHENATION, f"{document.edition} page {page.number}",
                              f"{len(run)} hyphenated lines in a row (at most "
                              f"{MAX_HYPHENATED_RUN}): "
                              + ", ".join(f"“{c.shown}”" for c in run))
            run = []


# -- Rule 4: web addresses -----------------------------------------------------------------

def address_findings(document: Document, urls: Iterable[str],
                     hard_pairs: frozenset[str] = frozenset()) -> Iterator[Finding]:
    """Every line end inside a source's address, checked against ``URL_BREAKS``."""
    cuts = breaks(document, hard_pairs)
    stream: list[str] = []
    ends: dict[int, int] = {}  # offset of a line end in the stream -> page
    offset = 0
    for page in document.pages:
        for index, line in enumerate(page.lines):
            text = "".join(c for c in line.text.strip() if c not in INVISIBLE)
            cut = cuts.get((page.number, index))
            if cut is not None:
                text = text[:-1] + ("-" if cut.hard else "")
            stream.append(text)
            offset += len(text)
            ends[offset] = page.number
    joined = "".join(stream)
    reported: set[int] = set()
    for url in dict.fromkeys(form for address in urls for form in (address, unquote(address))):
        start = joined.find(url)
        while start >= 0:
            for offset in range(start + 1, start + len(url)):
                page_number = ends.get(offset)
                if page_number is None or offset in reported:
                    continue
                reported.add(offset)
                before, after = joined[offset - 1], joined[offset]
                if before in URL_BREAKS:
                    continue
                shown = (f"{joined[max(start, offset - 24):offset]}|"
                         f"{joined[offset:min(start + len(url), offset + 12)]}")
                kind = ("between two letters or digits" if before.isalnum() and after.isalnum()
                        else f"after “{before}”")
                yield Finding(ADDRESS_BREAK, f"{document.edition} page {page_number}",
                              f"“{shown}”: the address breaks {kind}, not after one of "
                              f"{' '.join(sorted(URL_BREAKS))} ({url})")
            start = joined.find(url, start + 1)


# -- Rule 5: measure -----------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """The edition's body size, its full lines' characters, and the median."""

    size: float
    lines: tuple[tuple[int, str], ...]  # page, text

    @property
    def median(self) -> float:
        return float(statistics.median(len(text) for _, text in self.lines))


def measure(document: Document) -> Measure | None:
    exempt = {n for n, why in exempt_pages(document).items() if why != "last page"}
    pages = [page for page in document.pages if page.number not in exempt]
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes.update(g.size for g in line.drawn if not g.char.isspace())
    if not sizes:
        return None
    size = sizes.most_common(1)[0][0]
    full: list[tuple[int, str]] = []
    for page in pages:
        body = [line for line in page.lines if line.size == size]
        for line in body:
            box = line.box
            column = max(other.box.right for other in body
                         if other.box.left < box.right and other.box.right > box.left)
            if box.right >= column - FULL_LINE_SLACK * size:
                full.append((page.number, " ".join(line.text.split())))
    return Measure(size, tuple(full)) if full else None


def measure_findings(document: Document) -> Iterator[Finding]:
    found = measure(document)
    if found is None:
        return
    low, high = MEASURE
    median = found.median
    if low <= median <= high:
        return
    example = min(found.lines, key=lambda line: abs(len(line[1]) - median))
    pages = sorted({page for page, _ in found.lines})
    yield Finding(MEASURE_RULE, f"{document.edition} pages {pages[0]}-{pages[-1]}",
                  f"body text ({found.size:g} pt) has a median of {median:g} characters per "
                  f"line over {len(found.lines)} full lines ({low} to {high} wanted), e.g. "
                  f"page {example[0]}: “{example[1]}”")


# -- The gate ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Words:
    """What the project says about an edition's words: the country's names that must not be
    split, the words its locale never hyphenates, and the sources' web addresses."""

    protected: tuple[str, ...]
    urls: tuple[str, ...]
    hard_hyphens: frozenset[str] = frozenset()


def edition_words(project: Project, target: Target,
                  never_hyphenate: Sequence[str] = ()) -> Words:
    """The country's name (each word of it) in every language of the project (a source
    may quote it in any), the words the locales never hyphenate, plus
    ``never_hyphenate``, as the build keeps them whole (:func:`merge.never_hyphenate`);
    and the country's source addresses."""
    spec = spec_of(target)
    protected = [*never_hyphenate, *(word for words in
                                     kept_whole(project, spec.country).values()
                                     for word in words)]
    country = project.countries.get(spec.country)
    groups = country.sources if country else ()
    urls = tuple(entry.url for group in groups for entry in group.entries if entry.url)
    texts = [*urls, *(group.publisher for group in groups),
             *(text for group in groups for entry in group.entries
               for text in (*(part.text for part in entry.title), entry.details or ""))]
    for bundle in project.bundles.values():
        for entry in bundle.entries.values():
            texts.append(entry.value)
    return Words(tuple(dict.fromkeys(protected)), urls, compounds(texts))


def findings(document: Document, words: Words) -> list[Finding]:
    """Every finding of rules 1 to 5 on one edition."""
    return [*running_head_findings(document), *page_fill_findings(document),
            *hyphenation_findings(document, words.protected, words.hard_hyphens),
            *address_findings(document, words.urls, words.hard_hyphens),
            *measure_findings(document)]


def load(source: Path | bytes, edition: str, root: Path) -> tuple[Document, bool]:
    """A PDF read with the body area of the project's stylesheets under ``root``; and
    whether those gave margins (without, the whole page is the body and no head is read)."""
    document = pdfium.PdfDocument(str(source) if isinstance(source, Path) else source)
    try:
        width = float(document.get_page_size(0)[0]) if len(document) else 0.0
    finally:
        document.close()
    css = sorted((root / "templates" / "css").glob("*.css"))
    margins = page_margins(css, width)
    return read(source, edition, margins, page_margins(css, width, first=True)), \
        margins is not None


def check(context: GateContext, targets: Sequence[Target]) -> Mapping[Path, Outcome]:
    project = context.project

    def one(target: Target) -> Outcome:
        document, has_margins = load(target.path, target.edition, context.root)
        note = "" if has_margins else "no @page margins in templates/css: no running head read"
        return Outcome.of(findings(document, edition_words(project, target)), note)

    return each(targets, one)


def tool(context: GateContext) -> str:
    return pdfium_tool(context)


GATE = Gate("typography", "pdf",
            "PDFium glyph boxes: running heads on one line, an em apart, naming the section; "
            "no near-empty page; hyphenation; web-address breaks; body measure 55 to 80",
            check, tool)
