"""Interface wording: gettext catalogs read from locale/<locale>/LC_MESSAGES/messages.po.

Catalogs are compiled in memory at build time, so there is no .mo file to forget.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.support import Translations

from .errors import InputError, Problem
from .paths import DOMAIN, ProjectPaths, catalog_path
from .pofile import header_line, placeholders, read_strict


def read_catalog(paths: ProjectPaths, locale: str) -> Catalog:
    """Parse a locale's catalog; a missing, broken or inconsistent one is bad input."""
    path = catalog_path(paths, locale)
    where = paths.display(path)
    if not path.is_file():
        raise InputError([Problem(where, 0, "", f"no catalog for locale {locale!r}")])
    return _read(paths, path, locale, path.stat().st_mtime_ns)


@cache
def _read(paths: ProjectPaths, path: Path, locale: str, _mtime: int) -> Catalog:
    where = paths.display(path)
    data = paths.read(path)
    catalog = read_strict(data, where)
    problems = _language_problems(catalog, where, locale, header_line(data, "Language"))
    single = single_value_forms(catalog.plural_expr)
    for message in catalog:
        problems += message_problems(message, where, single)
    if problems:
        raise InputError(problems)
    return catalog


def _language_problems(catalog: Catalog, where: str, locale: str,
                       line: int) -> list[Problem]:
    """The catalog's own Language header (at ``line``) must name the folder's locale."""
    declared = catalog.locale_identifier
    if not declared:
        what = "empty Language header" if line else "no Language header"
        return [Problem(where, line, "Language", f"{what} (expected {locale!r})")]
    if catalog.locale is None:
        return [Problem(where, line, "Language", f"{declared!r} is not a locale Babel knows "
                                                 f"(expected {locale!r})")]
    if str(declared).replace("-", "_") != locale:
        return [Problem(where, line, "Language", f"catalog is for {declared!r}, but it is in "
                                                 f"the folder of locale {locale!r}")]
    return []


def single_value_forms(plural_expr: str) -> frozenset[int]:
    """The plural forms the catalog's rule chooses for one count alone (Arabic's zero, one
    and two), among the counts 0 to 1000 that GNU msgfmt tries too."""
    try:
        rule = gettext.c2py(plural_expr)
    except (ValueError, SyntaxError):
        return frozenset()
    counts: dict[int, int] = {}
    for n in range(1001):
        form = rule(n)
        counts[form] = counts.get(form, 0) + 1
    return frozenset(form for form, many in counts.items() if many == 1)


def message_problems(message: Message, where: str,
                     single_value: frozenset[int] = frozenset()) -> list[Problem]:
    """A translation must use exactly its source's ``%(name)s`` placeholders, in every
    plural form, and be a valid format string: Jinja formats every interface string. A
    plural form for one count alone may leave a placeholder out ("اتفاقيتان", two
    conventions), as GNU gettext allows."""
    if not message.id or not message.string:
        return []
    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    expected = sorted(set(placeholders(ids[0]) + placeholders(ids[-1])))
    key = f"msgid {ids[0]!r}"
    problems = []
    for index, string in enumerate(strings):
        if not string:
            continue
        form = f" (plural form {index})" if len(strings) > 1 else ""
        found = placeholders(string)
        if "%" in found:
            problems.append(Problem(where, message.lineno or 0, key,
                                    f"stray '%' in the translation{form}: write '%%' for a "
                                    "percent sign"))
        elif sorted(set(found)) != expected and not (
                len(strings) > 1 and index in single_value and set(found) <= set(expected)):
            problems.append(Problem(where, message.lineno or 0, key,
                                    f"translation{form} uses placeholders "
                                    f"{_names(found)}, the source {_names(expected)}"))
    return problems


def _names(names: list[str]) -> str:
    return ", ".join(f"%({name})s" for name in sorted(set(names))) or "none"


def translations(paths: ProjectPaths, locale: str) -> Translations:
    """gettext translations for Jinja's i18n extension."""
    buffer = BytesIO()
    write_mo(buffer, read_catalog(paths, locale), use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)
