"""Starting a language: its content folder and its interface catalog, the catalog made from
the templates' messages the way Babel's ``init_catalog`` makes one from messages.pot (the
header's Language and Plural-Forms are the locale's, from CLDR)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

from ..errors import UsageError
from ..paths import ProjectPaths, catalog_path
from ..publish import transaction
from .extract import extract_template, serialize

log = logging.getLogger(__name__)

#: The settings file of a new locale: what each setting is for, and none set yet.
LOCALE_SETTINGS = """\
# Locale settings, written by mgi-report i18n init.
# fallback: locales tried, in order, before the source language for a passage this one
#   does not translate (a regional locale names its language: fallback: [fr]).
# never_hyphenate: words line breaking keeps whole in this language, besides the
#   country's name.
# (mgi-report i18n import and confirm record the source wording each translation was
# made from in translated_from.yaml, next to this file.)
{fallback}never_hyphenate: []
"""


@dataclass(frozen=True)
class StartedLocale:
    locale: str
    #: The files written (a locale half started before gets only what it lacked).
    written: tuple[Path, ...]
    plural_forms: str


def init_locale(root: Path | str, locale: str,
                fallback: Sequence[str] = ()) -> StartedLocale:
    """Create ``content/<locale>/locale.yaml`` and ``locale/<locale>/LC_MESSAGES/
    messages.po`` with every interface message untranslated (until translations arrive, the
    locale's editions show the source language, marked as fallback). A locale that has one
    of them gets the other; one that has both is refused."""
    paths = ProjectPaths(Path(root))
    if not paths.content.is_dir():
        raise UsageError(f"{paths.root}: not a project (no content/ folder)")
    parsed = _known(locale)
    for other in fallback:
        _known(other)
    content = paths.content / locale
    catalog_file = catalog_path(paths, locale)
    if content.exists() and catalog_file.exists():
        raise UsageError(f"locale {locale!r} is started already: "
                         f"{paths.display(content)} and {paths.display(catalog_file)} exist")
    catalog = read_po(BytesIO(serialize(extract_template(paths))), locale=parsed)
    catalog.locale = parsed
    catalog.fuzzy = False
    written = []
    if not catalog_file.exists():
        with transaction(paths.locale) as staging:
            staging.write(catalog_file.relative_to(paths.locale), serialize(catalog))
        written.append(catalog_file)
    if not content.exists():
        named = f"fallback: [{', '.join(fallback)}]\n" if fallback else ""
        with transaction(paths.content) as staging:
            staging.write(Path(locale) / "locale.yaml",
                          LOCALE_SETTINGS.format(fallback=named).encode("utf-8"))
        written.append(content / "locale.yaml")
    for path in written:
        log.info("wrote %s", paths.display(path))
    return StartedLocale(locale, tuple(written), catalog.plural_forms)


def _known(locale: str) -> Locale:
    """A locale Babel has data for, written as a folder name is (``pt_BR``)."""
    if "-" in locale and "_" not in locale:
        raise UsageError(f"write the locale {locale!r} as {locale.replace('-', '_')!r}")
    try:
        parsed = Locale.parse(locale)
    except (ValueError, TypeError, UnknownLocaleError):
        raise UsageError(f"{locale!r} is not a locale Babel knows (write it as fr, pt_BR, "
                         "sr_Latn)") from None
    if str(parsed) != locale:
        raise UsageError(f"write the locale {locale!r} as {str(parsed)!r}")
    return parsed
