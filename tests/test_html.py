"""The web editions are single self-contained, semantic, accessible HTML5 files."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

import pytest

from conftest import BuiltEdition, SessionBuild


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def parsed(html: str) -> Outline:
    outline = Outline()
    outline.feed(html)
    return outline


@pytest.fixture(scope="module", params=[("kaz", "snapshot", "en"), ("kaz", "profile", "en")],
                ids=lambda p: "/".join(p))
def edition(request: pytest.FixtureRequest, built: SessionBuild) -> BuiltEdition:
    country, report, locale = request.param
    return built.edition(country, report, locale)


def test_page_declares_html5_and_its_language(edition: BuiltEdition) -> None:
    assert edition.html.startswith("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in edition.html


def test_headings_start_at_h1_and_never_skip_a_level(edition: BuiltEdition) -> None:
    levels = parsed(edition.html).headings
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_nothing_is_loaded_from_outside_the_file(edition: BuiltEdition) -> None:
    tags = parsed(edition.html).tags
    assert not [t for t, _ in tags if t in {"img", "iframe", "object"}]
    assert all(not attrs for tag, attrs in tags if tag == "script")  # inline, no src
    assert all(attrs.get("rel") == "alternate" for tag, attrs in tags if tag == "link")
    for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", edition.html):
        assert url.startswith("data:"), url
    assert "@import" not in edition.html


def test_table_headers_have_scope(built: SessionBuild) -> None:
    tags = parsed(built.edition("kaz", "snapshot", "en").html).tags
    headers = [attrs for tag, attrs in tags if tag == "th"]
    assert len(headers) == 2 + 7
    assert all(attrs.get("scope") in {"col", "row"} for attrs in headers)


def test_wheel_segments_link_to_each_domains_findings(built: SessionBuild) -> None:
    tags = parsed(built.edition("kaz", "profile", "en").html).tags
    links = [attrs["href"] for tag, attrs in tags if tag == "a"
             and (attrs.get("class") or "") == "wheel-link"]
    ids = {attrs.get("id") for _, attrs in tags}
    assert len(links) == 12  # the explorer's (web) and the figure's (print)
    assert all(str(href)[1:] in ids for href in links)


def test_print_stylesheet_hides_web_only_parts(edition: BuiltEdition) -> None:
    assert "@media print" in edition.html and ".screen-only" in edition.html
