"""Stage 5: make the bytes of each output format; PDF variants are a registry."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from .errors import UsageError
from .fetcher import ProjectFetcher

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
    """Lay out ``html`` with WeasyPrint; only files under ``assets`` may be loaded."""
    from weasyprint import CSS, HTML

    chosen = pdf_variant(variant)
    fetcher = ProjectFetcher(assets)
    document = HTML(string=html, base_url=assets.as_uri() + "/", url_fetcher=fetcher,
                    media_type="print")
    paged = assets / PAGED_STYLESHEET
    stylesheets = [CSS(url=paged.as_uri(), url_fetcher=fetcher, media_type="print")] \
        if paged.is_file() else []
    buffer = BytesIO()
    document.write_pdf(buffer, stylesheets=stylesheets, pdf_variant=chosen.weasyprint_variant,
                       pdf_tags=chosen.tagged or None,
                       pdf_identifier=hashlib.md5(identifier.encode()).hexdigest().encode(),
                       uncompressed_pdf=False)
    return buffer.getvalue()


Writer = Callable[[str, Path, str, str], bytes]

FORMATS: dict[str, Writer] = {
    "html": lambda html, assets, variant, identifier: html.encode("utf-8"),
    "pdf": html_to_pdf,
}
