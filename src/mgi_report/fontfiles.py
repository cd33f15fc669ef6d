"""Font files as WeasyPrint lays out with them: a WOFF or WOFF2 face decoded to the plain
sfnt (TTF/OTF) file once, then kept in the process and in the user's cache folder.

WeasyPrint decodes every web font it is given, again for every document: for the project's
four WOFF2 faces that took 1.8 s of each edition's PDF, more than its layout. The decoding
here is WeasyPrint's own (fontTools), so the PDF it makes is the same, byte for byte.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from io import BytesIO

from .usercache import read_blob, user_cache, write_blob

WEB_FONT_SIGNATURE = b"wOF"


def as_sfnt(data: bytes) -> bytes:
    """``data`` itself, or, for a WOFF/WOFF2 font, the sfnt file it encodes."""
    if data[:3] != WEB_FONT_SIGNATURE:
        return data
    return _decoded(hashlib.sha256(data).hexdigest(), data)


@lru_cache(maxsize=32)
def _decoded(digest: str, data: bytes) -> bytes:
    cache = user_cache("sfnt", "fonttools")
    stored = read_blob(cache, digest)
    if stored is not None:
        return stored
    decoded = _decode(data)
    write_blob(cache, digest, decoded)
    return decoded


def _decode(data: bytes) -> bytes:
    """The decoding of ``weasyprint.text.fonts.FontConfiguration.add_font_face``; a font
    fontTools cannot read is passed on as it is, for WeasyPrint to refuse."""
    from fontTools.ttLib import TTFont, woff2

    out = BytesIO()
    try:
        if data[3:4] == b"2":
            woff2.decompress(BytesIO(data), out)
        else:
            font = TTFont(BytesIO(data))
            font.flavor = font.flavorData = None
            font.save(out)
    except Exception:
        return data
    return out.getvalue()
