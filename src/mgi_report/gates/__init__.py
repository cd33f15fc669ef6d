"""Quality gates: third-party checkers run over built editions.

HTML: the Nu Html Checker, axe-core in Chromium, and a network-blocked load in Chromium.
PDF: qpdf, pdffonts, two text extractors, a PDF/UA-1 checker, and word boxes from PDFium
(text in bounds, and the print typography of running heads, page fill, hyphenation, address
breaks and measure).
``run_gates`` returns one plain record per gate and file; ``format_table`` lays them out.
docs/conformance.md says what each gate checks, with which tool, and what cannot pass.
"""

from .model import Finding, Gate, GateResult, Status, Target
from .registry import GATES
from .runner import failed, find_targets, format_table, run_gates

__all__ = [
    "GATES",
    "Finding",
    "Gate",
    "GateResult",
    "Status",
    "Target",
    "failed",
    "find_targets",
    "format_table",
    "run_gates",
]
