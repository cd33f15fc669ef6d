"""Every channel of wording is text: interface catalogs as much as content.

A translator's catalog is as untrusted as a content file: markup in a ``msgstr`` must reach
the HTML escaped and the PDF as visible characters, never as an element or a link.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import SessionBuild, copy_project
from mgi_report import build
from mgi_report.inspect import normalize, pdf_text

HOSTILE_HEADING = '<script>alert(1)</script><a href="javascript:alert(2)">Ergebnisse</a> & Co'
HOSTILE_PAGE = 'Seite %(page)s </style><b>"von"</b> & %(pages)s'
ALLOWED_LINK = re.compile(r"^(https?://|mailto:|#)|^[\w.-]+\.html$")


def links_in_html(html: str) -> list[str]:
    found: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(value or "" for name, value in attrs
                         if name in {"href", "src", "action", "formaction", "xlink:href"})

    Links().feed(html)
    return found


def links_in_pdf(pdf: bytes) -> list[str]:
    uris = []
    for page in PdfReader(BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or ():
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
            elif action is not None and action.get("/S") not in (None, "/GoTo"):
                uris.append(f"action {action.get('/S')}")
    return uris


@pytest.fixture(scope="module")
def hostile_catalog_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("catalog") / "project")
    po = root / "locale/de/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    for msgid, msgstr in (("Key findings", HOSTILE_HEADING),
                          ("Page %(page)s of %(pages)s", HOSTILE_PAGE)):
        escaped = msgstr.replace('"', '\\"')
        text, count = re.subn(rf'(msgid "{re.escape(msgid)}"\nmsgstr )".*"',
                              lambda m: f'{m[1]}"{escaped}"', text)  # noqa: B023
        assert count == 1, msgid
    po.write_text(text, encoding="utf-8")
    out = root.parent / "out"
    build(root, out, reports=["snapshot"], locales=["de"])
    return out


def test_markup_in_an_interface_translation_is_text_in_html(hostile_catalog_build: Path) -> None:
    html = (hostile_catalog_build / "kaz/snapshot.de.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in [link[:11] for link in links_in_html(html)]
    assert "</style><b>" not in html


def test_markup_in_an_interface_translation_is_text_in_pdf(hostile_catalog_build: Path) -> None:
    pdf = (hostile_catalog_build / "kaz/snapshot.de.pdf").read_bytes()
    text = normalize(pdf_text(pdf).text)
    assert '<script>alert(1)</script><a href="javascript:alert(2)">Ergebnisse</a> & Co' in text
    assert not [uri for uri in links_in_pdf(pdf) if not ALLOWED_LINK.match(uri)]


def test_running_footer_shows_a_hostile_translation_literally(
        hostile_catalog_build: Path) -> None:
    pdf = (hostile_catalog_build / "kaz/snapshot.de.pdf").read_bytes()
    first = PdfReader(BytesIO(pdf)).pages[1].extract_text()
    assert 'Seite 2 </style><b>"von"</b> & 14' in first


def test_every_link_of_every_edition_is_web_mail_or_internal(built: SessionBuild) -> None:
    for path in sorted(built.out.rglob("*.html")):
        bad = [link for link in links_in_html(path.read_text(encoding="utf-8"))
               if not ALLOWED_LINK.match(link) and not link.startswith("data:")]
        assert bad == [], path
    for path in sorted(built.out.rglob("*.pdf")):
        bad = [uri for uri in links_in_pdf(path.read_bytes()) if not ALLOWED_LINK.match(uri)]
        assert bad == [], path
