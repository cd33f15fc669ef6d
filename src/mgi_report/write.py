"""Stage 5: make the bytes of each output format; PDF variants are a registry."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from io import BytesIO
from pathlib import Path
from typing import Any

from .engine import load_engine
from .errors import UsageError
from .layout import words_to_keep_whole

log = logging.getLogger(__name__)

DEFAULT_PDF_VARIANT = "pdf/ua-1"
#: Paged-media rules for the PDF only (CSS GCPM), kept out of the standard-CSS HTML edition.
PAGED_STYLESHEET = "css/paged.css"


@dataclass(frozen=True)
class PdfVariant:
    """WeasyPrint options for one kind of PDF."""

    weasyprint_variant: str | None
    tagged: bool


PDF_VARIANTS: dict[str, PdfVariant] = {
    "pdf/ua-1": PdfVariant("pdf/ua-1", True),
    "pdf/ua-2": PdfVariant("pdf/ua-2", True),
    "pdf/a-3u": PdfVariant("pdf/a-3u", True),
    "pdf/a-2u": PdfVariant("pdf/a-2u", True),
    "pdf/a-3b": PdfVariant("pdf/a-3b", False),
    "plain": PdfVariant(None, False),
}


def pdf_variant(name: str) -> PdfVariant:
    try:
        return PDF_VARIANTS[name]
    except KeyError:
        known = ", ".join(PDF_VARIANTS)
        raise UsageError(f"unknown PDF variant {name!r} (known: {known})") from None


def html_to_pdf(html: str, assets: Path, variant: str, identifier: str) -> bytes:
    """Lay out ``html`` with WeasyPrint; only files under ``assets`` may be loaded, and only
    the stylesheets' ``@font-face`` fonts are seen (none of the machine's)."""
    return lay_out(html, assets, variant, identifier).pdf()


@dataclass(frozen=True)
class LaidOut:
    """A document laid out in pages, not yet written: the build looks at its lines first,
    and writes only the layout it keeps."""

    document: Any
    rendered: Any
    options: dict[str, Any]
    tagged: bool
    #: Whether the document has text in a right-to-left script.
    right_to_left: bool = False

    @property
    def page_count(self) -> int:
        return len(self.rendered.pages)

    def font_names(self) -> list[str]:
        """The PDF names (``/BaseFont``) of the fonts the written PDF embeds, once
        :meth:`pdf` has written it."""
        return sorted(font.name.decode("latin-1").lstrip("/")
                      for font in self.rendered.fonts.values())

    @cached_property
    def ladders(self) -> set[str]:
        """The words that make a ladder of hyphenated lines, or that a page break cuts
        (:func:`mgi_report.layout.words_to_keep_whole`)."""
        return words_to_keep_whole(self.rendered.pages)

    def pdf(self) -> bytes:
        buffer = BytesIO()
        if not self.tagged:
            self.rendered.write_pdf(buffer, **self.options)
            return untagged_finish(buffer.getvalue(), self.right_to_left)
        from .tagging import finish, recording  # pikepdf, only when a PDF is made

        with recording(self.document.etree_element) as record:
            # The finish saves through qpdf, which compresses every stream (zlib level 6,
            # where WeasyPrint's level 9 costs 0.1 s more) and packs the object streams
            # WeasyPrint's would be unpacked from.
            self.rendered.write_pdf(buffer, **{**self.options, "uncompressed_pdf": True})
        return finish(buffer.getvalue(), record)


#: Hebrew, Syriac, Arabic, Thaana, N'Ko, Samaritan, Mandaic and their presentation forms.
RIGHT_TO_LEFT_SCRIPTS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def untagged_finish(data: bytes, right_to_left: bool) -> bytes:
    """An untagged PDF with its right-to-left text copied in reading order
    (:mod:`mgi_report.textmaps`); the bytes WeasyPrint wrote when it has none."""
    if not right_to_left:
        return data
    import pikepdf

    from .textmaps import drawing_order

    with pikepdf.open(BytesIO(data)) as pdf:
        drawing_order(pdf)
        out = BytesIO()
        pdf.save(out, compress_streams=True, deterministic_id=True)
    return out.getvalue()


def lay_out(html: str, assets: Path, variant: str, identifier: str) -> LaidOut:
    """``html`` in pages, as :func:`html_to_pdf` lays it out."""
    load_engine()
    from weasyprint import CSS, HTML

    from .fetcher import ProjectFetcher  # WeasyPrint is loaded only when a PDF is made
    from .hyphenation import use_kept_dictionaries

    use_kept_dictionaries()
    chosen = pdf_variant(variant)
    fetcher = ProjectFetcher(assets)
    paged = assets / PAGED_STYLESHEET
    fonts = _font_configuration(html, assets, paged)
    document = HTML(string=html, base_url=assets.as_uri() + "/", url_fetcher=fetcher,
                    media_type="print")
    stylesheets = [CSS(url=paged.as_uri(), url_fetcher=fetcher, media_type="print",
                       font_config=fonts)] if paged.is_file() else []
    options = {"stylesheets": stylesheets, "pdf_variant": chosen.weasyprint_variant,
               "pdf_tags": chosen.tagged or None,
               "pdf_identifier": hashlib.md5(identifier.encode()).hexdigest().encode(),
               "uncompressed_pdf": False}
    rendered = document.render(font_config=fonts, **options)
    return LaidOut(document, rendered, options, chosen.tagged,
                   RIGHT_TO_LEFT_SCRIPTS.search(html) is not None)


#: An ``@font-face`` rule of a stylesheet (a data: URI has no brace).
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
#: Font configurations kept for reuse by :func:`shared_fonts`, by the process and thread
#: that made them and the faces they hold (a forked process inherits its parent's).
_kept: dict[tuple[int, int, str], Any] = {}
_keeping = threading.Lock()
#: How many :func:`shared_fonts` blocks the current thread is in (a forked process's
#: thread inherits the count of the thread that forked it).
_sharing = threading.local()


@contextmanager
def shared_fonts() -> Iterator[None]:
    """Within the block, the layouts the thread makes whose documents declare the same
    faces share one font configuration: WeasyPrint decodes and indexes each face once, and
    Pango keeps what it learnt of them, instead of doing both again for every edition and
    every layout pass (the PDF is the same, byte for byte). Each thread has its own (a
    configuration is not shared across threads), and their files are removed when the
    thread's outermost block ends; a worker process forked inside a block keeps the
    block's sharing and calls :func:`release_fonts` before it ends."""
    _sharing.depth = getattr(_sharing, "depth", 0) + 1
    try:
        yield
    finally:
        _sharing.depth -= 1
        if not _sharing.depth:
            for fonts in _take_kept(threading.get_ident()):
                fonts.close()


def release_fonts() -> None:
    """Remove the files of the font configurations this process kept."""
    for fonts in _take_kept():
        fonts.close()


def _take_kept(thread: int | None = None) -> list[Any]:
    """The configurations this process kept (those of ``thread`` only, if given), taken
    out of the keeping. Those a forked process inherited are its parent's: they are
    forgotten, and disowned so that collecting them here removes nothing of the parent's."""
    taken = []
    with _keeping:
        for key in list(_kept):
            process, owner, _ = key
            if process != os.getpid():
                _kept.pop(key).disown()
            elif thread is None or owner == thread:
                taken.append(_kept.pop(key))
    return taken


def _font_configuration(html: str, assets: Path, paged: Path) -> Any:
    """The font configuration to lay ``html`` out with: a new one, or inside
    :func:`shared_fonts` the one kept for the same faces (the ``@font-face`` rules of the
    document and of the paged stylesheet, with the folder their URLs are relative to)."""
    from .layoutfonts import isolated_font_configuration

    if not getattr(_sharing, "depth", 0):
        return isolated_font_configuration(html)
    digest = hashlib.sha256(f"{assets.resolve()}\0".encode())
    for rule in FONT_FACE.findall(html):
        digest.update(rule.encode("utf-8") + b"\0")
    if paged.is_file():
        digest.update(paged.read_bytes())
    key = (os.getpid(), threading.get_ident(), digest.hexdigest())
    with _keeping:
        fonts = _kept.get(key)
        if fonts is None:
            fonts = _kept[key] = isolated_font_configuration(html)
    return fonts


def html_file(html: str, assets: Path, variant: str, identifier: str) -> bytes:
    """The web edition: the page with its fonts cut to what it shows
    (:mod:`mgi_report.webfonts`)."""
    from .webfonts import lean_html

    return lean_html(html).encode("utf-8")


Writer = Callable[[str, Path, str, str], bytes]

FORMATS: dict[str, Writer] = {
    "html": html_file,
    "pdf": html_to_pdf,
}
