"""Stage 5, HTML: an edition's web fonts cut down to what its page shows.

A browser reads every face the page declares and uses; inline, the four shipped faces were
421 KiB of each 450 KiB HTML edition, most of it glyphs no page shows. A reader sees the
page's text and the stylesheet's generated content, nothing else, so each face the page is
styled in keeps only those characters (fontTools subsets it, as WeasyPrint does for the PDF),
and a face no visible element is styled in is left out. The PDF is laid out with the whole
faces; this touches only the HTML edition.

Which face each element is set in is the cascade's answer, so the cascade is WeasyPrint's
(screen media, the user-agent sheet a browser has), not a guess from selectors. Subsets are
kept in the user's cache by what they are made from, so a rebuild does not make them again.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from itertools import pairwise
from pathlib import Path
from typing import Any

import tinycss2  # type: ignore[import-untyped]

from .engine import load_engine
from .fontfiles import as_sfnt
from .fonts import characters_of, family_name
from .usercache import read_blob, user_cache, write_blob

#: The first ``<style>`` element of the head: where the renderer embeds the stylesheet.
STYLE = re.compile(r"(<style>)(.*?)(</style>)", re.DOTALL)
DATA_URI = re.compile(r"data:((font|application)/[\w.+-]+);base64,([A-Za-z0-9+/=]+)")
#: Characters a browser may draw that no text node holds: a counter or a list marker's
#: digits, the hyphen of an automatic break (U+2010, or "-" where the font lacks it), an
#: ellipsis for overflowing text.
GENERATED = frozenset("0123456789. -\u2010\u2026")
#: The pseudo-elements that can draw text, or set part of an element's text in another
#: face.
PSEUDO_ELEMENTS = (None, "before", "after", "marker", "first-line", "first-letter")
#: States a reader puts an element in, which WeasyPrint's cascade never matches.
USER_ACTIONS = re.compile(r":(?:hover|active|focus-visible|focus-within|focus)\b")
#: Quotation marks a browser draws for <q> from its own tables, in any language.
QUOTES = frozenset("\"'\u201c\u201d\u2018\u2019\u201e\u201a\u00ab\u00bb\u2039\u203a"
                   "\u300c\u300d\u300e\u300f")
OBLIQUE = {"italic", "oblique"}
#: What a media query must set to change the faces a page uses or the characters it draws.
TEXT_PROPERTIES = frozenset({
    "font", "font-family", "font-weight", "font-style", "font-variant", "font-variant-caps",
    "font-synthesis", "text-transform", "display", "content", "visibility", "list-style",
    "list-style-type", "hyphens", "text-overflow", "quotes", "counter-reset",
    "counter-increment", "counter-set"})


@dataclass(frozen=True)
class FontFace:
    """One top-level ``@font-face`` rule of the page's stylesheet."""

    index: int
    family: str
    style: str
    weights: tuple[int, int]
    #: The index of its embedded font among the page's data: URIs, or None.
    blob: int | None
    data: bytes


def lean_html(html: str) -> str:
    """``html`` with each embedded face subset to the page's characters, and the faces no
    visible element uses left out; the rest of the page byte for byte as it was. Kept in
    the user cache by the page and this module's code, so a rebuild of the same page does
    not work it out again."""
    cache = user_cache("lean-html", "weasyprint", "fonttools", "brotli")
    key = hashlib.sha256(_code_digest() + html.encode("utf-8")).hexdigest()
    stored = read_blob(cache, key)
    if stored is not None:
        return stored.decode("utf-8")
    lean = _leaned(html)
    write_blob(cache, key, lean.encode("utf-8"))
    return lean


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """What the leaning is made by: this module's source."""
    return hashlib.sha256(Path(__file__).read_bytes()).digest()


def _leaned(html: str) -> str:
    style = STYLE.search(html)
    if style is None:
        return html
    blobs: list[str] = []
    tag = f"data:,{hashlib.sha256(style.group(2).encode()).hexdigest()[:16]}-"
    stashed = re.compile(re.escape(tag) + r"(\d+)")
    css = DATA_URI.sub(lambda match: _stash(blobs, tag, match.group(0)),
                       _newlines(style.group(2)))
    rules = _parsed(css)
    faces = {face.index: face for face in _faces(rules, blobs, stashed)}
    if not any(face.blob is not None for face in faces.values()):
        return html
    texts = _source_texts(css, rules)
    others = "".join(text for index, text in enumerate(texts) if index not in faces)
    bare = _document(html[:style.start(2)] + html[style.end(2):])
    used: set[FontFace] = set()
    characters: set[str] = set(GENERATED)
    characters.update(_css_strings(rules))
    for sheet in _screens(others):
        _visit_page(bare, sheet, list(faces.values()), used, characters)
    replaced = dict(enumerate(blobs))
    for face in used:
        if face.blob is not None:
            data = subset_font(face.data, frozenset(characters))
            replaced[face.blob] = f"data:font/woff2;base64,{base64.b64encode(data).decode()}"
    kept = "".join(text for index, text in enumerate(texts)
                   if index not in faces or faces[index] in used)
    css = stashed.sub(lambda match: replaced[int(match.group(1))], kept)
    return html[:style.start(2)] + css + html[style.end(2):]


def _newlines(css: str) -> str:
    """Line ends as tinycss2 reads them, so that its positions are positions in ``css``."""
    return css.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def _source_texts(css: str, nodes: list[Any]) -> list[str]:
    """Each top-level node's own text, as written (tinycss2 would write strings again its
    own way, undoing the renderer's escapes)."""
    line_starts = [0] + [match.end() for match in re.finditer("\n", css)]
    starts = [line_starts[node.source_line - 1] + node.source_column - 1 for node in nodes]
    return [css[start:end] for start, end in zip(starts, [*starts[1:], len(css)], strict=True)]


def _stash(blobs: list[str], tag: str, uri: str) -> str:
    """A short stand-in for a data: URI, so the stylesheet parses without its fonts."""
    blobs.append(uri)
    return f"{tag}{len(blobs) - 1}"


def _faces(rules: Iterable[Any], blobs: list[str],
           stashed: re.Pattern[str]) -> Iterator[FontFace]:
    for index, rule in enumerate(rules):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or \
                rule.content is None:
            continue
        family, style, weights, blob = "", "normal", (400, 400), None
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                          skip_whitespace=True):
            if declaration.type != "declaration":
                continue
            values = [token for token in declaration.value
                      if token.type not in {"whitespace", "comment"}]
            if declaration.lower_name == "font-family":
                family = family_name(declaration.value)
            elif declaration.lower_name == "font-style" and values:
                style = str(values[0].value).lower()
            elif declaration.lower_name == "font-weight":
                numbers = [int(token.value) if token.type == "number" else
                           {"normal": 400, "bold": 700}.get(str(token.value).lower(), 400)
                           for token in values]
                weights = (min(numbers), max(numbers)) if numbers else weights
            elif declaration.lower_name == "src":
                blob = _embedded(values, stashed)
        uri = DATA_URI.fullmatch(blobs[blob]) if blob is not None else None
        data = base64.b64decode(uri.group(3)) if uri else b""
        yield FontFace(index, family, style, weights, blob, data)


def _embedded(values: list[Any], stashed: re.Pattern[str]) -> int | None:
    """The stashed font of a ``src`` that is one ``data:`` URI (what the renderer
    writes)."""
    urls = [token for token in values if token.type == "url" or
            (token.type == "function" and token.lower_name == "url")]
    if len(urls) != 1:
        return None
    url = urls[0]
    text = url.value if url.type == "url" else "".join(
        token.value for token in url.arguments if token.type == "string")
    match = stashed.fullmatch(text)
    return int(match.group(1)) if match else None


def _screens(css: str) -> Iterator[str]:
    """``css`` as it applies on screens of every size: WeasyPrint knows media types, not
    features, so each ``@media`` query that tests a feature (a width, a colour scheme) and
    can change a face or a character is taken as true alone, then all of them at once, then
    none; the faces and characters of these cascades together are those of any screen
    short of unusual mixes of queries. (A query that sets only colours or sizes changes
    neither, and is left to WeasyPrint, which skips it.)"""
    count = len(list(_feature_queries(_parsed(css))))
    scenarios = [frozenset[int](), *(frozenset({index}) for index in range(count)),
                 frozenset(range(count))]
    for enabled in dict.fromkeys(scenarios):
        rules = _parsed(css)
        for index, rule in enumerate(_feature_queries(rules)):
            rule.prelude = tinycss2.parse_component_value_list(
                f" {_without_features(rule.prelude) if index in enabled else 'not all'} ")
        yield tinycss2.serialize(rules)
    if USER_ACTIONS.search(css):  # hovered, focused: the rules for those states apply
        yield USER_ACTIONS.sub("", tinycss2.serialize(_parsed(css)))


def _parsed(css: str) -> list[Any]:
    return list(tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=False))


def _feature_queries(rules: Iterable[Any]) -> Iterator[Any]:
    """Every ``@media`` rule, at any depth, whose query tests a media feature and whose
    rules set what chooses a face or the characters drawn."""
    for rule in rules:
        if rule.type != "at-rule" or rule.content is None:
            continue
        if rule.lower_at_keyword == "media" and "(" in tinycss2.serialize(rule.prelude) and \
                TEXT_PROPERTIES & set(_declared(rule.content)):
            yield rule
        if rule.lower_at_keyword in {"media", "supports", "layer", "container"}:
            parsed = tinycss2.parse_rule_list(rule.content, skip_comments=False,
                                              skip_whitespace=False)
            inner = list(_feature_queries(parsed))
            if inner:
                rule.content = parsed
                yield from inner


def _declared(content: list[Any]) -> Iterator[str]:
    """The names of the properties a block's rules declare, at any depth."""
    for rule in tinycss2.parse_rule_list(content, skip_comments=True, skip_whitespace=True):
        if rule.content is None:
            continue
        if rule.type == "at-rule":
            yield from _declared(rule.content)
        elif rule.type == "qualified-rule":
            yield from (declaration.lower_name for declaration in
                        tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                       skip_whitespace=True)
                        if declaration.type == "declaration")


def _without_features(prelude: list[Any]) -> str:
    """A media query list with its feature tests taken as true: ``screen and (min-width:
    40rem)`` is ``screen``, ``(prefers-color-scheme: dark)`` is ``all``."""
    queries = []
    for query in tinycss2.serialize(prelude).split(","):
        words = re.sub(r"\([^)]*\)", " ", query).split()
        words = [word for word in words if word.lower() != "and"]
        queries.append(" ".join(words) or "all")
    return ", ".join(queries)


def _document(page: str) -> Any:
    """The page as WeasyPrint reads it for screen media (parsed once for every cascade)."""
    load_engine()
    from weasyprint import HTML

    return HTML(string=page, media_type="screen")


def _visit_page(document: Any, sheet: str, faces: list[FontFace], used: set[FontFace],
                characters: set[str]) -> None:
    """Add the faces the page's visible elements are set in when styled by ``sheet``, and
    the characters it can show, as WeasyPrint's cascade for screen media has them."""
    from weasyprint import CSS
    from weasyprint.css import get_all_computed_styles

    with _quiet("weasyprint"):
        style_for = get_all_computed_styles(
            document, user_stylesheets=[CSS(string=sheet, media_type="screen")])

    def visit(element: Any) -> None:
        style = style_for(element)
        if style is None or style["display"] == ("none",):
            return
        own = (element.text or "") + "".join(child.tail or "" for child in element)
        drawn = _as_drawn(own, style)
        for pseudo in PSEUDO_ELEMENTS:
            pseudo_style = style if pseudo is None else style_for(element, pseudo)
            if pseudo_style is not None and _draws_text(element, pseudo, pseudo_style):
                used.update(_faces_drawing(
                    drawn if pseudo in {None, "first-line", "first-letter"} else "",
                    _matches(faces, pseudo_style["font_family"], pseudo_style["font_weight"],
                             pseudo_style["font_style"])))
        characters.update(drawn)
        if element.tag == "q":
            characters.update(QUOTES)
        for child in element:
            visit(child)

    body = document.etree_element.find("body")
    if body is not None:
        visit(body)


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """WeasyPrint's warnings about a screen stylesheet it is not laying out are not the
    build's to show."""
    logger = logging.getLogger(name)
    saved = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(saved)


def _as_drawn(text: str, style: Any) -> str:
    """``text`` and, when the style changes its case (``text-transform``, small capitals a
    browser may make from capitals), every case of it: special casings too (Turkish dotted
    capital I and dotless small i, Greek capitals without their accents)."""
    if style["text_transform"] == "none" and style["font_variant_caps"] == "normal":
        return text
    cased = text + text.upper() + text.lower() + text.title()
    extra = ("\u0130" if "i" in cased else "") + ("\u0131" if "I" in cased else "")
    return cased + extra + unicodedata.normalize("NFD", cased)


def _draws_text(element: Any, pseudo: str | None, style: Any) -> bool:
    """Whether the element's own text, or the pseudo-element, puts glyphs on the page."""
    if pseudo is None:
        return bool((element.text or "").strip()) or any(
            (child.tail or "").strip() for child in element)
    if pseudo == "marker":
        return "list-item" in style["display"] and style["list_style_type"] != "none"
    if pseudo in {"first-line", "first-letter"}:
        return _draws_text(element, None, style)
    return style["content"] not in ("normal", "none")


def _css_strings(rules: Iterable[Any]) -> Iterator[str]:
    for token in _tokens(rules):
        if token.type == "string":
            yield from token.value


def _tokens(nodes: Iterable[Any]) -> Iterator[Any]:
    for node in nodes:
        yield node
        for child in ("prelude", "content", "arguments", "value"):
            inner = getattr(node, child, None)
            if isinstance(inner, list):
                yield from _tokens(inner)


def _faces_drawing(text: str, matches: list[FontFace]) -> Iterator[FontFace]:
    """The faces a browser draws ``text`` in: the first matching family's, and a later
    family's for the characters the earlier ones lack (an Arabic name in a Latin page)."""
    if not matches:
        return
    yield matches[0]
    missing = {ord(char) for char in text if not char.isspace()}
    for previous, face in pairwise(matches):
        missing -= _characters(previous)
        if not missing:
            return
        if missing & _characters(face):
            yield face


@lru_cache(maxsize=32)
def _characters(face: FontFace) -> frozenset[int]:
    """The face's characters, worked out once per face and not per element (the font file
    is hashed to find them)."""
    return characters_of(face.data)


def _matches(faces: list[FontFace], families: tuple[str, ...], weight: int,
             style: str) -> list[FontFace]:
    """The face a browser picks in each listed family that has faces, in the list's order:
    CSS Fonts 4 font matching, style before weight."""
    found = []
    for family in families:
        candidates = [face for face in faces if face.family == family]
        styles = ([style, "oblique" if style == "italic" else "italic", "normal"]
                  if style in OBLIQUE else ["normal", "oblique", "italic"])
        for wanted in styles:
            same = [face for face in candidates if face.style == wanted]
            if same:
                found.append(min(same, key=lambda face: _weight_distance(face.weights, weight)))
                break
    return found


def _weight_distance(weights: tuple[int, int], wanted: int) -> tuple[int, int]:
    """A sort key for CSS Fonts 4's weight matching: a face covering ``wanted`` first; then,
    for 400 to 500, faces up to 500 upward, then lighter ones downward, then heavier; below
    400 lighter first; above 500 heavier first."""
    low, high = weights
    if low <= wanted <= high:
        return (0, 0)
    if 400 <= wanted <= 500 and wanted < low <= 500:
        return (1, low - wanted)
    lighter = (2, wanted - high) if high < wanted else None
    heavier = (2, low - wanted) if low > wanted else None
    if wanted > 500:
        return heavier or (3, wanted - high)
    return lighter or (3, low - wanted)


def subset_font(data: bytes, characters: frozenset[str]) -> bytes:
    """A WOFF2 font with ``data``'s glyphs for ``characters`` (and what their shaping
    needs: ligatures, kerning, marks), the same bytes every time; kept in the user cache."""
    wanted = "".join(sorted(characters))
    key = hashlib.sha256(data + b"\0" + wanted.encode("utf-8") + b"\0"
                         + PAGE_FEATURES.encode("ascii")).hexdigest()
    cache = user_cache("webfonts", "fonttools", "brotli")
    stored = read_blob(cache, key)
    if stored is not None:
        return stored
    made = _subset(as_sfnt(data), wanted)
    write_blob(cache, key, made)
    return made


def subset_options() -> Any:
    """How the project subsets fonts, the shipped faces (tools/subset_fonts.py) and each
    page's alike: WOFF2, every layout feature and name kept, no hinting (browsers and
    WeasyPrint do not use it at these sizes)."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    return options


#: A page's subset keeps the layout features a browser applies by itself (fontTools' default
#: list: kerning, marks, ligatures, Arabic's contextual forms …); the stylesheets turn on no
#: other. The shipped faces keep every feature. Half the size of an Arabic face.
PAGE_FEATURES = "default"


def _subset(sfnt: bytes, characters: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset_options()
    options.layout_features = subset.Options().layout_features
    font = TTFont(BytesIO(sfnt), recalcTimestamp=False, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(character) for character in characters])
    subsetter.subset(font)
    out = BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()
