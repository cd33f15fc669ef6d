"""Inline Markdown for content text: emphasis and http(s)/mailto links, never raw HTML."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Callable
from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
FOOTNOTE_REF = re.compile(r"\[\^([a-z0-9-]+)\]")


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_inline", "autolink", "backticks"])
    md.validateLink = _safe_link  # type: ignore[method-assign]
    return md


def _safe_link(url: str) -> bool:
    return bool(SAFE_LINK.match(url.strip()))


def inline(text: str, footnote: Callable[[str], Markup] | None = None) -> Markup:
    """Render one paragraph of content; ``[^id]`` becomes ``footnote(id)``."""
    parts = FOOTNOTE_REF.split(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(footnote(part) if footnote else escape(f"[^{part}]"))
        elif part:
            out.append(Markup(_parser().renderInline(part)))
    return Markup("").join(out)


def plain(text: str) -> str:
    """The reading text of a content string: Markdown and footnote calls removed."""
    html = _parser().renderInline(FOOTNOTE_REF.sub("", text))
    return html_module.unescape(re.sub(r"<[^>]+>", "", html))
