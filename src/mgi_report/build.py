"""The pipeline: load → validate → merge → render → write → manifest."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from . import __version__
from .catalogs import catalog_path
from .errors import BuildError, UsageError
from .load import load_raw
from .manifest import OutputRecord, sha256, update_manifest
from .merge import fallback_chain, merge
from .model import Edition, EditionSpec, Project
from .paths import ProjectPaths
from .render import render_html
from .validate import validate
from .write import DEFAULT_PDF_VARIANT, FORMATS, pdf_variant, write_atomic

log = logging.getLogger("mgi_report")


@dataclass(frozen=True)
class BuildResult:
    outputs: tuple[OutputRecord, ...]
    manifest: Path


def load_project(root: Path) -> Project:
    """Read and validate everything under ``root``; raise ContentError listing all problems."""
    return validate(load_raw(Path(root)))


def select(project: Project, countries: Sequence[str] | None = None,
           reports: Sequence[str] | None = None,
           locales: Sequence[str] | None = None) -> list[EditionSpec]:
    """The editions asked for; each list defaults to everything the project has."""
    chosen_countries = _choose("country", countries, sorted(project.countries))
    chosen_reports = _choose("report", reports, list(project.structure.reports))
    chosen_locales = _choose("locale", locales, list(project.locales))
    return [EditionSpec(c, r, loc) for c in chosen_countries for r in chosen_reports
            for loc in chosen_locales]


def _choose(what: str, asked: Sequence[str] | None, known: list[str]) -> list[str]:
    if not asked:
        return known
    unknown = [name for name in asked if name not in known]
    if unknown:
        raise UsageError(f"unknown {what} {', '.join(map(repr, unknown))} "
                         f"(known: {', '.join(known)})")
    return list(dict.fromkeys(asked))


def inputs_hash(project: Project, edition: Edition, variant: str) -> str:
    """A hash of every file and option the edition is made from."""
    paths = ProjectPaths(project.root)
    spec = edition.spec
    files = [paths.structure, paths.countries / f"{spec.country}.yaml",
             catalog_path(paths, spec.locale)]
    for locale in fallback_chain(project, spec.locale):
        files.extend(sorted((paths.content / locale).glob("*.yaml")))
    files.extend(sorted(p for p in paths.templates.rglob("*") if p.is_file()))
    digest = hashlib.sha256(f"mgi-report {__version__}\0{spec.name}\0{variant}\0".encode())
    for path in files:
        if path.is_file():
            digest.update(paths.display(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def content_hashes(edition: Edition) -> dict[str, str]:
    """A short hash per content key, so reviews can tell which wording changed."""
    return {key: sha256(repr(text.value).encode())[:16] for key, text in edition.texts.items()}


def build(root: Path | str = ".", out: Path | str = "build", *,
          countries: Sequence[str] | None = None, reports: Sequence[str] | None = None,
          locales: Sequence[str] | None = None, formats: Sequence[str] | None = None,
          variant: str = DEFAULT_PDF_VARIANT) -> BuildResult:
    """Build the chosen editions into ``out``; nothing is written unless all succeed."""
    root, out = Path(root).resolve(), Path(out)
    project = load_project(root)
    specs = select(project, countries, reports, locales)
    chosen_formats = _choose("format", formats, list(FORMATS))
    pdf_variant(variant)
    paths = ProjectPaths(root)
    pending: list[tuple[Path, bytes, OutputRecord]] = []
    for spec in specs:
        started = time.perf_counter()
        edition = merge(project, spec)
        html = render_html(paths, edition)
        identity = inputs_hash(project, edition, variant)
        described = []
        for fmt in chosen_formats:
            data = _make(fmt, html, paths, variant, identity, spec)
            relative = f"{spec.country}/{spec.report}.{spec.locale}.{fmt}"
            pages = _page_count(data) if fmt == "pdf" else None
            pending.append((out / relative, data, OutputRecord(
                edition=spec.name, country=spec.country, report=spec.report,
                locale=spec.locale, format=fmt, path=relative, inputs_sha256=identity,
                sha256=sha256(data), bytes=len(data), pages=pages,
                fallback_keys=edition.fallback_keys, content=content_hashes(edition))))
            described.append(f"{fmt} ({pages} pages)" if pages else fmt)
        log.info("built %s: %s in %.1f s%s", spec.name, ", ".join(described),
                 time.perf_counter() - started,
                 f"; {len(edition.fallback_keys)} keys fall back" if edition.fallback_keys
                 else "")
    for path, data, _ in pending:
        write_atomic(path, data)
    records = tuple(record for _, _, record in pending)
    manifest = update_manifest(out, records, f"mgi-report {__version__}")
    return BuildResult(records, manifest)


def _make(fmt: str, html: str, paths: ProjectPaths, variant: str, identity: str,
          spec: EditionSpec) -> bytes:
    try:
        return FORMATS[fmt](html, paths.templates, variant, identity)
    except Exception as exc:
        raise BuildError(f"{spec.name}.{fmt}: {type(exc).__name__}: {exc}") from exc


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)
