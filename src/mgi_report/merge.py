"""Stage 3: resolve every key an edition needs through its locale's fallback chain."""

from __future__ import annotations

from .errors import UsageError
from .markup import plain
from .model import Edition, EditionSpec, Project, Text, bcp47


def fallback_chain(project: Project, locale: str) -> tuple[str, ...]:
    """The locales tried in order for a key: the edition's own, the ones its locale.yaml
    names (``kk → ru``), and finally the source locale."""
    bundle = project.bundles.get(locale)
    named = bundle.fallback if bundle else ()
    chain = (locale, *named, project.structure.source_locale)
    return tuple(dict.fromkeys(chain))


def edition_keys(project: Project, spec: EditionSpec) -> list[str]:
    """The keys an edition uses, in the order the source bundle lists them."""
    own = {f"{spec.country}.{name}" for name in ("country", "partner", "author", "subject")}
    own.add(f"{spec.country}.titles.{spec.report}")
    wanted = ("domains.", "conventions.", f"{spec.country}.{spec.report}.")
    source = project.bundles[project.structure.source_locale]
    return [key for key in source.entries if key in own or key.startswith(wanted)]


def merge(project: Project, spec: EditionSpec) -> Edition:
    """Return the edition's content; which keys came from another language is recorded."""
    if spec.country not in project.countries:
        raise UsageError(f"unknown country {spec.country!r}")
    if spec.report not in project.structure.reports:
        raise UsageError(f"unknown report {spec.report!r}")
    if spec.locale not in project.bundles:
        raise UsageError(f"no content for locale {spec.locale!r}")
    chain = fallback_chain(project, spec.locale)
    texts: dict[str, Text] = {}
    fallback: list[str] = []
    for key in edition_keys(project, spec):
        for locale in chain:
            bundle = project.bundles[locale]
            entry = bundle.entries.get(key) if key not in bundle.withheld else None
            if entry is not None:
                texts[key] = Text(key, entry.value, bcp47(locale))
                if locale != spec.locale:
                    fallback.append(key)
                break
    outdated = tuple(key for key, text in texts.items()
                     if content_state(project, text.lang.replace("-", "_"), key) == "outdated")
    return Edition(spec, project.structure, project.countries[spec.country], texts,
                   tuple(fallback), never_hyphenate(project, spec.country), chain, outdated)


def content_state(project: Project, locale: str, key: str) -> str:
    """``translated``, ``outdated`` (source changed, or never recorded) or ``missing``."""
    source = project.bundles[project.structure.source_locale].entries[key]
    if locale == project.structure.source_locale:
        return "translated"
    bundle = project.bundles[locale]
    if key not in bundle.entries:
        return "missing"
    return "translated" if bundle.translated_from.get(key) == source.value else "outdated"


def stale_keys(project: Project, locale: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What ``i18n prune`` removes of ``locale``: its translations of keys the source no
    longer has, and its records of translations not in use (gone, or stale themselves)."""
    source = project.bundles[project.structure.source_locale].entries
    bundle = project.bundles[locale]
    translations = tuple(key for key in bundle.entries if key not in source)
    records = tuple(key for key in bundle.translated_from
                    if key not in bundle.entries or key not in source)
    return translations, records


def never_hyphenate(project: Project, country: str) -> dict[str, tuple[str, ...]]:
    """Per language of the project (an edition quotes sources in any of them): the words of
    the country's name in that language, then the words its locale lists; line breaking
    keeps them (and words they begin) whole."""
    found = {}
    for locale in project.locales:
        bundle = project.bundles[locale]
        name = bundle.entries.get(f"{country}.country")
        words = plain(name.value).split() if name else []
        found[bcp47(locale)] = tuple(dict.fromkeys([*words, *bundle.never_hyphenate]))
    return found
