"""Read PO files as strictly as ``msgfmt --check``: what it rejects is bad input with a line.

Babel's reader is lenient: it drops a message whose string is unterminated, keeps one of two
duplicate messages, reads ``\\q`` as two characters, and checks neither the order of the
keywords nor the plural forms of a message. So a small reader that follows GNU gettext's
grammar (po-lex.c, po-gram-gen.y, msgl-check.c, format-python.c) runs first and reports
whatever ``msgfmt --check`` rejects: syntax errors at msgfmt's line, a message's problems at
its msgid. Babel then builds the catalog.

A few things msgfmt accepts are refused because Babel would read them differently: more than
one keyword or string on a line, a keyword not followed by a space, escapes other than
``\\n \\t \\r \\\\ \\"``, a backslash that joins two lines, a NUL character, flags not
separated by commas, a charset that reads the file differently than UTF-8, an ``nplurals``
above 6. A last comparison with Babel's catalog catches any difference the rules missed.
Interface catalogs and translators' PO files are both read here, so neither can lose a
translation silently.
"""

from __future__ import annotations

import codecs
import email
import gettext
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO

from babel.messages.catalog import Catalog, parse_separated_header
from babel.messages.pofile import PoFileError, read_po

from .errors import InputError, Problem

#: The largest PO file read (a catalog of this project is about 10 KB; content about 100 KB).
MAX_PO_BYTES = 8 * 1024 * 1024
#: The most plural forms a catalog may declare (Arabic, the most of any language, has 6).
MAX_PLURALS = 6
#: msgfmt evaluates a plural formula for n = 0..1000; a form met 5 times is "often" used.
PLURAL_RANGE = range(1001)
OFTEN = 5
#: Reading stops after this many problems (msgfmt stops after 20 errors).
MAX_PROBLEMS = 50
#: The most tokens of a line Babel reads: msgstr[0] "..." (msgstr, [, 0, ], string).
MAX_LINE_TOKENS = 5

PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|%")

# The tokens of po-lex.c, one line at a time (a newline ends every token but a comment's).
TOKEN = re.compile(r"""
    (?P<space>[ \t\r\f\v]+)
  | (?P<obsolete>\#~\|?)
  | (?P<previous>\#\|)
  | (?P<comment>\#.*)
  | (?P<string>"(?P<body>(?:[^"\\]|\\.)*)(?P<close>"|\\?$))
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<number>[0-9]+)
  | (?P<bracket>[\[\]])
  | (?P<junk>[^ \t\r\f\v\#"A-Za-z_$0-9\[\]]+)
""", re.VERBOSE)
ESCAPE = re.compile(r'\\(?:([ntr\\"])|([abfv])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.?))')
UNUSUAL_ESCAPE = re.compile(r'\\(?:[^ntr\\"]|$)')
SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"',
                  "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
KEYWORDS = {"domain": "DOMAIN", "msgctxt": "MSGCTXT", "msgid": "MSGID",
            "msgid_plural": "MSGID_PLURAL", "msgstr": "MSGSTR"}
#: A line as Babel reads it: a keyword, a space and a string, or one of them alone.
BABEL_LINE = re.compile(r'(?:msgctxt|msgid|msgid_plural|msgstr(?:\[[0-9]+\])?)'
                        r'(?: [ \t\r\f\v]*"(?:[^"\\]|\\.)*")?|"(?:[^"\\]|\\.)*"')
ASCII_SPACE = " \t\r\f\v"
#: The lines Babel writes, read without the general lexer (most lines of most files).
COMMON_LINE = re.compile(r'[ \t]*(?:\#(?P<comment>(?![~|]).*)|(?:(?P<keyword>msgctxt|msgid|'
                         r'msgid_plural|msgstr)(?:\[(?P<index>[0-9]+)\])? )?'
                         r'"(?P<body>(?:[^"\\]|\\.)*)"[ \t\r]*)')
LINE_BREAK = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
CONTENT_KEY = re.compile(r"[A-Za-z0-9_.-]{1,200}")
FLAG_SEPARATORS = re.compile(r"[\s,]+")
RANGE_FLAG = re.compile(r"(?:^|[\s,])range:[\s,]*([0-9]+)\.\.([0-9]+)")
HEADER_FIELD = re.compile(r"[^\s:]+[ \t]*:")
FORMAT_FLAG = re.compile(r"^(?:possible-)?([a-z-]+)-format$")
BABEL_SHAPE = ("PO syntax Babel does not read: write one keyword, a space and one quoted "
               "string per line (or one string alone)")
UNJOINED = ("backslash at the end of a line: Babel does not join lines; end the string and "
            "continue it on the next line")
STARTS = {"COMMENT", "DOMAIN", "MSGID", "MSGCTXT", "PREV_MSGID", "PREV_MSGCTXT"}


def read_strict(data: bytes, where: str, locale: str | None = None) -> Catalog:
    """Parse PO ``data``; raise InputError with every problem, each at its line."""
    if len(data) > MAX_PO_BYTES:
        raise InputError([Problem(where, 0, "", f"larger than {MAX_PO_BYTES // 2**20} MiB")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([Problem(where, line, "", "not valid UTF-8 text")]) from None
    po = parse(text, where)
    problems = po.problems + message_problems(po, where)
    if not po.problems:  # a header read through syntax errors is not worth reporting on
        header, header_problems = _header(po, data, text, where)
        problems += header_problems
        if header is not None and not header_problems:
            problems += plural_count_problems(po, header, where)
            problems += format_problems(po, header, where)
    if problems:
        raise InputError(_capped(problems))
    catalog = _babel(po, text, where, locale)
    problems = _differences(po, catalog, where)
    if problems:
        raise InputError(_capped(problems))
    return catalog


def _capped(problems: list[Problem]) -> list[Problem]:
    """The first problems of a file that has very many, each on one line."""
    problems = sorted({Problem(p.file, p.line, _one_line(p.key), _one_line(p.message))
                       for p in problems})
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = Problem(problems[0].file, problems[MAX_PROBLEMS].line, "",
                   f"and {len(problems) - MAX_PROBLEMS} more problems")
    return [*problems[:MAX_PROBLEMS], rest]


def header_line(data: bytes, name: str) -> int:
    """The line of header field ``name`` in PO ``data`` (0 when it has none)."""
    entry = parse(data.decode("utf-8", errors="replace"), "").header()
    return _field_line(entry, name, 0) if entry else 0


# Tokens.

@dataclass(frozen=True)
class Token:
    kind: str
    line: int
    obsolete: bool
    value: str = ""


@dataclass
class Entry:
    """One message as msgfmt reads it. Its problems are reported at ``line``, the msgid's
    (as Babel's ``Message.lineno``); msgfmt reports some at ``msgstr_line``, its first
    msgstr."""

    line: int
    msgstr_line: int
    context: str | None
    context_line: int
    msgid: str
    plural: str | None
    strings: list[str]
    #: The strings of the first msgstr with their lines (where the header's fields are).
    parts: list[tuple[int, str]]
    flags: set[str]
    obsolete: bool
    previous_context: str | None = None
    previous_context_line: int = 0
    #: The "range: a..b" flag: the values of n a plural message is used for.
    value_range: tuple[int, int] | None = None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def is_header(self) -> bool:
        return self.context is None and self.msgid == "" and not self.obsolete

    @property
    def kept(self) -> bool:
        """msgfmt keeps (and checks) translated, non-fuzzy, non-obsolete messages; the
        header's fuzziness does not count."""
        return not self.obsolete and self.strings[0] != "" and (
            not self.fuzzy or self.is_header)

    def key(self) -> str:
        return message_key(self.context, self.msgid)


def message_key(context: str | None, msgid: str) -> str:
    """How a problem names a message, on one line: its msgctxt when that looks like a
    content key, else the msgctxt or the msgid, quoted and shortened."""
    if context is not None and CONTENT_KEY.fullmatch(context):
        return context
    if context is not None:
        return f"msgctxt {_short(context)!r}"
    return f"msgid {_short(msgid)!r}"


def _one_line(text: str) -> str:
    return LINE_BREAK.sub(lambda m: repr(m[0])[1:-1], text)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class ParsedPo:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def header(self) -> Entry | None:
        return next((e for e in self.entries if e.is_header and e.kept), None)


def _decode(body: str, line: int, where: str, problems: list[Problem]) -> str:
    """The characters of a string's ``body`` (between its quotes), as msgfmt reads them."""

    def replace(match: re.Match[str]) -> str:
        simple, babel_unknown, octal, hexadecimal, invalid = match.groups()
        if simple:
            return SIMPLE_ESCAPES[simple]
        if invalid is not None:
            problems.append(Problem(where, line, "", "PO syntax error: invalid escape sequence "
                                                     f"{match[0]!r} (msgfmt: invalid control "
                                                     "sequence)"))
            return " " + invalid
        problems.append(Problem(where, line, "", f"escape sequence {match[0]!r} is read by "
                                                 "msgfmt but not by Babel: only \\n \\t \\r "
                                                 "\\\\ and \\\" are accepted"))
        if babel_unknown:
            return SIMPLE_ESCAPES[babel_unknown]
        return chr(int(octal, 8) if octal else min(int(hexadecimal[:8], 16), 0x10FFFF))

    if "\\" not in body:
        value = body
    elif not UNUSUAL_ESCAPE.search(body):  # only \n \t \r \" \\: the common, fast case
        value = "\\".join(part.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r")
                           .replace('\\"', '"') for part in body.split("\\\\"))
    else:
        value = ESCAPE.sub(replace, body)
    if "\0" in value:
        problems.append(Problem(where, line, "", "NUL character in a string (msgfmt cuts the "
                                                 "string there)"))
    return value


def tokens(text: str, where: str, problems: list[Problem]) -> Iterator[Token]:
    """The tokens of po-lex.c; lexical errors go to ``problems``.

    Lines are split at "\\n" only, as msgfmt and editors count them (str.splitlines would
    also split at U+2028, U+0085 and others, which are ordinary characters in a PO file).
    """
    for number, raw in enumerate(text.split("\n"), 1):
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(where, number, "", f"stopped reading after "
                                                       f"{MAX_PROBLEMS} problems"))
            return
        if not raw.strip(ASCII_SPACE):
            continue
        if (common := COMMON_LINE.fullmatch(raw)) is not None:
            if common["comment"] is not None:
                yield Token("COMMENT", number, False, common["comment"])
                continue
            yield from _common_line(common, number, where, problems)
            continue
        obsolete = previous = False
        before, count = len(problems), 0
        for match in TOKEN.finditer(raw):
            kind, value = match.lastgroup or "junk", match[0]
            if kind == "space":
                continue
            count += kind not in ("obsolete", "previous")
            if count > MAX_LINE_TOKENS and kind != "comment":
                problems.append(Problem(where, number, "", BABEL_SHAPE))
                break
            if kind == "obsolete":
                obsolete, previous = True, value == "#~|"
            elif kind == "previous":
                previous = True
            elif kind == "comment":
                yield Token("COMMENT", number, obsolete, value[1:])
            elif kind == "string":
                if match["close"] != '"':
                    problems.append(Problem(where, number, "", UNJOINED if match["close"] else
                                            "PO syntax error: unterminated or malformed "
                                            "string"))
                yield Token("PREV_STRING" if previous else "STRING", number, obsolete,
                            _decode(match["body"], number, where, problems))
            elif kind == "name":
                keyword = KEYWORDS.get(value)
                if keyword and previous and keyword in ("MSGCTXT", "MSGID", "MSGID_PLURAL"):
                    keyword = "PREV_" + keyword
                elif keyword is None or previous:
                    keyword = "NAME"  # the grammar reports it: no rule takes a NAME
                yield Token(keyword, number, obsolete, value)
            elif kind == "number":
                yield Token("NUMBER", number, obsolete, value)
            elif kind == "bracket":
                yield Token(value, number, obsolete, value)
            else:
                yield Token("JUNK", number, obsolete, value)
        if len(problems) == before:
            _babel_line(raw, number, where, problems)


def _common_line(line: re.Match[str], number: int, where: str,
                 problems: list[Problem]) -> Iterator[Token]:
    """The tokens of a line as Babel writes them: [keyword[index] ]"string"."""
    if line["keyword"]:
        yield Token(KEYWORDS[line["keyword"]], number, False, line["keyword"])
        if line["index"] is not None:
            yield Token("[", number, False, "[")
            yield Token("NUMBER", number, False, line["index"])
            yield Token("]", number, False, "]")
    yield Token("STRING", number, False, _decode(line["body"], number, where, problems))


def _babel_line(raw: str, number: int, where: str, problems: list[Problem]) -> None:
    """A line msgfmt reads must be one Babel reads the same way."""
    line = raw.strip(ASCII_SPACE)
    if line.startswith("#~") and not line.startswith("#~|"):
        line = line[2:].lstrip()
        if line.startswith("#"):
            problems.append(Problem(where, number, "", "a comment in an obsolete entry (#~ #): "
                                                       "Babel does not read it"))
            return
    if not line or line.startswith("#"):
        return
    if not BABEL_LINE.fullmatch(line):
        problems.append(Problem(where, number, "", BABEL_SHAPE))


# The grammar (po-gram-gen.y).

class _Parser:
    def __init__(self, text: str, where: str) -> None:
        self.where = where
        self.result = ParsedPo()
        self.tokens = list(tokens(text, where, self.result.problems))
        self.index = 0

    def error(self, line: int, message: str) -> None:
        self.result.problems.append(Problem(self.where, line, "", f"PO syntax error: {message}"))

    def peek(self, offset: int = 0) -> Token | None:
        at = self.index + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def kind(self, offset: int = 0) -> str:
        token = self.peek(offset)
        return token.kind if token else "EOF"

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def unexpected(self, after: Token) -> None:
        """A syntax error at the current token (at ``after``'s line at the end of the file),
        then skip to a token that can start an entry, as bison's error recovery does."""
        token = self.peek()
        what = _describe(token)
        self.error(token.line if token else after.line, f"unexpected {what}")
        self.index += 1 if token and token.kind not in STARTS else 0
        while self.kind() not in STARTS | {"EOF"}:
            self.index += 1

    def strings(self, kind: str = "STRING") -> list[Token]:
        found = []
        while self.kind() == kind:
            found.append(self.take())
        return found

    def keyword_strings(self, kind: str = "STRING") -> tuple[Token, str] | None:
        """The next keyword and its strings joined; None, the error reported, when no
        string follows it."""
        keyword = self.take()
        found = self.strings(kind)
        if not found:
            self.unexpected(keyword)
            return None
        return keyword, "".join(t.value for t in found)

    def parse(self) -> ParsedPo:
        flags: list[tuple[str, int]] = []
        while (token := self.peek()) is not None and len(self.result.problems) < MAX_PROBLEMS:
            if token.kind == "COMMENT":
                self.index += 1
                if token.value.startswith(","):
                    flags.append((token.value[1:], token.line))
            elif token.kind == "DOMAIN":
                self.index += 1
                if self.kind() == "STRING":
                    self.take()
                    self.error(token.line, "'domain' directive (msgfmt ignores it and Babel "
                                           "does not read it)")
                else:
                    self.unexpected(token)
            elif token.kind in ("MSGID", "MSGCTXT", "PREV_MSGID", "PREV_MSGCTXT"):
                ranges = [m for comment, _ in flags if (m := RANGE_FLAG.search(comment))]
                value_range = (int(ranges[-1][1]), int(ranges[-1][2])) if ranges else None
                self.message(self._flags(flags), value_range)
                flags = []
            else:
                self.unexpected(token)
        return self.result

    def _flags(self, comments: list[tuple[str, int]]) -> set[str]:
        """msgfmt splits flags at commas and spaces; Babel only at commas."""
        found: set[str] = set()
        for comment, line in comments:
            ours = {f for f in FLAG_SEPARATORS.split(comment) if f}
            babel = {f.strip() for f in comment.split(",")}
            if ("fuzzy" in ours) != ("fuzzy" in babel):
                self.result.problems.append(Problem(
                    self.where, line, "", "flags must be separated by commas: Babel reads "
                                          f"{comment.strip()!r} differently"))
            found |= ours
        return found

    def message(self, flags: set[str], value_range: tuple[int, int] | None) -> None:
        start = self.index
        previous_context, previous_context_line = None, 0
        if self.kind() == "PREV_MSGCTXT":
            if (taken := self.keyword_strings("PREV_STRING")) is None:
                return None
            previous_context_line, previous_context = taken[0].line, taken[1]
            if self.kind() != "PREV_MSGID":
                return self.unexpected(self.tokens[self.index - 1])
        if self.kind() == "PREV_MSGID":
            if self.keyword_strings("PREV_STRING") is None:
                return None
            if self.kind() == "PREV_MSGID_PLURAL" and \
                    self.keyword_strings("PREV_STRING") is None:
                return None
        context, context_line = None, 0
        if self.kind() == "MSGCTXT":
            if (taken := self.keyword_strings()) is None:
                return None
            context_line, context = taken[0].line, taken[1]
        if self.kind() != "MSGID":
            return self.unexpected(self.tokens[self.index - 1])
        if (taken := self.keyword_strings()) is None:
            return None
        msgid, msgid_text = taken
        plural: str | None = None
        strings: list[str] = []
        parts: list[tuple[int, str]] = []
        msgstr_line = 0
        if self.kind() == "MSGSTR" and self.kind(1) == "STRING":
            msgstr_line = self.take().line
            found = self.strings()
            strings.append("".join(t.value for t in found))
            parts = [(t.line, t.value) for t in found]
        elif self.kind() == "MSGSTR" and self.kind(1) != "[":
            self.take()
            return self.unexpected(self.tokens[self.index - 1])
        else:
            if self.kind() == "MSGID_PLURAL":
                if (taken := self.keyword_strings()) is None:
                    return None
                plural = taken[1]
            if self.kind() != "MSGSTR":
                if self.kind() not in STARTS | {"EOF"}:
                    return self.unexpected(self.tokens[self.index - 1])
                self.error(msgid.line, "missing 'msgstr[]' section" if plural is not None
                           else "missing 'msgstr' section")
                return None
            while self.kind() == "MSGSTR":
                keyword = self.take()
                if self.kind() != "[":
                    return self.unexpected(keyword)
                self.take()
                if self.kind() != "NUMBER" or self.kind(1) != "]" or self.kind(2) != "STRING":
                    return self.unexpected(keyword)
                index = int(self.take().value)
                self.take()
                if index != len(strings):
                    self.error(keyword.line, "first plural form has nonzero index"
                               if not strings else "plural form has wrong index")
                found = self.strings()
                strings.append("".join(t.value for t in found))
                if not parts:
                    msgstr_line, parts = keyword.line, [(t.line, t.value) for t in found]
            if plural is None:
                self.error(msgid.line, "missing 'msgid_plural' section")
                return None
        entry = Entry(msgid.line, msgstr_line, context, context_line,
                      msgid_text, plural, strings, parts,
                      flags, msgid.obsolete, previous_context, previous_context_line,
                      value_range)
        for token in self.tokens[start:self.index]:
            if token.obsolete != entry.obsolete:
                self.error(token.line, "inconsistent use of #~ (obsolete entry)")
                break
        self.result.entries.append(entry)
        return None


def _describe(token: Token | None) -> str:
    if token is None:
        return "end of file"
    if token.kind in ("STRING", "PREV_STRING"):
        return "string"
    if token.kind == "COMMENT":
        return "comment"
    if token.kind == "JUNK":
        return f"character {token.value!r}"
    if token.kind == "NAME":
        return f"keyword {token.value!r} (unknown)"
    return f"{token.value!r}" if token.value else token.kind


def parse(text: str, where: str) -> ParsedPo:
    """Entries and syntax problems of a PO text, following msgfmt's grammar."""
    return _Parser(text, where).parse()


# Checks on the messages (read-catalog.c, msgl-check.c).

def message_problems(po: ParsedPo, where: str) -> list[Problem]:
    """Duplicates, context separators, and the '\\n' rule of the kept messages."""
    problems: list[Problem] = []
    seen: dict[tuple[str | None, str], int] = {}
    for entry in po.entries:
        for context, line in ((entry.context, entry.context_line),
                              (entry.previous_context, entry.previous_context_line)):
            if context is not None and "\x04" in context:
                problems.append(Problem(where, line, entry.key(),
                                        "context separator <EOT> within string"))
        key = (entry.context, entry.msgid)
        if key in seen:
            problems.append(Problem(where, entry.line, entry.key(),
                                    f"duplicate message (first at line {seen[key]})"))
        else:
            seen[key] = entry.line
        if entry.kept and entry.msgid:
            problems += _newline_problems(entry, where)
    if po.header() is None:
        problems.append(Problem(where, 1, "", 'no header entry (a translated msgid "" with '
                                              "Content-Type, Language and Plural-Forms)"))
    return problems


def _newline_problems(entry: Entry, where: str) -> list[Problem]:
    problems = []
    names = ["msgid_plural"] if entry.plural is not None else []
    names += [f"msgstr[{i}]" if entry.plural is not None else "msgstr"
              for i in range(len(entry.strings))]
    others = ([entry.plural] if entry.plural is not None else []) + entry.strings
    for where_in, test in (("begin", str.startswith), ("end", str.endswith)):
        expected = test(entry.msgid, "\n")
        for name, other in zip(names, others, strict=True):
            if test(other, "\n") != expected:
                problems.append(Problem(where, entry.line, entry.key(),
                                        f"'msgid' and '{name}' entries do not both {where_in} "
                                        "with '\\n'"))
    return problems


# The header.

@dataclass(frozen=True)
class Header:
    nplurals: int
    plural: Callable[[int], int] | None
    #: Whether the header has "plural=" and "nplurals=" (msgfmt's test, a substring search).
    declares_plurals: bool
    #: For each form, whether the formula gives it for 5 or more n in 0..1000.
    often: tuple[bool, ...]


def _field_line(entry: Entry, name: str, default: int | None = None) -> int:
    """The line of a header field: of the string where it starts, else ``default`` (the
    header's msgstr)."""
    pattern = re.compile(rf"(?:^|\n)[ \t]*{re.escape(name)}[ \t]*:", re.IGNORECASE)
    return next((line for line, part in entry.parts if pattern.search(part)),
                entry.msgstr_line if default is None else default)


def _header(po: ParsedPo, data: bytes, text: str,
            where: str) -> tuple[Header | None, list[Problem]]:
    """Babel's reading of the header, field by field, so a problem has its field's line."""
    entry = po.header()
    if entry is None:
        return None, []
    if entry.strings[0] and not HEADER_FIELD.match(entry.strings[0]):
        return None, [Problem(where, entry.msgstr_line, "header", "the header must begin with "
                              "a field ('Name: value'): Babel reads no field after a blank or "
                              "indented first line, msgfmt does")]
    problems: list[Problem] = []
    probe = Catalog()
    for name, field_value in email.message_from_string(entry.strings[0]).items():
        line, value = _field_line(entry, name), str(field_value)
        try:
            probe.mime_headers = [(name, value)]
        except Exception as exc:  # Babel's header parsers fail in many ways on odd values
            message = (f"{value.strip()!r} is not a locale Babel knows" if name.lower() ==
                       "language" else f"Babel cannot read {value.strip()!r} ({exc})")
            problems.append(Problem(where, line, name, message))
        if name.lower() == "content-type":
            problems += _charset_problems(value, data, text, where, line)
    if problems:
        return None, problems
    line = _field_line(entry, "Plural-Forms")
    nplurals = probe.num_plurals
    if not 1 <= nplurals <= MAX_PLURALS:
        return None, [Problem(where, line, "Plural-Forms",
                              f"nplurals must be between 1 and {MAX_PLURALS}")]
    declares = "plural=" in entry.strings[0] and "nplurals=" in entry.strings[0]
    plural, often, problems = _plural_formula(probe.plural_expr, nplurals, where, line)
    return Header(nplurals, plural, declares, often), problems


def _charset_problems(value: str, data: bytes, text: str, where: str,
                      line: int) -> list[Problem]:
    """The project reads PO files as UTF-8; a declared charset must read them the same."""
    charset = parse_separated_header(value).get("charset")
    if charset is None:
        return []
    try:
        codecs.lookup(charset)
        same = data.decode(charset) == text
    except LookupError as exc:
        return [Problem(where, line, "Content-Type", f"unknown charset ({exc})")]
    except (UnicodeError, ValueError):
        same = False
    if same:
        return []
    return [Problem(where, line, "Content-Type", f"charset {charset!r} reads this file "
                                                 "differently than UTF-8: declare "
                                                 "charset=UTF-8")]


def _plural_formula(expression: str, nplurals: int, where: str, line: int) -> tuple[
        Callable[[int], int] | None, tuple[bool, ...], list[Problem]]:
    try:
        plural = gettext.c2py(expression)
    except (ValueError, RecursionError) as exc:
        return None, (), [Problem(where, line, "Plural-Forms",
                                  f"plural formula does not parse ({exc})")]
    counts = [0] * nplurals
    for n in PLURAL_RANGE:
        try:
            form = plural(n)
        except (ArithmeticError, ValueError, RecursionError) as exc:
            return None, (), [Problem(where, line, "Plural-Forms",
                                      f"plural formula fails for n={n} ({exc})")]
        if not 0 <= form < nplurals:
            return None, (), [Problem(where, line, "Plural-Forms",
                                      f"plural formula gives form {form} for n={n}, beyond "
                                      "nplurals")]
        counts[form] += 1
    return plural, tuple(count >= OFTEN for count in counts), []


def plural_count_problems(po: ParsedPo, header: Header, where: str) -> list[Problem]:
    """Every translated plural message has nplurals forms, and the header declares them.

    msgfmt counts only kept messages; Babel refuses more forms than nplurals in any
    message, obsolete ones too, so those are reported for every message.
    """
    problems = []
    for entry in po.entries:
        if entry.plural is None:
            continue
        count = len(entry.strings)
        if entry.kept and not header.declares_plurals:
            problems.append(Problem(where, entry.line, entry.key(),
                                    "plural translations, but the header has no Plural-Forms "
                                    "with nplurals= and plural="))
        elif count > header.nplurals or (entry.kept and count < header.nplurals):
            more = "more" if count > header.nplurals else "fewer"
            problems.append(Problem(where, entry.line, entry.key(),
                                    f"{more} translations ({count} plural forms) than "
                                    f"nplurals={header.nplurals} in the header"))
    return problems


# Python format strings (format-python.c), checked where msgfmt checks them: messages kept
# and flagged python-format or possible-python-format.

ANY, NONE = "any", "none"
CONVERSIONS = {"%": NONE, "c": "character", "s": "string", "r": "string",
               **dict.fromkeys("iduoxX", "integer"), **dict.fromkeys("eEfgG", "float")}
MIXES = ("The string refers to arguments both through argument names and through unnamed "
         "argument specifications.")
UNTERMINATED = "The string ends in the middle of a directive."


@dataclass
class FormatSpec:
    named: dict[str, str] = field(default_factory=dict)
    unnamed: list[str] = field(default_factory=list)


def python_format(text: str) -> FormatSpec | str:
    """The arguments of a Python %-format string, or why it is not one."""
    spec = FormatSpec()
    directives, i, n = 0, 0, len(text)
    while (i := text.find("%", i)) >= 0:
        i, directives = i + 1, directives + 1
        name = None
        if i < n and text[i] == "(":
            depth, j = 0, i + 1
            while j < n and (text[j] != ")" or depth):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
            if j >= n:
                return UNTERMINATED
            name, i = text[i + 1:j], j + 1
        while i < n and text[i] in "-+ #0":
            i += 1
        width = _number_field(text, i, spec)
        if width is None:
            return MIXES
        i, _ = width
        zero_precision = False
        if i < n and text[i] == ".":
            precision = _number_field(text, i + 1, spec)
            if precision is None:
                return MIXES
            i, digits = precision
            zero_precision = bool(digits) and not digits.strip("0")
        if i < n and text[i] in "hlL":
            i += 1
        if i >= n:
            return UNTERMINATED
        conversion = text[i]
        if conversion not in CONVERSIONS:
            return (f"In the directive number {directives}, the character {conversion!r} is "
                    "not a valid conversion specifier.")
        kind = ANY if conversion in "sr" and zero_precision else CONVERSIONS[conversion]
        if name is not None:
            if spec.unnamed:
                return MIXES
            known = spec.named.get(name)
            if known is not None and kind != known and ANY not in (kind, known):
                return f"The string refers to the argument named {name!r} in incompatible ways."
            spec.named[name] = known if kind == ANY and known else kind
        elif conversion != "%":
            if spec.named:
                return MIXES
            spec.unnamed.append(kind)
        i += 1
    return spec


def _number_field(text: str, i: int, spec: FormatSpec) -> tuple[int, str] | None:
    """A directive's width or precision at ``i``: ``*`` (one more integer argument, added
    to ``spec``) or digits. The index after it and the digits; None when ``*`` would mix
    unnamed arguments with named ones."""
    if i < len(text) and text[i] == "*":
        if spec.named:
            return None
        spec.unnamed.append("integer")
        return i + 1, ""
    end = i
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return end, text[i:end]


def _same(first: str, second: str, strict: bool) -> bool:
    return first == second or (not strict and ANY in (first, second))


def python_format_mismatch(msgid: FormatSpec, msgstr: FormatSpec, strict: bool,
                           id_name: str, str_name: str) -> str | None:
    """msgfmt's comparison of a translation's arguments with its source's."""
    if msgid.named and msgstr.unnamed:
        return (f"format specifications in '{id_name}' expect a mapping, those in "
                f"'{str_name}' expect a tuple")
    if msgid.unnamed and msgstr.named:
        return (f"format specifications in '{id_name}' expect a tuple, those in "
                f"'{str_name}' expect a mapping")
    for name in sorted(msgid.named.keys() | msgstr.named.keys()):
        if name not in msgid.named:
            return (f"a format specification for argument {name!r}, as in '{str_name}', "
                    f"doesn't exist in '{id_name}'")
        if name not in msgstr.named and strict:
            return f"a format specification for argument {name!r} doesn't exist in '{str_name}'"
    for name in sorted(msgstr.named):
        if not _same(msgid.named[name], msgstr.named[name], strict):
            return (f"format specifications in '{id_name}' and '{str_name}' for argument "
                    f"{name!r} are not the same")
    if len(msgid.unnamed) != len(msgstr.unnamed):
        return f"number of format specifications in '{id_name}' and '{str_name}' does not match"
    for number, (first, second) in enumerate(zip(msgid.unnamed, msgstr.unnamed, strict=True),
                                             1):
        if not _same(first, second, strict):
            return (f"format specifications in '{id_name}' and '{str_name}' for argument "
                    f"{number} are not the same")
    return None


def _rarely(value_range: tuple[int, int] | None, header: Header, form: int) -> bool:
    """Whether a "range:" flag leaves a plural form at most one value of n."""
    if value_range is None or header.plural is None:
        return False
    low, high = value_range
    uses = 0
    for n in range(low, min(high, low + len(PLURAL_RANGE)) + 1):
        try:
            uses += header.plural(n) == form
        except (ArithmeticError, ValueError, RecursionError):
            continue
    return uses <= 1


def format_problems(po: ParsedPo, header: Header, where: str) -> list[Problem]:
    problems = []
    for entry in po.entries:
        if not entry.kept or not entry.msgid:
            continue
        formats = {m[1] for flag in entry.flags if (m := FORMAT_FLAG.match(flag))
                   and not flag.startswith("no-")}
        for unsupported in sorted(formats - {"python"}):
            problems.append(Problem(where, entry.line, entry.key(),
                                    f"format flag '{unsupported}-format' is not supported "
                                    "(only python-format is checked)"))
        if "python" in formats:
            problems += _python_problems(entry, header, where)
    return problems


def _python_problems(entry: Entry, header: Header, where: str) -> list[Problem]:
    source = entry.plural if entry.plural is not None else entry.msgid
    expected = python_format(source)
    if isinstance(expected, str):
        return []
    id_name = "msgid_plural" if entry.plural is not None else "msgid"
    several = len(entry.strings) > 1
    problems = []
    for index, string in enumerate(entry.strings):
        str_name = f"msgstr[{index}]" if entry.plural is not None else "msgstr"
        found = python_format(string)
        if isinstance(found, str):
            problems.append(Problem(where, entry.line, entry.key(),
                                    f"'{str_name}' is not a valid Python format string, unlike "
                                    f"'{id_name}': {found}"))
            continue
        strict = entry.plural is None or not several or (
            header.declares_plurals and index < len(header.often) and header.often[index]
            and not _rarely(entry.value_range, header, index))
        mismatch = python_format_mismatch(expected, found, strict, id_name, str_name)
        if mismatch:
            problems.append(Problem(where, entry.line, entry.key(), mismatch))
    return problems


# Babel.

def _babel(po: ParsedPo, text: str, where: str, locale: str | None) -> Catalog:
    """Babel's catalog of a PO text msgfmt accepts. '#~|' (a previous msgid of an obsolete
    entry, written by msgmerge) is a comment to Babel, as '#|' is."""
    babel_text = re.sub(r"(?m)^([ \t\r\f\v]*)#~\|", r"\1#|", text)
    try:
        return read_po(BytesIO(babel_text.encode("utf-8")), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        reason = re.sub(r" on \d+$", "", str(exc))
        raise InputError([Problem(where, exc.lineno + 1, "", f"PO syntax error: {reason}")]) \
            from None
    except Exception as exc:  # not met: the header was read field by field before
        raise InputError([Problem(where, 1, "", f"Babel cannot read this file ({exc!r})")]) \
            from None


def _differences(po: ParsedPo, catalog: Catalog, where: str) -> list[Problem]:
    """Babel must read every message as msgfmt does (a safety net behind the rules above)."""
    problems = []
    live = [entry for entry in po.entries if not entry.obsolete and not entry.is_header]
    for entry in live:
        message = catalog.get(entry.msgid, context=entry.context)
        if entry.plural is not None:
            expected_id: object = (entry.msgid, entry.plural)
            strings = entry.strings + [""] * (catalog.num_plurals - len(entry.strings))
            expected_string: object = tuple(strings)
        else:
            expected_id, expected_string = entry.msgid, entry.strings[0]
        if message is None or _as_tuple(message.id) != expected_id or \
                _as_tuple(message.string) != expected_string or message.fuzzy != entry.fuzzy:
            problems.append(Problem(where, entry.line, entry.key(),
                                    "an empty msgid with a msgctxt: Babel takes it for the "
                                    "header" if not entry.msgid else
                                    "Babel reads this message differently from msgfmt"))
    if not problems and len(catalog) != len(live):
        problems.append(Problem(where, 1, "", f"Babel reads {len(catalog)} messages, msgfmt "
                                              f"{len(live)}"))
    return problems


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def placeholders(text: str) -> list[str]:
    """The ``%(name)s`` names of a format string, sorted; '%' alone marks a stray percent."""
    return sorted(name or ("%" if token == "%" else "")
                  for token, name in ((m[0], m[1]) for m in PLACEHOLDER.finditer(text))
                  if token != "%%")
