"""Every channel of wording is text: interface catalogs as much as content.

A translator's catalog is as untrusted as a content file: markup in a ``msgstr`` must reach
the HTML escaped and the PDF as visible characters, never as an element or a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import SessionBuild, copy_project, run_cli
from mgi_report import build
from mgi_report.inspect import normalize, pdf_text

Edit = Callable[[str, str, str], Path]
HOSTILE_HEADING = '<script>alert(1)</script><a href="javascript:alert(2)">Ergebnisse</a> & Co'
HOSTILE_PAGE = 'Seite %(page)s </style><b>"von"</b> & %(pages)s'
ALLOWED_LINK = re.compile(r"^(https?://|mailto:|#)|^(\.\./|[\w-]+/)?[\w.-]+\.(html|pdf)$")


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
    reader = PdfReader(BytesIO(pdf))
    first = reader.pages[1].extract_text()
    assert f'Seite 2 </style><b>"von"</b> & {len(reader.pages)}' in first


def test_every_link_of_every_edition_is_web_mail_or_internal(built: SessionBuild) -> None:
    for path in sorted(built.out.rglob("*.html")):
        bad = [link for link in links_in_html(path.read_text(encoding="utf-8"))
               if not ALLOWED_LINK.match(link) and not link.startswith("data:")]
        assert bad == [], path
    for path in sorted(built.out.rglob("*.pdf")):
        bad = [uri for uri in links_in_pdf(path.read_bytes()) if not ALLOWED_LINK.match(uri)]
        assert bad == [], path


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of ``path`` holding ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def check_lines(capsys: pytest.CaptureFixture[str], root: Path) -> tuple[int, list[str]]:
    return run_cli(capsys, "check", "--root", str(root))


@pytest.mark.parametrize("written", ["\u202e", "%E2%80%AE", "\u2066", "\u200f"])
def test_a_source_address_with_a_bidi_control_is_refused(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str],
        written: str) -> None:
    edit("content/countries/kaz.yaml", "url: http://cesdrr.org/ru/o-centre/strategiya/",
         f"url: http://cesdrr.org/ru/o-centre/{written}exe.pdf")
    status, err = check_lines(capsys, project_copy)
    assert status == 2
    assert len(err) == 1, err
    line = line_of(project_copy / "content/countries/kaz.yaml", "url: http://cesdrr.org/")
    assert err[0].startswith(f"content/countries/kaz.yaml:{line}: sources[0].entries[0].url: "
                             "address"), err
    assert "would read differently from where it leads" in err[0]


def test_a_link_in_content_with_a_bidi_control_is_refused(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/en/kaz.yaml", "partner: The Economist Intelligence Unit",
         "partner: \"[The Economist Intelligence Unit](https://eiu.com/\u202efdp.exe)\"")
    status, err = check_lines(capsys, project_copy)
    assert status == 2
    assert any(line.startswith("content/en/kaz.yaml:") and " kaz.partner: address" in line
               and "U+202E RIGHT-TO-LEFT OVERRIDE" in line for line in err), err


def test_a_footnote_call_inside_link_text_is_refused_in_content(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/de/kaz.yaml", "Die Indikatoren der Migrationspolitik (MGI)[^mgi]",
         "Die [Indikatoren der Migrationspolitik (MGI)[^mgi]](https://migrationdataportal.org)")
    edit("content/en/kaz.yaml", "Indicators (MGI)[^mgi]",
         "[Indicators (MGI)](https://migrationdataportal.org)[^mgi]")
    status, err = check_lines(capsys, project_copy)
    assert status == 2
    german = [line for line in err if line.startswith("content/de/")]
    assert german == ["content/de/kaz.yaml:16: kaz.snapshot.introduction.p1: footnote call [^mgi] "
                      "inside a link (its text, title or address): put it after the link"], err


def test_an_imported_translation_with_a_footnote_call_inside_link_text_is_refused(
        project_copy: Path, edit: Edit, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from faults import snapshot
    from mgi_report import load_project
    from mgi_report.cli import main
    from mgi_report.translate import export_po

    for locale, words in [("en", "Indicators"), ("de", "Migrationspolitik"),
                          ("ru", "миграцией")]:
        edit(f"content/{locale}/kaz.yaml", f"{words} (MGI)[^mgi]",
             f"[{words} (MGI)](https://migrationdataportal.org)[^mgi]")
    exported = export_po(load_project(project_copy), "de").decode("utf-8")
    assert "[Indicators (MGI)](https://migrationdataportal.org)[^mgi]" in exported
    hostile = "Die [Indikatoren (MGI)[^mgi]](https://migrationdataportal.org)"
    head, tail = exported.split('msgctxt "kaz.snapshot.introduction.p1"', 1)
    head = head[:head.rindex("\n\n")] + "\n\n"  # a reviewed translation: not fuzzy
    msgid_end = tail.index("msgstr")
    tail = tail[:msgid_end] + f'msgstr "{hostile}"\n' + tail[tail.index("\n\n", msgid_end):]
    po = tmp_path / "de.po"
    po.write_text(head + 'msgctxt "kaz.snapshot.introduction.p1"' + tail, encoding="utf-8")
    before = snapshot(project_copy / "content")
    capsys.readouterr()
    status = main(["i18n", "import", "--root", str(project_copy), "--locale", "de", str(po)])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and err[0].startswith(f"{po}:") and err[0].endswith(
        "kaz.snapshot.introduction.p1: footnote call [^mgi] inside a link (its text, title or "
        "address): put it after the link"), err
    assert snapshot(project_copy / "content") == before


@pytest.mark.parametrize("link", ['[The Economist](https://eiu.com/x \\"t[^mgi]\\")',
                                  "[The Economist](https://eiu.com/[^mgi])"])
def test_a_footnote_call_in_a_link_title_or_address_is_refused(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str], link: str) -> None:
    edit("content/en/kaz.yaml", "partner: The Economist Intelligence Unit",
         f'partner: "{link} Intelligence Unit"')
    status, err = check_lines(capsys, project_copy)
    assert status == 2
    assert any(line.startswith("content/en/kaz.yaml:10: kaz.partner: footnote call [^mgi] "
                               "inside a link") for line in err), err


@pytest.mark.parametrize("title", ["[Strategy](https://evil.example/%E2%80%AEfdp.exe)",
                                   "[Strategy[^mgi]](https://evil.example/)"])
def test_links_in_source_titles_are_checked_like_content(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str], title: str) -> None:
    edit("content/countries/kaz.yaml", '- text: "Strategy"', f'- text: "{title}"')
    status, err = check_lines(capsys, project_copy)
    assert status == 2
    where = line_of(project_copy / "content/countries/kaz.yaml", "- text: ")
    assert err and all(line.startswith(
        f"content/countries/kaz.yaml:{where}: sources[0].entries[0].title[0].text:")
        for line in err), err
    assert any("bidi" in line or "U+202E" in line or "inside a link" in line for line in err)


@pytest.mark.parametrize(("relative", "old"), [
    ("content/countries/kaz.yaml", '- text: "Strategy'),
    ("content/en/kaz.yaml", "partner: The Economist Intelligence Unit"),
])
def test_a_footnote_call_outside_a_reports_wording_is_refused(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str], relative: str,
        old: str) -> None:
    edit(relative, old, old + "[^mgi]")
    status, err = check_lines(capsys, project_copy)
    assert status == 2
    assert any(line.startswith(relative) and "footnote [^mgi] outside a report's wording"
               in line for line in err), err
