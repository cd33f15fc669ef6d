"""Each locale named in its own language, for language switchers and listings: read from
CLDR through Babel once per machine, kept in the user cache (a build with nothing to make
need not load Babel's locale data)."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from .usercache import read_record, user_cache, write_record


@dataclass(frozen=True)
class Alternate:
    """The same report in another language, for the language switcher."""

    locale: str
    lang: str
    name: str
    href: str
    current: bool


def language_label(locale: str) -> str:
    """The locale's name in its own language, capitalized as a menu item or a list entry
    starts ("Русский", not CLDR's "русский"; title case, so a script whose capitals are not
    for titles, like Georgian, stays as it is)."""
    display = language_name(locale)
    return display[:1].title() + display[1:]


def language_name(locale: str) -> str:
    """The locale's name in its own language, as CLDR (through Babel) gives it; kept in the
    user cache, since reading CLDR's data for it takes a tenth of a second per process."""
    record = user_cache("language-names", "babel") / f"{locale}.json"
    if isinstance(name := read_record(record), str):
        return name
    name = Locale.parse(locale).get_display_name(locale) or locale
    write_record(record, name)
    return name
