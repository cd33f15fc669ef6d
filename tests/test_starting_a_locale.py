"""Starting a language the way a translator does (issue #11, item 1): `mgi-report i18n init`
makes the content folder and the interface catalog; `check` refuses a locale whose catalog
is missing, broken or for another language, before anything is built."""

from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from conftest import copy_project
from mgi_report.build import build, load_project
from mgi_report.cli import main
from mgi_report.paths import ProjectPaths
from mgi_report.translate.extract import extract_template


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def catalog_of(project: Path, locale: str) -> Path:
    return project / "locale" / locale / "LC_MESSAGES/messages.po"


def read_catalog_of(project: Path, locale: str) -> Catalog:
    return read_po(BytesIO(catalog_of(project, locale).read_bytes()))


def test_init_starts_french_with_its_plural_forms_and_every_message_untranslated(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "init", "--root", str(project), "--locale", "fr"]) == 0
    said = capsys.readouterr()
    assert said.out == "fr: started; plural forms: nplurals=2; plural=(n > 1);\n"
    assert said.err.splitlines() == ["wrote locale/fr/LC_MESSAGES/messages.po",
                                     "wrote content/fr/locale.yaml"]
    catalog = read_catalog_of(project, "fr")
    assert str(catalog.locale) == "fr" and catalog.num_plurals == 2
    messages = [message for message in catalog if message.id]
    assert len(messages) == len(extract_template(ProjectPaths(project)))
    assert not [message.id for message in messages if any(
        message.string if isinstance(message.string, tuple) else (message.string,))]
    assert "fr" in load_project(project).locales


def test_a_started_locale_builds_in_english_marked_as_fallback(project: Path,
                                                                tmp_path: Path) -> None:
    assert main(["i18n", "init", "--root", str(project), "--locale", "fr"]) == 0
    result = build(project, tmp_path / "out", reports=["profile"], locales=["fr"],
                   formats=["html"])
    html = (tmp_path / "out/kaz/profile.fr.html").read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in html
    assert '<span lang="en">Key findings</span>' in html
    assert "are not yet translated and are shown in English." in html
    (edition,) = result.editions
    assert "Key findings" in edition.fallback_messages and edition.fallback_keys


def test_init_gives_arabic_its_six_plural_forms(project: Path) -> None:
    shutil.rmtree(project / "content/ar")
    shutil.rmtree(project / "locale/ar")
    assert main(["i18n", "init", "--root", str(project), "--locale", "ar"]) == 0
    assert read_catalog_of(project, "ar").num_plurals == 6


def test_init_names_the_fallback_locales_it_is_given(project: Path) -> None:
    assert main(["i18n", "init", "--root", str(project), "--locale", "kk",
                 "--fallback", "ru"]) == 0
    bundle = load_project(project).bundles["kk"]
    assert bundle.fallback == ("ru",)


@pytest.mark.parametrize(("locale", "said"), [
    ("de", "locale 'de' is started already"),
    ("xx", "'xx' is not a locale Babel knows"),
    ("fr-FR", "write the locale 'fr-FR' as 'fr_FR'"),
])
def test_init_refuses_a_started_or_unknown_locale_and_writes_nothing(
        project: Path, capsys: pytest.CaptureFixture[str], locale: str, said: str) -> None:
    before = sorted(project.rglob("*"))
    assert main(["i18n", "init", "--root", str(project), "--locale", locale]) == 2
    assert said in capsys.readouterr().err
    assert sorted(project.rglob("*")) == before


def test_check_refuses_a_locale_without_a_catalog_and_init_completes_it(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content/fr").mkdir()
    (project / "content/fr/domains.yaml").write_text(
        "crises:\n  name: Dimensions de mobilité des crises\n", encoding="utf-8")
    assert main(["check", "--root", str(project)]) == 2
    assert "locale/fr/LC_MESSAGES/messages.po: no catalog for locale 'fr'" in \
        capsys.readouterr().err
    assert main(["i18n", "init", "--root", str(project), "--locale", "fr"]) == 0
    assert not (project / "content/fr/locale.yaml").exists()
    assert main(["check", "--root", str(project)]) == 0


@pytest.mark.parametrize(("change", "said"), [
    (lambda text: text.replace("Language: fr", "Language: de"),
     "catalog is for 'de', but it is in the folder of locale 'fr'"),
    (lambda text: text + '\nmsgid "unterminated\n', "messages.po:"),
])
def test_check_refuses_a_catalog_that_is_broken_or_for_another_language(
        project: Path, capsys: pytest.CaptureFixture[str], change: object, said: str) -> None:
    assert main(["i18n", "init", "--root", str(project), "--locale", "fr"]) == 0
    catalog = catalog_of(project, "fr")
    assert callable(change)
    catalog.write_text(change(catalog.read_text(encoding="utf-8")), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--root", str(project)]) == 2
    assert said in capsys.readouterr().err
