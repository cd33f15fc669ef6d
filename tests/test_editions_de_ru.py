"""German and Russian editions: translated where translated, honestly English elsewhere."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import ROOT, BuiltEdition, SessionBuild
from mgi_report.inspect import normalize
from mgi_report.paths import ProjectPaths
from mgi_report.render import environment
from seeds import profile_german_descriptions


@pytest.fixture(scope="session")
def profile_de(built: SessionBuild) -> BuiltEdition:
    return built.edition("kaz", "profile", "de")


@pytest.fixture(scope="session")
def snapshot_ru(built: SessionBuild) -> BuiltEdition:
    return built.edition("kaz", "snapshot", "ru")


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text))


def test_every_edition_is_built_by_default(built: SessionBuild) -> None:
    paths = {record.path for record in built.result.outputs}
    assert paths == {f"kaz/{report}.{locale}.{fmt}" for report in ("snapshot", "profile")
                     for locale in ("en", "ar", "de", "ru") for fmt in ("pdf", "html")}


def test_german_profile_has_every_german_domain_description_of_the_source(
        profile_de: BuiltEdition) -> None:
    descriptions = profile_german_descriptions()
    assert len(descriptions) == 6
    for description in descriptions:
        assert normalize(description) in normalize(profile_de.html_text)
        assert squashed(description) in squashed(profile_de.pdf_text.text)


def test_german_profile_is_german_with_a_german_date(profile_de: BuiltEdition) -> None:
    assert profile_de.html.startswith('<!DOCTYPE html>\n<html lang="de" dir="ltr">')
    assert "Mai 2018" in profile_de.html_text and "Mai 2018" in profile_de.pdf_text.text
    assert "Wichtigste Ergebnisse" in profile_de.html_text


def test_german_profile_falls_back_to_english_findings_marked_lang_en(
        profile_de: BuiltEdition) -> None:
    english = "Immigrants are guaranteed access to preschool, primary, and secondary education"
    assert english in profile_de.html_text
    findings = profile_de.html.split('id="key-findings"')[1]
    items = re.findall(r'<li( lang="en")?>', findings)
    assert items and all(lang == ' lang="en"' for lang in items)
    assert '<p lang="en">' not in profile_de.html.split('id="about"')[1].split("</section>")[0]


def test_fallback_is_announced_on_the_cover(profile_de: BuiltEdition) -> None:
    notice = re.search(r'<p class="fallback-notice">([^<]*)</p>', profile_de.html)
    assert notice is not None and "Englisch" in notice.group(1)


def test_manifest_lists_the_fallback_keys_per_edition(built: SessionBuild) -> None:
    manifest = json.loads((built.out / "manifest.json").read_text(encoding="utf-8"))
    by_path = {entry["path"]: entry for entry in manifest["outputs"]}
    german = by_path["kaz/profile.de.html"]["fallback_keys"]
    assert "kaz.profile.findings.crises.well_developed.p1" in german
    assert "domains.crises.description" not in german
    assert by_path["kaz/profile.en.pdf"]["fallback_keys"] == []


def test_each_html_edition_links_its_other_languages(profile_de: BuiltEdition) -> None:
    for lang in ("en", "ru"):
        assert f'<link rel="alternate" hreflang="{lang}" href="profile.{lang}.html">' in \
            profile_de.html
    assert ('<a href="profile.de.html" hreflang="de" lang="de" dir="ltr" '
            'aria-current="page">Deutsch</a>') in profile_de.html
    assert 'lang="ru" dir="ltr">Русский</a>' in profile_de.html


def test_russian_snapshot_is_russian_with_cyrillic_text_in_the_pdf(
        snapshot_ru: BuiltEdition) -> None:
    assert snapshot_ru.html.startswith('<!DOCTYPE html>\n<html lang="ru" dir="ltr">')
    text = normalize(snapshot_ru.pdf_text.text)
    assert "май 2018" in text
    assert "Республика Казахстан" in text
    assert len(re.findall(r"[\u0430-\u044f\u0451]", text)) > 2000


@cache
def font_characters() -> frozenset[int]:
    """The characters every face of one shipped family can draw (Noto Sans's four faces
    share one subset; Noto Sans Arabic's two another)."""
    families: dict[str, set[int]] = {}
    for path in sorted((ROOT / "templates/fonts").glob("*.woff2")):
        family = path.name.split("-")[0]
        cmap = set(TTFont(path).getBestCmap())
        families[family] = families[family] & cmap if family in families else cmap
    return frozenset(set().union(*families.values()))


@pytest.mark.parametrize("locale", ["en", "de", "ru"])
@pytest.mark.parametrize("report", ["snapshot", "profile"])
def test_the_shipped_font_has_a_glyph_for_every_character(built: SessionBuild, report: str,
                                                          locale: str) -> None:
    text = built.edition("kaz", report, locale).html_text
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in font_characters()}
    assert missing == set()


def test_russian_uses_three_plural_forms() -> None:
    env = environment(ProjectPaths(ROOT), "ru")
    template = env.from_string(
        '{{ ngettext("%(num)s convention ratified", "%(num)s conventions ratified", n) }}')
    forms = {n: template.render(n=n) for n in (1, 2, 5, 21, 22, 11)}
    assert forms[1].startswith("1 конвенция")
    assert forms[21].startswith("21 конвенция")
    assert forms[2].startswith("2 конвенции") and forms[22].startswith("22 конвенции")
    assert forms[5].startswith("5 конвенций") and forms[11].startswith("11 конвенций")


def test_russian_snapshot_caption_uses_the_few_form(snapshot_ru: BuiltEdition) -> None:
    assert "2 конвенции" in snapshot_ru.html_text


def test_mark_fallback_highlights_fallback_passages(tmp_path: Path) -> None:
    from mgi_report import build

    build(ROOT, tmp_path, locales=["de"], reports=["profile"], formats=["html"],
          mark_fallback=True)
    html = (tmp_path / "kaz/profile.de.html").read_text(encoding="utf-8")
    assert '<body class="report-profile mark-fallback">' in html
    assert '.mark-fallback [data-state="fallback"]' in html
    assert re.search(r'lang="en" title="kaz\.profile\.findings\.[^"]+" data-state="fallback"',
                     html)
