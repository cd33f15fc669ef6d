"""Fonts are input: the faces the stylesheets declare must load and must cover the wording.

WeasyPrint, like a browser, quietly sets a character its fonts lack in whatever font the
machine has, and sets text in another weight when a face fails to load. An edition would then
depend on the machine it was built on, so both are refused here, before rendering, with the
file, line and key of the wording that needs the missing character.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tinycss2  # type: ignore[import-untyped]

from .errors import InputError, Problem
from .paths import ProjectPaths
from .yamlfile import YamlDocument, dotted

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

STYLESHEETS = "css"
#: Characters that are never drawn with a glyph of their own (controls, format characters
#: such as soft hyphens and joiners, line and paragraph separators, variation selectors).
_IGNORED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
_VARIATION_SELECTORS = range(0xFE00, 0xFE10)
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
#: Words Pango appends to a family in the font names WeasyPrint writes ("Noto-Sans-Bold").
_STYLE_WORDS = {"Thin", "Ultra", "Extra", "Semi", "Demi", "Light", "Book", "Regular", "Medium",
                "Bold", "Heavy", "Black", "Italic", "Oblique", "Small", "Caps", "Condensed",
                "Expanded"}


@dataclass(frozen=True)
class Face:
    """One ``@font-face`` of the stylesheets, loaded from its file."""

    family: str
    file: str
    coverage: frozenset[int]


@dataclass(frozen=True)
class ShippedFonts:
    faces: tuple[Face, ...]

    @property
    def coverage(self) -> frozenset[int]:
        """Characters every face of at least one family can draw: text in any weight or
        style of that family then needs no other font."""
        families: dict[str, frozenset[int]] = {}
        for face in self.faces:
            families[face.family] = families.get(face.family, face.coverage) & face.coverage
        return frozenset().union(*families.values())

    @property
    def families(self) -> frozenset[str]:
        return frozenset(face.family for face in self.faces)

    def missing(self, text: str) -> list[str]:
        """The characters of ``text`` no shipped font can draw, each once, in order."""
        coverage = self.coverage
        return list(dict.fromkeys(ch for ch in text if ord(ch) not in coverage
                                  and not _ignored(ch)))


def _ignored(char: str) -> bool:
    return unicodedata.category(char) in _IGNORED_CATEGORIES \
        or ord(char) in _VARIATION_SELECTORS


def describe(char: str) -> str:
    """``'→' (U+2192 RIGHTWARDS ARROW)``."""
    return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')})"


def shipped_fonts(paths: ProjectPaths) -> ShippedFonts:
    """The faces declared by every stylesheet under templates/css; bad input if a face is
    missing, unreadable or outside templates/, or if none is declared at all."""
    folder = paths.templates / STYLESHEETS
    sheets = sorted(folder.rglob("*.css")) if folder.is_dir() else []
    stamp = tuple((sheet, sheet.stat().st_mtime_ns) for sheet in sheets)
    return _load(paths, stamp)


@cache
def _load(paths: ProjectPaths, stamp: tuple[tuple[Path, int], ...]) -> ShippedFonts:
    faces: list[Face] = []
    problems: list[Problem] = []
    for sheet, _mtime in stamp:
        for line, family, url in _font_faces(paths, sheet, problems):
            where = paths.display(sheet)
            font = Path(os.path.normpath(sheet.parent / url))
            if "://" in url or ":" in url.split("/")[0] \
                    or not font.resolve().is_relative_to(paths.templates.resolve()):
                problems.append(Problem(where, line, "@font-face",
                                        f"font {url!r} is not a file under templates/"))
            elif not font.is_file():
                problems.append(Problem(where, line, "@font-face", f"font file {url!r} not "
                                        "found: the edition would be set in a machine font"))
            else:
                try:
                    faces.append(_face(paths, font, family))
                except InputError as error:
                    problems.extend(error.problems)
    if not faces and not problems:
        where = paths.display(paths.templates / STYLESHEETS)
        problems.append(Problem(where, 0, "", "no @font-face in the stylesheets: every "
                                "edition would be set in a machine font"))
    if problems:
        raise InputError(problems)
    return ShippedFonts(tuple(faces))


def _font_faces(paths: ProjectPaths, sheet: Path,
                problems: list[Problem]) -> Iterator[tuple[int, str, str]]:
    """(line, family, url) of every ``@font-face`` source in ``sheet``."""
    where = paths.display(sheet)
    try:
        css = paths.read(sheet).decode("utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(where, 0, "", "not valid UTF-8 text"))
        return
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or rule.content is None:
            continue
        family, urls = "", list[tuple[int, str]]()
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                          skip_whitespace=True):
            if declaration.type != "declaration":
                continue
            if declaration.lower_name == "font-family":
                family = "".join(_strings(declaration.value)).strip()
            elif declaration.lower_name == "src":
                urls.extend((token.source_line, token.value)
                            for token in _walk(declaration.value) if token.type == "url")
                urls.extend((token.source_line, token.arguments[0].value)
                            for token in _walk(declaration.value)
                            if token.type == "function" and token.lower_name == "url"
                            and token.arguments and token.arguments[0].type == "string")
        for line, url in urls:
            yield line, family, url


def _walk(tokens: Iterable[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        if token.type == "function":
            yield from _walk(token.arguments)


def _strings(tokens: Iterable[Any]) -> Iterator[str]:
    for token in tokens:
        if token.type in {"string", "ident"}:
            yield token.value
        elif token.type == "whitespace":
            yield " "


def _face(paths: ProjectPaths, font: Path, family: str) -> Face:
    from fontTools.ttLib import TTFont

    where = paths.display(font)
    data = paths.read(font)
    try:
        parsed = TTFont(BytesIO(data), lazy=False, recalcBBoxes=False, recalcTimestamp=False)
        cmap = parsed.getBestCmap()
        tables = [parsed[tag] for tag in ("head", "maxp", "hmtx", "name")]  # decoded here
    except Exception as exc:  # fontTools raises anything from struct.error to KeyError
        raise InputError([Problem(where, 0, "", f"not a font WeasyPrint can use "
                                                f"({type(exc).__name__}: {exc})")]) from None
    if not cmap or not tables:
        raise InputError([Problem(where, 0, "", "font has no Unicode character map")])
    return Face(family, where, frozenset(cmap))


def check_wording(paths: ProjectPaths, documents: Iterable[YamlDocument],
                  catalogs: Iterable[tuple[str, Catalog]]) -> ShippedFonts:
    """The shipped fonts, once every piece of wording is known to be covered by them:
    content and country files, interface catalogs (``(file, catalog)`` pairs) and the
    templates' own text."""
    fonts = shipped_fonts(paths)
    texts = chain(
        ((doc.file, doc.line_of(path), dotted(path), text)
         for doc in documents for path, text in doc.strings()),
        ((file, message.lineno or 0, f"msgid {_first(message.id)!r}", text)
         for file, catalog in catalogs for message in catalog if message.id
         for text in _all(message.id) + _all(message.string)),
        _template_lines(paths))
    problems = coverage_problems(fonts, texts)
    if problems:
        raise InputError(problems)
    return fonts


def _all(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else ((value,) if value else ())


def _first(value: Any) -> str:
    return str(_all(value)[0]) if _all(value) else ""


def _template_lines(paths: ProjectPaths) -> Iterator[tuple[str, int, str, str]]:
    """Templates and stylesheets line by line: literal text and CSS ``content`` strings."""
    if not paths.templates.is_dir():
        return
    for path in sorted(paths.templates.rglob("*")):
        if path.suffix in {".j2", ".css"} and path.is_file():
            try:
                text = paths.read(path).decode("utf-8")
            except UnicodeDecodeError:
                continue  # the template loader reports it, with its line
            for number, line in enumerate(text.split("\n"), 1):
                yield paths.display(path), number, "", line


def coverage_problems(fonts: ShippedFonts,
                      texts: Iterable[tuple[str, int, str, str]]) -> list[Problem]:
    """One problem per (file, line, key, text) whose text needs a character no shipped
    font has."""
    problems = []
    for file, line, key, text in texts:
        missing = fonts.missing(text)
        if missing:
            problems.append(Problem(file, line, key, coverage_message(missing)))
    return problems


def coverage_message(missing: list[str]) -> str:
    shown = ", ".join(describe(ch) for ch in missing[:3])
    more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
    return (f"no shipped font has {shown}{more} (templates/css @font-face): "
            "it would be set in a font of the machine")


def machine_fonts(pdf: bytes, fonts: ShippedFonts) -> list[str]:
    """Fonts embedded in ``pdf`` that are not a face of a shipped family."""
    from pypdf import PdfReader

    names: set[str] = set()

    def visit(resources: Any) -> None:
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            names.add(_SUBSET_PREFIX.sub("", str(font.get_object().get("/BaseFont", ""))
                                         .lstrip("/")))
        for xobject in (resources.get("/XObject") or {}).values():
            if "/Resources" in (xobject := xobject.get_object()):
                visit(xobject["/Resources"])

    for page in PdfReader(BytesIO(pdf)).pages:
        if "/Resources" in page:
            visit(page["/Resources"])
    return sorted(name for name in names if not _shipped(name, fonts.families))


def _shipped(name: str, families: frozenset[str]) -> bool:
    for family in families:
        stem = family.replace(" ", "-")
        if name == stem or (name.startswith(stem + "-")
                            and set(name[len(stem) + 1:].split("-")) <= _STYLE_WORDS):
            return True
    return False
