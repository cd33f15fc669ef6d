"""The translators' round trip in XLIFF 2.1, the OASIS standard CAT tools exchange.

The same semantics as the PO round trip (:mod:`.exchange`), which shares its reading of
the project and its checks and writing:

* One ``<xliff version="2.1" srcLang="en" trgLang="de">`` in the XLIFF 2 core namespace
  (``urn:oasis:names:tc:xliff:document:2.0``, which 2.1 keeps), one ``<file>`` per content
  file (``id`` its name, ``original`` its path, ``xml:space="preserve"``), and in it one
  ``<unit id="KEY">`` per content key, in the source's order, with one ``<segment>``.
  Content keys (letters, digits, ``.``, ``-``, ``_``) are XML name tokens, as unit ids must
  be. A list of paragraphs is one text, the paragraphs apart by a blank line, as in PO.
* The segment's ``state``: ``translated`` for a current translation; ``initial`` with the
  translation as target and ``subState="mgi-report:outdated"`` for an outdated one (XLIFF
  2 has no "needs review" state, and ``initial`` is what a tool shows as still to do, as
  PO's fuzzy); ``initial`` without a target for a missing one. ``reviewed`` and ``final``
  are never written: a review happens in the tool.
* Notes (``<note category=…>``): ``location`` the source's file and line, ``section`` the
  passage's place in the editions, ``shown-in`` the editions that show it, and for an
  outdated translation ``previous-source``, the English it was made from (PO's ``#|``).
* Footnote calls (``[^mgi]``) are placeholders, ``<ph id="1" dataRef="d1" disp="[^mgi]"
  canCopy="no" canDelete="no"/>``, and links (``[text](https://…)``) paired codes around
  their text, ``<pc id="2" dataRefStart="d2" dataRefEnd="d3" type="link" …>text</pc>``;
  the markup is kept in the unit's ``<originalData>``, so a CAT tool shows tags a
  translator moves but cannot edit or lose. Emphasis (``*x*``) stays text. A translation's
  codes are those of its source with the same markup; markup the source does not have
  stays text.
* The bytes depend on the project alone (no date, no tool version): the same content
  exports the same file.

Import (``read_xliff``) reads every unit into the offers the PO import reads messages into,
then the same checks decide: a unit is imported when every segment has a target and its
state is ``translated``, ``reviewed`` or ``final`` (no state means ``initial``); its source
(what the translator saw) is recorded as what the translation was made from. A unit stands
in a ``<file>`` (in ``<group>`` or not), has an id and a segment; a segment or ignorable
has one source and at most one target. Under ``xml:space="default"`` a run of white space
holding a line break at the start or end of a segment's source or target is a tool's layout
and dropped; ``preserve`` keeps it. The target is the text of its segments and ignorables
(an ignorable without target keeps its source) in their ``order``, each inline code
replaced by its original data, ``<mrk>`` and ``<sm>``/``<em>`` annotations by their
content, ``<cp>`` by its character (a surrogate, a code point above 10FFFF or one not in
hexadecimal digits is refused; an ``order`` is ASCII digits). A target that lacks one of
its source's codes, has one twice or adds one is refused naming the unit, as is one the
content rules refuse (the footnote calls and links of the source, no control character).
Reading is bounded and closed (at most 8 MiB, no DTD, no entity, no network: a DOCTYPE is
refused before libxml2 reads the file, and its resolver refuses every external load) and
its errors are one line each at the file's line: an encoding other than UTF-8 and UTF-16
(or one the bytes are not in), XML that is not well formed, another root or namespace
(XLIFF 1.2), another version than 2.0 or 2.1, a srcLang that is not the project's source
language, a trgLang Babel does not know or reads as another language (``und`` as
``en_US``), a regional trgLang where the project has only its language, two units for one
key. A unit for a key the source does not have (any more: removed since the export) is
skipped with a warning at its line, as a PO message is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from lxml import etree

from ..errors import InputError, Problem, UsageError
from ..markup import FOOTNOTE_REF, references
from ..model import Project, bcp47
from ..paths import read_regular
from ..pofile import CONTENT_KEY, MAX_PO_BYTES
from .exchange import (
    Exported,
    ImportResult,
    Offer,
    exported,
    import_offers,
    regional_target,
    target_locale,
)

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
VERSION = "2.1"
#: The versions read: the core of 2.1 is that of 2.0, in the same namespace.
READ_VERSIONS = ("2.0", "2.1")
#: The largest XLIFF file read, as for PO (this project's content is about 65 KB of XLIFF).
MAX_XLIFF_BYTES = MAX_PO_BYTES
SUFFIXES = (".xlf", ".xliff")
OUTDATED = "mgi-report:outdated"
#: Segment states whose target is imported (XLIFF 2's default state is ``initial``).
DONE = ("translated", "reviewed", "final")
#: A footnote call, or a Markdown link: ``[`` its text ``](address "title")``.
CODE = re.compile(rf"(?P<call>{FOOTNOTE_REF.pattern})"
                  r"|\[(?P<text>(?:[^\[\]\\\n]|\\.)*)\]"
                  r"(?P<end>\((?:<[^<>\n]*>|[^\s()<>]+)(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?"
                  r"[ \t]*\))")
#: Elements holding only other elements: indented for reading; never a source or target.
STRUCTURE = {"xliff", "file", "unit", "notes", "originalData", "segment"}
#: The encodings an XLIFF file is read in, as its XML declaration may name them (XLIFF
#: tools write UTF-8, a few UTF-16): by their Python codec, and the byte order they need.
ENCODINGS = {"UTF-8": ("utf-8", ""), "UTF-16": ("utf-16", ""),
             "UTF-16LE": ("utf-16-le", "utf-16-le"), "UTF-16BE": ("utf-16-be", "utf-16-be")}
#: How the first bytes of a file say its encoding, as libxml2 reads them (XML 1.0, appendix
#: F): a byte order mark, or ``<?`` in UTF-16 without one. UTF-32 and EBCDIC are not read.
SIGNATURES = ((b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"),
              (b"\x00\x00\x00<", "UTF-32"), (b"<\x00\x00\x00", "UTF-32"),
              (b"\x00\x00<\x00", "UTF-32"), (b"\x00<\x00\x00", "UTF-32"),
              (b"Lo\xa7\x94", "EBCDIC"), (b"\xef\xbb\xbf", "utf-8"),
              (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
              (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"))
#: How a problem names the encoding the bytes are in.
SHOWN_CODECS = {"utf-8": "UTF-8", "utf-16-le": "UTF-16 (little-endian)",
                "utf-16-be": "UTF-16 (big-endian)"}
#: XML's white space.
SPACE = " \t\r\n"
#: Why a file with a DOCTYPE is refused.
DOCTYPE = "a DOCTYPE: XLIFF has none, and no DTD or entity is read"
#: The encoding an XML declaration names (its pseudo-attributes hold no ``>``).
ENCODING_DECLARED = re.compile(r"\bencoding\s*=\s*([\"'])([^\"'>]*)\1")


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def is_xliff(path: Path) -> bool:
    """Whether ``path`` is read as XLIFF: its extension says so (.xlf, .xliff), or, for
    another, its first character other than a space or byte order mark is ``<`` (in UTF-8
    or UTF-16)."""
    if path.suffix.lower() in SUFFIXES:
        return True
    if path.suffix.lower() in (".po", ".pot"):
        return False
    head = read_regular(path, str(path), MAX_XLIFF_BYTES)[:1024]
    return head.lstrip(b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n").startswith(b"<")


# Export.

@dataclass(frozen=True)
class _Code:
    """An inline code: a footnote call (``end`` empty) or a link's ``[`` and ``](…)``."""

    id: str
    start: str
    end: str = ""


@dataclass
class _Codes:
    """A unit's inline codes and their original data (one ``<data>`` per distinct text)."""

    codes: list[_Code]
    data: dict[str, str]

    def ref(self, text: str) -> str:
        return next(i for i, t in self.data.items() if t == text)


def _pieces(text: str) -> list[str | re.Match[str]]:
    """``text`` as text and the footnote calls and links in it (a link only where the
    project's Markdown reader reads one)."""
    out: list[str | re.Match[str]] = []
    last = 0
    for match in CODE.finditer(text):
        if match["call"] is None and len(references(match.group())) != 1:
            continue
        out += [text[last:match.start()], match]
        last = match.end()
    out.append(text[last:])
    return [piece for piece in out if piece != ""]


def _markup(code: re.Match[str]) -> tuple[str, str]:
    """The original data of a code: a footnote call's, or a link's start and end."""
    return (code["call"], "") if code["call"] else ("[", "]" + code["end"])


def _source_codes(text: str) -> _Codes:
    codes: list[_Code] = []
    data: dict[str, str] = {}
    for piece in _pieces(text):
        if isinstance(piece, str):
            continue
        start, end = _markup(piece)
        for part in filter(None, (start, end)):
            if part not in data.values():
                data[f"d{len(data) + 1}"] = part
        codes.append(_Code(str(len(codes) + 1), start, end))
    return _Codes(codes, data)


def _append_text(parent: etree._Element, text: str) -> None:
    """Append ``text`` to ``parent``'s content (content holds no character XML cannot: the
    YAML reader and the content rules refuse them)."""
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _content(parent: etree._Element, text: str, codes: _Codes) -> None:
    """``text`` into ``parent`` (a source or target): its footnote calls and links as the
    unit's codes, each used once; markup that is not one of them stays text."""
    unused = list(codes.codes)
    for piece in _pieces(text):
        if isinstance(piece, str):
            _append_text(parent, piece)
            continue
        start, end = _markup(piece)
        code = next((c for c in unused if (c.start, c.end) == (start, end)), None)
        if code is None:
            _append_text(parent, piece.group())
            continue
        unused.remove(code)
        if not end:
            etree.SubElement(parent, _tag("ph"), id=code.id, dataRef=codes.ref(start),
                             disp=start, canCopy="no", canDelete="no")
            continue
        pair = etree.SubElement(parent, _tag("pc"), id=code.id, dataRefStart=codes.ref(start),
                                dataRefEnd=codes.ref(end), type="link", dispEnd=end,
                                canCopy="no", canDelete="no")
        _append_text(pair, piece["text"])


def _unit(parent: etree._Element, item: Exported) -> None:
    unit = etree.SubElement(parent, _tag("unit"), id=item.key)
    notes = etree.SubElement(unit, _tag("notes"))
    for category, text in (("location", f"{item.file}:{item.line}"),
                           ("section", item.section), ("shown-in", item.shown),
                           ("previous-source", item.previous)):
        if text is not None:
            _append_text(etree.SubElement(notes, _tag("note"), category=category), text)
    codes = _source_codes(item.source)
    if codes.data:
        original = etree.SubElement(unit, _tag("originalData"))
        for data_id, text in codes.data.items():
            _append_text(etree.SubElement(original, _tag("data"), id=data_id), text)
    segment = etree.SubElement(unit, _tag("segment"),
                               state="translated" if item.state == "translated" else "initial")
    if item.state == "outdated":
        segment.set("subState", OUTDATED)
    _content(etree.SubElement(segment, _tag("source")), item.source, codes)
    if item.translation:
        _content(etree.SubElement(segment, _tag("target")), item.translation, codes)


def _indent(element: etree._Element, level: int = 0) -> None:
    """Line breaks and indentation between structural elements only: whitespace inside a
    source, target, note or data would be content."""
    if etree.QName(element).localname not in STRUCTURE or not len(element):
        return
    element.text = "\n" + "  " * (level + 1)
    for child in element:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    element[-1].tail = "\n" + "  " * level


def _file_id(path: str, taken: set[str]) -> str:
    """An XML name token naming the content file ``path``, unique among ``taken``."""
    stem = re.sub(r"[^\w.-]", "_", Path(path).stem) or "file"
    name, n = stem, 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}"
    taken.add(name)
    return name


def export_xliff(project: Project, locale: str, countries: Sequence[str] | None = None,
                 reports: Sequence[str] | None = None) -> bytes:
    """The content strings of ``locale`` as an XLIFF 2.1 file (bytes, UTF-8): all of them,
    or those the editions of ``countries`` and ``reports`` show."""
    items = list(exported(project, locale, countries, reports))
    root = etree.Element(_tag("xliff"), nsmap={None: NS}, version=VERSION,
                         srcLang=bcp47(project.structure.source_locale), trgLang=bcp47(locale))
    files: dict[str, etree._Element] = {}
    taken: set[str] = set()
    for item in items:
        if item.file not in files:
            files[item.file] = etree.SubElement(root, _tag("file"),
                                                id=_file_id(item.file, taken),
                                                original=item.file)
            files[item.file].set(XML_SPACE, "preserve")
        _unit(files[item.file], item)
    if not files:  # an XLIFF file holds at least one unit
        raise UsageError("nothing to export: the chosen editions show no content key")
    _indent(root)
    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


# Import.

@dataclass(frozen=True)
class ReadXliff:
    """What an XLIFF file offers and the target language it names (as written, as Babel
    reads it, and the line of its ``<xliff>``); ``misread`` is what Babel makes of a tag
    whose language it reads as another (``und`` as ``en_US``), then not ``declared``."""

    offers: list[Offer]
    written: str | None
    declared: str | None
    line: int
    misread: str | None = None


def _problem(where: str, line: int, message: str, key: str = "", column: int = 0) -> InputError:
    return InputError([Problem(where, line, key, message, column)])


def _encoding(data: bytes, where: str) -> str:
    """The codec ``data`` is read with, as libxml2 reads it: UTF-8, or UTF-16 with a byte
    order mark or ``<?`` at its start; bad input (at line 1) for a file in another encoding
    or whose XML declaration names another, or names one its bytes are not in."""
    found = next((codec for start, codec in SIGNATURES if data.startswith(start)), "utf-8")
    if found in ("UTF-32", "EBCDIC"):
        raise _problem(where, 1, f"the file is {found}: XLIFF files are read as UTF-8 or "
                                 "UTF-16")
    text = data.decode(found, errors="replace").lstrip("\ufeff")
    if not re.match(r"<\?xml\s", text):
        return found
    declaration = text[:text.find(">") + 1 or len(text)]
    named = ENCODING_DECLARED.search(declaration)
    if named is None:
        if "encoding" in declaration.lower():
            raise _problem(where, 1, "an XML declaration whose encoding is not read: XLIFF "
                                     "files are read as UTF-8 or UTF-16")
        return found
    name = named[2]
    if name.upper() not in ENCODINGS:
        raise _problem(where, 1, f"encoding {name!r}: XLIFF files are read as UTF-8 or "
                                 "UTF-16")
    codec, order = ENCODINGS[name.upper()]
    if not found.startswith(codec) or (order and order != found):
        raise _problem(where, 1, f"encoding {name!r} declared, but the file is "
                                 f"{SHOWN_CODECS[found]}")
    return found


class ExternalLoad(Exception):
    """libxml2 asked for something outside the file (a DTD, an external entity)."""


class _RefuseExternal(etree.Resolver):  # type: ignore[misc]
    """Refuses every load libxml2 asks for, before anything is opened: a file, a device, a
    FIFO or an address alike."""

    def resolve(self, url: str, public_id: str | None, context: object) -> object:
        raise ExternalLoad(url)


def xml_parser() -> etree.XMLParser:
    """The parser XLIFF is read with: no DTD, no entity, no network, no huge tree, and a
    resolver that refuses every external load (behind the refusal of any DOCTYPE before
    libxml2 reads a byte, :func:`_refuse_doctype`)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, collect_ids=False)
    parser.resolvers.add(_RefuseExternal())
    return parser


def _refuse_doctype(data: bytes, where: str) -> None:
    """Bad input at its line for a DOCTYPE anywhere in ``data``, in any encoding a file is
    read in: before libxml2 reads the file, so that no parameter entity or external subset
    is ever opened (a DOCTYPE in a comment or CDATA section is refused too)."""
    lowered = data.lower()
    for codec in ("utf-8", "utf-16-le", "utf-16-be"):
        at = lowered.find("<!doctype".encode(codec))
        if at >= 0:
            line = data[:at].decode(codec, errors="replace").count("\n") + 1
            raise _problem(where, line, DOCTYPE)


def _parse(data: bytes, where: str) -> etree._Element:
    _encoding(data, where)
    _refuse_doctype(data, where)
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno or 0, 0)
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        raise _problem(where, line or 0, f"not well-formed XML: {message}",
                       column=column) from None
    except ExternalLoad as exc:  # not met: every DOCTYPE is refused before
        raise _problem(where, 0, f"refers to {str(exc)[:200]!r} outside the file: no DTD or "
                                 "entity is read, nothing is fetched") from None
    if root.getroottree().docinfo.doctype:  # not met either
        raise _problem(where, 0, DOCTYPE)
    return root


def read_xliff(data: bytes, where: str, source_locale: str) -> ReadXliff:
    """The units of XLIFF ``data`` as offers; bad input (one line, at its line) when it is
    not an XLIFF 2.0 or 2.1 document from ``source_locale``."""
    root = _parse(data, where)
    line = root.sourceline or 0
    if root.tag != _tag("xliff"):
        found = etree.QName(root)
        version = root.get("version")
        older = f" (XLIFF {version})" if found.localname == "xliff" and version else ""
        space = f"namespace {found.namespace!r}" if found.namespace else "no namespace"
        raise _problem(where, line, f"not an XLIFF 2 document: the root is <{found.localname}> "
                                    f"in {space}{older}, not <xliff> in {NS!r}")
    version = root.get("version")
    if version not in READ_VERSIONS:
        shown = repr(version) if version is not None else "no version"
        raise _problem(where, line, f"{shown} is not an XLIFF version read here "
                                    f"({', '.join(READ_VERSIONS)})", "version")
    source, expected = root.get("srcLang", ""), bcp47(source_locale).lower()
    if source.lower() != expected and not source.lower().startswith(expected + "-"):
        raise _problem(where, line, f"{source!r} is not the project's source language "
                                    f"{bcp47(source_locale)!r}", "srcLang")
    written = root.get("trgLang")
    try:
        parsed = Locale.parse(written, sep="-") if written else None
    except (ValueError, TypeError, UnknownLocaleError):
        parsed = None
    units = list(root.iter(_tag("unit")))
    if problems := [problem for unit in units for problem in _shape(unit, root, where)]:
        raise InputError(problems)
    offers = [_offer(unit) for unit in units]
    if parsed is not None and written and parsed.language != written.split("-")[0].lower():
        return ReadXliff(offers, written, None, line, str(parsed))
    return ReadXliff(offers, written, str(parsed) if parsed else None, line)


def _shape(unit: etree._Element, root: etree._Element, where: str) -> list[Problem]:
    """What is wrong with where ``unit`` stands and what it holds: a unit stands in a
    ``<file>`` (in a ``<group>`` or not), has an id, and at least one segment; each of its
    segments and ignorables has one source and at most one target. None of it is skipped:
    a unit the import would not read is an error."""
    key, line = unit.get("id", ""), unit.sourceline or 0
    name = _name(key) if key else ""
    problems = []
    place = unit.getparent()
    while place is not None and place.tag == _tag("group"):
        place = place.getparent()
    if not any(above.tag == _tag("file") for above in unit.iterancestors()):
        problems.append("<unit> outside a <file>")
    elif place is None or place.tag != _tag("file") or place.getparent() is not root:
        inside = etree.QName(place).localname if place is not None else "?"
        if place is not None and place.prefix:
            inside = f"{place.prefix}:{inside}"
        problems.append(f"<unit> inside <{inside}>: a unit stands in a <file> or a <group>")
    if not key:
        problems.append("a <unit> with no id: a unit's id is its content key")
    parts = [child for child in unit if child.tag in (_tag("segment"), _tag("ignorable"))]
    if not any(part.tag == _tag("segment") for part in parts):
        problems.append("a <unit> without <segment>")
    found = [Problem(where, line, name, problem) for problem in problems]
    for part in parts:
        what, at = etree.QName(part).localname, part.sourceline or line
        sources, targets = len(part.findall(_tag("source"))), len(part.findall(_tag("target")))
        if sources != 1:
            found.append(Problem(where, at, name, f"a <{what}> with {sources} <source>s"
                                 if sources else f"a <{what}> without <source>"))
        if targets > 1:
            found.append(Problem(where, at, name, f"a <{what}> with {targets} <target>s"))
    return found


def _shown(value: str | None) -> str:
    """An attribute's value as a problem shows it: quoted, its first 20 characters."""
    return repr(value if value is None or len(value) <= 20 else value[:20] + "…")


def _name(key: str) -> str:
    """How a problem names a unit: its id when that looks like a content key."""
    return key if CONTENT_KEY.fullmatch(key) else f"unit {key[:60]!r}"


@dataclass
class _Reading:
    """What is read of one unit: its original data, the codes met, what is wrong."""

    data: dict[str, str]
    problems: list[str]

    def original(self, element: etree._Element, attribute: str) -> str:
        ref = element.get(attribute)
        if ref is None:
            self.problems.append(f"inline code {element.get('id')!r} has no {attribute}: its "
                                 "markup is not known")
            return ""
        if ref not in self.data:
            self.problems.append(f"inline code {element.get('id')!r} refers to data {ref!r}, "
                                 "which the unit's originalData does not hold")
            return ""
        return self.data[ref]

    def text(self, element: etree._Element, codes: list[str]) -> str:
        """The text of a source or target (or of an element in one), codes replaced by
        their original data; the ids of the codes met appended to ``codes``."""
        parts = [element.text or ""]
        for child in element:
            if isinstance(child.tag, str):  # not a comment or processing instruction
                parts.append(self._inline(child, codes))
            parts.append(child.tail or "")
        return "".join(parts)

    def _inline(self, child: etree._Element, codes: list[str]) -> str:
        name = etree.QName(child).localname if etree.QName(child).namespace == NS else None
        code = child.get("id") or ""
        if name == "ph":
            codes.append(code)
            return self.original(child, "dataRef")
        if name == "pc":
            codes.append(code)
            return (self.original(child, "dataRefStart") + self.text(child, codes)
                    + self.original(child, "dataRefEnd"))
        if name in ("sc", "ec"):
            if name == "sc" or child.get("isolated") == "yes":
                codes.append(code)
            return self.original(child, "dataRef")
        if name == "cp":  # a character by its hexadecimal code point, not a surrogate
            digits = child.get("hex", "")
            point = int(digits, 16) if re.fullmatch("[0-9A-Fa-f]{1,8}", digits) else -1
            if 0 <= point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF:
                return chr(point)
            self.problems.append(f"<cp hex={_shown(child.get('hex'))}> is not a character")
            return ""
        if name == "mrk":
            return self.text(child, codes)
        if name in ("sm", "em"):
            return ""
        self.problems.append(f"<{etree.QName(child).localname}> is not an inline element of "
                             "XLIFF 2")
        return ""


def _offer(unit: etree._Element) -> Offer:
    key, line = unit.get("id", ""), unit.sourceline or 0
    reading = _Reading({}, [])
    original = unit.find(_tag("originalData"))
    for data in original if original is not None else ():
        if data.tag == _tag("data"):
            reading.data[data.get("id", "")] = reading.text(data, [])
    parts = [child for child in unit if child.tag in (_tag("segment"), _tag("ignorable"))]
    source_codes: list[str] = []
    target_codes: list[str] = []
    sources: list[str] = []
    targets: dict[int, str] = {}  # by position in the unit's target
    kept: dict[int, str] = {}  # the sources of ignorables without target, where they stand
    ready = any(part.tag == _tag("segment") for part in parts)
    for position, part in enumerate(parts, 1):
        source = part.find(_tag("source"))
        sources.append(_segment_text(reading, source, source_codes, part)
                       if source is not None else "")
        target = part.find(_tag("target"))
        if part.tag == _tag("segment"):
            ready = ready and target is not None and part.get("state", "initial") in DONE
        if target is None:
            if part.tag == _tag("ignorable"):
                kept[position] = sources[-1]
            continue
        order = target.get("order", str(position))
        at = int(order) if re.fullmatch("[0-9]{1,9}", order) else 0  # ASCII digits only
        if at in targets or not 1 <= at <= len(parts):
            reading.problems.append(f"target order {_shown(order)} is not a free position "
                                    "among the unit's segments")
        targets[at] = _segment_text(reading, target, target_codes, part)
    for at, text in kept.items():
        if at in targets:
            reading.problems.append(f"a target is ordered to position {at}, where an "
                                    "ignorable without target stands")
        targets[at] = text
    translation = "".join(targets[at] for at in sorted(targets))
    problems = reading.problems + _code_problems(source_codes, target_codes, reading, unit)
    return Offer(key, line, "".join(sources), translation, ready, _name(key),
                 "; ".join(dict.fromkeys(problems)))


def _segment_text(reading: _Reading, element: etree._Element, codes: list[str],
                  part: etree._Element) -> str:
    """The text of a source or target; in a segment whose white space is not preserved
    (``xml:space="default"``, XLIFF's default), without the line break and indentation a
    tool's pretty printing puts at its start and end: a run of white space holding a line
    break there is layout, not text. An ignorable's text, and all white space within a
    text, are kept as written."""
    text = reading.text(element, codes)
    if part.tag != _tag("segment") or _space(element) == "preserve":
        return text
    first = element.text or ""
    last = (element[-1].tail if len(element) else element.text) or ""
    head = first[:len(first) - len(first.lstrip(SPACE))]
    tail = last[len(last.rstrip(SPACE)):]
    start = len(head) if "\n" in head else 0
    end = len(text) - (len(tail) if "\n" in tail else 0)
    return text[start:end] if start < end else ""


def _space(element: etree._Element) -> str:
    """The ``xml:space`` in force at ``element``: its own, or the nearest of its ancestors'
    (``default`` when none says)."""
    for holder in (element, *element.iterancestors()):
        if (value := holder.get(XML_SPACE)) is not None:
            return str(value)
    return "default"


def _code_problems(source: list[str], target: list[str], reading: _Reading,
                   unit: etree._Element) -> list[str]:
    """How the codes of a translation differ from its source's: each once, none added."""
    markup: dict[str, str] = {}
    for element in unit.iter(_tag("ph"), _tag("pc"), _tag("sc")):
        refs = [element.get(a) for a in ("dataRef", "dataRefStart", "dataRefEnd")]
        markup.setdefault(element.get("id"), " … ".join(reading.data.get(r or "", "")
                                                        for r in refs if r))
    expected, found = Counter(source), Counter(target)
    problems = []
    for code in expected:
        shown = f"{code!r} ({markup.get(code)})" if markup.get(code) else repr(code)
        if found[code] == 0:
            problems.append(f"the translation lacks inline code {shown}")
        elif found[code] != expected[code]:
            problems.append(f"the translation has inline code {shown} {found[code]} times, "
                            f"its source {expected[code]}")
    problems += [f"the translation adds inline code {code!r}, which its source does not have"
                 for code in found if code not in expected]
    return problems


def import_xliff(root: Path, xliff_file: Path, locale: str | None = None, *,
                 force: bool = False) -> ImportResult:
    """Write the translated units of ``xliff_file`` into ``content/<locale>/``, as
    :func:`.exchange.import_po` writes a PO's messages.

    The target is the file's ``trgLang`` unless ``locale`` says otherwise; a file made for
    another language is refused unless ``force``. A regional ``trgLang`` (``de-DE``, as CAT
    tools write) is the project's locale of that name if it has one, else its locale of the
    bare language (``de``), which is to be named with ``locale``. Nothing is written unless
    every unit to import is acceptable.
    """
    from ..build import load_project

    project = load_project(root)
    where = str(xliff_file)
    data = read_regular(xliff_file, where, MAX_XLIFF_BYTES)
    read = read_xliff(data, where, project.structure.source_locale)
    if read.misread and not (locale and force):
        hint = f"pass --force to import it into {locale!r} anyway" if locale else "pass --locale"
        raise _problem(where, read.line, f"{read.written!r} is read by Babel as "
                                         f"{read.misread!r}, another language; {hint}", "trgLang")
    at = Problem(where, read.line, "trgLang", "")
    declared = regional_target(project, read.declared, locale, at, "this XLIFF file",
                               "its trgLang")
    target = target_locale(declared, read.written, locale, force, at, "this XLIFF file",
                           "its trgLang", "no trgLang")
    return import_offers(root, project, read.offers, target, where, "unit")


