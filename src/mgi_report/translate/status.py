"""How complete and how current each locale's translation is, for content and interface."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog, Message

from ..catalogs import read_catalog
from ..errors import UsageError
from ..merge import content_state, stale_keys
from ..model import Project
from ..paths import DOMAIN, ProjectPaths, catalog_path
from ..pofile import read_strict
from .scope import keys_in_scope
from .scope import words as count_words

STATES = ("translated", "outdated", "missing")


@dataclass(frozen=True)
class Counts:
    translated: int = 0
    outdated: int = 0
    missing: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.outdated + self.missing

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total


@dataclass(frozen=True)
class LocaleStatus:
    """Per locale: content keys and interface messages, translated / outdated / missing,
    and the source words of the content keys in each state (what a translation costs)."""

    locale: str
    content: Counts
    ui: Counts
    outdated_keys: tuple[str, ...] = field(default=())
    missing_keys: tuple[str, ...] = field(default=())
    words: Counts = field(default=Counts())
    #: Translations (or their records) of keys the source no longer has: ``i18n prune``.
    stale_keys: tuple[str, ...] = field(default=())

    @property
    def percent(self) -> float:
        total = self.content.total + self.ui.total
        done = self.content.translated + self.ui.translated
        return 100.0 if total == 0 else 100.0 * done / total

    def as_dict(self) -> dict[str, object]:
        def counts(c: Counts) -> dict[str, object]:
            return {"translated": c.translated, "outdated": c.outdated, "missing": c.missing,
                    "percent": round(c.percent, 1)}

        return {"locale": self.locale, "content": counts(self.content), "ui": counts(self.ui),
                "words": counts(self.words),
                "percent": round(self.percent, 1), "outdated_keys": list(self.outdated_keys),
                "missing_keys": list(self.missing_keys), "stale_keys": list(self.stale_keys)}


def translation_status(project: Project, locales: Sequence[str] | None = None,
                       countries: Sequence[str] | None = None,
                       reports: Sequence[str] | None = None) -> list[LocaleStatus]:
    """Each locale's state; content scoped to what the editions of ``countries`` and
    ``reports`` show (default: all content)."""
    paths = ProjectPaths(project.root)
    chosen = list(locales or project.locales)
    unknown = [loc for loc in chosen if loc not in project.bundles]
    if unknown:
        raise UsageError(f"no content for locale {', '.join(map(repr, unknown))} "
                         f"(known: {', '.join(project.locales)})")
    template = _template(paths)
    result = []
    source = project.bundles[project.structure.source_locale].entries
    source_keys = keys_in_scope(project, countries, reports)
    for locale in chosen:
        states = {key: content_state(project, locale, key) for key in source_keys}
        content = Counts(*(sum(1 for s in states.values() if s == kind)
                           for kind in STATES))
        words = Counts(*(sum(count_words(source[key].value) for key, s in states.items()
                             if s == kind) for kind in STATES))
        has_catalog = catalog_path(paths, locale).is_file()
        catalog = read_catalog(paths, locale) if has_catalog else Catalog(locale=locale)
        ui = _ui_counts(template, catalog, locale == project.structure.source_locale)
        stale = sorted(set().union(*stale_keys(project, locale)))
        result.append(LocaleStatus(
            locale, content, ui,
            tuple(k for k, s in states.items() if s == "outdated"),
            tuple(k for k, s in states.items() if s == "missing"), words, tuple(stale)))
    return result


def _template(paths: ProjectPaths) -> Catalog:
    pot = paths.locale / f"{DOMAIN}.pot"
    if not pot.is_file():
        raise UsageError(f"{paths.display(pot)} not found: run 'mgi-report i18n extract'")
    return read_strict(paths.read(pot), paths.display(pot))


def _ui_counts(template: Catalog, catalog: Catalog, is_source: bool) -> Counts:
    ids = [m.id for m in template if m.id]
    if is_source:
        return Counts(translated=len(ids))
    translated = outdated = missing = 0
    for message_id in ids:
        message = catalog.get(message_id if isinstance(message_id, str) else message_id[0])
        if message is None or not _filled(message):
            missing += 1
        elif message.fuzzy:
            outdated += 1
        else:
            translated += 1
    return Counts(translated, outdated, missing)


def _filled(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(bool(s) for s in strings)


__all__ = ["Counts", "LocaleStatus", "content_state", "translation_status"]
