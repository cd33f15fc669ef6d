"""Typesetting the print and web editions (issue: publication-grade print): quotation marks
per language from CLDR, web addresses that break only at their separators, passages
hyphenated by their own language's rules, words kept whole, ladders of hyphens broken up,
a designed cover and an imprint."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from markupsafe import Markup

from conftest import ROOT, SessionBuild
from mgi_report import build
from mgi_report.build import load_project
from mgi_report.gates import typography
from mgi_report.gates.model import Target
from mgi_report.markup import Typesetting, address_breaks, inline, plain
from mgi_report.render import quotation_marks

EDITIONS = [(report, locale) for report in ("snapshot", "profile") for locale in ("en", "de", "ru")]
COUNTRY_NAMES = {"en": "Kazakhstan", "de": "Kasachstan", "ru": "Казахстан"}
SEPARATORS = "/.-_?&=#"


def body_text(html: str) -> str:
    """The HTML's visible text (no style or script), with tags removed."""
    body = html.split("<body", 1)[1].split(">", 1)[1]
    body = re.sub(r"<(style|script)\b.*?</\1>", "", body, flags=re.S)
    return re.sub(r"<[^>]+>", "", body)


# Quotation marks

def test_quotation_marks_are_cldr_s_for_each_language() -> None:
    assert quotation_marks("en") == "“”‘’"
    assert quotation_marks("de") == "„“‚‘"
    assert quotation_marks("ru") == "«»„“"


def test_straight_quotes_in_content_become_the_language_s() -> None:
    text = 'The "Labour Migration" act and migrants\' rights'
    assert inline(text, typesetting=Typesetting(quotation_marks("en"))) == \
        "The “Labour Migration” act and migrants’ rights"
    assert inline(text, typesetting=Typesetting(quotation_marks("de"))) == \
        "The „Labour Migration“ act and migrants’ rights"
    russian = Typesetting(quotation_marks("ru"))
    assert plain('Закон "О миграции"', russian) == "Закон «О миграции»"  # noqa: RUF001


def test_a_quotation_around_a_footnote_call_is_still_one_quotation() -> None:
    html = inline('the "MGI[^mgi] initiative"', lambda name: Markup(f"<sup>{name}</sup>"),
                  Typesetting(quotation_marks("en")))
    assert html == "the “MGI<sup>mgi</sup> initiative”"


@pytest.mark.parametrize(("report", "locale"), EDITIONS)
def test_no_straight_quote_reaches_a_reader(built: SessionBuild, report: str,
                                            locale: str) -> None:
    text = body_text(built.edition("kaz", report, locale).html).replace("&#39;", "'") \
        .replace("&#34;", '"').replace("&quot;", '"')
    found = [text[max(0, m.start() - 30):m.end() + 10] for m in re.finditer("[\"']", text)]
    assert not found, found


def test_english_fallback_in_the_german_snapshot_keeps_english_quotes(
        built: SessionBuild) -> None:
    html = built.edition("kaz", "snapshot", "de").html
    assert "Kazakhstan</span>’s membership" in html
    assert "„" in html  # the German wording's own quotes
    assert not re.search(r"Kazakhstan</span>‘s", html)


def test_the_domain_heading_has_a_typographic_apostrophe(built: SessionBuild) -> None:
    html = built.edition("kaz", "snapshot", "en").html
    assert "fulfilment of migrants’ rights</h3>" in html


# Web addresses

def test_an_address_may_break_only_after_its_separators() -> None:
    marked = str(address_breaks("https://adilet.zan.kz/eng/docs/Z070000319?a=1&b=2#top"))
    assert marked == ("https://<wbr>adilet.<wbr>zan.<wbr>kz/<wbr>eng/<wbr>docs/<wbr>Z070000319?"
                      "<wbr>a=<wbr>1&amp;<wbr>b=<wbr>2#<wbr>top")


def test_a_part_of_an_address_a_line_breaker_would_break_after_a_colon_does_not_wrap() -> None:
    marked = str(address_breaks("http://www.ilo.org/f?p=1000:11300:0::NO:P11300_ID:312242"))
    assert marked.endswith('p=<wbr><span class="address-part">1000:11300:0::NO:P11300</span>'
                           '_<wbr><span class="address-part">ID:312242</span>')


@pytest.mark.parametrize(("report", "locale"), EDITIONS)
def test_every_address_in_the_html_breaks_only_after_a_separator(
        built: SessionBuild, report: str, locale: str) -> None:
    html = built.edition("kaz", report, locale).html
    assert "break-all" not in html
    for inner in re.findall(r'class="url">(.*?)</a>', html):
        for before, _ in re.findall(r"(.)<wbr>(.)", inner):
            assert before in SEPARATORS or before == ";", inner


# Hyphenation

def hyphenation(built: SessionBuild, report: str, locale: str) -> list[str]:
    """The typography gate's hyphenation findings on an edition, read from its PDF."""
    edition = built.edition("kaz", report, locale)
    document, _ = typography.load(edition.pdf, edition.name, ROOT)
    target = Target(edition.name, "pdf", Path(f"{edition.name}.pdf"))
    words = typography.edition_words(load_project(ROOT), target)
    assert typography.breaks(document, words.hard_hyphens), \
        "no hyphenation at all: the check would see nothing"
    return [finding.message for finding in
            typography.hyphenation_findings(document, words.protected, words.hard_hyphens)]


@pytest.mark.parametrize(("report", "locale"), EDITIONS)
def test_no_more_than_two_hyphenated_lines_follow_each_other(
        built: SessionBuild, report: str, locale: str) -> None:
    assert [m for m in hyphenation(built, report, locale) if "in a row" in m] == []


@pytest.mark.parametrize(("report", "locale"), EDITIONS)
def test_the_country_s_name_and_short_words_are_never_hyphenated(
        built: SessionBuild, report: str, locale: str) -> None:
    assert [m for m in hyphenation(built, report, locale) if "in a row" not in m] == []


def test_source_titles_are_marked_with_their_own_language(built: SessionBuild) -> None:
    german = built.edition("kaz", "snapshot", "de").html
    assert '<span lang="en">Treaty on the Eurasian Economic Union</span>' in german
    assert '<span lang="ru">Стратегия</span>' in german
    assert '<h3 class="publisher" lang="en">Eurasian Economic Union</h3>' in german
    english = built.edition("kaz", "snapshot", "en").html
    assert '<span>Treaty on the Eurasian Economic Union</span>' in english
    assert '<span lang="ru">Стратегия</span>' in english
    russian = built.edition("kaz", "snapshot", "ru").html
    assert '<span>Стратегия</span>' in russian


def test_a_russian_title_gets_russian_quotes_in_the_english_edition(
        built: SessionBuild) -> None:
    text = re.sub(r"<[^>]+>", "", built.edition("kaz", "snapshot", "en").html)
    assert "«Представление интересов Республики Казахстан за рубежом»" in text


def test_a_locale_lists_words_never_hyphenated_in_content(tmp_path: Path,
                                                          project_copy: Path) -> None:
    settings = project_copy / "content" / "en" / "locale.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "  - Budapest\n", "  - Budapest\n  - governance\n"), encoding="utf-8")
    build(project_copy, tmp_path / "out", reports=["profile"], locales=["en"],
          formats=["html"])
    html = (tmp_path / "out" / "kaz" / "profile.en.html").read_text(encoding="utf-8")
    assert '<span class="unbroken">governance</span>' in html
    assert '<span class="unbroken">Kazakhstan</span>' in html


def test_a_word_the_list_does_not_name_is_left_to_hyphenation() -> None:
    html = inline("Kazakhstani governance", typesetting=Typesetting("“”‘’", ("Kazakhstan",)))
    assert html == '<span class="unbroken">Kazakhstani</span> governance'


# Cover and imprint

def page_lines(pdf: bytes, index: int) -> list[tuple[float, str]]:
    """The text lines of a page, top down, with their distance from the top (points)."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        height = page.get_size()[1]
        textpage = page.get_textpage()
        found = []
        for rect in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(rect)
            found.append((height - top, textpage.get_text_bounded(left, bottom, right, top)))
        return sorted(found)
    finally:
        document.close()


@pytest.mark.parametrize(("report", "locale"), EDITIONS)
def test_the_cover_title_breaks_between_its_phrases(built: SessionBuild, report: str,
                                                    locale: str) -> None:
    edition = built.edition("kaz", report, locale)
    lines = [" ".join(text.split()) for _, text in page_lines(edition.pdf, 0)]
    heading = re.search(r'<h1 class="report-title[^>]*>(.*?)</h1>', edition.html)
    assert heading
    phrases = [" ".join(re.sub(r"<[^>]+>", "", phrase).split())
               for phrase in re.findall(r'<span class="phrase">(.*?)</span>(?= |$)',
                                        heading.group(1))]
    assert len(phrases) == 2 and COUNTRY_NAMES[locale] in phrases[1], phrases
    for phrase in phrases:  # each phrase is a line of its own, never wrapped
        assert phrase in lines, (phrase, lines)


@pytest.mark.parametrize("locale", ["en", "de", "ru"])
def test_the_research_credit_stands_at_the_foot_of_the_cover(built: SessionBuild,
                                                             locale: str) -> None:
    lines = page_lines(built.edition("kaz", "snapshot", locale).pdf, 0)
    depth = next(top for top, text in lines if "Economist Intelligence Unit" in text)
    assert depth > 0.8 * 842, lines


@pytest.mark.parametrize(("report", "locale"), EDITIONS)
def test_the_imprint_names_the_publisher_and_copyright_year(built: SessionBuild,
                                                            report: str, locale: str) -> None:
    publisher = {"en": "International Organization for Migration (IOM)",
                 "de": "Internationale Organisation für Migration (IOM)",
                 "ru": "Международная организация по миграции (МОМ)"}[locale]  # noqa: RUF001
    text = " ".join(text for _, text in page_lines(built.edition("kaz", report, locale).pdf, 1))
    assert "©" in text and "2018" in text and publisher in text, text


def test_the_snapshot_imprint_carries_the_disclaimer(built: SessionBuild) -> None:
    text = " ".join(t for _, t in page_lines(built.edition("kaz", "snapshot", "en").pdf, 1))
    assert "The opinions expressed in this report are those of the authors" in text


def test_the_cover_mark_is_drawn_in_the_domain_palette(built: SessionBuild) -> None:
    html = built.edition("kaz", "profile", "en").html
    mark = re.search(r'<svg class="cover-mark".*?</svg>', html, re.S)
    assert mark
    css = (ROOT / "templates" / "css" / "report.css").read_text(encoding="utf-8")
    palette = re.findall(r"--domain-\d: (#[0-9a-f]{6});", css)
    assert re.findall(r'fill="(#[0-9a-f]{6})"', mark.group()) == palette


def test_quotes_just_before_or_after_a_footnote_call_are_typeset_like_any_other() -> None:
    english = Typesetting("“”‘’")
    html = str(inline('The "MGI"[^mgi] and \'on x\'[^a], "in[^mgi]" it',
                      lambda name: Markup(f"<sup>{name}</sup>"), english))
    assert html == ("The “MGI”<sup>mgi</sup> and ‘on x’<sup>a</sup>, "
                    "“in<sup>mgi</sup>” it")


def test_a_word_kept_whole_that_runs_into_an_address_is_written_once() -> None:
    kept = Typesetting("“”‘’", ("Budapest",))
    for text in ("Budapest-www.example.org/path", "Budapesthttp://example.org/y"):
        html = str(inline(text, typesetting=kept))
        assert re.sub(r"<[^>]+>", "", html) == text, html
