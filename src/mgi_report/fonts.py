"""Fonts are input: the faces the stylesheets declare must load and must cover the wording.

WeasyPrint, like a browser, quietly sets a character its fonts lack in whatever font the
machine has, and sets text in another weight when a face fails to load. An edition would then
depend on the machine it was built on, so both are refused here, before rendering, with the
file, line and key of the wording that needs the missing character.
"""

from __future__ import annotations

import hashlib
import html
import multiprocessing
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from io import BytesIO
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import tinycss2  # type: ignore[import-untyped]

from .errors import InputError, Problem
from .markup import plain
from .paths import ProjectPaths
from .usercache import read_record, user_cache, write_record
from .workers import forked_pool
from .yamlfile import YamlDocument, dotted

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog
    from pypdf import PdfReader

STYLESHEETS = "css"
#: Unicode's Default_Ignorable_Code_Point characters (soft hyphen, joiners, bidi controls,
#: variation selectors, tags, …): a renderer draws nothing for them, so no font needs them.
#: Tab and line ends are layout, not glyphs. Every other character needs a glyph.
_IGNORABLE = (
    [(0x09, 0x0A), (0x0D, 0x0D), (0xAD, 0xAD), (0x34F, 0x34F), (0x61C, 0x61C),
     (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F),
     (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
     (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
     (0xE0000, 0xE0FFF)])
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

    @cached_property
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
        absent = {ch for ch in set(text) if ord(ch) not in coverage and not _ignored(ch)}
        return [ch for ch in dict.fromkeys(text) if ch in absent] if absent else []


def _ignored(char: str) -> bool:
    point = ord(char)
    return any(first <= point <= last for first, last in _IGNORABLE)


def describe(char: str) -> str:
    """``'→' (U+2192 RIGHTWARDS ARROW)``."""
    return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')})"


@dataclass(frozen=True)
class TemplateFile:
    """A template or stylesheet, read once for every check here; ``text`` is None when
    the file is not UTF-8 (the template loader reports that, with its line)."""

    path: Path
    where: str
    text: str | None


def template_files(paths: ProjectPaths) -> tuple[TemplateFile, ...]:
    if not paths.templates.is_dir():
        return ()
    files = []
    for path in sorted(paths.templates.rglob("*")):
        if path.suffix in {".j2", ".css"} and path.is_file():
            try:
                text: str | None = paths.read(path).decode("utf-8")
            except UnicodeDecodeError:
                text = None
            files.append(TemplateFile(path, paths.display(path), text))
    return tuple(files)


def shipped_fonts(paths: ProjectPaths,
                  files: Sequence[TemplateFile] | None = None) -> ShippedFonts:
    """The faces declared by every stylesheet under templates/css; bad input if a face is
    missing, unreadable, outside templates/ or ``local()``, if a stylesheet imports another
    or a template declares a face of its own, or if none is declared at all."""
    folder = paths.templates / STYLESHEETS
    files = template_files(paths) if files is None else files
    declared: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for sheet in files:
        if sheet.path.suffix != ".css" or not sheet.path.is_relative_to(folder):
            continue
        where = sheet.where
        for line, family, url in _font_faces(sheet, problems):
            font = paths.template_asset(sheet.path, unquote(url))
            if url.startswith("local("):
                problems.append(Problem(where, line, "@font-face", f"{url}: a font of the "
                                        "machine; name a file under templates/ instead"))
            elif font is None:
                problems.append(Problem(where, line, "@font-face",
                                        f"font {url!r} is not a file under templates/"))
            elif not font.is_file():
                problems.append(Problem(where, line, "@font-face", f"font file {url!r} not "
                                        "found: the edition would be set in a machine font"))
            else:
                declared.append((font, family))
    files_read: list[tuple[Path, str, bytes]] = []
    for font, family in declared:
        try:
            files_read.append((font, family, paths.read(font)))
        except InputError as error:
            problems.extend(error.problems)
    digests = [hashlib.sha256(data).hexdigest() for _, _, data in files_read]
    worked_out = _work_out_coverage(dict(zip(digests, (data for _, _, data in files_read),
                                             strict=True)))
    faces: list[Face] = []
    for (font, family, data), digest in zip(files_read, digests, strict=True):
        coverage = worked_out[digest] if digest in worked_out else _coverage(digest, data)
        if isinstance(coverage, str):
            problems.append(Problem(paths.display(font), 0, "", coverage))
        else:
            faces.append(Face(family, paths.display(font), coverage))
    problems.extend(_faces_in_templates(files))
    problems.extend(_unshipped_families(files, {face.family for face in faces}))
    if not faces and not problems:
        where = paths.display(folder)
        problems.append(Problem(where, 0, "", "no @font-face in the stylesheets: every "
                                "edition would be set in a machine font"))
    if problems:
        raise InputError(problems)
    return ShippedFonts(tuple(faces))


def _font_faces(sheet: TemplateFile,
                problems: list[Problem]) -> Iterator[tuple[int, str, str]]:
    """(line, family, source) of every ``@font-face`` source in ``sheet``, at any depth
    (inside ``@media`` too); a source is a URL or ``local(…)``."""
    if sheet.text is None:
        problems.append(Problem(sheet.where, 0, "", "not valid UTF-8 text"))
        return
    yield from _faces_in_rules(
        tinycss2.parse_stylesheet(sheet.text, skip_comments=True, skip_whitespace=True),
        sheet.where, problems)


def _faces_in_rules(rules: Iterable[Any], where: str,
                    problems: list[Problem]) -> Iterator[tuple[int, str, str]]:
    for rule in rules:
        if rule.type != "at-rule":
            continue
        if rule.lower_at_keyword == "import":
            problems.append(Problem(where, rule.source_line, "@import", "a stylesheet must "
                                    "hold its rules itself (the HTML edition embeds it whole)"))
        elif rule.lower_at_keyword == "font-face" and rule.content is not None:
            yield from _face_sources(rule)
        elif rule.content is not None:
            yield from _faces_in_rules(
                tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                         skip_whitespace=True), where, problems)


def _face_sources(rule: Any) -> Iterator[tuple[int, str, str]]:
    family, sources = "", list[tuple[int, str]]()
    for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                      skip_whitespace=True):
        if declaration.type != "declaration":
            continue
        if declaration.lower_name == "font-family":
            family = family_name(declaration.value)
        elif declaration.lower_name == "src":
            for token in _walk(declaration.value):
                if token.type == "url":
                    sources.append((token.source_line, token.value))
                elif token.type == "function" and token.lower_name in {"url", "local"}:
                    value = "".join(_strings(token.arguments)).strip()
                    sources.append((token.source_line, value if token.lower_name == "url"
                                    else f"local({value!r})"))
    for line, source in sources:
        yield line, family, source


FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;}>]+)", re.IGNORECASE)
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
                    "ui-serif", "ui-sans-serif", "ui-monospace", "math", "emoji", "inherit",
                    "initial", "unset", "revert"}


def _unshipped_families(files: Sequence[TemplateFile],
                        shipped: set[str]) -> Iterator[Problem]:
    """A ``font-family`` naming a family without ``@font-face`` would get another font on
    every machine (and the shipped one here): a mistake to report, not to guess around."""
    if not shipped:
        return
    for file in files:
        text = file.text or ""
        for match in FONT_FAMILY.finditer(text):
            for name in match.group(1).split(","):
                family = as_read(name).strip().strip("\"'").strip()
                if family and family not in shipped and family.lower() not in GENERIC_FAMILIES \
                        and "{" not in family:
                    yield Problem(file.where, text.count("\n", 0, match.start()) + 1,
                                  "font-family", f"{family!r} has no @font-face under "
                                  f"templates/{STYLESHEETS}/ (shipped: "
                                  f"{', '.join(sorted(shipped))})")


def _faces_in_templates(files: Sequence[TemplateFile]) -> Iterator[Problem]:
    """Faces belong in templates/css, where they are checked; not in a template's style."""
    for file in files:
        if file.path.suffix == ".css":
            continue
        for number, line in enumerate((file.text or "").split("\n"), 1):
            if "@font-face" in line.lower():
                yield Problem(file.where, number, "@font-face", "declare fonts in "
                              f"templates/{STYLESHEETS}/, where they are checked")


def _walk(tokens: Iterable[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        if token.type == "function":
            yield from _walk(token.arguments)


def family_name(tokens: Iterable[Any]) -> str:
    """The family an ``@font-face``'s ``font-family`` names, quoted or not."""
    return "".join(_strings(tokens)).strip()


def _strings(tokens: Iterable[Any]) -> Iterator[str]:
    for token in tokens:
        if token.type in {"string", "ident"}:
            yield token.value
        elif token.type == "whitespace":
            yield " "


def _work_out_coverage(fonts: Mapping[str, bytes]) -> dict[str, frozenset[int] | str]:
    """The coverage of the fonts (by digest): those the user cache knows as it has them,
    the others worked out at once in forked processes, one per core (on a machine's first
    build each face takes a fifth to a half of a second, one after another), each process
    keeping what it finds in the user cache. Nothing is read or forked in a process with
    other threads running (a fork copies only the calling thread, and a lock another one
    held stays locked), nor forked for fewer than two faces: :func:`_coverage` gives the
    faces left out."""
    cores = os.cpu_count() or 1
    if cores < 2 or threading.active_count() > 1 or \
            "fork" not in multiprocessing.get_all_start_methods():
        return {}
    known = {digest: coverage for digest in fonts
             if (coverage := _stored_coverage(digest)) is not None}
    unknown = {digest: data for digest, data in fonts.items() if digest not in known}
    if len(unknown) < 2:
        return known
    with forked_pool(min(cores, len(unknown))) as pool:
        known.update(zip(unknown, pool.map(_coverage, unknown, unknown.values()), strict=True))
    return known


def characters_of(data: bytes) -> frozenset[int]:
    """The characters a font file (TTF, OTF, WOFF or WOFF2) draws; none if it is damaged."""
    found = _coverage(hashlib.sha256(data).hexdigest(), data)
    return frozenset() if isinstance(found, str) else found


@lru_cache(maxsize=64)
def _coverage(digest: str, data: bytes) -> frozenset[int] | str:
    """A font's characters, once every glyph outline is known to decode; or what is wrong.
    Cached by content, in the process and in the user's cache folder (decoding every glyph
    of a WOFF2 font takes a third of a second; a build with nothing to do would spend most
    of its time on it)."""
    stored = _stored_coverage(digest)
    if stored is not None:
        return stored
    found = _decoded_coverage(data)
    _store_coverage(digest, found)
    return found


def _coverage_file(digest: str) -> Path:
    return user_cache("font-coverage", "fonttools") / f"{digest}.json"


def _stored_coverage(digest: str) -> frozenset[int] | str | None:
    stored = read_record(_coverage_file(digest))
    if isinstance(stored, dict) and isinstance(stored.get("problem"), str):
        return str(stored["problem"])
    points = stored.get("characters") if isinstance(stored, dict) else None
    if isinstance(points, list) and points and all(isinstance(p, int) for p in points):
        return frozenset(points)
    return None


def _store_coverage(digest: str, found: frozenset[int] | str) -> None:
    record = {"problem": found} if isinstance(found, str) else {"characters": sorted(found)}
    write_record(_coverage_file(digest), record)


def _decoded_coverage(data: bytes) -> frozenset[int] | str:
    """The coverage of the font as WeasyPrint is handed it: a web font decoded once
    (:func:`mgi_report.fontfiles.as_sfnt`, kept for the layout too), then every glyph."""
    from fontTools.ttLib import TTFont

    from .fontfiles import as_sfnt

    try:
        parsed = TTFont(BytesIO(as_sfnt(data)), recalcBBoxes=False, recalcTimestamp=False)
        cmap = parsed.getBestCmap()
        for tag in ("head", "hhea", "maxp", "hmtx", "name", "OS/2", "post"):
            parsed[tag]  # a table is decoded when it is first accessed
        if "glyf" in parsed:
            glyphs = parsed["glyf"]
            for name in parsed.getGlyphOrder():
                glyph = glyphs[name]
                glyph.expand(glyphs)
                if glyph.isComposite():
                    glyph.getCoordinates(glyphs)
        elif "CFF " in parsed:
            charstrings = parsed["CFF "].cff.topDictIndex[0].CharStrings
            for name in parsed.getGlyphOrder():
                charstrings[name].decompile()
        else:
            return "font has no glyph outlines (neither TrueType nor CFF)"
    except Exception as exc:  # fontTools raises anything from struct.error to KeyError
        return f"not a font WeasyPrint can use ({type(exc).__name__}: {exc})"
    if not cmap:
        return "font has no Unicode character map"
    return frozenset(cmap)


def check_wording(paths: ProjectPaths, documents: Iterable[YamlDocument],
                  catalogs: Iterable[tuple[str, Catalog]],
                  other: Iterable[tuple[str, int, str, str]] = ()) -> ShippedFonts:
    """The shipped fonts, once every piece of wording is known to be covered by them:
    content and country files, interface catalogs (``(file, catalog)`` pairs), the
    templates' own text, and ``other`` (file, line, key, text) such as language names."""
    files = template_files(paths)
    fonts = shipped_fonts(paths, files)
    texts = chain(
        other,
        ((doc.file, doc.line_of(path), dotted(path), text + "\n" + plain(text))
         for doc in documents for path, text in doc.strings()),
        ((file, message.lineno or 0, f"msgid {_first(message.id)!r}", text)
         for file, catalog in catalogs for message in catalog if message.id
         for text in _all(message.id) + _all(message.string)),
        _template_lines(files))
    problems = coverage_problems(fonts, texts)
    if problems:
        raise InputError(problems)
    return fonts


def _all(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else ((value,) if value else ())


def _first(value: Any) -> str:
    return str(_all(value)[0]) if _all(value) else ""


def _template_lines(files: Sequence[TemplateFile]) -> Iterator[tuple[str, int, str, str]]:
    """Templates and stylesheets line by line, as a reader gets them: literal text, HTML
    character references and CSS escapes decoded."""
    for file in files:
        for number, line in enumerate((file.text or "").split("\n"), 1):
            yield file.where, number, "", as_read(line)


CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")


def as_read(text: str) -> str:
    """``text`` with HTML character references and CSS escapes decoded (``&rarr;``,
    ``\\2192``), as a browser or WeasyPrint would show it."""
    def char(match: re.Match[str]) -> str:
        point = int(match.group(1), 16)
        return chr(point) if 0 < point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF \
            else "\ufffd"

    return CSS_ESCAPE.sub(char, html.unescape(text))


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


def machine_fonts(pdf: PdfReader, fonts: ShippedFonts) -> list[str]:
    """Fonts embedded in ``pdf`` that are not a face of a shipped family."""
    names: set[str] = set()

    def visit(resources: Any) -> None:
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            names.add(str(font.get_object().get("/BaseFont", "")).lstrip("/"))
        for xobject in (resources.get("/XObject") or {}).values():
            if "/Resources" in (xobject := xobject.get_object()):
                visit(xobject["/Resources"])

    for page in pdf.pages:
        if "/Resources" in page:
            visit(page["/Resources"])
    return foreign_fonts(names, fonts)


def foreign_fonts(names: Iterable[str], fonts: ShippedFonts) -> list[str]:
    """Of a PDF's font names (``/BaseFont``, a subset's prefix or not), those that are not
    a face of a shipped family."""
    bare = {_SUBSET_PREFIX.sub("", name) for name in names}
    return sorted(name for name in bare if not _shipped(name, fonts.families))


def _shipped(name: str, families: frozenset[str]) -> bool:
    for family in families:
        stem = family.replace(" ", "-")
        if name == stem or (name.startswith(stem + "-")
                            and set(name[len(stem) + 1:].split("-")) <= _STYLE_WORDS):
            return True
    return False
