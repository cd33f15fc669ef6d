"""Interface fallback is as honest as content fallback (issue #11, items 2 and 3): a message
the catalog lacks or has only as fuzzy is shown in English with ``lang="en"``, marked in a
review build, counted in the log and listed in the manifest; outdated passages are marked
apart from missing ones."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from conftest import SessionBuild, copy_project
from mgi_report.build import BuildResult, build
from structure_tree import tree, walk

NOTICE = "Parts of this edition are not yet translated and are shown in %(languages)s."
#: A German passage whose English source is edited below, so its translation is outdated.
OUTDATED_KEY = "domains.crises.description"


@dataclass(frozen=True)
class Builds:
    root: Path
    plain: Path
    review: Path
    result: BuildResult
    review_result: BuildResult

    def html(self, folder: Path, report: str = "profile") -> str:
        return (folder / f"kaz/{report}.de.html").read_text(encoding="utf-8")


def _untranslated(catalog: str, msgid: str) -> str:
    pattern = re.compile(rf'(msgid "{re.escape(msgid)}"\nmsgstr )"[^\n]*"')
    assert pattern.search(catalog), msgid
    return pattern.sub(r'\1""', catalog, count=1)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The German profile with "Key findings" and the fallback notice untranslated, "Languages"
    fuzzy, and the English of one translated passage edited since."""
    root = copy_project(tmp_path_factory.mktemp("interface") / "project")
    catalog_file = root / "locale/de/LC_MESSAGES/messages.po"
    catalog = _untranslated(catalog_file.read_text(encoding="utf-8"), "Key findings")
    catalog = _untranslated(catalog, NOTICE)
    catalog = catalog.replace('\nmsgid "Languages"', '\n#, fuzzy\nmsgid "Languages"', 1)
    catalog_file.write_text(catalog, encoding="utf-8")
    domains = root / "content/en/domains.yaml"
    text = domains.read_text(encoding="utf-8")
    sentence = "This domain examines the type and degree of countries’ preparedness"
    assert text.count(sentence) == 1
    domains.write_text(text.replace(sentence, sentence.replace("type", "kind")),
                       encoding="utf-8")
    out = tmp_path_factory.mktemp("interface-out")
    result = build(root, out / "plain", reports=["profile"], locales=["de"])
    review = build(root, out / "review", reports=["profile"], locales=["de"], formats=["html"],
                   mark_fallback=True)
    return Builds(root, out / "plain", out / "review", result, review)


def test_an_untranslated_interface_message_is_shown_in_english_marked_lang_en(
        builds: Builds) -> None:
    html = builds.html(builds.plain)
    assert '<span lang="en">Key findings</span>' in html
    assert "Wichtigste Ergebnisse" not in html


def test_a_fuzzy_interface_message_is_shown_in_english_and_no_mark_is_left_in_attributes(
        builds: Builds) -> None:
    html = builds.html(builds.plain)
    assert 'aria-label="Languages"' in html and 'aria-label="Sprachen"' not in html
    assert not re.search("[\ufdd0-\ufdef]", html)


def test_the_notice_shown_in_english_names_the_languages_in_english(builds: Builds) -> None:
    html = builds.html(builds.plain)
    assert ('<span lang="en">Parts of this edition are not yet translated and are shown in '
            "English.</span>") in html
    assert "Englisch" not in html


def test_the_translated_notice_names_the_languages_in_the_edition_language(
        built: SessionBuild) -> None:
    html = built.edition("kaz", "profile", "de").html
    assert "werden auf Englisch angezeigt" in html


def test_the_log_and_the_manifest_list_the_interface_fallbacks(builds: Builds) -> None:
    wanted = {"Key findings", "Languages", NOTICE}
    (edition,) = builds.result.editions
    assert wanted <= set(edition.fallback_messages)
    assert f"{len(edition.fallback_messages)} fallback interface messages" in edition.line()
    assert any("interface messages in a fallback language" in line
               for line in edition.details())
    manifest = json.loads((builds.plain / "manifest.json").read_text(encoding="utf-8"))
    for record in manifest["outputs"]:
        assert wanted <= set(record["fallback_messages"]), record["path"]
        assert OUTDATED_KEY in record["outdated_keys"]


def test_the_pdf_tags_the_english_interface_words_with_lang_en(builds: Builds) -> None:
    with pikepdf.open(builds.plain / "kaz/profile.de.pdf") as pdf:
        english = [element for element in walk(tree(pdf))
                   if element.obj.get("/Lang") == "en" and "/ActualText" not in element.obj]
        assert english
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(builds.plain /
                                                            "kaz/profile.de.pdf").pages)
    assert "Key findings" in text


def test_a_review_build_marks_fallback_and_outdated_passages_apart_with_their_keys(
        builds: Builds) -> None:
    html = builds.html(builds.review)
    assert '<span lang="en" data-state="fallback" title="Key findings">Key findings</span>' \
        in html
    assert re.search(r'lang="en" title="kaz\.profile\.findings\.[^"]+" data-state="fallback"',
                     html)
    assert f'title="{OUTDATED_KEY}" data-state="outdated"' in html
    assert '[data-state="outdated"]' in html and '[data-state="fallback"]' in html
    (edition,) = builds.review_result.editions
    assert OUTDATED_KEY in edition.outdated_keys
    assert "1 outdated passage)" in edition.line()


def test_the_source_edition_shows_no_interface_fallback(built: SessionBuild) -> None:
    html = built.edition("kaz", "profile", "en").html
    assert '<span lang="en"' not in html
    assert all(not edition.fallback_messages for edition in built.result.editions
               if edition.edition.endswith(".en"))
