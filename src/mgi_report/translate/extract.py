"""Interface wording: extract messages.pot from the templates and merge it into each .po."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import write_po
from jinja2 import TemplateSyntaxError

from ..catalogs import read_catalog
from ..errors import Problem, TemplateError
from ..paths import DOMAIN, ProjectPaths, catalog_path
from ..publish import transaction

log = logging.getLogger(__name__)

METHOD = "jinja2"
#: silent=false: a template that does not parse is an error, not a template without messages.
OPTIONS = {"trimmed": "true", "silent": "false"}
#: A template comment starting so, just before a message, is the translators' note on it.
COMMENT_TAGS = ("Translators:",)


@dataclass(frozen=True)
class ExtractResult:
    template: Path
    messages: int
    updated: tuple[Path, ...]


def extract_messages(root: Path | str, update: bool = True) -> ExtractResult:
    """Write locale/messages.pot; with ``update``, merge it into every locale's catalog.

    All files change together or none does: a template that does not parse, or a catalog
    that does not read, stops the run before anything is written.
    """
    paths = ProjectPaths(Path(root))
    template = extract_template(paths)
    with transaction(paths.locale) as staging:
        changes = {Path(f"{DOMAIN}.pot"): serialize(template)}
        if update:
            for locale in _catalog_locales(paths):
                catalog = read_catalog(paths, locale)
                catalog.update(template, update_header_comment=False)
                changes[catalog_path(paths, locale).relative_to(paths.locale)] = \
                    serialize(catalog)
        changes = {relative: data for relative, data in changes.items()
                   if not _same(paths.locale / relative, data)}
        for relative, data in changes.items():
            staging.write(relative, data)
    for relative in changes:
        log.info("wrote %s", paths.display(paths.locale / relative))
    pot = paths.locale / f"{DOMAIN}.pot"
    updated = tuple(paths.locale / r for r in changes if paths.locale / r != pot)
    return ExtractResult(pot, len(template), updated)


def extract_template(paths: ProjectPaths) -> Catalog:
    """Messages of every template, each read through the project boundary (a template that
    links outside the project is refused, as when rendering)."""
    template = Catalog(project="mgi-report", domain=DOMAIN, fuzzy=False, creation_date=None)
    sources = sorted(paths.templates.rglob("*.j2")) if paths.templates.is_dir() else []
    for path in sources:
        where = paths.display(path)
        data = paths.read(path)
        try:
            messages = list(extract(METHOD, BytesIO(data), keywords=DEFAULT_KEYWORDS,
                                    comment_tags=COMMENT_TAGS, options=OPTIONS,
                                    strip_comment_tags=True))
        except TemplateSyntaxError as exc:
            raise TemplateError([Problem(where, exc.lineno, "",
                                         f"syntax error: {exc.message}")]) from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise TemplateError([Problem(where, line, "", "not valid UTF-8 text")]) from None
        location = path.relative_to(paths.root).as_posix()
        for lineno, message, comments, context in messages:
            template.add(message, None, [(location, lineno)], auto_comments=comments,
                         context=context)
    return template


def _catalog_locales(paths: ProjectPaths) -> list[str]:
    if not paths.locale.is_dir():
        return []
    return [folder.name for folder in sorted(paths.locale.iterdir())
            if folder.is_dir() and not folder.name.startswith(".")
            and catalog_path(paths, folder.name).is_file()]


def serialize(catalog: Catalog) -> bytes:
    buffer = BytesIO()
    write_po(buffer, catalog, width=88, sort_output=True, include_lineno=False,
             ignore_obsolete=True)
    return buffer.getvalue()


def _without_dates(data: bytes) -> bytes:
    return b"\n".join(line for line in data.splitlines()
                      if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


def _same(path: Path, data: bytes) -> bool:
    """Unchanged but for dates, so extraction is idempotent (no date churn)."""
    return path.is_file() and _without_dates(path.read_bytes()) == _without_dates(data)
