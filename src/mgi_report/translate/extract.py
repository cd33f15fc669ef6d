"""Interface wording: extract messages.pot from the templates and merge it into each .po."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from ..catalogs import DOMAIN, catalog_path
from ..paths import ProjectPaths
from ..write import write_atomic

log = logging.getLogger(__name__)

METHODS = [("**.j2", "jinja2")]
OPTIONS = {"**.j2": {"trimmed": "true"}}


@dataclass(frozen=True)
class ExtractResult:
    template: Path
    messages: int
    updated: tuple[Path, ...]


def extract_messages(root: Path, update: bool = True) -> ExtractResult:
    """Write locale/messages.pot; with ``update``, merge it into every locale's catalog."""
    paths = ProjectPaths(root)
    template = Catalog(project="mgi-report", domain=DOMAIN, fuzzy=False,
                       creation_date=None)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(paths.templates), METHODS, OPTIONS, keywords=DEFAULT_KEYWORDS):
        location = (f"templates/{Path(filename).as_posix()}", lineno)
        template.add(message, None, [location], auto_comments=comments, context=context)
    pot = paths.locale / f"{DOMAIN}.pot"
    _write_if_changed(pot, template)
    updated = []
    if update:
        for folder in sorted(p for p in paths.locale.iterdir() if p.is_dir()):
            po = catalog_path(paths, folder.name)
            if not po.is_file():
                continue
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=folder.name)
            catalog.update(template, update_header_comment=False)
            if _write_if_changed(po, catalog):
                updated.append(po)
    return ExtractResult(pot, len(template), tuple(updated))


def _serialize(catalog: Catalog) -> bytes:
    buffer = BytesIO()
    write_po(buffer, catalog, width=88, sort_output=True, include_lineno=False,
             ignore_obsolete=True)
    return buffer.getvalue()


def _without_dates(data: bytes) -> bytes:
    return b"\n".join(line for line in data.splitlines()
                      if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


def _write_if_changed(path: Path, catalog: Catalog) -> bool:
    """Rewrite only when a message changed, so extraction is idempotent (no date churn)."""
    data = _serialize(catalog)
    if path.is_file() and _without_dates(path.read_bytes()) == _without_dates(data):
        return False
    write_atomic(path, data)
    log.info("wrote %s", path)
    return True
