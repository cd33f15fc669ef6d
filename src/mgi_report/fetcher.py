"""The only way WeasyPrint may load a resource: data: URIs and files under templates/; web
fonts among them are handed over decoded (:mod:`mgi_report.fontfiles`).

Everything the HTML needs is embedded by the renderer, so anything else (http, file:///etc/…)
is content or a template reaching outside the project, and is refused with a warning.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

from .fontfiles import as_sfnt

log = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A resource outside the project was asked for."""


class ProjectFetcher(URLFetcher):  # type: ignore[misc]
    """Serve data: URIs and files under ``allowed``; refuse the rest, loudly."""

    def __init__(self, allowed: Path) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.allowed = allowed.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlparse(url).scheme.lower()
        if scheme == "data":
            response = super().fetch(url, headers)
            return URLFetcherResponse(url, as_sfnt(response.read()), response.headers)
        if scheme == "file":
            path = Path(unquote(urlparse(url).path)).resolve()
            if path.is_relative_to(self.allowed) and path.is_file():
                return URLFetcherResponse(url, as_sfnt(path.read_bytes()))
        self.refused.append(url)
        log.warning("refused to fetch %s: only the project's own assets under %s are allowed",
                    url, self.allowed)
        raise RefusedURL(f"refused to fetch {url}")
