"""Untrusted text stays text, and rendering loads nothing from outside the project."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, SHIPPED_FONT_STYLE
from mgi_report import build
from mgi_report.errors import TemplateError, UsageError
from mgi_report.fetcher import ProjectFetcher, RefusedURL
from mgi_report.inspect import normalize, pdf_text
from mgi_report.paths import ProjectPaths
from mgi_report.render import inline_stylesheet
from mgi_report.write import html_to_pdf

Edit = Callable[[str, str, str], Path]
HOSTILE = ("<script>alert(1)</script> {{ 7*7 }} <!-- note --> "
           "[click](javascript:alert(1)) <b>bold</b> style=\\\"color:red\\\"")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    path = root / "content/en/kaz.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("partner: The Economist Intelligence Unit", f'partner: "{HOSTILE}"')
    path.write_text(text, encoding="utf-8")
    out = root.parent / "out"
    build(root, out, reports=["snapshot"])
    return out


def test_markup_in_content_is_shown_as_text_in_html(hostile_build: Path) -> None:
    html = (hostile_build / "kaz/snapshot.en.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html
    assert "&lt;!-- note --&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")


def test_markup_in_content_is_shown_as_text_in_pdf(hostile_build: Path) -> None:
    text = normalize(pdf_text((hostile_build / "kaz/snapshot.en.pdf").read_bytes()).text)
    assert "<script>alert(1)</script> {{ 7*7 }} <!-- note -->" in text
    assert "[click](javascript:alert(1)) <b>bold</b>" in text


def test_fetcher_refuses_files_outside_the_project_and_the_network(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assets = tmp_path / "templates"
    assets.mkdir()
    (assets / "ok.css").write_text("p { color: red }", encoding="utf-8")
    fetcher = ProjectFetcher(assets)
    assert fetcher.fetch((assets / "ok.css").as_uri()).read() == b"p { color: red }"
    with caplog.at_level(logging.WARNING, logger="mgi_report"):
        for url in ("file:///etc/passwd", "http://example.com/x.css",
                    (assets / ".." / "secret").as_uri()):
            with pytest.raises(RefusedURL):
                fetcher.fetch(url)
    assert fetcher.refused == ["file:///etc/passwd", "http://example.com/x.css",
                               (assets / ".." / "secret").as_uri()]
    assert "refused to fetch file:///etc/passwd" in caplog.text


def test_pdf_rendering_refuses_an_outside_image_and_stylesheet_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    html = (f'<html lang="en"><head><title>t</title>{SHIPPED_FONT_STYLE}'
            '<link rel="stylesheet" href="http://example.com/evil.css"></head>'
            '<body><p>text</p><img src="file:///etc/passwd" alt="x"></body></html>')
    shutil.copytree(ROOT / "templates/fonts", tmp_path / "fonts")
    with caplog.at_level(logging.WARNING, logger="mgi_report"):
        pdf = html_to_pdf(html, tmp_path, "plain", "test")
    assert pdf.startswith(b"%PDF")
    assert "refused to fetch http://example.com/evil.css" in caplog.text
    assert "refused to fetch file:///etc/passwd" in caplog.text


def test_stylesheet_assets_outside_templates_are_bad_input(project_copy: Path) -> None:
    css = project_copy / "templates/css/evil.css"
    css.write_text("a { background: url(http://example.com/x.png) }\n"
                   "b { background: url(../../content/structure.yaml) }\n", encoding="utf-8")
    with pytest.raises(TemplateError) as raised:
        inline_stylesheet(ProjectPaths(project_copy), "css/evil.css")
    assert [str(p) for p in raised.value.problems] == [
        "templates/css/evil.css:1: url(): asset 'http://example.com/x.png' is not a file "
        "under templates/",
        "templates/css/evil.css:2: url(): asset '../../content/structure.yaml' is not a file "
        "under templates/"]


def test_pdf_layout_without_any_project_font_is_refused_not_set_in_machine_fonts(
        tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="declares no @font-face"):
        html_to_pdf('<html lang="en"><title>t</title><p>text</p></html>', tmp_path, "plain",
                    "test")
