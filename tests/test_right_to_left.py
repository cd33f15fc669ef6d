"""Arabic, right to left: editions made from content and a catalog alone, their direction
taken from CLDR, their layout mirrored, English passages and addresses isolated in them
(and Arabic in English pages), their letters joined and read back in reading order."""

from __future__ import annotations

import json
import math
import re
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pytest
from babel import Locale
from babel.dates import format_skeleton

from conftest import ROOT, SessionBuild
from mgi_report.build import load_project
from mgi_report.catalogs import read_catalog
from mgi_report.cli import main
from mgi_report.gates.pdf_text import logical_line, reading_order_text, visual_line
from mgi_report.gates.tools import chromium, npm_file, program
from mgi_report.paths import ProjectPaths
from mgi_report.render import wheel

ARABIC_LETTER = re.compile("[\u0620-\u064a]")


def html(built: SessionBuild, edition: str) -> str:
    return (built.out / f"kaz/{edition}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def snapshot_ar_text(built: SessionBuild) -> str:
    return " ".join(reading_order_text(built.out / "kaz/snapshot.ar.pdf").split())


# Direction from the locale.

def test_every_page_takes_its_direction_from_cldr(built: SessionBuild) -> None:
    project = load_project(ROOT)
    for locale in project.locales:
        expected = Locale.parse(locale).text_direction
        for report in ("snapshot", "profile"):
            assert html(built, f"{report}.{locale}").startswith(
                f'<!DOCTYPE html>\n<html lang="{locale}" dir="{expected}">')
    assert Locale.parse("ar").text_direction == "rtl"
    assert "ar" in project.locales


def test_no_code_or_template_names_a_locale() -> None:
    """Arabic is content and a catalog: nothing under src/ or templates/ asks for it."""
    quoted_locale = re.compile(r"""["']ar(_[A-Z]{2})?["']""")
    for folder in ("src", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".j2", ".css", ".js"}:
                found = quoted_locale.search(path.read_text(encoding="utf-8"))
                assert found is None, f"{path}: {found.group(0) if found else ''}"


# Bidirectional text.

def test_english_passages_and_addresses_in_an_arabic_page_run_left_to_right(
        built: SessionBuild) -> None:
    page = html(built, "snapshot.ar")
    english = re.findall(r'<[a-z]+ [^>]*\blang="en"[^>]*>', page)
    assert len(english) > 50
    assert all('dir="ltr"' in tag for tag in english), [t for t in english
                                                        if 'dir="ltr"' not in t][:3]
    addresses = re.findall(r'<a href="[^"]*" class="url"[^>]*>', page)
    assert addresses and all('dir="ltr"' in tag for tag in addresses)


def test_arabic_in_an_english_page_runs_right_to_left(built: SessionBuild) -> None:
    page = html(built, "snapshot.en")
    arabic = re.findall(r'<[a-z]+ [^>]*\blang="ar"[^>]*>[^<]*', page)
    assert arabic and all('dir="rtl"' in tag for tag in arabic)


def test_a_findings_list_in_the_fallback_language_runs_in_that_language(
        built: SessionBuild) -> None:
    page = html(built, "profile.ar")
    lists = re.findall(r"<ul[^>]*>\s*<li", page.split('id="key-findings"')[1])
    assert lists and all('lang="en" dir="ltr"' in item for item in lists)


# Mirrored layout.

def furniture_sides(pdf: bytes) -> list[tuple[float, float]]:
    """Per page after the cover: where (as a share of the page's width) the running head's
    and the page number's characters stand on average."""
    document = pdfium.PdfDocument(pdf)
    sides = []
    for page in list(document)[1:]:
        width, height = page.get_size()
        text = page.get_textpage()
        head, number = [], []
        for index in range(text.count_chars()):
            character = text.get_text_range(index, 1)
            left, bottom, right, top = text.get_charbox(index)
            middle = (left + right) / 2 / width
            if bottom > height * 0.93 and not character.isspace():
                head.append(middle)
            elif top < height * 0.07 and character.isdigit():
                number.append(middle)
        if head and number:
            sides.append((sum(head) / len(head), sum(number) / len(number)))
    document.close()
    return sides


def test_arabic_running_heads_stand_right_and_page_numbers_left(built: SessionBuild) -> None:
    arabic = furniture_sides((built.out / "kaz/snapshot.ar.pdf").read_bytes())
    english = furniture_sides((built.out / "kaz/snapshot.en.pdf").read_bytes())
    assert len(arabic) >= 10 and len(english) >= 10
    assert all(head > 0.5 > number for head, number in arabic), arabic
    assert all(head < 0.5 < number for head, number in english), english


def test_the_wheel_runs_counter_clockwise_from_the_top_when_mirrored() -> None:
    forward, mirrored = wheel(6, 310, 95), wheel(6, 310, 95, mirrored=True)
    assert forward[0].label_x > 0 > mirrored[0].label_x
    for one, other in zip(forward, mirrored, strict=True):
        assert (one.label_x, one.label_y) == (-other.label_x, other.label_y)


def test_the_printed_arabic_wheel_links_its_segments_counter_clockwise(
        built: SessionBuild) -> None:
    from pypdf import PdfReader

    reader = PdfReader(BytesIO((built.out / "kaz/profile.ar.pdf").read_bytes()))
    domains = load_project(ROOT).structure.domains
    links = [(annotation.get_object()["/Rect"], str(annotation.get_object().get("/Dest")))
             for page in reader.pages for annotation in page.get("/Annots") or []
             if str(annotation.get_object().get("/Dest", "")).startswith("findings-")]
    assert [dest for _, dest in links] == [f"findings-{domain}" for domain in domains]
    centres = [((float(r[0]) + float(r[2])) / 2, (float(r[1]) + float(r[3])) / 2)
               for r, _ in links]
    middle_x = sum(x for x, _ in centres) / len(centres)
    middle_y = sum(y for _, y in centres) / len(centres)
    step = 360 / len(domains)
    for index, (x, y) in enumerate(centres):
        counter_clockwise_from_top = math.degrees(math.atan2(middle_x - x, y - middle_y)) % 360
        assert index * step < counter_clockwise_from_top < (index + 1) * step, index


def test_the_printed_wheel_sets_its_names_as_text_not_in_the_picture(
        built: SessionBuild) -> None:
    """WeasyPrint draws a picture's text letter by letter: the names would not join."""
    page = html(built, "profile.ar")
    figure = page.split('<figure class="wheel print-only"')[1].split("</figure>")[0]
    drawn = "".join(re.findall(r"<text[^>]*>(.*?)</text>", figure, re.S))
    assert drawn and not ARABIC_LETTER.search(drawn)
    names = re.findall(r'<span class="wheel-name"[^>]*>(.*?)</span></a>', figure)
    assert len(names) == 6 and all(ARABIC_LETTER.search(name) for name in names)


def test_the_arabic_explorer_arrow_keys_follow_the_mirrored_wheel(built: SessionBuild) -> None:
    npm_file("node_modules/playwright-core/package.json", ROOT)
    done = subprocess.run(
        [program("node"), str(ROOT / "tools/explorer_walk.mjs"), json.dumps({
            "file": str(built.out / "kaz/profile.ar.html"), "domain": "crises",
            "chromium": chromium()})],
        capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    walks: list[dict[str, Any]] = json.loads(done.stdout)["walks"]
    order = load_project(ROOT).structure.domains
    expected = [5, 4, 5, 4, 5, 0, 5, 0]  # → → End → ← Home ↑ ↓: right is back in Arabic
    for walk in walks:
        keyed = [step for name, step in walk["steps"].items() if name.startswith("key ")]
        assert [step["selected"] for step in keyed] == [order[i] for i in expected]
        assert walk["errors"] == []


# Letters, dates, plurals.

def test_arabic_text_reads_back_in_reading_order_with_english_inside(
        snapshot_ar_text: str) -> None:
    assert "أبعاد التنقل في الأزمات" in snapshot_ar_text  # a lam-alef ligature
    assert ("وحدة الاستخبارات الاقتصادية (The Economist Intelligence Unit)، "
            "بتمويل من حكومة السويد") in snapshot_ar_text
    assert "في عام 2015، وضعت المنظمة الدولية للهجرة" in snapshot_ar_text


def test_a_bracket_in_an_english_line_of_an_arabic_pdf_is_copied_as_it_is_drawn(
        built: SessionBuild) -> None:
    """A right-to-left run draws "(" with the glyph of ")"; the glyph still maps to ")"."""
    from mgi_report.gates.pdf_text import pdftotext_text

    english = " ".join(pdftotext_text(built.out / "kaz/profile.ar.pdf").split())
    assert "free medical assistance (GAFMA) in the case" in english


def test_arabic_letters_are_drawn_joined_in_an_embedded_arabic_font(
        built: SessionBuild) -> None:
    """Shaped text draws a letter with a different glyph at the start, middle and end of a
    word, and lam-alef as one glyph; unshaped text would use one glyph per letter."""
    pdf = pikepdf.open(BytesIO((built.out / "kaz/snapshot.ar.pdf").read_bytes()))
    glyphs: dict[str, set[bytes]] = {}
    for page in pdf.pages:
        for font in page.obj.Resources.Font.values():
            if "Arabic" not in str(font.BaseFont) or "/ToUnicode" not in font:
                continue
            assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor
            entries = font.ToUnicode.read_bytes().split(b"beginbfchar")[1:]
            for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>",
                                         b"".join(entries)):
                glyphs.setdefault(bytes.fromhex(text.decode()).decode("utf-16-be"),
                                  set()).add(code)
    assert len(glyphs.get("\u0639", ())) >= 3  # ain: initial, medial and final forms
    assert any(len(text) == 2 and "\u0644" in text for text in glyphs)  # lam-alef


def test_arabic_dates_and_plurals_come_from_cldr(built: SessionBuild,
                                                  snapshot_ar_text: str) -> None:
    month = format_skeleton("yMMMM", date(2018, 5, 1), locale="ar")
    assert month == "مايو 2018"
    assert month in html(built, "snapshot.ar") and month in snapshot_ar_text
    catalog = read_catalog(ProjectPaths(ROOT), "ar")
    other = 1  # CLDR's rules name every category but "other"
    assert catalog.num_plurals == len(Locale.parse("ar").plural_form.tags) + other == 6
    forms = catalog["%(num)s convention ratified"].string
    assert isinstance(forms, tuple) and len(set(forms)) == 6
    assert "<caption>اتفاقيتان مصدق عليهما</caption>" in html(built, "snapshot.ar")  # two


def test_only_a_plural_form_for_one_count_may_leave_the_number_out(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = project_copy / "locale/ar/LC_MESSAGES/messages.po"
    text = catalog.read_text(encoding="utf-8")
    assert 'msgstr[2] "اتفاقيتان مصدق عليهما"' in text  # two: n == 2 alone
    catalog.write_text(text.replace('msgstr[3] "%(num)s اتفاقيات مصدق عليها"',
                                    'msgstr[3] "اتفاقيات مصدق عليها"'), encoding="utf-8")
    assert main(["check", "--root", str(project_copy)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("locale/ar/LC_MESSAGES/messages.po:26: msgid '%(num)s convention")
    assert "'num'" in line and "msgstr[3]" in line


def test_i18n_status_counts_arabic_like_any_language(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    capsys.readouterr()
    assert main(["i18n", "status", "--root", str(ROOT)]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()}
    assert int(rows["ar"][1]) > 30  # passages done: names, descriptions, introductions
    assert int(rows["ar"][3]) > 0  # missing: the findings, shown in English
    assert rows["ar"][8] == rows["en"][8]  # every interface message translated


# The text gate's reader for right-to-left editions.

def test_a_pdftotext_line_is_turned_back_to_drawing_order() -> None:
    """Poppler prints a right-to-left run reversed between RLE and PDF, and a left-to-right
    run inside it between LRE and PDF, kept."""
    assert visual_line("ab\u202bCBA\u202cd") == "abABCd"
    assert visual_line("\u202bBA\u202aXY\u202cDC\u202c") == "CDXYAB"
    assert visual_line("no marks") == "no marks"


def test_a_line_as_drawn_is_read_in_reading_order_with_brackets_turned_back() -> None:
    logical = "في عام 2015، إطار (MiGOF) للهجرة"
    drawn = "ةرجهلل (MiGOF) راطإ ،2015 ماع يف"  # as an Arabic line is drawn, left to right
    assert logical_line(drawn, right_to_left=True) == logical
    assert logical_line("plain (text)", right_to_left=False) == "plain (text)"


def test_a_right_to_left_edition_is_read_by_its_own_reader() -> None:
    from mgi_report.build import load_project as load
    from mgi_report.gates.pdf_text import readers_for
    from mgi_report.merge import merge
    from mgi_report.model import EditionSpec

    project = load(ROOT)
    assert list(readers_for(merge(project, EditionSpec("kaz", "snapshot", "ar")))) == \
        ["pdftotext+ICU"]
    assert list(readers_for(merge(project, EditionSpec("kaz", "snapshot", "en")))) == \
        ["pypdf", "pdftotext"]
