"""Translators' tools: starting a locale, catalog extraction, translation status, and the
PO and XLIFF round trips."""

from .exchange import confirm_translations, export_po, import_po
from .extract import extract_messages
from .prune import PruneResult, prune_translations
from .segment import SegmentResult, segment_paragraphs
from .start import StartedLocale, init_locale
from .status import LocaleStatus, translation_status
from .xliff import SUFFIXES as XLIFF_SUFFIXES
from .xliff import export_xliff, import_xliff, is_xliff

__all__ = [
    "XLIFF_SUFFIXES",
    "LocaleStatus",
    "PruneResult",
    "SegmentResult",
    "StartedLocale",
    "confirm_translations",
    "export_po",
    "export_xliff",
    "extract_messages",
    "import_po",
    "import_xliff",
    "init_locale",
    "is_xliff",
    "prune_translations",
    "segment_paragraphs",
    "translation_status",
]
