"""Translations: fallback per key, status and outdated detection, the PO round trip."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from translate.storage import pypo

from mgi_report import build, load_project
from mgi_report.cli import main
from mgi_report.translate import export_po, import_po, translation_status

Edit = Callable[[str, str, str], Path]


@pytest.fixture
def tiny(project_copy: Path) -> Path:
    """The real project with German and Russian replaced by a tiny German bundle."""
    for locale in ("de", "ru"):
        shutil.rmtree(project_copy / "content" / locale, ignore_errors=True)
    german = project_copy / "content/de"
    german.mkdir()
    source = load_project(project_copy).bundles["en"].entries
    (german / "domains.yaml").write_text(
        "partnerships:\n  name: Partnerschaften\n"
        "crises:\n  name: Mobilitätsdimensionen von Krisen\n", encoding="utf-8")
    (german / "kaz.yaml").write_text("country: Kasachstan\n", encoding="utf-8")
    (german / "translated_from.yaml").write_text(
        f"domains.partnerships.name: {source['domains.partnerships.name'].value}\n"
        f"kaz.country: {source['kaz.country'].value}\n", encoding="utf-8")
    return project_copy


def test_status_counts_translated_outdated_and_missing(tiny: Path) -> None:
    project = load_project(tiny)
    total = len(project.bundles["en"].entries)
    (german,) = translation_status(project, ["de"])
    assert (german.content.translated, german.content.outdated, german.content.missing) == \
        (2, 1, total - 3)
    assert german.outdated_keys == ("domains.crises.name",)
    english = translation_status(project, ["en"])[0]
    assert english.percent == 100.0


def test_changing_an_english_sentence_makes_its_translation_outdated(tiny: Path,
                                                                     edit: Edit) -> None:
    edit("content/en/domains.yaml", "  name: Partnerships", "  name: Partnerships for migration")
    (german,) = translation_status(load_project(tiny), ["de"])
    assert "domains.partnerships.name" in german.outdated_keys
    assert german.content.translated == 1


def test_strict_build_refuses_outdated_translations(tiny: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["build", "--root", str(tiny), "--locale", "de", "--report", "profile",
                   "--format", "html", "--strict", "--out", str(tmp_path / "out")])
    assert status == 2
    err = capsys.readouterr().err
    assert "content/de/domains.yaml:4: domains.crises.name: outdated translation" in err
    assert not (tmp_path / "out").exists()


def test_fail_under_sets_the_exit_status(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["i18n", "status", "--root", str(tiny), "--locale", "de"]
    assert main([*args, "--fail-under", "99"]) == 1
    assert "de is " in capsys.readouterr().err
    assert main([*args, "--fail-under", "0"]) == 0
    assert main(["i18n", "status", "--root", str(tiny), "--locale", "en",
                 "--fail-under", "100"]) == 0


def test_status_json_is_machine_readable(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["i18n", "status", "--root", str(tiny), "--json", "--locale", "de"]) == 0
    (german,) = json.loads(capsys.readouterr().out)
    assert german["content"]["translated"] == 2 and german["content"]["outdated"] == 1


def test_export_marks_outdated_translations_fuzzy_and_msgfmt_accepts_it(
        tiny: Path, tmp_path: Path) -> None:
    data = export_po(load_project(tiny), "de")
    catalog = read_po(BytesIO(data))
    by_key = {m.context: m for m in catalog if m.context}
    assert by_key["domains.partnerships.name"].string == "Partnerschaften"
    assert not by_key["domains.partnerships.name"].fuzzy
    assert by_key["domains.crises.name"].fuzzy
    assert by_key["domains.crises.name"].id == "Mobility dimensions of crises"
    assert by_key["kaz.profile.introduction.p1"].string == ""
    assert any(loc[0] == "content/en/domains.yaml" for loc in by_key["domains.crises.name"]
               .locations)
    po = tmp_path / "de.po"
    po.write_bytes(data)
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)


def test_export_then_import_changes_nothing(tiny: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in (tiny / "content").rglob("*.yaml")}
    po = tmp_path / "de.po"
    po.write_bytes(export_po(load_project(tiny), "de"))
    result = import_po(tiny, po)
    assert result.changed_keys == ()
    assert {p: p.read_bytes() for p in (tiny / "content").rglob("*.yaml")} == before


def test_import_writes_translations_keeps_order_and_comments_and_records_sources(
        tiny: Path, tmp_path: Path) -> None:
    domains = tiny / "content/de/domains.yaml"
    domains.write_text("# Deutsche Namen\n" + domains.read_text(encoding="utf-8"),
                       encoding="utf-8")
    data = export_po(load_project(tiny), "de").decode("utf-8")
    data = data.replace('msgctxt "domains.well-being.name"\nmsgid "Well-being of migrants"\n'
                        'msgstr ""', 'msgctxt "domains.well-being.name"\n'
                        'msgid "Well-being of migrants"\nmsgstr "Wohlergehen"')
    po = tmp_path / "de.po"
    po.write_text(data, encoding="utf-8")
    result = import_po(tiny, po)
    assert result.changed_keys == ("domains.well-being.name",)
    text = domains.read_text(encoding="utf-8")
    assert text.startswith("# Deutsche Namen\npartnerships:\n  name: Partnerschaften\n")
    assert "well-being:\n  name: Wohlergehen" in text
    (german,) = translation_status(load_project(tiny), ["de"])
    assert german.content.translated == 3 and german.content.outdated == 1
    record = (tiny / "content/de/translated_from.yaml").read_text(encoding="utf-8")
    assert "domains.well-being.name: Well-being of migrants\n" in record


def test_an_outdated_translation_is_exported_with_the_english_it_was_made_from(
        tiny: Path, tmp_path: Path, edit: Edit) -> None:
    edit("content/en/domains.yaml", "  name: Partnerships", "  name: Partnerships for migration")
    data = export_po(load_project(tiny), "de")
    assert b'#| msgid "Partnerships"\nmsgctxt "domains.partnerships.name"\n' \
        b'msgid "Partnerships for migration"\nmsgstr "Partnerschaften"' in data
    units = {unit.getcontext(): unit for unit in pypo.pofile(data).units}
    unit = units["domains.partnerships.name"]
    assert unit.isfuzzy() and unit.prev_source == "Partnerships"
    po = tmp_path / "de.po"
    po.write_bytes(data)
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)
    assert import_po(tiny, po).changed_keys == ()


def test_a_long_outdated_paragraph_keeps_its_previous_english_on_one_quoted_line(
        project_copy: Path, tmp_path: Path, edit: Edit) -> None:
    """Babel wraps a previous msgid like a comment, at 76 columns, splitting its quoted
    string: no PO reader (msgfmt, our import) accepts that; the export writes it whole."""
    edit("content/en/kaz.yaml", "across six key policy domains.",
         "across six key policy domains (edited).")
    data = export_po(load_project(project_copy), "de")
    (unit,) = [u for u in pypo.pofile(data).units
               if u.getcontext() == "kaz.snapshot.introduction.p1"]
    english = load_project(project_copy).bundles["de"].translated_from[unit.getcontext()]
    assert len(english) > 300 and unit.isfuzzy() and unit.prev_source == english
    po = tmp_path / "de.po"
    po.write_bytes(data)
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)
    assert import_po(project_copy, po).changed_keys == ()


def test_import_of_a_new_language_starts_it_with_its_catalog(tiny: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    """Content without an interface catalog would stop every build: an import into a
    language not yet started starts it, as `i18n init` does."""
    data = export_po(load_project(tiny), "fr").decode("utf-8")
    data = data.replace('msgid "Partnerships"\nmsgstr ""', 'msgid "Partnerships"\n'
                        'msgstr "Partenariats"')
    po = tmp_path / "fr.po"
    po.write_text(data, encoding="utf-8")
    assert main(["i18n", "import", "--root", str(tiny), str(po)]) == 0
    assert (tiny / "content/fr/domains.yaml").read_text(encoding="utf-8") == \
        "partnerships:\n  name: Partenariats\n"
    assert (tiny / "locale/fr/LC_MESSAGES/messages.po").is_file()
    assert "started locale fr" in capsys.readouterr().err
    assert main(["check", "--root", str(tiny)]) == 0
    assert "fr" in load_project(tiny).bundles


def test_malformed_po_is_reported_with_file_and_line(tiny: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    po = tmp_path / "broken.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: de\\n"\n\nmsgctxt "kaz.country"\n'
                  'msgid "Kazakhstan"\nthis is not PO\nmsgstr "Kasachstan"\n', encoding="utf-8")
    assert main(["i18n", "import", "--root", str(tiny), str(po)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{po}:7:") and "PO syntax error" in err


def test_catalog_with_mismatched_placeholder_is_bad_input(
        tiny: Path, edit: Edit, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    po = "locale/en/LC_MESSAGES/messages.po"
    edit(po, 'msgid "Yes (%(year)s)"\nmsgstr ""', 'msgid "Yes (%(year)s)"\nmsgstr "Yes (%(jahr)s)"')
    line = (tiny / po).read_text(encoding="utf-8").splitlines().index(
        'msgid "Yes (%(year)s)"') + 1
    assert main(["build", "--root", str(tiny), "--locale", "en", "--format", "html",
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{po}:{line}: msgid 'Yes (%(year)s)': ")
    assert "jahr" in err


def test_a_new_language_needs_only_content_and_a_catalog(tiny: Path, tmp_path: Path) -> None:
    french = tiny / "content/fr"
    french.mkdir()
    (french / "domains.yaml").write_text("partnerships:\n  name: Partenariats\n",
                                         encoding="utf-8")
    catalog = tiny / "locale/fr/LC_MESSAGES"
    catalog.mkdir(parents=True)
    (catalog / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "Key findings"\nmsgstr "Principales conclusions"\n', encoding="utf-8")
    result = build(tiny, tmp_path / "out", locales=["fr"], reports=["profile"],
                   formats=["html"])
    html = (tmp_path / "out/kaz/profile.fr.html").read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in html
    assert "Principales conclusions" in html and "Partenariats" in html
    assert '<h3 id="findings-crises-heading" class="domain-heading domain-5" lang="en" ' in html
    assert "mai 2018" in html
    (record,) = result.outputs
    assert "domains.partnerships.name" not in record.fallback_keys
    assert "domains.crises.name" in record.fallback_keys


def test_a_locale_without_a_catalog_is_an_error(tiny: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tiny / "content/fr").mkdir()
    (tiny / "content/fr/kaz.yaml").write_text("country: Kazakhstan\n", encoding="utf-8")
    assert main(["build", "--root", str(tiny), "--locale", "fr", "--out",
                 str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == \
        "locale/fr/LC_MESSAGES/messages.po: no catalog for locale 'fr'"


def test_a_locale_may_name_its_own_fallback_chain(tiny: Path, tmp_path: Path) -> None:
    kazakh = tiny / "content/kk"
    kazakh.mkdir()
    (kazakh / "locale.yaml").write_text("fallback: [de]\n", encoding="utf-8")
    (kazakh / "kaz.yaml").write_text("country: Қазақстан\n", encoding="utf-8")
    shutil.copytree(tiny / "locale/en", tiny / "locale/kk")
    catalog = tiny / "locale/kk/LC_MESSAGES/messages.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        '"Language: en\\n"', '"Language: kk\\n"'), encoding="utf-8")
    build(tiny, tmp_path / "out", locales=["kk"], reports=["profile"], formats=["html"])
    html = (tmp_path / "out/kaz/profile.kk.html").read_text(encoding="utf-8")
    assert '<h3 id="about-partnerships" lang="de">Partnerschaften</h3>' in html
    assert '<h3 id="about-well-being" lang="en">Well-being of migrants</h3>' in html


def test_translation_of_a_key_the_source_does_not_have_is_a_stale_warning(
        tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tiny / "content/de/conventions.yaml").write_text("no-such-convention: X\n",
                                                      encoding="utf-8")
    assert main(["check", "--root", str(tiny)]) == 0
    assert "content/de/conventions.yaml:1: conventions.no-such-convention: stale " \
           "translation" in capsys.readouterr().err
    assert main(["check", "--root", str(tiny), "--strict"]) == 2


#: translate-toolkit's checks of what a translation must keep of its message's form (not
#: its wording): escapes, line breaks, placeholders, markup, characters, spacing.
STRUCTURAL_CHECKS = ("escapes", "newlines", "printf", "xmltags", "validchars", "variables",
                     "startwhitespace", "endwhitespace", "doublespacing")


def pofilter(po: Path, out: Path) -> str:
    """What translate-toolkit's pofilter finds in ``po`` with the structural checks ('' for
    nothing: it then writes no file)."""
    tool = Path(sys.executable).parent / "pofilter"
    subprocess.run([str(tool), "--progress=none", *(f"--test={t}" for t in STRUCTURAL_CHECKS),
                    str(po), str(out)], check=True)
    return out.read_text(encoding="utf-8") if out.exists() else ""


@pytest.mark.parametrize("locale", ["de", "ru"])
def test_pofilter_finds_no_structural_fault_in_an_export(tmp_path: Path, locale: str) -> None:
    from conftest import ROOT

    po = tmp_path / f"{locale}.po"
    po.write_bytes(export_po(load_project(ROOT), locale))
    assert "(pofilter)" not in pofilter(po, tmp_path / "faults.po")
    broken = po.read_text(encoding="utf-8").replace('msgstr "Kasachstan"',
                                                    'msgstr "Kasachstan "', 1)
    if locale == "de":  # the same checks do see a fault: a translation that adds a space
        po.write_text(broken, encoding="utf-8")
        assert "(pofilter) endwhitespace" in pofilter(po, tmp_path / "faults.po")


def test_a_po_for_a_region_of_a_language_the_project_has_asks_for_it(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Poedit writes 'Language: de_DE': that is not a new locale to start by accident."""
    po = tmp_path / "de_DE.po"
    po.write_text(export_po(load_project(project_copy), "de").decode("utf-8").replace(
        '"Language: de\\n"', '"Language: de_DE\\n"'), encoding="utf-8")
    assert main(["i18n", "import", "--root", str(project_copy), str(po)]) == 2
    assert "this PO is for 'de_DE' (its Language header); the project has 'de': pass " \
           "--locale de" in capsys.readouterr().err
    assert main(["i18n", "import", "--root", str(project_copy), "--locale", "de", str(po)]) == 0
    assert not (project_copy / "content/de_DE").exists()
