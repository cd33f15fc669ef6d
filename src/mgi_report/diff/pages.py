"""Stage 3b: every page pair, in this order of questions.

Is its text the same? Then its pixels are compared (the running header and footer
outside the words that differ, such as page numbers) and any difference is a visual
change. Did a text change land on it? Then it gets a picture with the changed words
outlined, and its pixels are compared outside what the text changes explain. Otherwise
its words only moved: after a text change that is reflow (its pixels still compared
outside the moved lines); with no text change before it, something in the layout moved
them, which is a visual change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from ..inspect import FURNITURE_BAND
from .extract import Document, Page, Word
from .model import Box, FileDiff, PageImage, VisualChange
from .textdiff import Block, PagePair, Span
from .visual import (
    NEW_COLOUR,
    OLD_COLOUR,
    VISUAL_COLOUR,
    Renderer,
    Strip,
    changed_regions,
    shifted,
    side_by_side,
)


def _with(diff: FileDiff, **changes: object) -> FileDiff:
    return replace(diff, **changes)  # type: ignore[arg-type]


@dataclass
class PdfPages:
    """The page-pair questions for one PDF pair, with the renderers kept open."""

    old: Document
    new: Document
    spans: list[Span]
    images: bool
    name: str
    blocks: list[Block]
    visual: list[VisualChange] = field(default_factory=list)
    pictures: list[PageImage] = field(default_factory=list)
    old_r: Renderer = field(init=False)
    new_r: Renderer = field(init=False)
    backward: dict[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self.old_r, self.new_r = Renderer(self.old.data), Renderer(self.new.data)
        self.backward = {b + k: a + k for a, b, n in self.blocks for k in range(n)}

    def compare(self, found: FileDiff, pairs: list[PagePair]) -> FileDiff:
        moved: list[tuple[int, int]] = []
        reflowed: list[tuple[int, int]] = []
        changes = found.text_changes + found.moved_passages
        touched_old = {p for c in changes for p in c.old_pages}
        touched_new = {p for c in changes for p in c.new_pages}
        first_old = min(touched_old, default=len(self.old.pages) + 1)
        first_new = min(touched_new, default=len(self.new.pages) + 1)
        try:
            for o, n in pairs:
                if o and n and self.old.page_words(o) == self.new.page_words(n):
                    if not self._rendering_differs(o, n) and o != n:
                        moved.append((o, n))
                elif o in touched_old or n in touched_new:
                    regions = self._aligned_regions(o, n) if o and n else []
                    if regions and o and n:
                        self._visual_change(o, n, regions, "besides the text changes on the "
                                                           "page", picture=False)
                    self._text_picture(o, n, regions)
                elif (o is not None and o >= first_old) or (n is not None and n >= first_new):
                    if o and n:
                        reflowed.append((o, n))
                        regions = self._aligned_regions(o, n)
                        if regions:
                            self._visual_change(o, n, regions, "on a reflowed page")
                else:
                    self._layout_change(o, n)
        finally:
            self.old_r.close()
            self.new_r.close()
        added = tuple(n for o, n in pairs if n and not o)
        removed = tuple(o for o, n in pairs if o and not n)
        return _with(found, visual_changes=tuple(self.visual), moved_pages=tuple(moved),
                     reflowed_pages=tuple(reflowed), added_pages=added, removed_pages=removed,
                     images=tuple(self.pictures))

    def _rendering_differs(self, o: int, n: int) -> bool:
        """Compare the renderings of a pair with the same words; a difference is a visual
        change. In the furniture bands, words that differ (page numbers) are left out."""
        old_page, new_page = self.old.pages[o - 1], self.new.pages[n - 1]
        regions = changed_regions(self.old_r.page(o), self.new_r.page(n),
                                  masks=furniture_masks(old_page, new_page))
        if not regions:
            return False
        note = ""
        if old_page.references != new_page.references:
            note = "page numbers in the contents changed: " + ", ".join(
                f"{a} → {b}" for a, b in zip(old_page.references, new_page.references,
                                             strict=False) if a != b)
        self._visual_change(o, n, regions, note)
        return True

    def _aligned_regions(self, o: int, n: int) -> list[Box]:
        """Where a page pair whose words differ also differs in pixels outside what its
        words explain: the lines with changed, inserted or reflowed words are left out,
        and the lines a change above pushed down are compared where they went."""
        strips, masks = aligned_strips(self.old, self.new, o, n, self.backward)
        masks += furniture_masks(self.old.pages[o - 1], self.new.pages[n - 1])
        return changed_regions(self.old_r.page(o), self.new_r.page(n), masks=masks,
                               strips=strips)

    def _visual_change(self, o: int, n: int, regions: list[Box], note: str,
                       picture: bool = True) -> None:
        self.visual.append(VisualChange(self.new.section_at(n, regions[0][1]), o, n,
                                        tuple(_rounded(b) for b in regions), note))
        if picture:
            marks = [(box, VISUAL_COLOUR) for box in regions]
            self._picture(o, n, marks, marks)

    def _text_picture(self, o: int | None, n: int | None, regions: list[Box]) -> None:
        visual = [(box, VISUAL_COLOUR) for box in regions]
        old_marks = [(box, OLD_COLOUR) for box in _span_boxes(self.old, self.spans, o, True)]
        new_marks = [(box, NEW_COLOUR) for box in _span_boxes(self.new, self.spans, n, False)]
        self._picture(o, n, old_marks + visual, new_marks + visual)

    def _layout_change(self, o: int | None, n: int | None) -> None:
        """Words moved between pages with no text change before them: the layout moved."""
        page = self.new.pages[n - 1] if n else self.old.pages[(o or 1) - 1]
        whole: Box = (0.0, 0.0, round(page.width, 1), round(page.height, 1))
        regions = [whole]
        if o and n:
            regions = changed_regions(self.old_r.page(o), self.new_r.page(n),
                                      skip_bands=True) or [whole]
        doc, number = (self.new, n) if n else (self.old, o or 1)
        self.visual.append(VisualChange(doc.section_at(number, regions[0][1]), o, n,
                                        tuple(_rounded(b) for b in regions),
                                        "layout changed: text moved between pages"))
        marks = [(box, VISUAL_COLOUR) for box in regions]
        self._picture(o, n, marks, marks)

    def _picture(self, o: int | None, n: int | None,
                 old_marks: list[tuple[Box, tuple[int, int, int]]],
                 new_marks: list[tuple[Box, tuple[int, int, int]]]) -> None:
        if not self.images:
            return
        png = side_by_side(self.old_r.page(o) if o else None, self.new_r.page(n) if n else None,
                           old_marks, new_marks,
                           [f"old · page {o}" if o else "old · (no page)",
                            f"new · page {n}" if n else "new · (no page)"])
        name = f"{self.name}.page-{_number(o)}-{_number(n)}.png"
        self.pictures.append(PageImage(name, o, n, png))


#: Points around a left-out word, for its anti-aliased edges.
MARGIN = 1.5


def furniture_masks(old: Page, new: Page) -> list[Box]:
    """The running header and footer words that are not the same word in the same place on
    both pages (page numbers, a head naming the section now at the top): left out of the
    pixel comparison, while the rest of the bands (their colour, rules, logos) is compared."""
    def placed(words: tuple[tuple[str, Box], ...]) -> set[tuple[str, Box]]:
        return {(text, _rounded(box)) for text, box in words}

    before, after = placed(old.furniture_words), placed(new.furniture_words)
    return [_grown(box) for text, box in (before ^ after)]


def aligned_strips(old: Document, new: Document, o: int, n: int, backward: dict[int, int]
                   ) -> tuple[list[Strip], list[Box]]:
    """The strips of the new page whose lines are the old page's, moved down by one
    distance each, and the regions to leave out: lines with any word that is not the old
    page's word in its old place (moved by its line's distance), the old words that are
    not on the new page so, and the words of moved lines (their wording is the text
    diff's; the rules, bars and pictures around them are compared)."""
    old_page, page = old.pages[o - 1], new.pages[n - 1]
    top_band, bottom_band = FURNITURE_BAND * page.height, (1 - FURNITURE_BAND) * page.height
    lines = _lines(new, page)
    kept: set[int] = set()
    placed: list[tuple[float, float, float | None]] = []
    for line in lines:
        shifts: list[tuple[float, int]] = []
        for index in line:
            source = backward.get(index)
            word = new.words[index]
            if source is None or old.words[source].page != o or len(word.boxes) != 1 \
                    or len(old.words[source].boxes) != 1:
                continue
            before, after = old.words[source].boxes[0], word.boxes[0]
            if abs(before[0] - after[0]) < 1 and abs(before[2] - after[2]) < 1:
                shifts.append((round(after[1] - before[1], 1), source))
        common = Counter(dy for dy, _ in shifts).most_common(1)
        dy = common[0][0] if common else None
        sources = [source for shift, source in shifts if shift == dy]
        whole = dy is not None and len(sources) == len(line)
        if whole:
            kept.update(sources)
        boxes = [box for index in line for box in new.words[index].boxes]
        placed.append((min(b[1] for b in boxes), max(b[3] for b in boxes),
                       dy if whole else None))
    strips: list[Strip] = []
    masks: list[Box] = []
    for number, (top, bottom, dy) in enumerate(placed):
        start = top_band if number == 0 else (placed[number - 1][1] + top) / 2
        end = bottom_band if number == len(placed) - 1 else (bottom + placed[number + 1][0]) / 2
        if dy is None:
            masks.append((0.0, start, page.width, end))
        else:
            strips.append((start, end, dy))
            if dy:  # glyphs moved by a fraction of a pixel are drawn differently
                masks.extend(_grown(box) for index in lines[number]
                             for box in new.words[index].boxes)
    bands = {(round(box[1], 1), round(box[3], 1)) for index in range(old_page.start, old_page.end)
             if index not in kept for box in old.words[index].boxes}
    for top, bottom in sorted(bands):
        masks.extend(shifted((0.0, top - MARGIN, page.width, bottom + MARGIN), strips))
    return strips, masks


def _lines(doc: Document, page: Page) -> list[list[int]]:
    """The page's words (indices) grouped by line, top to bottom; a word broken over two
    lines belongs to its first."""
    ordered = sorted((w.boxes[0][1], index) for index in range(page.start, page.end)
                     for w in [doc.words[index]] if w.boxes)
    lines: list[list[int]] = []
    line_top = -1e9
    for top, index in ordered:
        if lines and abs(top - line_top) < 2:
            lines[-1].append(index)
        else:
            lines.append([index])
            line_top = top
    return lines


def _grown(box: Box) -> Box:
    return (box[0] - MARGIN, box[1] - MARGIN, box[2] + MARGIN, box[3] + MARGIN)


def _number(page: int | None) -> str:
    return f"{page:03d}" if page else "none"


def _rounded(box: Box) -> Box:
    return (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))


def _span_boxes(doc: Document, spans: list[Span], page: int | None, old: bool) -> list[Box]:
    """Line-wide boxes around a page's changed words, and a thin mark where words were
    only inserted (on the old side) or only deleted (on the new side)."""
    if not page:
        return []
    boxes: list[Box] = []
    for span in spans:
        start, end = (span.old_start, span.old_end) if old else (span.new_start, span.new_end)
        if start == end and start:
            previous = doc.words[start - 1]
            if previous.page == page and previous.boxes:
                _, top, x1, bottom = previous.boxes[-1]
                boxes.append((x1, top, x1 + 1.5, bottom))
            continue
        boxes.extend(_line_boxes([w for w in doc.words[start:end] if w.page == page]))
    return boxes


def _line_boxes(words: list[Word]) -> list[Box]:
    lines: list[Box] = []
    for box in (b for w in words for b in w.boxes):
        if lines and abs(lines[-1][1] - box[1]) < 1 and box[0] >= lines[-1][0]:
            x0, top, x1, bottom = lines[-1]
            lines[-1] = (x0, min(top, box[1]), max(x1, box[2]), max(bottom, box[3]))
        else:
            lines.append(box)
    return lines
