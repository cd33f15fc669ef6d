"""Read PO files as strictly as ``msgfmt --check``: what it rejects is bad input with a line.

Babel's reader is lenient: it drops a message whose string is unterminated, keeps one of two
duplicate messages, and accepts a plural formula that does not parse. Interface catalogs and
translators' PO files are both read here, so neither can lose a translation silently.
"""

from __future__ import annotations

import gettext
import re
from io import BytesIO

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po

from .errors import InputError, Problem

#: The largest PO file read (a catalog of this project is about 10 KB; content about 100 KB).
MAX_PO_BYTES = 8 * 1024 * 1024

KEYWORD = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(.*)$")
QUOTED = re.compile(r'^"(?:[^"\\]|\\.)*"\s*$')
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|%")


def read_strict(data: bytes, where: str, locale: str | None = None) -> Catalog:
    """Parse PO ``data``; raise InputError with every problem, each at its line."""
    if len(data) > MAX_PO_BYTES:
        raise InputError([Problem(where, 0, "", f"larger than {MAX_PO_BYTES // 2**20} MiB")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([Problem(where, line, "", "not valid UTF-8 text")]) from None
    problems = syntax_problems(text, where)
    if problems:
        raise InputError(problems)
    try:
        catalog = read_po(BytesIO(data), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        reason = re.sub(r" on \d+$", "", str(exc))
        raise InputError([Problem(where, exc.lineno + 1, "", f"PO syntax error: {reason}")]) \
            from None
    except LookupError as exc:
        raise InputError([Problem(where, _header_line(text, "Content-Type"), "Content-Type",
                                  f"unknown charset ({exc})")]) from None
    except ValueError as exc:
        raise InputError([Problem(where, _header_line(text, "Language"), "Language",
                                  f"not a locale Babel knows ({exc})")]) from None
    problems = _plural_problems(catalog, text, where)
    for message, errors in catalog.check():
        problems.extend(Problem(where, message.lineno or 0, f"msgid {message.id!r}", str(error))
                        for error in errors)
    if problems:
        raise InputError(problems)
    return catalog


def syntax_problems(text: str, where: str) -> list[Problem]:
    """Malformed or unterminated strings, unknown keywords and duplicate messages."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    context, msgid, msgid_line, last = "", "", 0, ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = KEYWORD.match(line)
        keyword, rest = (match[1], match[2]) if match else ("", line)
        if not match and not line.startswith('"'):
            problems.append(Problem(where, number, "",
                                    f"PO syntax error: not a keyword: {line[:40]!r}"))
            continue
        if not QUOTED.match(rest):
            problems.append(Problem(where, number, "",
                                    "PO syntax error: unterminated or malformed string"))
            continue
        if keyword in ("msgctxt", "msgid") and last.startswith("msgstr"):
            _remember(seen, (context, msgid), msgid_line, where, problems)
            context, msgid = "", ""
        if keyword == "msgctxt":
            context = rest
        elif keyword == "msgid":
            msgid, msgid_line = rest, number
        elif not keyword and last in ("msgid",):
            msgid += rest
        last = keyword or last
    if last.startswith("msgstr"):
        _remember(seen, (context, msgid), msgid_line, where, problems)
    return problems


def _remember(seen: dict[tuple[str, str], int], key: tuple[str, str], line: int, where: str,
              problems: list[Problem]) -> None:
    if key in seen:
        problems.append(Problem(where, line, "", f"duplicate message (first at line "
                                                 f"{seen[key]})"))
    else:
        seen[key] = line


def _header_line(text: str, field: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f'"{field}:'):
            return number
    return 0


def _plural_problems(catalog: Catalog, text: str, where: str) -> list[Problem]:
    line = _header_line(text, "Plural-Forms")
    try:
        gettext.c2py(catalog.plural_expr)
    except (ValueError, RecursionError) as exc:
        return [Problem(where, line, "Plural-Forms", f"plural formula does not parse ({exc})")]
    if not 1 <= catalog.num_plurals <= 6:
        return [Problem(where, line, "Plural-Forms", "nplurals must be between 1 and 6")]
    plural = gettext.c2py(catalog.plural_expr)
    for n in range(1000):
        try:
            form = plural(n)
        except (ArithmeticError, ValueError, RecursionError) as exc:
            return [Problem(where, line, "Plural-Forms", f"plural formula fails for n={n} "
                                                         f"({exc})")]
        if not 0 <= form < catalog.num_plurals:
            return [Problem(where, line, "Plural-Forms", f"plural formula gives form {form} "
                                                         f"for n={n}, beyond nplurals")]
    return []


def placeholders(text: str) -> list[str]:
    """The ``%(name)s`` names of a format string, sorted; '%' alone marks a stray percent."""
    return sorted(name or ("%" if token == "%" else "")
                  for token, name in ((m[0], m[1]) for m in PLACEHOLDER.finditer(text))
                  if token != "%%")
