"""Inline Markdown for content text: emphasis and http(s)/mailto links, never raw HTML."""

from __future__ import annotations

import html as html_module
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
FOOTNOTE_REF = re.compile(r"\[\^([a-z0-9-]+)\]")
#: Characters that reorder how text is shown (ALM, LRM, RLM, embeddings, overrides, isolates):
#: in an address they make it read differently from where it leads.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


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


def references(text: str | tuple[str, ...]) -> list[str]:
    """What a translation must carry over from its source: footnote calls and link targets,
    sorted (``[^mgi]``, ``https://…``)."""
    found = []
    for paragraph in text if isinstance(text, tuple) else (text,):
        found += [f"[^{name}]" for name in FOOTNOTE_REF.findall(paragraph)]
        for token in _parser().parseInline(FOOTNOTE_REF.sub("", paragraph)):
            found += [str(child.attrs["href"]) for child in token.children or ()
                      if child.type == "link_open"]
    return sorted(found)


def reference_problem(source: str | tuple[str, ...], translation: str | tuple[str, ...]) -> str:
    """'' when the translation keeps its source's references, else what differs."""
    expected, found = references(source), references(translation)
    if expected == found:
        return ""
    missing = [r for r in expected if r not in found]
    extra = [r for r in found if r not in expected]
    parts = [f"lacks {', '.join(missing)}" if missing else "",
             f"adds {', '.join(extra)}" if extra else ""]
    if not missing and not extra:
        parts = ["uses a footnote call or link a different number of times"]
    return "translation " + " and ".join(p for p in parts if p) + " (the source has " + \
        (", ".join(expected) or "none") + ")"


def bidi_problem(address: str) -> str:
    """'' for an address without bidirectional controls (written or percent-encoded)."""
    found = BIDI_CONTROLS.search(unquote(address))
    if not found:
        return ""
    char = found.group(0)
    return (f"address {address[:60]!r} contains U+{ord(char):04X} "
            f"{unicodedata.name(char)}: it would read differently from where it leads")


def link_problems(text: str | tuple[str, ...]) -> list[str]:
    """Links that would not survive rendering as written: an address with bidirectional
    controls, or a footnote call inside a link (a link cannot hold another, and footnote
    calls are replaced before Markdown is read)."""
    problems = []
    for paragraph in text if isinstance(text, tuple) else (text,):
        for token in _parser().parseInline(paragraph):
            inside: str | None = None
            for child in token.children or ():
                if child.type == "link_open":
                    address = str(child.attrs.get("href", ""))
                    inside = unquote(address) + str(child.attrs.get("title", ""))
                    if differs := bidi_problem(address):
                        problems.append(differs)
                elif child.type == "link_close" and inside is not None:
                    calls = ", ".join(f"[^{name}]" for name in FOOTNOTE_REF.findall(inside))
                    if calls:
                        problems.append(f"footnote call {calls} inside a link (its text, "
                                        "title or address): put it after the link")
                    inside = None
                elif inside is not None:
                    inside += child.content
    return problems

