"""Gate: no text is clipped or outside the page, and no text strays into a margin box it does
not belong to.

Every word's box comes from PDFium (pypdfium2). A word belongs to the page body when its
marked content maps, through the structure tree's /ParentTree, to an element reachable from
/StructTreeRoot, and margin-box text when it maps to an element left out of the tree (as
WeasyPrint tags running headers and page numbers) or is a header or footer artifact (as
mgi_report.tagging marks them). Words the tags do not place (no marked-content id: another
artifact, such as the contents' leader dots; text in an SVG figure; an untagged PDF) are
placed by position:
body text when they touch the body area. The body area is the page less the ``@page`` margins of the
project's stylesheets (templates/css/*.css). Rules, per word:

- ``outside page``: the box leaves the page (clipped by the sheet's edge);
- ``in margin``: body text reaches into the page margins;
- ``into body``: margin-box text reaches into the body area;
- ``overlap``: two words' boxes overlap (text printed over text).
"""

from __future__ import annotations

import ctypes
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import tinycss2  # type: ignore[import-untyped]

from .context import GateContext
from .model import Finding, Gate, Outcome, Target, each

#: Points a glyph may stick out of its area (italic overhang, rounding).
TOLERANCE = 1.0
#: Share of the smaller box two words must cover to count as overlapping.
OVERLAP = 0.2
UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pc": 12.0, "px": 0.75,
         "q": 72 / 101.6}


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    def inside(self, other: Box, tolerance: float = TOLERANCE) -> bool:
        return (self.left >= other.left - tolerance and self.right <= other.right + tolerance
                and self.bottom >= other.bottom - tolerance
                and self.top <= other.top + tolerance)

    def meets(self, other: Box, tolerance: float = TOLERANCE) -> bool:
        """The boxes share more than ``tolerance`` in both directions."""
        return (min(self.right, other.right) - max(self.left, other.left) > tolerance
                and min(self.top, other.top) - max(self.bottom, other.bottom) > tolerance)

    def area(self) -> float:
        return max(0.0, self.right - self.left) * max(0.0, self.top - self.bottom)

    def overlap(self, other: Box) -> float:
        width = min(self.right, other.right) - max(self.left, other.left)
        height = min(self.top, other.top) - max(self.bottom, other.bottom)
        return max(0.0, width) * max(0.0, height)

    def __str__(self) -> str:
        return f"({self.left:.1f}, {self.bottom:.1f}) to ({self.right:.1f}, {self.top:.1f}) pt"


@dataclass(frozen=True)
class Word:
    """A word and whether it is body text (None: not told by the tags, e.g. in an SVG)."""

    text: str
    box: Box
    body: bool | None


@dataclass(frozen=True)
class Margins:
    """``@page`` margins in points: top, right, bottom, left."""

    top: float
    right: float
    bottom: float
    left: float


def page_margins(css_files: Sequence[Path], page_width: float,
                 first: bool = False) -> Margins | None:
    """The margins of the plain ``@page`` rule (no selector) of the stylesheets, in order;
    for the first page (``first``), with those of ``@page :first`` over them, as the
    cascade gives them (the pseudo-class is the more specific selector)."""
    sides: dict[str, float] = {}
    selectors = ("", ":first") if first else ("",)
    for selector in selectors:
        for path in css_files:
            rules = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"),
                                              skip_comments=True, skip_whitespace=True)
            for rule in _page_rules(rules, selector):
                for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                           skip_whitespace=True):
                    if item.type == "declaration":
                        sides.update(_margin_declaration(item, page_width))
    if not sides:
        return None
    return Margins(sides.get("top", 0.0), sides.get("right", 0.0), sides.get("bottom", 0.0),
                   sides.get("left", 0.0))


def _page_rules(rules: Sequence[Any], selector: str) -> Iterator[Any]:
    for rule in rules:
        if rule.type != "at-rule" or rule.content is None:
            continue
        name = rule.lower_at_keyword
        if name == "page" and tinycss2.serialize(rule.prelude).strip().lower() == selector:
            yield rule
        elif name == "media" and "print" in tinycss2.serialize(rule.prelude) + " all":
            yield from _page_rules(tinycss2.parse_rule_list(
                rule.content, skip_comments=True, skip_whitespace=True), selector)


def _margin_declaration(declaration: Any, page_width: float) -> dict[str, float]:
    name = declaration.lower_name
    values = [_length(t, page_width) for t in declaration.value
              if t.type not in ("whitespace", "comment")]
    if any(v is None for v in values) or not values:
        return {}
    lengths = [v for v in values if v is not None]
    if name == "margin" and len(lengths) <= 4:
        # CSS shorthand: top [right [bottom [left]]], missing sides copy their opposite.
        top = lengths[0]
        right = lengths[1] if len(lengths) > 1 else top
        bottom = lengths[2] if len(lengths) > 2 else top
        left = lengths[3] if len(lengths) > 3 else right
        return {"top": top, "right": right, "bottom": bottom, "left": left}
    if name in ("margin-top", "margin-right", "margin-bottom", "margin-left"):
        return {name.removeprefix("margin-"): lengths[0]}
    return {}


def _length(token: Any, page_width: float) -> float | None:
    if token.type == "dimension" and token.lower_unit in UNITS:
        return float(token.value) * UNITS[token.lower_unit]
    if token.type == "number" and token.value == 0:
        return 0.0
    if token.type == "percentage":
        return float(token.value) / 100 * page_width
    return None


def body_mcids(pdf: pikepdf.Pdf) -> dict[int, set[int]] | None:
    """Per page (0-based), the MCIDs whose element is in the structure tree; None if untagged."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return None
    reachable: set[tuple[int, int]] = set()
    stack: list[Any] = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.objgen in reachable:
                continue
            reachable.add(node.objgen)
            stack.append(node.get("/K"))
    parents = _number_tree(root.get("/ParentTree"))
    result: dict[int, set[int]] = {}
    for index, page in enumerate(pdf.pages):
        key = page.obj.get("/StructParents")
        entries = parents.get(int(key)) if key is not None else None
        result[index] = {
            mcid for mcid, element in enumerate(entries or [])
            if isinstance(element, pikepdf.Dictionary) and element.objgen in reachable
        } if isinstance(entries, pikepdf.Array) else set()
    return result


def _number_tree(node: Any) -> dict[int, Any]:
    found: dict[int, Any] = {}
    if not isinstance(node, pikepdf.Dictionary):
        return found
    nums = node.get("/Nums", pikepdf.Array())
    for index in range(0, len(nums) - 1, 2):
        found[int(nums[index])] = nums[index + 1]
    for kid in node.get("/Kids", pikepdf.Array()):
        found.update(_number_tree(kid))
    return found


def words(path: Path) -> Iterator[tuple[int, Box, list[Word]]]:
    """Per page: its number, its box and its words (text, box, body or margin box)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    with pikepdf.open(path) as pdf:
        tagged = body_mcids(pdf)
    document = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            body = tagged.get(index, set()) if tagged is not None else None
            yield index + 1, Box(0, 0, width, height), list(
                _page_words(raw, textpage.raw, textpage.count_chars(), body))
            textpage.close()
            page.close()
    finally:
        document.close()


def _page_words(raw: Any, textpage: Any, count: int, body: set[int] | None) -> Iterator[Word]:
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    mcids: dict[int | None, int] = {}
    text: list[str] = []
    box: Box | None = None
    word_body: bool | None = True

    def flush() -> Iterator[Word]:
        if text and box is not None:
            yield Word("".join(text), box, word_body)

    for index in range(count):
        char = chr(raw.FPDFText_GetUnicode(textpage, index))
        if char.isspace() or raw.FPDFText_IsGenerated(textpage, index) or char == "\x00":
            yield from flush()
            text, box = [], None
            continue
        raw.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
        glyph = Box(left.value, bottom.value, right.value, top.value)
        if glyph.area() == 0:
            continue
        obj = raw.FPDFText_GetTextObject(textpage, index)
        key = ctypes.cast(obj, ctypes.c_void_p).value
        if key not in mcids:
            mcids[key] = raw.FPDFPageObj_GetMarkedContentID(obj) if obj else -1
            if obj and mcids[key] < 0 and _running(raw, obj):
                mcids[key] = RUNNING
        is_body = None if body is None or mcids[key] == -1 else \
            mcids[key] != RUNNING and mcids[key] in body
        if box is not None and (is_body != word_body or not _same_line(box, glyph)):
            yield from flush()
            text, box = [], None
        text.append(char)
        word_body = is_body
        box = glyph if box is None else Box(min(box.left, glyph.left),
                                            min(box.bottom, glyph.bottom),
                                            max(box.right, glyph.right), max(box.top, glyph.top))
    yield from flush()


#: Stands for the marked-content id of a running head or page number.
RUNNING = -2


def _running(raw: Any, obj: Any) -> bool:
    """Whether a page object is marked as a header or footer artifact (``/Artifact`` with a
    ``/Subtype``, which only pagination artifacts have; PDFium cannot read its value, a
    name, but names its key)."""
    def text(read: Any, *args: Any) -> str | None:
        buffer = (ctypes.c_ushort * 32)()
        length = ctypes.c_ulong()
        if not read(*args, buffer, ctypes.sizeof(buffer), ctypes.byref(length)):
            return None
        return bytes(buffer)[:max(length.value - 2, 0)].decode("utf-16-le")

    for index in range(raw.FPDFPageObj_CountMarks(obj)):
        mark = raw.FPDFPageObj_GetMark(obj, index)
        if text(raw.FPDFPageObjMark_GetName, mark) == "Artifact":
            return any(text(raw.FPDFPageObjMark_GetParamKey, mark, i) == "Subtype"
                       for i in range(raw.FPDFPageObjMark_CountParams(mark)))
    return False


def _same_line(a: Box, b: Box) -> bool:
    shared = min(a.top, b.top) - max(a.bottom, b.bottom)
    return shared > 0.3 * min(a.top - a.bottom, b.top - b.bottom)


def problems(number: int, page: Box, found: Sequence[Word],
             margins: Margins | None) -> Iterator[Finding]:
    where = f"page {number}"
    area = page if margins is None else Box(page.left + margins.left,
                                            page.bottom + margins.bottom,
                                            page.right - margins.right,
                                            page.top - margins.top)
    for word in found:
        body = word.box.meets(area) if word.body is None else word.body
        if not word.box.inside(page):
            yield Finding("outside page", where, f"“{word.text}” at {word.box}")
        elif body and not word.box.inside(area):
            yield Finding("in margin", where, f"body text “{word.text}” at {word.box} reaches "
                                              f"out of the body area {area}")
        elif not body and word.box.meets(area):
            yield Finding("into body", where, f"margin-box text “{word.text}” at {word.box} "
                                              f"reaches into the body area {area}")
    # A combining mark (an Arabic vowel sign, an accent a font does not compose) is drawn
    # over its letter: that is how the script is written, not text printed over text.
    ordered = sorted((word for word in found if not _marks_only(word.text)),
                     key=lambda w: w.box.left)
    for index, word in enumerate(ordered):
        for other in ordered[index + 1:]:
            if other.box.left >= word.box.right:
                break
            shared = word.box.overlap(other.box)
            if shared > OVERLAP * min(word.box.area(), other.box.area()):
                yield Finding("overlap", where, f"“{word.text}” at {word.box} and "
                                                f"“{other.text}” at {other.box}")


def _marks_only(text: str) -> bool:
    return bool(text) and all(unicodedata.category(char) in {"Mn", "Me"} for char in text)


def check(context: GateContext, targets: Sequence[Target]) -> Mapping[Path, Outcome]:
    css = sorted((context.root / "templates" / "css").glob("*.css"))
    margins: dict[tuple[float, bool], Margins | None] = {}

    def one(target: Target) -> Outcome:
        findings: list[Finding] = []
        note = ""
        for number, page, found in words(target.path):
            key = (page.right, number == 1)
            if key not in margins:
                margins[key] = page_margins(css, page.right, first=key[1])
            if margins[key] is None:
                note = "no @page margins in templates/css: checked against the page only"
            findings.extend(problems(number, page, found, margins[key]))
        return Outcome.of(findings, note)

    return each(targets, one)


def tool(context: GateContext) -> str:
    import pypdfium2

    pdfium = str(pypdfium2.PDFIUM_INFO).split("@")[0]
    return f"PDFium {pdfium} (pypdfium2 {pypdfium2.PYPDFIUM_INFO}), pikepdf {pikepdf.__version__}"


GATE = Gate("text-in-bounds", "pdf",
            "PDFium word boxes: inside the page, out of margin boxes they do not belong to, "
            "not overlapping", check, tool)
