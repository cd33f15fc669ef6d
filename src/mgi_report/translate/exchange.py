"""The translators' round trip: content strings out to a PO file and back into YAML.

Each content key becomes one PO message: msgctxt is the key, msgid the source wording,
msgstr the current translation (fuzzy when the source changed since). Import writes the
translations back with ruamel.yaml, so existing files keep their key order and comments,
and records the source hash each translation was made from in ``<locale>/locale.yaml``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from ..catalogs import po_error
from ..errors import InputError, Problem, UsageError
from ..model import Project, TextValue, source_hash
from ..paths import ProjectPaths
from ..validate import LOCALE_SETTINGS
from ..write import write_atomic
from .status import content_state

log = logging.getLogger(__name__)
PARAGRAPH_BREAK = "\n\n"
SETTINGS_COMMENT = ("Locale settings. translated_from: the hash of the source wording each\n"
                    "translation was made from (written by mgi-report i18n import/confirm).")


def _as_text(value: TextValue) -> str:
    return PARAGRAPH_BREAK.join(value) if isinstance(value, tuple) else value


def _timestamp() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)


def export_po(project: Project, locale: str) -> bytes:
    """All content strings of ``locale`` as a PO file (bytes, UTF-8)."""
    source = project.structure.source_locale
    try:
        Locale.parse(locale)
    except (ValueError, UnknownLocaleError):
        raise UsageError(f"{locale!r} is not a locale Babel knows") from None
    now = _timestamp()
    catalog = Catalog(locale=locale, domain="content", project="mgi-report content",
                      creation_date=now, revision_date=now, fuzzy=False,
                      language_team=f"{locale} <>", last_translator="")
    bundle = project.bundles.get(locale)
    for key, entry in project.bundles[source].entries.items():
        translated = bundle.entries.get(key) if bundle and locale != source else None
        state = content_state(project, locale, key) if bundle else "missing"
        catalog.add(
            _as_text(entry.value),
            _as_text(translated.value) if translated else "",
            locations=[(entry.file, entry.line)],
            flags=("fuzzy",) if state == "outdated" else (),
            context=key,
        )
    buffer = BytesIO()
    write_po(buffer, catalog, width=0, include_lineno=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class ImportResult:
    locale: str
    changed_keys: tuple[str, ...]
    written: tuple[Path, ...]


def import_po(root: Path, po_file: Path, locale: str | None = None) -> ImportResult:
    """Write the translated, non-fuzzy messages of ``po_file`` into ``content/<locale>/``."""
    from ..build import load_project

    project = load_project(root)
    catalog = _read(po_file, locale)
    locale = locale or str(catalog.locale)
    source = project.bundles[project.structure.source_locale]
    problems, updates = [], {}
    for message in catalog:
        if not message.id or not message.context:
            continue
        key = str(message.context)
        if key not in source.entries:
            problems.append(Problem(str(po_file), message.lineno or 0, key,
                                    "not a content key of the source locale"))
            continue
        text = message.string if isinstance(message.string, str) else ""
        if not text or message.fuzzy:
            continue
        original = source.entries[key].value
        value: TextValue = tuple(text.split(PARAGRAPH_BREAK)) if isinstance(original, tuple) \
            else text
        updates[key] = (value, source_hash(original))
    if problems:
        raise InputError(problems)
    return _apply(project, locale, updates)


def _read(po_file: Path, locale: str | None) -> Catalog:
    try:
        with po_file.open("rb") as handle:
            catalog = read_po(handle, locale=locale, abort_invalid=True)
    except OSError as exc:
        raise InputError([Problem(str(po_file), 0, "", f"cannot read: {exc.strerror}")]) \
            from None
    except PoFileError as exc:
        raise InputError([Problem(str(po_file), exc.lineno + 1, "",
                                  f"PO syntax error: {po_error(exc)}")]) \
            from None
    except (ValueError, UnknownLocaleError) as exc:
        raise InputError([Problem(str(po_file), 0, "", f"bad locale: {exc}")]) from None
    if locale is None and catalog.locale is None:
        raise InputError([Problem(str(po_file), 0, "Language",
                                  "no Language header: pass --locale")])
    return catalog


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _apply(project: Project, locale: str,
           updates: dict[str, tuple[TextValue, str]]) -> ImportResult:
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
        _set(_document(documents, folder, LOCALE_SETTINGS), ["translated_from", key], recorded)
        changed.append(key)
    written = []
    for stem, document in documents.items():
        target = folder / f"{stem}.yaml"
        buffer = StringIO()
        _yaml().dump(document, buffer)
        write_atomic(target, buffer.getvalue().encode("utf-8"))
        written.append(target)
        log.info("wrote %s", paths.display(target))
    return ImportResult(locale, tuple(changed), tuple(written))


def _document(documents: dict[str, Any], folder: Path, stem: str) -> Any:
    if stem not in documents:
        path = folder / f"{stem}.yaml"
        loaded = _yaml().load(path.read_text(encoding="utf-8")) if path.is_file() else None
        if loaded is None:
            loaded = CommentedMap()
            if stem == LOCALE_SETTINGS:
                loaded.yaml_set_start_comment(SETTINGS_COMMENT)
        documents[stem] = loaded
    return documents[stem]


def _set(document: Any, path: list[str], value: TextValue) -> None:
    node = document
    for part in path[:-1]:
        if part not in node or not isinstance(node[part], dict):
            node[part] = CommentedMap()
        node = node[part]
    node[path[-1]] = list(value) if isinstance(value, tuple) else value


def confirm_translations(root: Path, locale: str,
                         keys: list[str] | None = None) -> ImportResult:
    """Record that the translations of ``keys`` (default: all present) match today's source.

    For translations written by hand in YAML: a reviewer confirms them once, and from then
    on a change to the source wording marks them outdated.
    """
    from ..build import load_project

    project = load_project(root)
    bundle = project.bundles.get(locale)
    if bundle is None or locale == project.structure.source_locale:
        raise UsageError(f"no translated content for locale {locale!r}")
    source = project.bundles[project.structure.source_locale]
    chosen = keys or list(bundle.entries)
    unknown = [key for key in chosen if key not in bundle.entries]
    if unknown:
        raise UsageError(f"locale {locale!r} does not translate {', '.join(unknown)}")
    updates = {key: (bundle.entries[key].value, source_hash(source.entries[key].value))
               for key in chosen}
    return _apply(project, locale, updates)
