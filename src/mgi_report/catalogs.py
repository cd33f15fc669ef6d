"""Interface wording: gettext catalogs read from locale/<locale>/LC_MESSAGES/messages.po.

Catalogs are compiled in memory at build time, so there is no .mo file to forget.
"""

from __future__ import annotations

import re
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from .errors import InputError, Problem
from .paths import ProjectPaths

DOMAIN = "messages"


def catalog_path(paths: ProjectPaths, locale: str) -> Path:
    return paths.locale / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(paths: ProjectPaths, locale: str) -> Catalog:
    """Parse a locale's catalog; a missing, broken or inconsistent one is bad input."""
    path = catalog_path(paths, locale)
    where = paths.display(path)
    if not path.is_file():
        raise InputError([Problem(where, 0, "", f"no catalog for locale {locale!r}")])
    return _read(path, where, locale, path.stat().st_mtime_ns)


@cache
def _read(path: Path, where: str, locale: str, _mtime: int) -> Catalog:
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale, abort_invalid=True)
    except PoFileError as exc:
        syntax = f"PO syntax error: {po_error(exc)}"
        raise InputError([Problem(where, exc.lineno + 1, "", syntax)]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(where, 0, "", "not valid UTF-8 text")]) from None
    problems = []
    for message, errors in catalog.check():
        for error in errors:
            line = message.lineno or 0
            problems.append(Problem(where, line, f"msgid {message.id!r}", str(error)))
    if problems:
        raise InputError(problems)
    return catalog


def po_error(exc: PoFileError) -> str:
    """Babel's message without its own zero-based "on N" line suffix."""
    return re.sub(r" on \d+$", "", str(exc))


def translations(paths: ProjectPaths, locale: str) -> Translations:
    """gettext translations for Jinja's i18n extension."""
    buffer = BytesIO()
    write_mo(buffer, read_catalog(paths, locale), use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)
