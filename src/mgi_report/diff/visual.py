"""Stage 3: render paired pages the same way and find where their pixels differ.

Both sides go through pdfium at the same resolution, so identical content gives identical
pixels and any difference is in the PDFs, not in two renderers' opinions. A small per-
channel tolerance and a minimum count per cell keep stray anti-aliasing out; differing
cells close to each other are merged into one region, so a changed heading is one box,
not one box per glyph.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from io import BytesIO

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from ..inspect import FURNITURE_BAND
from .model import Box

DPI = 100
SCALE = DPI / 72
#: Per-channel difference (of 255) below which two pixels count as the same.
TOLERANCE = 24
#: Differences are counted per square cell of this many pixels ...
CELL = 6
#: ... and a cell needs this many differing pixels to count.
MIN_PIXELS = 2
#: Changed cells this many cells apart or closer make one region.
REACH = 2

OLD_COLOUR = (198, 40, 40)
NEW_COLOUR = (46, 125, 50)
VISUAL_COLOUR = (214, 0, 143)


class Renderer:
    """One PDF's pages as images. A page is needed for its comparison and then perhaps for
    its picture, right after; keeping the last few is enough and bounds the memory."""

    KEEP = 4

    def __init__(self, data: bytes) -> None:
        self._pdf = pdfium.PdfDocument(data)
        self._pages: dict[int, Image.Image] = {}

    def page(self, number: int) -> Image.Image:
        if number not in self._pages:
            page = self._pdf[number - 1]
            self._pages[number] = page.render(scale=SCALE, may_draw_forms=False).to_pil()
            page.close()
            while len(self._pages) > self.KEEP:
                del self._pages[next(iter(self._pages))]
        return self._pages[number]

    def close(self) -> None:
        self._pages.clear()
        self._pdf.close()


#: A horizontal strip of a new page (top and bottom in points) whose content is the old
#: page's moved down by ``dy`` points: lines of text that a change above them pushed down.
Strip = tuple[float, float, float]


def changed_regions(old: Image.Image, new: Image.Image, *, skip_bands: bool = False,
                    masks: Sequence[Box] = (), strips: Sequence[Strip] = ()) -> list[Box]:
    """Regions (in points, from the top left) where the two renderings differ.

    ``strips`` are compared with the old page's rows moved down by their ``dy`` (rows in no
    strip as they are); ``masks`` (in the new page's points) are left out: the regions that
    text changes, reflow and page numbers explain. ``skip_bands`` leaves out the whole
    running header and footer bands.
    """
    if old.size != new.size:
        return [(0.0, 0.0, max(old.width, new.width) / SCALE,
                 max(old.height, new.height) / SCALE)]
    old, new = old.convert("RGB"), new.convert("RGB")
    moved = _moved(old, strips) if strips else old
    mask = _differing(ImageChops.difference(moved, new))
    if any(dy for _, _, dy in strips):
        # A line moved by a fraction of a pixel is drawn a little differently: in moved
        # strips a pixel differs only when no pixel within two of it in the old page matches.
        lenient = _differing(ImageChops.lighter(
            ImageChops.subtract(new, moved.filter(ImageFilter.MaxFilter(5))),
            ImageChops.subtract(moved.filter(ImageFilter.MinFilter(5)), new)))
        for top, bottom, dy in strips:
            if dy:
                rows = (0, round(top * SCALE), mask.width, round(bottom * SCALE))
                mask.paste(lenient.crop(rows), rows[:2])
    if skip_bands:
        band = round(FURNITURE_BAND * mask.height)
        mask.paste(0, (0, 0, mask.width, band))
        mask.paste(0, (0, mask.height - band, mask.width, mask.height))
    for x0, top, x1, bottom in masks:
        mask.paste(0, (max(0, round(x0 * SCALE)), max(0, round(top * SCALE)),
                       min(mask.width, round(x1 * SCALE)), min(mask.height, round(bottom * SCALE))))
    if mask.getbbox() is None:
        return []
    cells = mask.reduce(CELL)
    threshold = MIN_PIXELS * 255 / (CELL * CELL)
    width = cells.width
    flagged = {(i % width, i // width) for i, value in enumerate(cells.tobytes())
               if value >= threshold}
    return [tuple(v * CELL / SCALE for v in box)  # type: ignore[misc]
            for box in _clusters(flagged, cells.size)]


def _differing(difference: Image.Image) -> Image.Image:
    """White where any channel of a difference image is above the tolerance."""
    red, green, blue = difference.split()
    strongest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return strongest.point([0] * (TOLERANCE + 1) + [255] * (255 - TOLERANCE))


def _moved(old: Image.Image, strips: Sequence[Strip]) -> Image.Image:
    """The old page with each strip's rows taken from ``dy`` points higher up."""
    moved = old.copy()
    for top, bottom, dy in strips:
        if not dy:
            continue
        y0, y1, shift = round(top * SCALE), round(bottom * SCALE), round(dy * SCALE)
        source = (0, max(0, y0 - shift), old.width, min(old.height, max(0, y1 - shift)))
        if source[3] > source[1]:
            moved.paste(old.crop(source), (0, source[1] + shift))
    return moved


def shifted(box: Box, strips: Sequence[Strip]) -> list[Box]:
    """Where an old page's box lands on the new page, strip by strip (rows in no strip stay
    where they are)."""
    x0, top, x1, bottom = box
    found: list[Box] = []
    covered: list[tuple[float, float]] = []
    for s_top, s_bottom, dy in strips:
        low, high = max(top, s_top - dy), min(bottom, s_bottom - dy)
        covered.append((s_top, s_bottom))
        if high > low:
            found.append((x0, low + dy, x1, high + dy))
    if not any(s_top <= top and bottom <= s_bottom for s_top, s_bottom in covered):
        found.append(box)
    return found


def _clusters(cells: set[tuple[int, int]], size: tuple[int, int]
              ) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (in cells, end exclusive) of groups of cells within REACH."""
    boxes = []
    unseen = set(cells)
    while unseen:
        start = min(unseen, key=lambda c: (c[1], c[0]))
        unseen.discard(start)
        queue, members = deque([start]), [start]
        while queue:
            x, y = queue.popleft()
            for dx in range(-REACH, REACH + 1):
                for dy in range(-REACH, REACH + 1):
                    if (x + dx, y + dy) in unseen:
                        unseen.discard((x + dx, y + dy))
                        queue.append((x + dx, y + dy))
                        members.append((x + dx, y + dy))
        xs, ys = [c[0] for c in members], [c[1] for c in members]
        boxes.append((min(xs), min(ys), min(max(xs) + 1, size[0]), min(max(ys) + 1, size[1])))
    return boxes


def side_by_side(old: Image.Image | None, new: Image.Image | None,
                 old_marks: Iterable[tuple[Box, tuple[int, int, int]]],
                 new_marks: Iterable[tuple[Box, tuple[int, int, int]]],
                 labels: Sequence[str]) -> bytes:
    """The old page left, the new page right, each region outlined; PNG bytes."""
    reference = old or new
    assert reference is not None
    blank = Image.new("RGB", reference.size, (236, 236, 236))
    panels = [_outlined(old or blank, old_marks), _outlined(new or blank, new_marks)]
    gap, bar = 16, 30
    width = sum(p.width for p in panels) + gap
    height = max(p.height for p in panels) + bar
    canvas = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=18)
    x = 0
    for panel, label in zip(panels, labels, strict=True):
        canvas.paste(panel, (x, bar))
        draw.text((x + 8, 5), label, fill=(29, 39, 51), font=font)
        x += panel.width + gap
    draw.rectangle((panels[0].width, 0, panels[0].width + gap - 1, height), fill=(160, 160, 160))
    buffer = BytesIO()
    # 256 colours keep every colour of these pages and a third of the bytes.
    canvas.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")
    return buffer.getvalue()


def _outlined(page: Image.Image, marks: Iterable[tuple[Box, tuple[int, int, int]]]
              ) -> Image.Image:
    page = page.convert("RGB")
    draw = ImageDraw.Draw(page)
    for (x0, top, x1, bottom), colour in marks:
        draw.rectangle((x0 * SCALE - 4, top * SCALE - 4, x1 * SCALE + 4, bottom * SCALE + 4),
                       outline=colour, width=3)
    return page
