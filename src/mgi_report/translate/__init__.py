"""Translators' tools: starting a locale, catalog extraction, translation status, and the
PO round trip."""

from .exchange import confirm_translations, export_po, import_po
from .extract import extract_messages
from .prune import PruneResult, prune_translations
from .segment import SegmentResult, segment_paragraphs
from .start import StartedLocale, init_locale
from .status import LocaleStatus, translation_status

__all__ = [
    "LocaleStatus",
    "PruneResult",
    "SegmentResult",
    "StartedLocale",
    "confirm_translations",
    "export_po",
    "extract_messages",
    "import_po",
    "init_locale",
    "prune_translations",
    "segment_paragraphs",
    "translation_status",
]
