"""Stage 5, PDF: the text a reader copies out of a right-to-left run comes out in reading
order.

A PDF draws a right-to-left run's glyphs from left to right, and readers that implement
Unicode's bidirectional algorithm (poppler, PDFium) put the characters back in reading
order by reversing the run. A glyph that stands for several characters, such as Arabic's
lam-alef ligature, maps (in the font's ``/ToUnicode``) to those characters in reading
order, so the reversal turns them round ("الأزمات" is copied as "األزمات"). Such a glyph's
characters are written in drawing order instead; the reversal then restores them.

A right-to-left run draws a bracket with its mirror image's glyph (")" for a "("), and the
renderer maps each glyph to the first character it was drawn for, so an English line on the
same page was copied as ")GAFMA(". A bracket glyph is mapped to the character it shows, as
the embedded font's own character map says; the readers mirror it back inside a
right-to-left run.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import partial
from io import BytesIO
from typing import Any

#: A one-to-one (``bfchar``) or one-glyph range (``bfrange``) entry of a ToUnicode CMap:
#: the glyph code and its characters as UTF-16BE hexadecimal.
ENTRY = re.compile(rb"<([0-9A-Fa-f]+)>(\s*)<([0-9A-Fa-f]+)>")
RIGHT_TO_LEFT = frozenset({"R", "AL", "NSM"})


def drawing_order(pdf: Any) -> None:
    """Rewrite, in place, every ToUnicode map of ``pdf`` (a ``pikepdf.Pdf``) whose glyph
    stands for several right-to-left characters, or for a bracket it does not show (looked
    for only in a document with right-to-left text)."""
    seen: set[tuple[int, int]] = set()
    maps = []
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            cmap = font.get("/ToUnicode")
            if cmap is None or cmap.objgen in seen:
                continue
            seen.add(cmap.objgen)
            maps.append((font, cmap, cmap.read_bytes()))
    right_to_left = any(_right_to_left(data) for _, _, data in maps)
    for font, cmap, data in maps:
        shown = _glyph_characters(font) if right_to_left else _nothing
        turned = ENTRY.sub(partial(_turned, shown), data)
        if turned != data:
            cmap.write(turned)


def _right_to_left(cmap: bytes) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL")
               for entry in ENTRY.finditer(cmap) for c in _characters(entry))


def _characters(entry: re.Match[bytes]) -> str:
    """The characters of a ToUnicode entry (none when they do not decode)."""
    try:
        return bytes.fromhex(entry.group(3).decode("ascii")).decode("utf-16-be")
    except (ValueError, UnicodeDecodeError):
        return ""


def _nothing(glyph: int) -> frozenset[str]:
    return frozenset()


def _glyph_characters(font: Any) -> Callable[[int], frozenset[str]]:
    """The characters the embedded font program maps to a glyph code (nothing when the
    font is not an Identity-encoded TrueType font with a character map)."""
    shown: Mapping[int, frozenset[str]] = {}
    try:
        descendant = font["/DescendantFonts"][0]
        program = descendant["/FontDescriptor"]["/FontFile2"].read_bytes()
        if str(font.get("/Encoding")) == "/Identity-H" \
                and str(descendant.get("/CIDToGIDMap", "/Identity")) == "/Identity":
            from fontTools.ttLib import TTFont

            face = TTFont(BytesIO(program), lazy=True)
            order = {name: number for number, name in enumerate(face.getGlyphOrder())}
            characters: dict[int, set[str]] = {}
            for code, name in (face.getBestCmap() or {}).items():
                characters.setdefault(order[name], set()).add(chr(code))
            shown = {glyph: frozenset(chars) for glyph, chars in characters.items()}
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        pass
    return lambda glyph: shown.get(glyph, frozenset())


def _turned(shown: Callable[[int], frozenset[str]], entry: re.Match[bytes]) -> bytes:
    glyph, text = int(entry.group(1), 16), _characters(entry)
    if len(text) == 1 and unicodedata.mirrored(text):
        characters = shown(glyph)
        image = next(iter(sorted(c for c in characters if unicodedata.mirrored(c))), None)
        return entry.group(0) if image is None or text in characters else _entry(entry, image)
    if len(text) < 2 or not all(unicodedata.bidirectional(c) in RIGHT_TO_LEFT for c in text):
        return entry.group(0)
    return _entry(entry, text[::-1])


def _entry(entry: re.Match[bytes], text: str) -> bytes:
    hexadecimal = text.encode("utf-16-be").hex().upper().encode("ascii")
    return b"<" + entry.group(1) + b">" + entry.group(2) + b"<" + hexadecimal + b">"
