"""Every quality gate, by name, in the order the table shows them (HTML, then PDF)."""

from __future__ import annotations

from .browser import AXE, SELF_CONTAINED
from .html_validator import GATE as HTML_VALID
from .model import Gate
from .pdf_bounds import GATE as TEXT_IN_BOUNDS
from .pdf_file import FONTS, QPDF
from .pdf_text import GATE as TEXT
from .pdf_ua import GATE as PDF_UA
from .typography import GATE as TYPOGRAPHY

GATES: dict[str, Gate] = {gate.name: gate for gate in (
    HTML_VALID, AXE, SELF_CONTAINED, QPDF, FONTS, TEXT, PDF_UA, TEXT_IN_BOUNDS,
    TYPOGRAPHY)}
