"""Font files as WeasyPrint lays out with them: a WOFF or WOFF2 face decoded to the plain
sfnt (TTF/OTF) file once, then kept in the process and in the user's cache folder.

WeasyPrint decodes every web font it is given, again for every document: for the project's
four WOFF2 faces that took 1.8 s of each edition's PDF, more than its layout. The decoding
here is WeasyPrint's own (fontTools), so the PDF it makes is the same, byte for byte.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from functools import lru_cache
from io import BytesIO

from .publish import write_atomic
from .usercache import user_cache

WEB_FONT_SIGNATURE = b"wOF"


def as_sfnt(data: bytes) -> bytes:
    """``data`` itself, or, for a WOFF/WOFF2 font, the sfnt file it encodes."""
    if data[:3] != WEB_FONT_SIGNATURE:
        return data
    return _decoded(hashlib.sha256(data).hexdigest(), data)


@lru_cache(maxsize=32)
def _decoded(digest: str, data: bytes) -> bytes:
    stored = _stored(digest)
    if stored is not None:
        return stored
    decoded = _decode(data)
    with suppress(OSError, RuntimeError):
        name = f"{digest}.{hashlib.sha256(decoded).hexdigest()}.sfnt"
        write_atomic(user_cache("sfnt", "fonttools") / name, decoded)
    return decoded


def _stored(digest: str) -> bytes | None:
    """A decoded file from the cache, only if its bytes still have the digest in its name."""
    with suppress(OSError, RuntimeError):
        for path in user_cache("sfnt", "fonttools").glob(f"{digest}.*.sfnt"):
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == path.name.split(".")[1]:
                return data
    return None


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
