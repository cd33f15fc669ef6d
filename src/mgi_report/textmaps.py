"""Stage 5, PDF: the text a reader copies out of a right-to-left run comes out in reading
order.

A PDF draws a right-to-left run's glyphs from left to right, and readers that implement
Unicode's bidirectional algorithm (poppler, PDFium) put the characters back in reading
order by reversing the run. A glyph that stands for several characters, such as Arabic's
lam-alef ligature, maps (in the font's ``/ToUnicode``) to those characters in reading
order, so the reversal turns them round ("الأزمات" is copied as "األزمات"). Such a glyph's
characters are written in drawing order instead; the reversal then restores them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: A one-to-one (``bfchar``) or one-glyph range (``bfrange``) entry of a ToUnicode CMap:
#: the glyph code and its characters as UTF-16BE hexadecimal.
ENTRY = re.compile(rb"<([0-9A-Fa-f]+)>(\s*)<([0-9A-Fa-f]+)>")
RIGHT_TO_LEFT = frozenset({"R", "AL", "NSM"})


def drawing_order(pdf: Any) -> None:
    """Rewrite, in place, every ToUnicode map of ``pdf`` (a ``pikepdf.Pdf``) whose glyph
    stands for several right-to-left characters."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            cmap = font.get("/ToUnicode")
            if cmap is None or cmap.objgen in seen:
                continue
            seen.add(cmap.objgen)
            data = cmap.read_bytes()
            turned = ENTRY.sub(_turned, data)
            if turned != data:
                cmap.write(turned)


def _turned(entry: re.Match[bytes]) -> bytes:
    try:
        text = bytes.fromhex(entry.group(3).decode("ascii")).decode("utf-16-be")
    except (ValueError, UnicodeDecodeError):
        return entry.group(0)
    if len(text) < 2 or not all(unicodedata.bidirectional(c) in RIGHT_TO_LEFT for c in text):
        return entry.group(0)
    reversed_hex = text[::-1].encode("utf-16-be").hex().upper().encode("ascii")
    return b"<" + entry.group(1) + b">" + entry.group(2) + b"<" + reversed_hex + b">"
