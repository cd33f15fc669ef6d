"""The translators' round trip: content strings out to a PO file and back into YAML.

Each content key becomes one PO message: msgctxt is the key, msgid the source wording,
msgstr the current translation (fuzzy when the source changed since, with the source it
was made from as the previous msgid, ``#|``). Import writes the translations back with
ruamel.yaml, so existing files keep their key order and comments, and records the source
wording each translation was made from in ``<locale>/translated_from.yaml``.

Every exchange format (PO here, XLIFF in :mod:`.xliff`) is made from the same
:class:`Exported` records and read into the same :class:`Offer` records, so what a
translation must be to be accepted (:func:`_updates`) and how it is written
(:func:`_apply`) is decided once.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import normalize, write_po
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ..errors import InputError, Problem, UsageError
from ..markup import link_problems, reference_problem
from ..model import Project
from ..paths import ProjectPaths, catalog_path, read_regular
from ..pofile import MAX_PO_BYTES, header_line, message_key, read_strict
from ..publish import Staging, transaction
from ..validate import TRANSLATED_FROM, text_problem
from ..yamlfile import load_yaml
from . import yamledit
from .scope import passages
from .start import init_locale
from .status import content_state

log = logging.getLogger(__name__)
LOCALE_NAME = re.compile(r"^[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2})?$")
RECORD_COMMENT = ("The source wording each translation was made from, by content key\n"
                  "(written by mgi-report i18n import and confirm; not shown in editions).")


def _timestamp() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)


@dataclass(frozen=True)
class Exported:
    """One content key as an exchange file carries it: the source wording, the current
    translation ('' when there is none), its state (translated, outdated or missing), the
    source an outdated translation was made from, where the source is written, its place
    in the editions and the editions that show it."""

    key: str
    source: str
    translation: str
    state: str
    previous: str | None
    file: str
    line: int
    section: str
    shown_in: tuple[str, ...]

    @property
    def shown(self) -> str:
        return f"shown in {', '.join(self.shown_in) or 'no edition'}"


def exported(project: Project, locale: str, countries: Sequence[str] | None = None,
             reports: Sequence[str] | None = None) -> Iterator[Exported]:
    """The passages of an export of ``locale``: all of them, or those the editions of
    ``countries`` and ``reports`` show, in the source bundle's order."""
    try:
        Locale.parse(locale)
    except (ValueError, UnknownLocaleError):
        raise UsageError(f"{locale!r} is not a locale Babel knows") from None
    source = project.structure.source_locale
    bundle = project.bundles.get(locale)
    for place in passages(project, countries, reports):
        key = place.key
        entry = project.bundles[source].entries[key]
        translated = bundle.entries.get(key) if bundle and locale != source else None
        state = content_state(project, locale, key) if bundle else "missing"
        made_from = bundle.translated_from.get(key) if bundle and state == "outdated" else None
        yield Exported(key, entry.value, translated.value if translated else "", state,
                       made_from,
                       entry.file, entry.line, place.section, place.shown_in)


def export_po(project: Project, locale: str, countries: Sequence[str] | None = None,
              reports: Sequence[str] | None = None) -> bytes:
    """The content strings of ``locale`` as a PO file (bytes, UTF-8): all of them, or those
    the editions of ``countries`` and ``reports`` show. Each message's comments say where
    the passage stands and which editions show it."""
    items = list(exported(project, locale, countries, reports))
    now = _timestamp()
    catalog = Catalog(locale=locale, domain="content", project="mgi-report content",
                      creation_date=now, revision_date=now, fuzzy=False,
                      language_team=f"{locale} <>", last_translator="")
    for item in items:
        catalog.add(
            item.source,
            item.translation,
            locations=[(item.file, item.line)],
            flags=("fuzzy",) if item.state == "outdated" else (),
            auto_comments=[item.section, item.shown],
            context=item.key,
        )
    buffer = BytesIO()
    write_po(buffer, catalog, width=0, include_lineno=True)
    return _with_previous(buffer.getvalue().decode("utf-8"), items).encode("utf-8")


def _with_previous(po: str, items: Sequence[Exported]) -> str:
    """``po`` with the English each outdated translation was made from as its previous msgid
    (``#| msgid``). Babel writes it as a comment wrapped at 76 columns, which splits the
    quoted string over lines no PO reader accepts; here it is one quoted string, as
    msgmerge writes it with --no-wrap."""
    for item in items:
        if item.previous is None:
            continue
        context = f"\nmsgctxt {normalize(item.key, width=0)}\n"
        previous = f"\n#| msgid {normalize(item.previous, prefix='#| ', width=0)}"
        po = po.replace(context, previous + context, 1)
    return po


@dataclass(frozen=True)
class ImportResult:
    locale: str
    changed_keys: tuple[str, ...]
    written: tuple[Path, ...]


@dataclass(frozen=True)
class Offer:
    """One content key's translation as a translators' file offers it: the source wording
    the translator saw, the translation ('' for none), whether it is to be imported
    (translated, not fuzzy or initial), where it is, how a problem names it, and what the
    file's own format found wrong with it ('' when nothing: a PO is checked as a whole
    before, an XLIFF unit may lose an inline code)."""

    key: str
    line: int
    source: str
    translation: str
    ready: bool
    name: str = ""
    problem: str = ""


def import_po(root: Path, po_file: Path, locale: str | None = None, *,
              force: bool = False) -> ImportResult:
    """Write the translated, non-fuzzy messages of ``po_file`` into ``content/<locale>/``.

    The target is the PO's ``Language`` unless ``locale`` says otherwise; a PO made for
    another language than the target is refused unless ``force``. Each translation records
    its ``msgid``, the source the translator saw: a PO exported before the source changed
    stays outdated after import. Nothing is written unless every message
    is acceptable.
    """
    from ..build import load_project

    project = load_project(root)
    where = str(po_file)
    data = read_regular(po_file, where, MAX_PO_BYTES)
    catalog = read_strict(data, where)
    at = Problem(where, header_line(data, "Language"), "Language", "")
    declared = regional_target(project, str(catalog.locale) if catalog.locale else None,
                               locale, at, "this PO", "its Language header")
    target = target_locale(declared, catalog.locale_identifier, locale, force, at, "this PO",
                           "its Language header", "no Language header")
    return import_offers(root, project, _po_offers(catalog), target, where, "message")


def _po_offers(catalog: Catalog) -> list[Offer]:
    return [Offer(str(message.context), message.lineno or 0, str(message.id),
                  message.string if isinstance(message.string, str) else "",
                  not message.fuzzy, message_key(str(message.context), ""))
            for message in catalog if message.context]


def import_offers(root: Path, project: Project, offers: Sequence[Offer], locale: str,
                  where: str, noun: str) -> ImportResult:
    """Write the acceptable ``offers`` of the file ``where`` into ``content/<locale>/``, all
    or nothing; every offer that is not acceptable is bad input, each at its line (a
    ``noun``: message, unit)."""
    from ..build import load_project

    _check_target(project, locale)
    _updates(project, offers, where, noun, quiet=True)  # refused before anything is touched
    paths = ProjectPaths(project.root)
    if not (paths.content / locale).is_dir() or not catalog_path(paths, locale).is_file():
        init_locale(root, locale)  # a language's content never comes without its catalog
        log.info("started locale %s, as 'mgi-report i18n init --locale %s' does", locale,
                 locale)
    with transaction(paths.content / locale) as staging:
        project = load_project(root)  # again, under the lock: what is replaced is what is read
        result = _apply(project, locale, _updates(project, offers, where, noun), staging)
    _log_written(project, result)
    return result


def _log_written(project: Project, result: ImportResult) -> None:
    paths = ProjectPaths(project.root)
    for path in result.written:
        log.info("wrote %s", paths.display(path))


def _updates(project: Project, offers: Sequence[Offer], where: str, noun: str, *,
             quiet: bool = False) -> dict[str, tuple[str, str]]:
    """Each acceptable translation of ``offers`` with the source wording it was made from;
    bad input listing every offer that is not acceptable. An offer for a key the source no
    longer has is skipped with a warning (unless ``quiet``): it was removed since the
    export, which is not the translator's doing."""
    source = project.bundles[project.structure.source_locale]
    problems, updates = [], {}
    first_lines: dict[str, int] = {}
    for offer in offers:
        key, line, name = offer.key, offer.line, offer.name or offer.key
        if key in first_lines:
            problems.append(Problem(where, line, name,
                                    f"a second {noun} for this key (the first is at line "
                                    f"{first_lines[key]}): one {noun} per content key"))
            continue
        first_lines[key] = line
        if not offer.source:
            continue
        if key not in source.entries:
            if not quiet:
                log.warning("%s", Problem(where, line, name, "skipped: not a content key of "
                                                             "the source locale (any more)"))
            continue
        if not offer.translation or not offer.ready:
            continue
        if offer.problem:
            problems.append(Problem(where, line, key, offer.problem))
            continue
        value, original = offer.translation, source.entries[key].value
        if differs := reference_problem(original, value) or "; ".join(link_problems(value)):
            problems.append(Problem(where, line, key, differs))
            continue
        if refused := text_problem(value):
            problems.append(Problem(where, line, key, f"translation not accepted: {refused}"))
            continue
        if refused := text_problem(offer.source):  # kept as the record of what it translates
            problems.append(Problem(where, line, key, f"source text not accepted: {refused}"))
            continue
        updates[key] = (value, offer.source)
    if problems:
        raise InputError(problems)
    return updates


def target_locale(declared: str | None, written: str | None, locale: str | None, force: bool,
                  at: Problem, this: str, its: str, unnamed: str) -> str:
    """The locale to import into: ``locale``, else the one the file names (``declared`` as
    Babel reads what is ``written``), at ``at``'s file, line and field: ``this`` file is for
    it (``its`` field), ``unnamed`` says the file names none."""
    def problem(message: str) -> InputError:
        return InputError([Problem(at.file, at.line, at.key, message)])

    if written and declared is None and not (locale and force):
        hint = (f"pass --force to import it into {locale!r} anyway" if locale else
                "pass --locale")
        raise problem(f"{written!r} is not a locale Babel knows; {hint}")
    target = locale or declared
    if target is None:
        raise problem(f"{unnamed}: pass --locale")
    if declared and declared != target and not force:
        raise problem(f"{this} is for {declared!r} ({its}), not {target!r}; pass --force to "
                      "import it anyway")
    return target


def regional_target(project: Project, declared: str | None, locale: str | None, at: Problem,
                    this: str, its: str) -> str | None:
    """The locale a file names, where the project has it. A regional one the project has
    not (``de_DE``, as tools write it), where the project has its language (``de``), is
    refused with that hint, and is ``de`` when ``locale`` names it: a new locale is not
    started for a region by accident."""
    bare = _language_locale(project, declared) if declared else None
    if bare is None:
        return declared
    if locale is None:
        raise InputError([Problem(at.file, at.line, at.key,
                                  f"{this} is for {declared!r} ({its}); the project has "
                                  f"{bare!r}: pass --locale {bare}")])
    return bare if locale == bare else declared


def _language_locale(project: Project, declared: str) -> str | None:
    """The project's translation locale of the language of ``declared`` (its script kept, if
    any: ``zh_Hant`` for ``zh_Hant_TW``), when the project has not ``declared`` itself."""
    if declared in project.bundles:
        return None
    parsed = Locale.parse(declared)
    shorter = [f"{parsed.language}_{parsed.script}"] if parsed.script else []
    return next((name for name in [*shorter, parsed.language]
                 if name != declared and name in project.bundles
                 and name != project.structure.source_locale), None)


def _check_target(project: Project, locale: str) -> None:
    """Imports go into a translation locale's folder: never the source, never a non-locale."""
    folder = ProjectPaths(project.root).content / locale
    if locale == project.structure.source_locale:
        raise UsageError(f"{locale!r} is the source locale: its wording is edited in "
                         f"{ProjectPaths(project.root).display(folder)}/, not imported")
    try:
        parsed = Locale.parse(locale)
    except (ValueError, TypeError, UnknownLocaleError):
        parsed = None
    if parsed is None or str(parsed) != locale or not LOCALE_NAME.match(locale):
        raise UsageError(f"{locale!r} is not a locale Babel knows (use names like de, pt_BR)")


def _apply(project: Project, locale: str, updates: dict[str, tuple[str, str]],
           staging: Staging) -> ImportResult:
    paths = ProjectPaths(project.root)
    folder = paths.content / locale
    bundle = project.bundles.get(locale)
    documents: dict[str, Any] = {}
    changed: list[str] = []
    for key, (value, recorded) in updates.items():
        current = bundle.entries.get(key) if bundle else None
        known = bundle.translated_from.get(key) if bundle else None
        if current is not None and current.value == value and known == recorded:
            continue
        stem, *path = key.split(".")
        if current is None or current.value != value:
            _set(_document(documents, folder, stem), path, value)
        _set(_document(documents, folder, TRANSLATED_FROM), [key], recorded)
        changed.append(key)
    written = []
    for stem, document in documents.items():
        staging.write(f"{stem}.yaml", yamledit.dump(document))
        written.append(folder / f"{stem}.yaml")
    return ImportResult(locale, tuple(changed), tuple(written))


def _document(documents: dict[str, Any], folder: Path, stem: str) -> Any:
    if stem not in documents:
        path = folder / f"{stem}.yaml"
        loaded = yamledit.load(path) if path.is_file() else None
        if loaded is None:
            loaded = CommentedMap()
            if stem == TRANSLATED_FROM:
                loaded.yaml_set_start_comment(RECORD_COMMENT)
        documents[stem] = loaded
    return documents[stem]


def _set(document: Any, path: list[str], value: str) -> None:
    node = document
    for part in path[:-1]:
        if part not in node or not isinstance(node[part], dict):
            node[part] = CommentedMap()
        node = node[part]
    node[path[-1]] = _scalar(value)


def _scalar(text: str) -> str:
    """``text`` as written to YAML: as ruamel likes, unless the project's reader (YAML 1.1)
    would read that back differently ('No' as false, '12:30' as 750, U+0085 as a line
    break); then in double quotes, which read back as written."""
    document, problems = load_yaml(yamledit.dump({"text": text}), "")
    if not problems and document is not None and document.data == {"text": text}:
        return text
    quoted: str = DoubleQuotedScalarString(text)
    return quoted


def confirm_translations(root: Path, locale: str,
                         keys: list[str] | None = None) -> ImportResult:
    """Record that the translations of ``keys`` (default: all present) match today's source.

    For translations written by hand in YAML: a reviewer confirms them once, and from then
    on a change to the source wording marks them outdated.
    """
    from ..build import load_project

    project = load_project(root)
    if project.bundles.get(locale) is None or locale == project.structure.source_locale:
        raise UsageError(f"no translated content for locale {locale!r}")
    with transaction(ProjectPaths(project.root).content / locale) as staging:
        project = load_project(root)  # again, under the lock
        bundle = project.bundles[locale]
        source = project.bundles[project.structure.source_locale]
        chosen = keys or [key for key in bundle.entries if key in source.entries]
        unknown = [key for key in chosen if key not in bundle.entries]
        if unknown:
            raise UsageError(f"locale {locale!r} does not translate {', '.join(unknown)}")
        if stale := [key for key in chosen if key not in source.entries]:
            raise UsageError(f"the source has no {', '.join(stale)} any more: nothing to "
                             f"confirm ('mgi-report i18n prune --locale {locale}' removes "
                             f"stale translations)")
        updates = {key: (bundle.entries[key].value, source.entries[key].value)
                   for key in chosen}
        result = _apply(project, locale, updates, staging)
    _log_written(project, result)
    return result
