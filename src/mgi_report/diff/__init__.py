"""Review diffs: what changed between two builds, in text and in pictures, robust to reflow.

One module per stage: ``inputs`` (what OLD and NEW are, which files pair up) → ``extract``
(words with their page, box and section; links, bookmarks, language) → ``textdiff`` (one
word diff per document, pages paired by their words) → ``structure`` (links, bookmarks and
language) → ``visual`` (renderings compared pixel by pixel) → ``compare`` (the pipeline)
→ ``report`` (terminal, JSON, images), ``markdown`` (a pull-request comment) and ``review``
(the HTML report). ``revision`` builds a git revision's editions for ``--base``.
"""

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .compare import compare
    from .markdown import format_markdown
    from .model import (
        DiffResult,
        FileDiff,
        KeyChange,
        MetadataChange,
        PageImage,
        Passage,
        StructureChange,
        TextChange,
        VisualChange,
    )
    from .report import format_json, format_text, to_json, write_images
    from .review import render_review, write_review

__all__ = [
    "DiffResult",
    "FileDiff",
    "KeyChange",
    "MetadataChange",
    "PageImage",
    "Passage",
    "StructureChange",
    "TextChange",
    "VisualChange",
    "compare",
    "format_json",
    "format_markdown",
    "format_text",
    "render_review",
    "to_json",
    "write_images",
    "write_review",
]

#: Each export loads with its stage, so a diff of identical files imports no renderer.
lazy_exports(__name__, {
    "compare": ".compare",
    "format_markdown": ".markdown",
    **dict.fromkeys(["DiffResult", "FileDiff", "KeyChange", "MetadataChange", "PageImage",
                     "Passage", "StructureChange", "TextChange", "VisualChange"], ".model"),
    **dict.fromkeys(["format_json", "format_text", "to_json", "write_images"], ".report"),
    **dict.fromkeys(["render_review", "write_review"], ".review"),
})
