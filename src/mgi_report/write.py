"""Stage 5: make the bytes of each output format; PDF variants are a registry."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .errors import UsageError
from .layout import words_to_keep_whole

log = logging.getLogger(__name__)

DEFAULT_PDF_VARIANT = "pdf/ua-1"
#: Paged-media rules for the PDF only (CSS GCPM), kept out of the standard-CSS HTML edition.
PAGED_STYLESHEET = "css/paged.css"
#: The fontconfig configuration WeasyPrint lays out with: no font folder at all, so the
#: only fonts are the document's @font-face files. An edition then looks the same on every
#: machine, and a character the shipped fonts lack can never borrow a machine font.
FONTCONFIG = '<?xml version="1.0"?>\n<fontconfig><cachedir>{cache}</cachedir></fontconfig>\n'


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
            self.rendered.write_pdf(buffer, **self.options)
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
    from weasyprint import CSS, HTML

    from .fetcher import ProjectFetcher  # WeasyPrint is loaded only when a PDF is made

    chosen = pdf_variant(variant)
    fetcher = ProjectFetcher(assets)
    fonts = isolated_font_configuration(html)
    document = HTML(string=html, base_url=assets.as_uri() + "/", url_fetcher=fetcher,
                    media_type="print")
    paged = assets / PAGED_STYLESHEET
    stylesheets = [CSS(url=paged.as_uri(), url_fetcher=fetcher, media_type="print",
                       font_config=fonts)] if paged.is_file() else []
    options = {"stylesheets": stylesheets, "pdf_variant": chosen.weasyprint_variant,
               "pdf_tags": chosen.tagged or None,
               "pdf_identifier": hashlib.md5(identifier.encode()).hexdigest().encode(),
               "uncompressed_pdf": False}
    rendered = document.render(font_config=fonts, **options)
    return LaidOut(document, rendered, options, chosen.tagged,
                   RIGHT_TO_LEFT_SCRIPTS.search(html) is not None)


def isolated_font_configuration(html: str) -> Any:
    """A WeasyPrint FontConfiguration that knows no machine font, only the ``@font-face``
    fonts of the document. Fontconfig reads ``FONTCONFIG_FILE`` when the configuration is
    made, so it is pointed, for that moment, at one without any font folder."""
    from weasyprint.text.fonts import FontConfiguration

    if "@font-face" not in html:  # with no font at all, Pango cannot lay out text
        raise UsageError("the document declares no @font-face: editions are laid out with "
                         "the project's fonts only")
    with tempfile.TemporaryDirectory(prefix="mgi-report-fonts-") as work:
        config = Path(work) / "fonts.conf"
        config.write_text(FONTCONFIG.format(cache=escape(str(Path(work) / "cache"))),
                          encoding="utf-8")
        saved = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(config)
        try:
            return FontConfiguration()
        finally:
            if saved is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = saved


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
