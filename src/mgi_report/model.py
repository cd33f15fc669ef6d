"""Plain data passed between the stages: loaded project, editions, results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import Problem


@dataclass(frozen=True)
class ReportType:
    id: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Convention:
    id: str
    year: int


@dataclass(frozen=True)
class Structure:
    """What every country and language shares: domains, report types, conventions."""

    source_locale: str
    domains: tuple[str, ...]
    reports: Mapping[str, ReportType]
    conventions: tuple[Convention, ...]
    #: Where the build folder is published (ends in "/"): sitemap.xml's addresses start
    #: with it. None: no sitemap is written.
    site_url: str | None = None


@dataclass(frozen=True)
class TitlePart:
    """A source's title, or one language's part of a title printed in several."""

    text: str
    lang: str


@dataclass(frozen=True)
class SourceEntry:
    year: int | None
    title: tuple[TitlePart, ...]
    details: str | None
    available: str
    url: str
    #: The language the entry is cited in (its details); BCP 47.
    lang: str


@dataclass(frozen=True)
class SourceGroup:
    publisher: str
    entries: tuple[SourceEntry, ...]
    lang: str


@dataclass(frozen=True)
class Country:
    """A country's language-independent facts."""

    code: str
    published: date
    ratifications: Mapping[str, int]
    sources: tuple[SourceGroup, ...]


@dataclass(frozen=True)
class Entry:
    """One translatable piece of wording (a string, or one paragraph of a block), and where
    it was written."""

    key: str
    value: str
    file: str
    line: int


@dataclass(frozen=True)
class Bundle:
    """All wording of one locale, keyed by dotted path (``kaz.snapshot.introduction``)."""

    locale: str
    entries: Mapping[str, Entry]
    fallback: tuple[str, ...] = ()
    #: The source wording each translation was made from (``translated_from.yaml``).
    translated_from: Mapping[str, str] = field(default_factory=dict)
    #: Words line breaking never hyphenates in this language (``locale.yaml``).
    never_hyphenate: tuple[str, ...] = ()
    #: Outdated translations not shown (the source's): the source's footnote calls or
    #: links changed since, and they keep the old ones.
    withheld: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Project:
    """Everything under a project root, loaded and validated."""

    root: Path
    structure: Structure
    countries: Mapping[str, Country]
    bundles: Mapping[str, Bundle]
    input_files: tuple[Path, ...] = field(default=())
    #: What does not stop a build but is told, by locale (an error under ``--strict`` for
    #: the locales built): translations of keys the source no longer has and records of
    #: translations that are gone (until ``i18n prune`` removes them), outdated translations
    #: withheld (``Bundle.withheld``).
    warnings: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)

    @property
    def locales(self) -> tuple[str, ...]:
        source = self.structure.source_locale
        return (source, *sorted(loc for loc in self.bundles if loc != source))


@dataclass(frozen=True)
class EditionSpec:
    """Which edition to make: one country, report type and locale."""

    country: str
    report: str
    locale: str

    @property
    def name(self) -> str:
        return f"{self.country}/{self.report}.{self.locale}"


@dataclass(frozen=True)
class Text:
    """Wording resolved for an edition, with the language it is actually in."""

    key: str
    value: str
    lang: str


@dataclass(frozen=True)
class Edition:
    """An edition's merged content: every key resolved through the fallback chain."""

    spec: EditionSpec
    structure: Structure
    country: Country
    texts: Mapping[str, Text]
    fallback_keys: tuple[str, ...]
    #: Per language of the edition's text (BCP 47): words never hyphenated, the country's
    #: name in that language first.
    never_hyphenate: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The locales its wording is looked up in, its own first and the source's last.
    chain: tuple[str, ...] = ()
    #: The keys it shows from a translation made before its source last changed.
    outdated_keys: tuple[str, ...] = ()

    @property
    def lang(self) -> str:
        return bcp47(self.spec.locale)


def bcp47(locale: str) -> str:
    """Babel's ``pt_BR`` as HTML's ``pt-BR``."""
    return locale.replace("_", "-")
