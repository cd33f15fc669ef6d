"""Translators' tools: catalog extraction, translation status, and the PO round trip."""

from .exchange import confirm_translations, export_po, import_po
from .extract import extract_messages
from .status import LocaleStatus, translation_status

__all__ = [
    "LocaleStatus",
    "confirm_translations",
    "export_po",
    "extract_messages",
    "import_po",
    "translation_status",
]
