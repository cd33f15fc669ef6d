"""Interface wording (the templates' gettext strings) through the edition's fallback chain,
as honest as content: a message the edition's catalog lacks, or has only as fuzzy, is
taken from the next locale of the chain, and at last is the source's own msgid. Such a
string is shown in the language it is really in (``lang`` on its element, in HTML and so
in the PDF), highlighted by ``--mark-fallback`` and counted by the build.

The gettext callables cannot know where a template puts their result (element text, an
attribute, a stylesheet), so a fallback string is bracketed with private marks; once the
page is rendered, :meth:`InterfaceWording.finish` turns the brackets into an element in
text and drops them elsewhere.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from babel import Locale
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.support import Translations
from markupsafe import Markup, escape

from .catalogs import read_catalog, translations
from .model import bcp47
from .paths import ProjectPaths

#: Unicode noncharacters, "for internal use" (never in a page): open, close, end of a mark.
OPEN, CLOSE, END = "\ufdd0", "\ufdd1", "\ufdd2"
#: Elements whose content is not markup (a mark there is dropped).
_TEXT_ONLY = ("script", "style", "title", "textarea")


@dataclass(frozen=True)
class LanguageNames:
    """Languages (BCP 47) named in a sentence, in that sentence's language: the fallback
    notice names them in the edition's language, or in English when the notice itself is
    shown in English."""

    langs: tuple[str, ...]
    locale: str

    def __bool__(self) -> bool:
        return bool(self.langs)

    def __str__(self) -> str:
        return self.in_language(self.locale)

    def in_language(self, locale: str) -> str:
        locale = locale.replace("-", "_")
        names = [Locale.parse(lang.replace("-", "_")).get_display_name(locale) or lang
                 for lang in self.langs]
        return str(format_list(names, locale=locale)) if names else ""


@dataclass(frozen=True)
class _Source:
    locale: str
    catalog: Catalog
    translations: Translations


class InterfaceWording:
    """The gettext of one rendering: each message looked up along ``chain`` (the edition's
    locale first, the source locale, whose msgids are its wording, last); :attr:`fallbacks`
    records, in order, every message shown in another language than ``chain[0]``'s, with
    that language (BCP 47)."""

    def __init__(self, paths: ProjectPaths, chain: tuple[str, ...]) -> None:
        self.chain = chain
        self.sources = [_Source(locale, read_catalog(paths, locale),
                                translations(paths, locale)) for locale in chain]
        self.fallbacks: dict[str, str] = {}
        self._mark = secrets.token_hex(8)

    def install(self, env: jinja2.Environment) -> None:
        """Jinja's i18n callables, new style (``_("Yes (%(year)s)", year=…)``)."""
        env.newstyle_gettext = True  # type: ignore[attr-defined]

        def gettext(message: str, **variables: Any) -> Markup:
            return self._formatted(None, message, None, 1, variables)

        def ngettext(singular: str, plural: str, n: int, **variables: Any) -> Markup:
            return self._formatted(None, singular, plural, n, {"num": n, **variables})

        def pgettext(context: str, message: str, **variables: Any) -> Markup:
            return self._formatted(context, message, None, 1, variables)

        def npgettext(context: str, singular: str, plural: str, n: int,
                      **variables: Any) -> Markup:
            return self._formatted(context, singular, plural, n, {"num": n, **variables})

        env.globals.update(gettext=gettext, ngettext=ngettext, pgettext=pgettext,
                           npgettext=npgettext)

    def lookup(self, context: str | None, singular: str, plural: str | None,
               n: int) -> tuple[str, str]:
        """The wording and the locale it is in: the first locale of the chain whose catalog
        has the message translated (every plural form, not fuzzy), else the source's
        msgid (a catalog is not needed for it)."""
        for source in self.sources:
            message = source.catalog.get(singular, context=context)
            strings = message.string if message is not None else ""
            forms = strings if isinstance(strings, tuple | list) else (strings,)
            if message is None or message.fuzzy or not all(forms):
                continue
            found = _translated(source.translations, context, singular, plural, n)
            return found, source.locale
        return (singular if plural is None or n == 1 else plural), self.chain[-1]

    def _formatted(self, context: str | None, singular: str, plural: str | None, n: int,
                   variables: Mapping[str, Any]) -> Markup:
        wording, locale = self.lookup(context, singular, plural, n)
        values = {name: value.in_language(locale) if isinstance(value, LanguageNames)
                  else value for name, value in variables.items()}
        # A catalog is as untrusted as content: the translation is escaped, then formatted.
        text = Markup(escape(wording)) % values
        if locale == self.chain[0]:
            return text
        self.fallbacks.setdefault(singular, bcp47(locale))
        index = list(self.fallbacks).index(singular)
        return Markup(f"{OPEN}{self._mark}{index}:{bcp47(locale)}{CLOSE}") + text + \
            Markup(f"{END}{self._mark}{CLOSE}")

    def finish(self, html: str, marked: bool = False) -> str:
        """The rendered page with each fallback string as ``<span lang="…">`` (``<tspan>``
        in SVG) in element text, and marks dropped elsewhere; ``marked`` (a review build)
        adds ``data-state="fallback"`` and the msgid as the span's title."""
        if OPEN not in html:
            return html
        opening = re.compile(re.escape(OPEN + self._mark) + r"(\d+):([A-Za-z0-9-]+)" + CLOSE)
        closing = re.compile(re.escape(END + self._mark + CLOSE))
        messages = list(self.fallbacks)

        def elements(text: str, svg: bool) -> str:
            name = "tspan" if svg else "span"

            def start(match: re.Match[str]) -> str:
                review = f' data-state="fallback" title="{escape(messages[int(match[1])])}"' \
                    if marked else ""
                direction = "" if svg else direction_attr(match[2], self.chain[0])
                return f'<{name} lang="{match[2]}"{direction}{review}>'

            return closing.sub(f"</{name}>", opening.sub(start, text))

        out: list[str] = []
        svg = 0
        position = 0
        for match in _TOKENS.finditer(html):
            out.append(elements(html[position:match.start()], svg > 0))
            out.append(closing.sub("", opening.sub("", match.group(0))))
            name = (match.group("tag") or "").lower()
            svg += (name == "svg") - (name == "/svg")
            position = match.end()
        out.append(elements(html[position:], svg > 0))
        return "".join(out)


_ANY_MARK = re.compile(f"[{OPEN}{END}][^{CLOSE}]*{CLOSE}")


def without_marks(text: str) -> str:
    """``text`` with no fallback mark: for a template filter that takes the text out of the
    page's markup (into a CSS string), where no element can carry its language."""
    return _ANY_MARK.sub("", text)


_TOKENS = re.compile(r"<!--.*?-->|<(?P<raw>" + "|".join(_TEXT_ONLY) + r")\b[^>]*>.*?</(?P=raw)\s*>"
                     r"|<(?P<tag>/?[A-Za-z][A-Za-z0-9-]*)[^>]*>", re.DOTALL | re.IGNORECASE)


def _translated(catalog: Translations, context: str | None, singular: str,
                plural: str | None, n: int) -> str:
    if plural is None:
        return catalog.upgettext(context, singular) if context else catalog.ugettext(singular)
    if context:
        return catalog.unpgettext(context, singular, plural, n)
    return catalog.ungettext(singular, plural, n)


def text_direction(lang: str) -> str:
    """``"rtl"`` or ``"ltr"``: the direction CLDR (through Babel) gives the language's
    script, so a right-to-left language is added with content and a catalog alone."""
    return _direction(lang.replace("-", "_"))


@cache
def _direction(locale: str) -> str:
    try:
        return "rtl" if Locale.parse(locale).text_direction == "rtl" else "ltr"
    except (ValueError, LookupError):
        return "ltr"


def direction_attr(lang: str, page_lang: str) -> str:
    """`` dir="…"`` for an element in ``lang`` on a page in ``page_lang`` when the two run
    in different directions (empty otherwise): the element is then set, and isolated from
    the text around it, in its own direction."""
    direction = text_direction(lang)
    return f' dir="{direction}"' if direction != text_direction(page_lang) else ""
