"""The build folder is a web site: an index of every edition it holds, with each edition's
translation coverage, a sitemap with hreflang alternates, and a way back from each edition."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from xml.etree import ElementTree

import pytest

from conftest import ROOT, SessionBuild, run_cli
from mgi_report.build import build, load_project
from mgi_report.manifest import read_manifest
from mgi_report.site import SITE_URL

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


class Links(HTMLParser):
    """Every link of a page: its href, its attributes and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.items: list[str] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open = {name: value or "" for name, value in attrs} | {"text": ""}
            self.links.append(self._open)
        if tag == "li":
            self.items.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["text"] += data
        if self.items:
            self.items[-1] += data


def parsed(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_the_index_links_every_edition_with_its_pdf_pages_and_coverage(
        built: SessionBuild) -> None:
    index = parsed(built.out / "index.html")
    hrefs = {link["href"] for link in index.links}
    records = built.result.outputs
    assert hrefs == {record.path for record in records}
    for html in (record for record in records if record.format == "html"):
        pdf = next(r for r in records if r.edition == html.edition and r.format == "pdf")
        title = next(link["text"] for link in index.links if link["href"] == html.path)
        item = next(text for text in index.items if title in text)
        coverage = (len(html.content) - len(html.fallback_keys)) * 100 // len(html.content)
        assert f"{coverage}% translated" in item, item
        assert f"{pdf.pages} pages" in item, item
        if html.fallback_keys:
            assert f"{len(html.fallback_keys)} passages not yet translated" in item, item
        else:
            assert "not yet translated" not in item, item


def test_the_index_names_each_edition_in_its_own_language(built: SessionBuild) -> None:
    text = (built.out / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="edition-title" lang="de"><a href="kaz/profile.de.html" '
                     r'hreflang="de">Profil der Migrationspolitik', text)
    assert '<span lang="ru" dir="ltr">Русский</span>' in text
    assert '<html lang="en" dir="ltr">' in text


def test_each_edition_links_back_to_the_index(built: SessionBuild) -> None:
    for record in built.result.outputs:
        if record.format != "html":
            continue
        page = built.out / record.path
        back = [link for link in parsed(page).links
                if (page.parent / link["href"]).resolve() == (built.out / "index.html")]
        assert len(back) == 1, record.path


def test_the_sitemap_lists_every_web_page_with_reciprocal_hreflang_alternates(
        built: SessionBuild) -> None:
    site_url = load_project(ROOT).structure.site_url
    assert site_url
    tree = ElementTree.parse(built.out / "sitemap.xml")
    urls = {url.findtext(f"{SITEMAP}loc"): url for url in tree.getroot()}
    pages = [r.path for r in built.result.outputs if r.format == "html"]
    assert set(urls) == {urljoin(site_url, path) for path in [*pages, "index.html"]}
    for record in (r for r in built.result.outputs if r.format == "html"):
        alternates = {link.get("hreflang"): link.get("href")
                      for link in urls[urljoin(site_url, record.path)].iter(f"{XHTML}link")}
        siblings = {r.locale: urljoin(site_url, r.path) for r in built.result.outputs
                    if r.format == "html" and r.country == record.country
                    and r.report == record.report}
        assert alternates == siblings
        for href in alternates.values():
            assert urljoin(site_url, record.path) in {
                link.get("href") for link in urls[href].iter(f"{XHTML}link")}


def test_site_url_comes_from_the_flag_and_without_any_there_is_no_sitemap(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    structure = project_copy / "content/structure.yaml"
    structure.write_text(re.sub(r"(?m)^site_url:.*\n", "", structure.read_text("utf-8")),
                         encoding="utf-8")
    out = tmp_path / "out"
    edition = ["--report", "profile", "--locale", "en", "--format", "html"]
    assert run_cli(capsys, "build", "--root", str(project_copy), "--out", str(out),
                   *edition)[0] == 0
    assert (out / "index.html").is_file() and not (out / "sitemap.xml").exists()
    assert run_cli(capsys, "build", "--root", str(project_copy), "--out", str(out), *edition,
                   "--site-url", "https://reports.example.org/mgi")[0] == 0
    locs = [url.findtext(f"{SITEMAP}loc") for url in ElementTree.parse(out / "sitemap.xml")
            .getroot()]
    assert locs == ["https://reports.example.org/mgi/index.html",
                    "https://reports.example.org/mgi/kaz/profile.en.html"]
    with pytest.raises(SystemExit) as refused:
        run_cli(capsys, "build", "--root", str(project_copy), "--out", str(out), *edition,
                "--site-url", "reports.example.org")
    assert refused.value.code == 2
    assert "is not an http:// or https:// address" in capsys.readouterr().err


@pytest.mark.parametrize("address", [
    "http://[::1/", "http://a\x01b/", "http://e.com/a/../../b/", "http://user:pw@e.com/",
    'http://e.com/x"<>&y/', "http://e.com:99999/", "ftp://e.com/", "http://e.com/?q=1"])
def test_the_build_refuses_a_site_url_that_is_not_a_plain_address(
        address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        run_cli(capsys, "build", "--root", str(ROOT), "--out", str(tmp_path / "out"),
                "--site-url", address)
    assert refused.value.code == 2
    assert "is not an http:// or https:// address" in capsys.readouterr().err


def test_the_schema_and_the_command_line_hold_site_url_to_one_pattern() -> None:
    schema = json.loads((ROOT / "src/mgi_report/schemas/structure.json").read_text("utf-8"))
    assert schema["properties"]["site_url"]["pattern"] == f"^{SITE_URL.pattern}$"


def test_a_site_url_that_is_not_an_address_is_refused_at_its_line(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    structure = project_copy / "content/structure.yaml"
    text = structure.read_text(encoding="utf-8")
    structure.write_text(text.replace("site_url: http://127.0.0.1:8000/",
                                      "site_url: javascript:alert(1)"), encoding="utf-8")
    line = text.splitlines().index("site_url: http://127.0.0.1:8000/") + 1
    status, errors = run_cli(capsys, "check", "--root", str(project_copy))
    assert status == 2
    assert any(error.startswith(f"content/structure.yaml:{line}: site_url:") for error in errors)


def test_a_partial_build_keeps_the_whole_folder_in_the_index_and_a_no_op_keeps_the_file(
        project_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(project_copy, out, formats=["html"], locales=["en", "de"], jobs=1)
    build(project_copy, out, formats=["html"], reports=["profile"], locales=["ru"], jobs=1)
    hrefs = {link["href"] for link in parsed(out / "index.html").links}
    assert hrefs == {"kaz/snapshot.en.html", "kaz/snapshot.de.html", "kaz/profile.en.html",
                     "kaz/profile.de.html", "kaz/profile.ru.html"}
    recorded = read_manifest(out)["site"]
    stamp = (out / "index.html").stat().st_mtime_ns
    build(project_copy, out, formats=["html"], reports=["profile"], locales=["ru"], jobs=1)
    assert (out / "index.html").stat().st_mtime_ns == stamp
    assert read_manifest(out)["site"] == recorded


def test_a_changed_index_file_is_made_again(project_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(project_copy, out, formats=["html"], reports=["profile"], locales=["en"], jobs=1)
    made = (out / "index.html").read_bytes()
    (out / "index.html").write_text("tampered", encoding="utf-8")
    build(project_copy, out, formats=["html"], reports=["profile"], locales=["en"], jobs=1)
    assert (out / "index.html").read_bytes() == made


def test_a_no_op_build_does_not_render_the_index_and_a_changed_index_template_does(
        project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mgi_report import site

    out, rendered = tmp_path / "out", []
    render = site.index_html

    def counted(*args: Any) -> Any:
        rendered.append(args)
        return render(*args)

    monkeypatch.setattr(site, "index_html", counted)
    options: dict[str, Any] = {"formats": ["html"], "reports": ["profile"], "locales": ["en"],
                               "jobs": 1}
    build(project_copy, out, **options)
    build(project_copy, out, **options)
    assert len(rendered) == 1
    template = project_copy / "templates/index.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(project_copy, out, **options)
    assert len(rendered) == 2
