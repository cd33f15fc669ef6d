"""Stage 1 of a diff: read a built PDF or HTML file into words that know where they are.

PDFs are read with pdfium, the renderer the visual stage uses, because every word then
carries the box it occupies on the page: that is what lets a text change be outlined on
the page images and pages be paired by their words. Running headers and page numbers
(text in the furniture band, as in ``inspect.pdf_text``) are kept out of the words, line-
end hyphenation is undone, and the contents page's dot leaders and page numbers are set
aside as ``references``: they change whenever anything reflows and are not wording.
"""

from __future__ import annotations

import bisect
import ctypes
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, ClassVar, Literal

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import InputError, Problem
from ..inspect import FURNITURE_BAND
from .model import Box

Kind = Literal["pdf", "html"]

#: A contents line: a title, a dot leader, a page number at the end of the line. A title
#: that fills its last line leaves room for one dot only; prose never puts a space before
#: its full stop.
LEADER = re.compile(r"\s+\.(?:\s*\.)*\s+(\d+)\s*$")
#: Line-end marks after which the next line continues the same word. PDFium reads a
#: line-end hyphen marked as a soft hyphen (mgi_report.tagging) as U+FFFE, and joins the
#: two lines itself: the word is split there again, so it is read as any hyphenated word.
JOIN_DROPPING = ("\u2010", "\u00ad", "\x02", "\ufffe")
JOIN_KEEPING = ("-", "/")
#: Ems between a line's last word and a page number set in a column of its own.
CONTENTS_GAP = 1.0


@dataclass(frozen=True)
class Word:
    text: str
    page: int  # 1-based; 0 for HTML, which has no pages
    boxes: tuple[Box, ...]  # one per line the word is on (two when hyphenated); none in HTML
    section: int  # index into Document.sections; -1 before the first heading
    #: The inline emphasis the word is set in (HTML: "em", "em strong" …; PDF: "").
    emphasis: str = ""
    #: The height of its first box in points, which grows with its font's rendered size
    #: (PDF; 0 in HTML): footnotes are set smaller than the body text.
    size: float = 0.0


@dataclass(frozen=True)
class Section:
    title: str
    level: int


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    start: int  # first word index
    end: int  # one past the last word index
    furniture: str
    references: tuple[str, ...]
    #: Each word of the running header and footer with its box, to compare the bands'
    #: pixels outside the words that differ (page numbers).
    furniture_words: tuple[tuple[str, Box], ...] = ()


@dataclass(frozen=True)
class Target:
    """Where a link or bookmark leads: an address, or a place (page, top) in the file."""

    uri: str = ""
    page: int = 0
    top: float = 0.0


@dataclass(frozen=True)
class Link:
    page: int
    box: Box
    text: str
    target: Target


@dataclass(frozen=True)
class Document:
    path: str
    kind: Kind
    data: bytes
    words: tuple[Word, ...]
    pages: tuple[Page, ...]
    sections: tuple[Section, ...]
    metadata: dict[str, str]
    links: tuple[Link, ...] = ()
    #: Bookmarks in outline order: level, title, target.
    bookmarks: tuple[tuple[int, str, Target], ...] = ()
    language: str = ""

    def section_title(self, index: int) -> str:
        return self.sections[index].title if index >= 0 else "(before the first heading)"

    def section_at(self, page: int, top: float) -> str:
        """The section of the last word above ``top`` on the page (or before the page)."""
        info = self.pages[page - 1]
        above = [w for w in self.words[info.start:info.end]
                 if w.boxes and w.boxes[0][1] <= top + 2]
        if above:
            return self.section_title(max(above, key=lambda w: w.boxes[0][1]).section)
        if info.start:
            return self.section_title(self.words[info.start - 1].section)
        if info.end > info.start:
            return self.section_title(self.words[info.start].section)
        return ""

    def page_words(self, number: int) -> tuple[str, ...]:
        page = self.pages[number - 1]
        return tuple(w.text for w in self.words[page.start:page.end])


def sniff(data: bytes) -> Kind | None:
    """What a file is, by its first bytes rather than its name."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def read_document(path: str, data: bytes) -> Document:
    kind = sniff(data)
    if kind == "pdf":
        return read_pdf(path, data)
    if kind == "html":
        return read_html(path, data)
    raise InputError([Problem(path, 0, "", "not a PDF or HTML file")])


# -- PDF ---------------------------------------------------------------------------------

UNPAIRED_SURROGATE = re.compile("[\ud800-\udbff](?![\udc00-\udfff])"
                                "|(?<![\ud800-\udbff])[\udc00-\udfff]")
#: Unicode's 66 noncharacters (U+FDD0-U+FDEF and the last two code points of every plane):
#: never text, but a PDF's text map or pdfium (U+FFFE for a soft hyphen) may give them.
NONCHARACTER = re.compile("[\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)) + "]")


def clean(text: str) -> str:
    """Text fit to print: unpaired surrogates replaced (U+FFFD), noncharacters dropped."""
    return NONCHARACTER.sub("", unpaired_replaced(text))


def read_pdf(path: str, data: bytes) -> Document:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError([Problem(path, 0, "", f"unreadable PDF: {exc}")]) from None
    try:
        marks = _bookmarks(pdf)
        keys = [(m[0], m[1]) for m in marks]
        words: list[Word] = []
        pages: list[Page] = []
        links: list[Link] = []
        carried: Token | None = None
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            tokens, furniture, references, dangling = _page_tokens(page, height)
            links.extend(_links(pdf, page, index + 1, height))
            if carried and tokens:
                tokens[0] = Token(_joined(carried.text, tokens[0].text), tokens[0].boxes,
                                  tokens[0].size)
            elif carried:
                tokens = [carried]
            carried = dangling
            if carried and index == len(pdf) - 1:
                tokens.append(carried)
            start = len(words)
            words.extend(Word(text, index + 1, t.boxes,
                              _section_at(keys, index + 1, t.boxes[0][1]),
                              size=round(t.boxes[0][3] - t.boxes[0][1], 1))
                         for t in tokens for text in [clean(t.text)] if text)
            pages.append(Page(index + 1, width, height, start, len(words), furniture[0],
                              references, furniture[1]))
        metadata = _metadata(pdf)
        language = _language(pdf)
    finally:
        pdf.close()
    sections = tuple(Section(title, level) for _, _, title, level in marks)
    bookmarks = tuple((level, title, Target(page=number, top=top))
                      for number, top, title, level in marks)
    return Document(path, "pdf", data, tuple(words), tuple(pages), sections, metadata,
                    tuple(links), bookmarks, language)


def _language(pdf: pdfium.PdfDocument) -> str:
    """The catalog's /Lang: the language a screen reader speaks the document in."""
    size = pdfium_c.FPDFCatalog_GetLanguage(pdf, None, 0)
    if size <= 2:
        return ""
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFCatalog_GetLanguage(pdf, buffer, size)
    return clean(bytes(buffer)[:size - 2].decode("utf-16-le", "replace"))


def _links(pdf: pdfium.PdfDocument, page: Any, number: int, height: float) -> list[Link]:
    """The page's link annotations: box, the text under it, and where it leads."""
    found: list[Link] = []
    textpage = page.get_textpage()
    position, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
    while pdfium_c.FPDFLink_Enumerate(page, ctypes.byref(position), ctypes.byref(link)):
        rect = pdfium_c.FS_RECTF()
        if not pdfium_c.FPDFLink_GetAnnotRect(link, ctypes.byref(rect)):
            continue
        low, high = sorted((rect.bottom, rect.top))
        box: Box = (round(rect.left, 1), round(height - high, 1), round(rect.right, 1),
                    round(height - low, 1))
        text = " ".join(clean(textpage.get_text_bounded(rect.left, low, rect.right, high)
                              ).split())
        text = LEADER.sub("", text)
        found.append(Link(number, box, text, _target(pdf, link)))
    return found


def _target(pdf: pdfium.PdfDocument, link: Any) -> Target:
    dest = pdfium_c.FPDFLink_GetDest(pdf, link)
    action = pdfium_c.FPDFLink_GetAction(link)
    if not dest and action:
        if pdfium_c.FPDFAction_GetType(action) == pdfium_c.PDFACTION_URI:
            size = pdfium_c.FPDFAction_GetURIPath(pdf, action, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFAction_GetURIPath(pdf, action, buffer, size)
            return Target(uri=clean(buffer.raw[:max(0, size - 1)].decode("latin-1")))
        dest = pdfium_c.FPDFAction_GetDest(pdf, action)
    if not dest:
        return Target()
    index = pdfium_c.FPDFDest_GetDestPageIndex(pdf, dest)
    has = [pdfium_c.FPDF_BOOL() for _ in range(3)]
    x, y, zoom = (pdfium_c.FS_FLOAT() for _ in range(3))
    top = 0.0
    if index >= 0 and pdfium_c.FPDFDest_GetLocationInPage(
            dest, *(ctypes.byref(h) for h in has), ctypes.byref(x), ctypes.byref(y),
            ctypes.byref(zoom)) and has[1]:
        top = round(pdf.get_page_size(index)[1] - y.value, 1)
    return Target(page=index + 1, top=top)


def _metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    """The document information and the file identifier: what differs between two builds
    of the same content when nothing a reader sees does."""
    metadata = {k: clean(str(v)) for k, v in pdf.get_metadata_dict().items() if v}
    for which, name in ((0, "ID (permanent)"), (1, "ID (changing)")):
        identifier = pdf.get_identifier(which)
        printable = identifier.isascii() and identifier.decode("ascii").isprintable()
        metadata[name] = identifier.decode("ascii") if printable else identifier.hex()
    return metadata


Mark = tuple[int, float, str, int]  # page, top (points from the top), title, level


def _bookmarks(pdf: pdfium.PdfDocument) -> list[Mark]:
    """The outline with each bookmark's page and height, so a word can find its section."""
    marks: list[Mark] = []
    for bookmark in pdf.get_toc():
        dest = bookmark.get_dest()
        if dest is None:
            continue
        number = dest.get_index() + 1
        mode, pos = dest.get_view()
        height = pdf.get_page_size(number - 1)[1]
        top = height - pos[1] if mode == pdfium_c.PDFDEST_VIEW_XYZ and pos else 0.0
        marks.append((number, top, clean(bookmark.get_title()), bookmark.level + 1))
    return marks


def _section_at(keys: list[tuple[int, float]], page: int, top: float) -> int:
    """The last bookmark at or above a word; 2 points of slack for the heading's own line."""
    return bisect.bisect_right(keys, (page, top + 2.0)) - 1


@dataclass(frozen=True)
class Token:
    """A word while a page is read: its text, its box per line, its font size."""

    text: str
    boxes: tuple[Box, ...]
    size: float

    @property
    def open_end(self) -> bool:
        """Ends in a hyphen or slash, so at a line end the word goes on."""
        return len(self.text) > 1 and self.text.endswith(JOIN_DROPPING + JOIN_KEEPING)


def _joined(first: str, second: str) -> str:
    return (first[:-1] if first.endswith(JOIN_DROPPING) else first) + second


def unpaired_replaced(text: str) -> str:
    """``text`` with each surrogate that is not half of a pair replaced by U+FFFD: a PDF's
    text map may name one, and no report could print it. Pairs stay as they are, so the
    text keeps its length and its offsets into pdfium's characters."""
    return UNPAIRED_SURROGATE.sub("\ufffd", text)


def _page_tokens(page: Any, height: float) -> tuple[
        list[Token], tuple[str, tuple[tuple[str, Box], ...]], tuple[str, ...], Token | None]:
    """A page's body words, its furniture text, its contents references, and a word cut
    at the end of the page's text (it goes on at the top of the next page)."""
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) != count:  # pdfium left chars out: read them one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    text = unpaired_replaced(text)
    lines: list[list[Token]] = []
    furniture: list[tuple[str, Box]] = []
    references: list[str] = []
    contents = any(LEADER.search(line) for line in text.splitlines())
    offset = 0
    for line in (part for physical in text.splitlines(keepends=True)
                 for part in re.split("(?<=\ufffe)", physical) if part):
        content = line.rstrip("\r\n")
        leader = LEADER.search(content)
        if leader:
            references.append(leader.group(1))
            content = content[:leader.start()]
        tokens = []
        for match in re.finditer(r"\S+", content):
            box = _word_box(textpage, offset + match.start(), offset + match.end() - 1, height)
            middle = (box[1] + box[3]) / 2
            if FURNITURE_BAND * height < middle < (1 - FURNITURE_BAND) * height:
                size = pdfium_c.FPDFText_GetFontSize(textpage, offset + match.start())
                tokens.append(Token(match.group(), (box,), size))
            else:
                furniture.append((clean(match.group()), box))
        if not leader and contents and set_apart_page_number(tokens):
            references.append(tokens.pop().text)
        lines.append(tokens)
        offset += len(line)
    words, dangling = _join_lines(lines)
    heads = tuple((text, box) for text, box in furniture if text)
    return words, (" ".join(t for t, _ in heads), heads), tuple(references), dangling


def set_apart_page_number(tokens: list[Token]) -> bool:
    """A line ends in a page number set apart in a column of its own (more than an em
    from the word before it): on a contents page (one with leaders), an entry whose title
    left no room for a leader dot. Running text never leaves such a gap."""
    if len(tokens) < 2 or not tokens[-1].text.isdigit():
        return False
    before, number = tokens[-2].boxes[-1], tokens[-1].boxes[0]
    return number[0] - before[2] > CONTENTS_GAP * tokens[-1].size


def _word_box(textpage: Any, first: int, last: int, height: float) -> Box:
    """The box of a word on one line, from its first and last glyphs' line-high boxes (in
    either order: right-to-left text, or a glyph pdfium cannot place, ends left of its
    start)."""
    left, bottom, right, top = textpage.get_charbox(first, loose=True)
    left2, bottom2, right2, top2 = textpage.get_charbox(last, loose=True)
    return (min(left, left2), height - max(top, top2), max(right, right2),
            height - min(bottom, bottom2))


def _join_lines(lines: list[list[Token]]) -> tuple[list[Token], Token | None]:
    """Undo line-end hyphenation and URL breaks. A cut word whose next line is in another
    size (a footnote below the text) or which ends the page goes on on the next page."""
    tokens: list[Token] = []
    dangling: Token | None = None
    for line in lines:
        if not line:
            continue
        if tokens and tokens[-1].open_end:
            if tokens[-1].size == line[0].size:
                last, first = tokens.pop(), line.pop(0)
                tokens.append(Token(_joined(last.text, first.text), last.boxes + first.boxes,
                                    last.size))
            elif dangling is None:
                dangling = tokens.pop()
        tokens.extend(line)
    if dangling is None and tokens and tokens[-1].open_end:
        dangling = tokens.pop()
    return tokens, dangling


# -- HTML --------------------------------------------------------------------------------

class _WordCollector(HTMLParser):
    """Visible text split at block boundaries; h1-h3 headings that are link targets open
    sections, like the bookmarks of the PDF made from the same HTML."""

    SKIP: ClassVar[frozenset[str]] = frozenset({"style", "script", "head", "title"})
    BLOCK: ClassVar[frozenset[str]] = frozenset({
        "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "figcaption",
        "tspan", "header", "section", "nav", "aside", "ol", "ul", "table", "br", "div"})

    EMPHASIS: ClassVar[frozenset[str]] = frozenset({
        "em", "strong", "i", "b", "u", "s", "mark", "code", "sup", "sub", "small", "cite"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, int, str]] = []
        self.emphasis: list[str] = []
        self.sections: list[Section] = []
        self.skipping = 0
        self.heading: tuple[str, int, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
            return
        if tag in self.BLOCK:
            self.parts.append(("\n", len(self.sections) - 1, ""))
        if tag in self.EMPHASIS:
            self.emphasis.append(tag)
        attributes = dict(attrs)
        hidden = "visually-hidden" in (attributes.get("class") or "")
        if tag in ("h1", "h2", "h3") and (tag == "h1" or attributes.get("id")) and not hidden:
            self.heading = (tag, 1 if tag in ("h1", "h2") else 2, [])
            self.sections.append(Section("", 0))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.heading and tag == self.heading[0]:
            _, level, text = self.heading
            self.sections[-1] = Section(" ".join("".join(text).split()), level)
            self.heading = None
        if tag in self.EMPHASIS and tag in self.emphasis:
            del self.emphasis[len(self.emphasis) - 1 - self.emphasis[::-1].index(tag)]
        if tag in self.BLOCK:
            self.parts.append(("\n", len(self.sections) - 1, ""))

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        data = clean(data)
        self.parts.append((data, len(self.sections) - 1, " ".join(self.emphasis)))
        if self.heading:
            self.heading[2].append(data)


def read_html(path: str, data: bytes) -> Document:
    try:
        html = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(path, 0, "", f"HTML is not UTF-8 ({exc.reason})")]) from None
    collector = _WordCollector()
    collector.feed(html)
    collector.close()
    words: list[Word] = []
    text, styles, current = "", set[str](), -1
    for data_, section, emphasis in [*collector.parts, ("\n", -2, "")]:
        for char in data_ if section == current else "\n" + data_:
            if char.isspace():
                if text:
                    words.append(Word(text, 0, (), current, " ".join(sorted(styles))))
                text, styles = "", set()
            else:
                text += char
                styles.update(emphasis.split())
        current = section
    return Document(path, "html", data, tuple(words), (), tuple(collector.sections), {})
