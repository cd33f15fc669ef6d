"""Stage 5, site: the build folder as a web site, an index of its editions and a sitemap.

A reader who lands on one edition finds the others through the index it links back to; a
search engine finds them, and which are translations of which, through ``sitemap.xml``
(hreflang alternates, as sitemaps.org and Google describe them). Both are made from the
manifest's records, so they list exactly the files the folder holds, with each edition's
translation coverage as it was built.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote, urljoin

from .languages import language_label
from .manifest import OutputRecord, sha256, site_records
from .merge import merge
from .model import EditionSpec, Project, Text, bcp47
from .paths import ProjectPaths, catalog_path, hash_files
from .publish import Staging

if TYPE_CHECKING:  # Jinja: loaded only when the index is rendered
    from .render import Rendered

INDEX = "index.html"
SITEMAP = "sitemap.xml"
INDEX_TEMPLATE = "index.html.j2"
#: A site's address: http(s), a host name (letters, digits, dots, hyphens) and an optional
#: port, a path of URL characters without dot segments, ending in "/"; no user, query or
#: fragment. The structure schema holds the same pattern.
SITE_URL = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?"
                      r"(?:/(?!\.\.?/)[A-Za-z0-9._~!$&'()*+,;=:@%-]*)*/")
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class ListedEdition:
    """One edition as the index shows it: its title and language, its files, and how much
    of its content it shows in its own language."""

    locale: str
    lang: str
    language: str
    title: Text
    html: str | None
    pdf: str | None
    pages: int | None
    passages: int
    fallback_passages: int
    outdated_passages: int

    @property
    def coverage(self) -> int:
        """Percent of its passages in its own language, rounded down (100 only when all
        are)."""
        if not self.passages:
            return 100
        return (self.passages - self.fallback_passages) * 100 // self.passages


@dataclass(frozen=True)
class ListedReport:
    id: str
    editions: tuple[ListedEdition, ...]


@dataclass(frozen=True)
class ListedCountry:
    id: str
    name: Text
    reports: tuple[ListedReport, ...]


@dataclass(frozen=True)
class Portfolio:
    """What the build folder holds, country by country, report by report, locale by
    locale (in the project's order)."""

    locale: str
    countries: tuple[ListedCountry, ...]


def portfolio(project: Project, records: Iterable[OutputRecord]) -> Portfolio:
    """The editions ``records`` list, named from the project's content."""
    files: dict[tuple[str, str, str], dict[str, OutputRecord]] = {}
    for record in records:
        files.setdefault((record.country, record.report, record.locale), {})[record.format] = \
            record
    source = project.structure.source_locale
    countries = []
    for country in sorted({country for country, _, _ in files}):
        reports = []
        for report in project.structure.reports:
            editions = [_listed(project, EditionSpec(country, report, locale),
                                files[(country, report, locale)])
                        for locale in project.locales if (country, report, locale) in files]
            if editions:
                reports.append(ListedReport(report, tuple(editions)))
        any_report = reports[0].id if reports else next(iter(project.structure.reports))
        name = merge(project, EditionSpec(country, any_report, source)).texts[
            f"{country}.country"]
        countries.append(ListedCountry(country, name, tuple(reports)))
    return Portfolio(source, tuple(countries))


def _listed(project: Project, spec: EditionSpec,
            files: Mapping[str, OutputRecord]) -> ListedEdition:
    record = files.get("html") or next(iter(files.values()))
    title = merge(project, spec).texts[f"{spec.country}.titles.{spec.report}"]
    return ListedEdition(
        spec.locale, bcp47(spec.locale), language_label(spec.locale), title,
        files["html"].path if "html" in files else None,
        files["pdf"].path if "pdf" in files else None,
        files["pdf"].pages if "pdf" in files else None,
        len(record.content), len(record.fallback_keys), len(record.outdated_keys))


def index_html(paths: ProjectPaths, listing: Portfolio) -> Rendered:
    """The index page, in the source locale's interface wording."""
    from .render import render_page

    return render_page(paths, INDEX_TEMPLATE, listing.locale, {"portfolio": listing})


def index_inputs(paths: ProjectPaths, listing: Portfolio) -> str:
    """A hash of what the index is made from: the editions it lists, the source locale's
    catalog, every file under templates/ and mgi-report's version; a build that changes
    none of them neither renders nor writes the index."""
    from . import __version__

    digest = hashlib.sha256(f"mgi-report {__version__}\0{listing!r}\0".encode())
    files = [catalog_path(paths, listing.locale),
             *sorted(p for p in paths.templates.rglob("*") if p.is_file())]
    hash_files(digest, paths, files)
    return digest.hexdigest()


def sitemap_xml(listing: Portfolio, site_url: str) -> bytes:
    """``sitemap.xml``: the index and every HTML edition, each with its report's other
    languages as ``xhtml:link`` alternates (itself included, as Google asks)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<urlset xmlns="{SITEMAP_NAMESPACE}" xmlns:xhtml="{XHTML_NAMESPACE}">',
             f"<url><loc>{escape(_address(site_url, INDEX))}</loc></url>"]
    for report in (report for country in listing.countries for report in country.reports):
        pages = [(edition.lang, _address(site_url, edition.html))
                 for edition in report.editions if edition.html]
        for _, address in pages:
            lines.append(f"<url><loc>{escape(address)}</loc>")
            lines.extend(f'<xhtml:link rel="alternate" hreflang="{escape(lang)}" '
                         f'href="{escape(other)}"/>' for lang, other in pages if len(pages) > 1)
            lines.append("</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _address(site_url: str, relative: str) -> str:
    return urljoin(site_url, quote(relative))


def publish_site(project: Project, paths: ProjectPaths, staging: Staging,
                 site_url: str | None,
                 records: Iterable[OutputRecord]) -> dict[str, dict[str, str]]:
    """Write the index and the sitemap for every edition the staged folder holds
    (``records``: those just built and those kept), or leave them as they are when what
    they are made from has not changed; with no ``site_url``, no sitemap. The pages'
    records, for the manifest."""
    from .webfonts import lean_html  # WeasyPrint's cascade, only when the index changed

    listing = portfolio(project, records)
    recorded = site_records(staging.path)
    pages: dict[str, dict[str, str]] = {}
    pages[INDEX] = _kept_or_made(
        staging, INDEX, index_inputs(paths, listing), recorded,
        lambda: lean_html(index_html(paths, listing).html).encode("utf-8"))
    if site_url:
        sitemap = sitemap_xml(listing, site_url)
        pages[SITEMAP] = _kept_or_made(staging, SITEMAP, sha256(sitemap), recorded,
                                       lambda: sitemap)
    elif (staging.path / SITEMAP).is_file():
        staging.remove(SITEMAP)
    return pages


def _kept_or_made(staging: Staging, path: str, source_sha256: str,
                  recorded: Mapping[str, Mapping[str, str]],
                  make: Callable[[], bytes]) -> dict[str, str]:
    """A page's record; it is made again only if its source or its file changed."""
    entry = recorded.get(path, {})
    current = staging.path / path
    if entry.get("source_sha256") == source_sha256 and current.is_file() and \
            sha256(current.read_bytes()) == entry.get("sha256"):
        return dict(entry)
    data = make()
    staging.write(path, data)
    return {"source_sha256": source_sha256, "sha256": sha256(data)}
