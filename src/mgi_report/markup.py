"""Inline Markdown for content text: emphasis and http(s)/mailto links, never raw HTML."""

from __future__ import annotations

import html as html_module
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
FOOTNOTE_REF = re.compile(r"\[\^([a-z0-9-]+)\]")
#: Characters that reorder how text is shown (ALM, LRM, RLM, embeddings, overrides, isolates):
#: in an address they make it read differently from where it leads.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: A web address written out in running text.
ADDRESS = re.compile(r"(?:https?://|mailto:|www\.)\S+[^\s.,;:!?)\]\u00bb\u201d\u2019]")
#: Where a web address may break across lines (after these, ``//`` counting as one).
ADDRESS_BREAK = re.compile(r"(?://|[/.\-_?&=#])(?=.)")
#: A character of an address, other than those, after which a line may break (UAX #14).
BREAKABLE_IN_ADDRESS = re.compile(r"[^\w/.\-_?&=#](?=.)")


@dataclass(frozen=True)
class Typesetting:
    """How one language's text is set: its quotation marks (CLDR's, through ICU: primary
    open and close, then secondary) and the words line breaking keeps whole."""

    quotes: str = ""
    never_hyphenate: tuple[str, ...] = ()

    def unbroken(self) -> re.Pattern[str] | None:
        """Any word that one of ``never_hyphenate`` begins (``Kazakhstan``, ``Kazakhstani``)."""
        if not self.never_hyphenate:
            return None
        stems = sorted(self.never_hyphenate, key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, stems)) + r")[\w\-]*")


@cache
def _parser(typesetting: Typesetting | None = None) -> MarkdownIt:
    quotes = typesetting.quotes if typesetting else ""
    options = {"html": False, "linkify": False, "typographer": bool(quotes)}
    md = MarkdownIt("commonmark", {**options, "quotes": quotes} if quotes else options)
    md.disable(["image", "html_inline", "autolink", "backticks"])
    if quotes:
        md.enable("smartquotes")
    md.validateLink = _safe_link  # type: ignore[method-assign]
    if typesetting is not None:
        unbroken = typesetting.unbroken()
        md.add_render_rule("text", lambda renderer, tokens, index, options, env:
                           set_text(tokens[index].content, unbroken))
    return md


def set_text(text: str, unbroken: re.Pattern[str] | None = None) -> Markup:
    """Running text as HTML: web addresses may break only after ``/ . - _ ? & = #``
    (``<wbr>``), and the words ``unbroken`` matches are never hyphenated."""
    out, last = [], 0
    for match in _marked(text, unbroken):
        out.append(escape(text[last:match.start()]))
        if match.re is ADDRESS:
            out.append(address_breaks(match.group()))
        else:
            out.append(Markup('<span class="unbroken">{}</span>').format(match.group()))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _marked(text: str, unbroken: re.Pattern[str] | None) -> list[re.Match[str]]:
    """The addresses and the words kept whole in ``text``, in order, none overlapping
    another (a word that runs into an address is left to the address)."""
    addresses = list(ADDRESS.finditer(text))
    words = [m for m in (unbroken.finditer(text) if unbroken else ())
             if not any(m.start() < a.end() and a.start() < m.end() for a in addresses)]
    return sorted([*addresses, *words], key=lambda m: m.start())


def address_breaks(address: str) -> Markup:
    """A web address with a break opportunity (``<wbr>``) after each of ``/ . - _ ? & = #``
    and nowhere else, so that it never breaks between two letters or digits. A part
    between two of them that holds another character a line breaker may break after
    (``ID:312242``, ``%20``) is one ``address-part`` that does not wrap."""
    pieces = ADDRESS_BREAK.split(address)
    marks = ADDRESS_BREAK.findall(address)
    out = [_address_part(pieces[0])]
    for mark, piece in zip(marks, pieces[1:], strict=True):
        out.append(escape(mark) + Markup("<wbr>") + _address_part(piece))
    return Markup("").join(out)


def _address_part(piece: str) -> Markup:
    if BREAKABLE_IN_ADDRESS.search(piece):
        return Markup('<span class="address-part">%s</span>') % piece
    return escape(piece)


def _safe_link(url: str) -> bool:
    return bool(SAFE_LINK.match(url.strip()))


def inline(text: str, footnote: Callable[[str], Markup] | None = None,
           typesetting: Typesetting | None = None) -> Markup:
    """Render one paragraph of content; ``[^id]`` becomes ``footnote(id)``. With a
    ``typesetting``, straight quotes become the language's and line breaks are controlled.

    Footnote calls stand as placeholders while Markdown is read, so a quotation around a
    call is still one quotation: punctuation the text does not use (Unicode's supplemental
    punctuation), as ``[^id]`` is punctuation, so a quote before or after a call closes or
    opens as it would before the call itself."""
    names = FOOTNOTE_REF.findall(text)
    mark = next(chr(c) for c in range(0x2E00, 0x2E50) if chr(c) not in text)
    marked = FOOTNOTE_REF.sub(lambda _: mark * 2, text) if names else text
    pieces = _parser(typesetting).renderInline(marked).split(mark * 2)
    out = [Markup(pieces[0])]
    for name, piece in zip(names, pieces[1:], strict=True):
        out += [footnote(name) if footnote else escape(f"[^{name}]"), Markup(piece)]
    return Markup("").join(out)


def plain(text: str, typesetting: Typesetting | None = None) -> str:
    """The reading text of a content string: Markdown and footnote calls removed."""
    parser = _parser(Typesetting(typesetting.quotes) if typesetting else None)
    html = parser.renderInline(FOOTNOTE_REF.sub("", text))
    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


def references(text: str) -> list[str]:
    """What a translation must carry over from its source: footnote calls and link targets,
    sorted (``[^mgi]``, ``https://…``)."""
    found = [f"[^{name}]" for name in FOOTNOTE_REF.findall(text)]
    for token in _parser().parseInline(FOOTNOTE_REF.sub("", text)):
        found += [str(child.attrs["href"]) for child in token.children or ()
                  if child.type == "link_open"]
    return sorted(found)


def reference_problem(source: str, translation: str) -> str:
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


def link_problems(text: str) -> list[str]:
    """Links that would not survive rendering as written: an address with bidirectional
    controls, or a footnote call inside a link (a link cannot hold another, and footnote
    calls are replaced before Markdown is read)."""
    problems = []
    for token in _parser().parseInline(text):
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

